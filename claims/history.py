"""The audit log in words: an Event's before and after as the lines a desk reads
("rating: Half true -> False", "assignee: (none) -> checker"), for the claim page's history."""

from __future__ import annotations

from typing import Any

from django.db.models import TextChoices

from claims.models import ClaimantType, ClaimKind, ClaimStatus, Event, SourceStance

NONE = "(none)"
LONGEST = 120  # a longer value (a summary, a claim's text) is cut, with an ellipsis
# Bookkeeping, not a change a person reads.
SKIPPED = frozenset({"version", "fields", "id", "api_client"})
FIELD_LABELS = {
    "claim_reviewed": "short claim",
    "review_url": "ClaimReview URL",
    "claimant_type": "claimant is",
    "canonical": "same claim as",
    "from_claim": "split from claim",
    "into_claim": "merged into claim",
    "claim": "claim",
    "url": "address",
    "published_at": "publication date",
    "accessed_at": "accessed",
}
CHOICES: dict[str, type[TextChoices]] = {
    "status": ClaimStatus,
    "kind": ClaimKind,
    "claimant_type": ClaimantType,
    "stance": SourceStance,
}
ACTION_LABELS = {
    "claim.start_checking": "Checking started",
    "claim.edited": "Corrected",
    "claim.added": "Added by a person",
    "claim.marked_duplicate": "Marked as a duplicate",
    "claim.unmarked_duplicate": "Unmarked as a duplicate",
}


def action_label(action: str) -> str:
    """`claim.changes_requested` -> "Changes requested", `source.added` -> "Source added"."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    subject, _, verb = action.partition(".")
    words = verb.replace("_", " ") if subject == "claim" else f"{subject} {verb.replace('_', ' ')}"
    return words[:1].upper() + words[1:]


def value_text(name: str, value: Any) -> str:
    """One value as a person reads it: labels for statuses and kinds, (none) for nothing."""
    if value is None or value == "" or value == []:
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name in CHOICES and isinstance(value, str):
        try:
            return str(CHOICES[name](value).label)
        except ValueError:
            pass
    if name == "quantities" and isinstance(value, list):
        return "; ".join(str(q.get("text", q)) if isinstance(q, dict) else str(q) for q in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_text(k, v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(value_text(name, v) for v in value)
    text = " ".join(str(value).split())
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


def change_lines(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed, a line a field, in the order the fields were recorded; a field the same
    on both sides is left out, one on one side only reads from or to (none)."""
    lines: list[str] = []
    for name in dict.fromkeys([*before, *after]):
        if name in SKIPPED:
            continue
        label = FIELD_LABELS.get(name, name.replace("_", " "))
        if name in before and name in after:
            if before[name] == after[name]:
                continue
            lines.append(
                f"{label}: {value_text(name, before[name])} -> {value_text(name, after[name])}"
            )
        elif name in after:
            lines.append(f"{label}: {value_text(name, after[name])}")
        else:
            lines.append(f"{label}: {value_text(name, before[name])} -> {NONE}")
    return lines


def event_lines(event: Event) -> list[str]:
    return change_lines(event.before or {}, event.after or {})


def history_of(events: Any) -> list[dict[str, Any]]:
    """Events as the claim page shows them: when, who, what, and the changes in words."""
    return [
        {
            "created_at": event.created_at,
            "actor": event.actor,
            "action": action_label(event.action),
            "lines": event_lines(event),
        }
        for event in events
    ]
