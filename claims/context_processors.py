from typing import Any

from django.http import HttpRequest

from claims.models import Notification


def desk(request: HttpRequest) -> dict[str, Any]:
    """The unread notification count shown in the page header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "pk", None) is None:
        return {}
    return {"unread": Notification.objects.filter(user=user, read_at__isnull=True).count()}
