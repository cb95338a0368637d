"""Create an API token for a CMS client; the token is printed once, alone on the last line."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims import errors
from claims.services import integrations


class Command(BaseCommand):
    help = "Create an API token (read, write or webhooks scope); prints it alone on its last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="which client uses it, e.g. 'cms'")
        parser.add_argument("--scope", choices=["read", "write", "webhooks"], default="read")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            token, raw = integrations.api_token_create(name=options["name"], scope=options["scope"])
        except errors.DeskError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Created {token.scope} token {token.name!r} ({token.prefix}…). "
            "It is shown only now; store it in the client's secrets:"
        )
        self.stdout.write(raw)
