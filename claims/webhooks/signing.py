"""Webhook signatures per the Standard Webhooks specification (https://www.standardwebhooks.com/).

Every delivery carries three headers:

- `webhook-id`: the event's id (`evt_...`), the same on every retry and redelivery, so a
  receiver can drop duplicates;
- `webhook-timestamp`: Unix seconds of this attempt;
- `webhook-signature`: `v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">`, keyed with the
  subscription's secret (`whsec_` + base64 of random bytes; the key is the decoded bytes).

Receivers verify with any Standard Webhooks library, e.g. Python's
`standardwebhooks.Webhook(secret).verify(body, headers)`, which also rejects timestamps more
than five minutes off, so a captured delivery cannot be replayed later.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
# Informational only (not signed separately; the type is in the signed body too).
EVENT_HEADER = "X-Factcheck-Event"

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks format."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def is_valid_secret(secret: str) -> bool:
    """`whsec_` + base64 of 24 to 64 bytes (the range the spec's libraries accept)."""
    if not secret.startswith(SECRET_PREFIX):
        return False
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return False
    return 24 <= len(key) <= 64


def _webhook(secret: str) -> Webhook:
    # Subscriptions made before the standard kept a plain text secret: its bytes are the key.
    return Webhook(secret if secret.startswith(SECRET_PREFIX) else secret.encode())


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 signature>` of `<msg_id>.<timestamp>.<body>`."""
    return _webhook(secret).sign(
        msg_id=msg_id, timestamp=datetime.fromtimestamp(timestamp, tz=UTC), data=body.decode()
    )


def verify(secret: str, body: bytes, headers: dict[str, str]) -> bool:
    """What a receiver does (with the standardwebhooks package): True when the headers carry
    a fresh timestamp and a matching signature."""
    try:
        _webhook(secret).verify(body, headers, json_parse=False)
    except (WebhookVerificationError, ValueError):
        return False
    return True


def headers(
    *, secret: str, body: bytes, msg_id: str, event: str, now: int | None = None
) -> dict[str, str]:
    timestamp = int(time.time()) if now is None else now
    return {
        "Content-Type": "application/json",
        ID_HEADER: msg_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, msg_id, timestamp, body),
        EVENT_HEADER: event,
    }
