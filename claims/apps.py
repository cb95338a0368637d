from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClaimsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "claims"
    verbose_name = "Fact-checking desk"

    def ready(self) -> None:
        post_migrate.connect(_ensure_defaults, sender=self)
        from claims import checks, security  # noqa: F401 - registers checks, login receivers


def _ensure_defaults(**kwargs: Any) -> None:
    from claims.defaults import ensure_default_ratings, ensure_role_groups

    ensure_role_groups(using=kwargs.get("using", "default"))
    ensure_default_ratings(using=kwargs.get("using", "default"))
