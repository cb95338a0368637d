"""The claim page and its actions: one handler per step of claims.workflow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from claims import errors, history, selectors
from claims.models import (
    Claim,
    ClaimantType,
    ClaimKind,
    ClaimStatus,
    Event,
    Rating,
    SourceStance,
)
from claims.permissions import can
from claims.services import editing, memory, research, workflow
from claims.views.access import desk_member, refusal
from claims.workflow import BY_NAME, available, step


def _claim_context(request: HttpRequest, claim: Claim, **extra: Any) -> dict[str, Any]:
    body = claim.article.body
    return {
        "title": f"Claim {claim.pk}",
        "claim": claim,
        "before": body[max(0, claim.start - 400) : claim.start],
        "after": body[claim.end : claim.end + 400],
        "sources": claim.sources.select_related("added_by"),
        "comments": claim.comments.select_related("author"),
        "history": history.history_of(Event.objects.filter(claim=claim).select_related("actor")),
        "ratings": Rating.objects.all(),
        "stances": SourceStance.choices,
        "members": selectors.desk_members(),
        "earlier": selectors.earlier_verdict(claim),
        "earlier_publishes": selectors.linked_automatically(claim),
        "matches": selectors.shown_matches(claim),
        # The buttons: one per step of claims.workflow that this user may take now.
        "can": available(request.user, claim),
        "kinds": ClaimKind.choices,
        "claimant_types": ClaimantType.choices,
        "quantities_text": "\n".join(
            " | ".join(
                "" if q.get(k) is None else str(q.get(k))
                for k in ("text", "value", "unit", "bound")
            ).rstrip(" |")
            for q in claim.quantities or []
        ),
        "dismiss_reason": selectors.dismiss_reason(claim) if claim.status == "dismissed" else "",
        "next_claim": selectors.next_claim(claim),
        "public_url": selectors.public_url(claim),
        # What publishing sends, for the reviewer to read first.
        "claim_reviewed": selectors.claim_reviewed(claim),
        "review_url": selectors.review_url(claim),
        "preview": selectors.claim_review_preview(claim)
        if claim.status == ClaimStatus.IN_REVIEW
        else "",
        **extra,
    }


@desk_member
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.select_related("article", "rating", "assignee"), pk=pk)
    return render(request, "claims/claim_detail.html", _claim_context(request, claim))


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _member(post: Any) -> Any:
    """The person chosen, or None if none was chosen; a name that is no active member is
    refused, never read as "nobody" (which would take the claim off its assignee)."""
    name = post.get("assignee", "").strip()
    if not name:
        return None
    member = get_user_model().objects.filter(is_active=True, username=name).first()
    if member is None:
        raise errors.RuleViolation(f"There is no active desk member {name!r}.")
    return member


def _id(post: Any, name: str) -> int:
    value = post.get(name, "")
    return int(value) if value.isdigit() else 0


def _int_or_none(post: Any, name: str) -> int | None:
    value = post.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise errors.RuleViolation(f"{name.capitalize()} must be a whole number.") from None


def _quantities(post: Any) -> list[dict[str, Any]] | None:
    """The quantities box: one per line, "text | value | unit | bound" (value, unit and bound
    may be left out)."""
    if "quantities" not in post:
        return None
    found: list[dict[str, Any]] = []
    for line in post["quantities"].splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")] + ["", "", ""]
        value: float | int | None = None
        if parts[1]:
            try:
                number = float(parts[1].replace(",", ""))
            except ValueError:
                raise errors.RuleViolation(f"{parts[1]!r} is not a number.") from None
            value = int(number) if number.is_integer() else number
        found.append(
            {"text": parts[0], "value": value, "unit": parts[2], "bound": parts[3] or None}
        )
    return found


def _edit(pk: int, user: Any, post: Any, v: int | None) -> Any:
    return editing.claim_edit(
        claim_id=pk,
        actor=user,
        start=_int_or_none(post, "start"),
        end=_int_or_none(post, "end"),
        kind=post.get("kind") or None,
        claimant=post.get("claimant"),
        claimant_type=post.get("claimant_type"),
        quantities=_quantities(post),
        claim_reviewed=post.get("claim_reviewed"),
        review_url=post.get("review_url"),
        expected_version=v,
    )


# What each step of claims.workflow reads from the posted form (the rules are in the services).
Handler = Callable[[int, Any, Any, int | None], Any]


HANDLERS: dict[str, Handler] = {
    "dismiss": lambda pk, user, post, v: workflow.claim_dismiss(
        claim_id=pk, actor=user, reason=post.get("reason", ""), expected_version=v
    ),
    "start-checking": lambda pk, user, post, v: workflow.claim_start_checking(
        claim_id=pk, actor=user, assignee=_member(post), expected_version=v
    ),
    "assign": lambda pk, user, post, v: workflow.claim_assign(
        claim_id=pk, actor=user, assignee=_member(post), expected_version=v
    ),
    "verdict": lambda pk, user, post, v: workflow.claim_set_verdict(
        claim_id=pk,
        actor=user,
        rating=Rating.objects.filter(slug=post.get("rating", "")).first(),
        summary=post.get("summary", ""),
        claim_reviewed=post.get("claim_reviewed", ""),
        expected_version=v,
    ),
    "submit": lambda pk, user, post, v: workflow.claim_submit(
        claim_id=pk, actor=user, expected_version=v
    ),
    "request-changes": lambda pk, user, post, v: workflow.claim_request_changes(
        claim_id=pk, actor=user, comment=post.get("comment", ""), expected_version=v
    ),
    "publish": lambda pk, user, post, v: workflow.claim_publish(
        claim_id=pk, actor=user, expected_version=v
    ),
    "reopen": lambda pk, user, post, v: workflow.claim_reopen(
        claim_id=pk, actor=user, reason=post.get("reason", ""), expected_version=v
    ),
    "add-source": lambda pk, user, post, v: research.source_add(
        claim_id=pk,
        actor=user,
        url=post.get("url", ""),
        title=post.get("source_title", ""),
        publisher=post.get("publisher", ""),
        excerpt=post.get("excerpt", ""),
        stance=post.get("stance", SourceStance.CONTEXT),
    ),
    "remove-source": lambda pk, user, post, v: research.source_remove(
        source_id=_id(post, "source"), actor=user
    ),
    "comment": lambda pk, user, post, v: research.comment_add(
        claim_id=pk, actor=user, body=post.get("body", "")
    ),
    "confirm-match": lambda pk, user, post, v: memory.match_confirm(
        match_id=_id(post, "match"), claim_id=pk, actor=user, expected_version=v
    ),
    "reject-match": lambda pk, user, post, v: memory.match_reject(
        match_id=_id(post, "match"), claim_id=pk, actor=user, expected_version=v
    ),
    "apply-verdict": lambda pk, user, post, v: memory.claim_apply_verdict(
        claim_id=pk, actor=user, expected_version=v
    ),
    "edit": _edit,
    "split": lambda pk, user, post, v: editing.claim_split(
        claim_id=pk, actor=user, offset=_id(post, "offset"), expected_version=v
    ),
    "merge": lambda pk, user, post, v: editing.claim_merge(
        claim_id=pk, actor=user, other_id=_id(post, "other"), expected_version=v
    ),
    "mark-duplicate": lambda pk, user, post, v: editing.claim_mark_duplicate(
        claim_id=pk, actor=user, canonical_id=_id(post, "canonical"), expected_version=v
    ),
    "unmark-duplicate": lambda pk, user, post, v: editing.claim_unmark_duplicate(
        claim_id=pk, actor=user, expected_version=v
    ),
    "restore": lambda pk, user, post, v: editing.claim_restore(
        claim_id=pk, actor=user, reason=post.get("reason", ""), expected_version=v
    ),
}


assert set(HANDLERS) == set(BY_NAME), "every workflow step has a dashboard handler"


def _claims() -> Any:
    return Claim.objects.select_related("article", "rating", "assignee")


def _back(request: HttpRequest, pk: int) -> str:
    """Where the browser goes after the action: the page it came from if it said so (the
    reader's in-place triage posts `next`), only a path on this site, else the claim."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("desk:claim", args=[pk])


def _refused(request: HttpRequest, pk: int, status: int, message: str) -> HttpResponse:
    """A refused action lands on the claim's own page with the reason (its address put back
    to the claim's by the page's script), never on a bare action URL."""
    claim = _claims().filter(pk=pk).first()
    if claim is None:
        return refusal(request, 404, f"There is no claim {pk}.")
    context = _claim_context(request, claim, refused=message, replace_url=True)
    return render(request, "claims/claim_detail.html", context, status=status)


@desk_member
def claim_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of claims.workflow on one claim, from the claim page's buttons."""
    if request.method != "POST":
        # A followed link or a reload of an action address (say, after signing in again).
        if not Claim.objects.filter(pk=pk).exists():
            return refusal(request, 404, f"There is no claim {pk}.")
        messages.info(request, "Nothing was done: take actions with the buttons on this page.")
        return redirect("desk:claim", pk=pk)
    if action not in BY_NAME:
        return _refused(request, pk, 404, f"There is no action {action!r} on a claim.")
    if not can(request.user, step(action).permission):
        return _refused(request, pk, 403, "Your role does not allow this; nothing was changed.")
    post = request.POST
    try:
        HANDLERS[action](pk, request.user, post, _version(request))
    except errors.PermissionDenied as exc:
        return _refused(request, pk, 403, exc.message)
    except errors.NotFound as exc:
        return _refused(request, pk, 404, exc.message)
    except (errors.Conflict, errors.RuleViolation) as exc:
        # Re-render with what the person typed and why it was refused: nothing is lost.
        claim = get_object_or_404(_claims(), pk=pk)
        status = 409 if isinstance(exc, errors.Conflict) else 400
        context = _claim_context(
            request, claim, error=exc.message, posted=post, failed_action=action, replace_url=True
        )
        return render(request, "claims/claim_detail.html", context, status=status)
    messages.success(request, "Saved.")
    return redirect(_back(request, pk))
