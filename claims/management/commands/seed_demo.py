"""Demo data for a first look: one account per role and a few articles written for the demo."""

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


class Command(BaseCommand):
    help = "Create demo accounts (printing their logins) and load the demo articles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default="",
            help="password for every demo account (default: a new random one each, printed)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        logins = []
        with transaction.atomic():
            for username, role, first, last in DEMO_USERS:
                user, _ = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": f"{username}@example.org",
                    },
                )
                password = options["password"] or secrets.token_urlsafe(9)
                user.set_password(password)
                user.is_staff = True
                user.save()
                people.user_set_role(user=user, role=role)
                logins.append((username, password, str(role)))
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
            self.stdout.write(f"  {username:<8} {password:<14} {role_name}")
