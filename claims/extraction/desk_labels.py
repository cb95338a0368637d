"""The desk's own triage decisions as check-worthiness labels: an editor who moved a claim to
checking said "worth checking"; one who dismissed it said "not". The latest decision by a
person counts. Articles are split into a training side and a held-out side by a hash of their
id, so an article stays on its side as labels accumulate and the two never share an article.
"""

from __future__ import annotations

import hashlib
from typing import Any

HELD_OUT_PERCENT = 20
DECISIONS = {"claim.checking": True, "claim.dismissed": False}


def desk_labels() -> list[dict[str, Any]]:
    """One row per triaged claim: id, text, checkworthy, context_id (its article)."""
    from claims.models import Event

    latest: dict[int, tuple[bool, str, int]] = {}
    events = (
        Event.objects.filter(action__in=list(DECISIONS), actor__isnull=False, claim__isnull=False)
        .order_by("created_at", "pk")
        .values_list("claim_id", "action", "claim__text", "claim__article_id")
    )
    for claim_id, action, text, article_id in events.iterator(chunk_size=2000):
        latest[claim_id] = (DECISIONS[action], text, article_id)
    return [
        {
            "id": f"desk-{claim_id}",
            "text": text,
            "checkworthy": label,
            "context_id": f"article-{article_id}",
        }
        for claim_id, (label, text, article_id) in sorted(latest.items())
    ]


def is_held_out(row: dict[str, Any]) -> bool:
    digest = hashlib.sha256(str(row["context_id"]).encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_PERCENT


def split(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(training side, held-out side)."""
    return [r for r in rows if not is_held_out(r)], [r for r in rows if is_held_out(r)]
