from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClaimsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "claims"
    verbose_name = "Fact-checking desk"

    def ready(self) -> None:
        post_migrate.connect(_ensure_defaults, sender=self)
        post_migrate.connect(_ensure_fulltext, sender=self)
        from claims import checks, security  # noqa: F401 - registers checks, login receivers


def _ensure_defaults(**kwargs: Any) -> None:
    from claims.defaults import ensure_default_ratings, ensure_role_groups

    ensure_role_groups(using=kwargs.get("using", "default"))
    ensure_default_ratings(using=kwargs.get("using", "default"))


def _ensure_fulltext(**kwargs: Any) -> None:
    """On SQLite a table that a migration rebuilt has lost its full-text triggers: put them
    back (and rebuild the FTS table) so that search never silently falls behind."""
    from django.db import connections

    from claims import fulltext

    connection = connections[kwargs.get("using", "default")]
    if connection.vendor == "sqlite":
        fulltext.install(connection)
