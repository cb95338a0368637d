"""Manage webhook subscriptions from the server: the same services the API calls, audited as
a trusted local command. `--token NAME` acts as that integration token (its own
subscriptions only), as the CMS would over the API."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims import errors
from claims.models import ApiToken
from claims.permissions import TokenClient
from claims.services import integrations


class Command(BaseCommand):
    help = "List, create, rotate the secret of, or delete webhook subscriptions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--token", help="act as this integration token (by name)")
        sub = parser.add_subparsers(dest="command", required=True)
        sub.add_parser("list", help="active subscriptions")
        create = sub.add_parser("create", help="subscribe a URL; prints the secret once")
        create.add_argument("url")
        create.add_argument("--event", action="append", required=True, dest="events")
        rotate = sub.add_parser("rotate", help="a new secret; prints it once")
        rotate.add_argument("id", type=int)
        delete = sub.add_parser("delete", help="stop sending to a subscription")
        delete.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options.get("token"))
        try:
            self._run(options["command"], actor, options)
        except errors.DeskError as exc:
            raise CommandError(exc.message) from None

    def _actor(self, name: str | None) -> TokenClient | None:
        if not name:
            return None
        token = ApiToken.objects.filter(name=name, revoked_at__isnull=True).first()
        if token is None:
            raise CommandError(f"There is no active API token named {name!r}.")
        return TokenClient(token)

    def _run(self, command: str, actor: TokenClient | None, options: dict[str, Any]) -> None:
        if command == "list":
            for s in integrations.webhook_subscriptions(actor=actor):
                owner = s.token.name if s.token else "desk"
                self.stdout.write(f"{s.pk}\t{s.url}\t{','.join(s.events)}\t{owner}")
        elif command == "create":
            subscription, secret = integrations.webhook_subscribe(
                url=options["url"], events=options["events"], actor=actor
            )
            self.stdout.write(f"Subscribed {subscription.pk}: {subscription.url}. Secret:")
            self.stdout.write(secret)
        elif command == "rotate":
            subscription, secret = integrations.webhook_rotate_secret(
                subscription_id=options["id"], actor=actor
            )
            self.stdout.write(f"New secret for {subscription.pk} (in force now):")
            self.stdout.write(secret)
        elif command == "delete":
            integrations.webhook_unsubscribe(subscription_id=options["id"], actor=actor)
            self.stdout.write(f"Unsubscribed {options['id']}.")
