from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path

from claims.security import LoginView

if settings.FACTCHECK_ADMIN_REQUIRES_2FA:
    from django_otp.admin import OTPAdminSite

    # The admin admits only people signed in with their two-factor code.
    admin.site.__class__ = OTPAdminSite


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", include("claims.urls")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("claims.api.urls")),
]
