"""The one audit call. `log` writes the Event and, from the action's name, the webhook
deliveries and the notifications that follow it, in the same transaction: no service can
record an action and forget what it causes (the way pretix's `log_action` drives webhooks).

EFFECTS below is the table: which audited actions reach the CMS and whom they tell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from claims import selectors
from claims.models import Article, Claim, ClaimStatus, Event, Notification, Source
from claims.permissions import TokenClient, roles_of
from claims.webhooks import delivery


def person(actor: Any) -> Any:
    """The user behind an action, for foreign keys; None for the system and API clients."""
    if isinstance(actor, TokenClient) or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def claim_snapshot(claim: Claim) -> dict[str, Any]:
    """The reviewable state of a claim, as recorded before and after each change."""
    return {
        "status": claim.status,
        "assignee": claim.assignee.get_username() if claim.assignee_id and claim.assignee else None,
        "rating": claim.rating.label if claim.rating_id and claim.rating else None,
        "summary": claim.summary,
        "claim_reviewed": claim.claim_reviewed,
        "version": claim.version,
    }


def source_snapshot(source: Source) -> dict[str, Any]:
    return {
        "id": source.pk,
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "accessed_at": source.accessed_at.isoformat() if source.accessed_at else None,
        "excerpt": source.excerpt,
        "stance": source.stance,
    }


# --- what an action causes -----------------------------------------------------------------

Recipients = Callable[[Claim, Any, dict[str, Any], dict[str, Any]], Iterable[Any]]
Message = Callable[[Claim, str, dict[str, Any]], str]


@dataclass(frozen=True)
class Effect:
    webhook: str | None = None  # the webhook event sent to subscribed CMS endpoints
    notify: Recipients | None = None  # who is told, in the dashboard and by e-mail
    message: Message | None = None


def _users(usernames: Iterable[str | None]) -> list[Any]:
    names = [n for n in usernames if n]
    return list(get_user_model().objects.filter(username__in=names)) if names else []


def _new_assignee(claim: Claim, actor: Any, before: dict[str, Any], after: dict[str, Any]) -> Any:
    return [claim.assignee] if claim.assignee_id else []


def _assignees_changed(
    claim: Claim, actor: Any, before: dict[str, Any], after: dict[str, Any]
) -> Any:
    """The new assignee (given a claim) and the previous one (had it taken off them)."""
    return _users([before.get("assignee"), after.get("assignee")])


def _reviewers(claim: Claim, actor: Any, before: dict[str, Any], after: dict[str, Any]) -> Any:
    """Editors who may publish it: not its authors, not who submitted it (four-eyes)."""
    return selectors.reviewers_of(claim)


def _people_on_it(claim: Claim, actor: Any, before: dict[str, Any], after: dict[str, Any]) -> Any:
    """The assignee, everyone who wrote the verdict, and who submitted it."""
    people: list[Any] = list(claim.verdict_authors.all())
    if claim.assignee_id:
        people.append(claim.assignee)
    previous = [before.get("assignee"), before.get("submitted_by"), before.get("published_by")]
    return people + _users([*previous, *before.get("authors", [])])


EFFECTS: dict[str, Effect] = {
    "claim.checking": Effect(
        notify=_new_assignee, message=lambda c, by, a: f"{by} gave you claim {c.pk} to check"
    ),
    "claim.assigned": Effect(
        notify=_assignees_changed,
        message=lambda c, by, a: (
            f"{by} assigned you claim {c.pk}"
            if a.get("notified") == a.get("assignee")
            else f"{by} took claim {c.pk} off you"
        ),
    ),
    "claim.submitted": Effect(
        notify=_reviewers, message=lambda c, by, a: f"Claim {c.pk} is ready for your review"
    ),
    "claim.changes_requested": Effect(
        notify=_people_on_it,
        message=lambda c, by, a: (
            f"{by} asked for changes on claim {c.pk}: " + str(a.get("comment", ""))[:200]
        ),
    ),
    "claim.published": Effect(
        webhook="claim.published",
        notify=_people_on_it,
        message=lambda c, by, a: f"{by} published the verdict on claim {c.pk}",
    ),
    "claim.verdict_applied": Effect(
        notify=_people_on_it,
        message=lambda c, by, a: f"{by} applied an earlier verdict to claim {c.pk}",
    ),
    "claim.reopened": Effect(
        webhook="claim.reopened",
        notify=_people_on_it,
        message=lambda c, by, a: f"{by} reopened claim {c.pk}: " + str(a.get("reason", ""))[:200],
    ),
    "article.extracted": Effect(webhook="article.extracted"),
}


def log(
    action: str,
    *,
    actor: Any = None,
    claim: Claim | None = None,
    article: Article | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Event:
    """Record an action in the audit log, and send what follows from it (EFFECTS)."""
    before = dict(before or {})
    after = dict(after or {})
    if isinstance(actor, TokenClient):
        after["api_client"] = actor.get_username()
    event = Event.objects.create(
        action=action,
        actor=person(actor),
        claim=claim,
        article=article if article is not None else (claim.article if claim is not None else None),
        before=before,
        after=after,
    )
    effect = EFFECTS.get(action)
    if effect is None:
        return event
    name = actor.get_username() if actor is not None else "Factcheck"
    if effect.webhook and _reaches_cms(action, claim):
        webhook = effect.webhook
        if action == "claim.published" and _published_before(claim, event):
            webhook = "claim.corrected"  # a republication after a reopen: a correction
        delivery.record(webhook, _webhook_data(action, claim, event.article, after))
    if effect.notify is not None and effect.message is not None and claim is not None:
        told: set[Any] = set()
        for user in effect.notify(claim, actor, before, after):
            if user is None or user.pk in told or user.pk == getattr(actor, "pk", None):
                continue
            told.add(user.pk)
            text = effect.message(claim, name, {**after, "notified": user.get_username()})
            notify(user, claim, text)
    return event


def _published_before(claim: Claim | None, event: Event) -> bool:
    return (
        claim is not None
        and Event.objects.filter(claim=claim, action="claim.published")
        .exclude(pk=event.pk)
        .exists()
    )


def _reaches_cms(action: str, claim: Claim | None) -> bool:
    return action != "claim.verdict_applied" or (
        claim is not None and claim.status == ClaimStatus.PUBLISHED
    )


def _webhook_data(
    action: str, claim: Claim | None, article: Article | None, after: dict[str, Any]
) -> dict[str, Any]:
    if claim is not None:
        data: dict[str, Any] = {"claim": selectors.claim_payload(claim)}
        if "reason" in after:
            data["reason"] = after["reason"]
        return data
    assert article is not None
    counts = {k: v for k, v in after.items() if k not in ("model_version", "api_client")}
    return {
        "article": {
            "id": article.pk,
            "title": article.title,
            "url": article.url,
            "external_id": article.external_id,
            **counts,
        }
    }


def notify(user: Any, claim: Claim, message: str) -> None:
    """Tell a desk member in the dashboard, and by e-mail (Django's mail settings) on commit;
    both name the claim and link to it."""
    if user is None or not getattr(user, "is_active", False) or not roles_of(user):
        return
    Notification.objects.create(user=user, claim=claim, message=message[:500])
    if user.email:
        subject = f"[Factcheck] {message[:120]}"
        link = f"{settings.FACTCHECK_DASHBOARD_URL.rstrip('/')}/claims/{claim.pk}/"
        body = f"{message}\n\nClaim {claim.pk}: {claim.text}\n{link}\n"
        transaction.on_commit(
            lambda: send_mail(subject, body, None, [user.email], fail_silently=True)
        )
