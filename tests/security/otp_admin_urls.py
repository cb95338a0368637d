"""The project's URLs with the admin as it is when FACTCHECK_ADMIN_REQUIRES_2FA is on."""

from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from factcheck.urls import urlpatterns as project_urlpatterns


class RequiresCode(OTPAdminSite):
    pass


site = RequiresCode(name="otpadmin")
site._registry = admin.site._registry  # the same models, behind the code

urlpatterns = [
    path("admin/", site.urls),
    *[p for p in project_urlpatterns if not str(p.pattern).startswith("admin/")],
    path("", include("claims.urls")),
]
