"""Demo data for a first look: one account per role and a few articles written for the demo.

Seeding is done once: run again (every `make run` does), it creates only what is missing and
keeps the passwords the desk has, printing a password only when it sets one."""

import secrets
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from claims.ingest import article_text_from_upload, title_from_text
from claims.permissions import Role
from claims.services import articles, people

DEMO_ARTICLES = Path(__file__).resolve().parents[2] / "demo_articles"

DEMO_USERS = [
    ("editor", Role.EDITOR, "Edith", "Editor"),
    ("editor2", Role.EDITOR, "Ed", "Second-Editor"),
    ("checker", Role.FACT_CHECKER, "Chris", "Checker"),
    ("viewer", Role.VIEWER, "Vera", "Viewer"),
]


RESET_HINT = (
    "Forgot a demo password? DEBUG=1 .venv/bin/python manage.py seed_demo --reset-passwords "
    "(new random ones, printed), or manage.py changepassword USERNAME for one account."
)


class Command(BaseCommand):
    help = (
        "Create the demo accounts (printing the passwords of new ones) and load the demo "
        "articles; existing accounts keep their passwords unless --reset-passwords."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default="",
            help="set this password on every demo account, new or existing",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="give every demo account a new random password (printed)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        logins = []
        with transaction.atomic():
            for username, role, first, last in DEMO_USERS:
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": f"{username}@example.org",
                        "is_staff": True,
                    },
                )
                password = options["password"]
                if not password and (created or options["reset_passwords"]):
                    password = secrets.token_urlsafe(12)
                if password:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                if created:
                    # Roles too are the desk's once the account exists: set them only here.
                    people.user_set_role(user=user, role=role)
                logins.append((username, password or "(unchanged)", str(role)))
        for path in sorted(DEMO_ARTICLES.glob("*.txt")):
            text = article_text_from_upload(path.name, path.read_bytes())
            article, created = articles.article_load(
                text=text, title=title_from_text(text.body, fallback=path.stem), outlet="Demo Desk"
            )
            state = "loaded" if created else "already loaded"
            self.stdout.write(f"{state}: {article.title} (article {article.pk})")
        self.stdout.write("")
        self.stdout.write("Demo logins (username / password / role):")
        for username, password, role_name in logins:
            self.stdout.write(f"  {username:<8} {password:<18} {role_name}")
        self.stdout.write(RESET_HINT)
