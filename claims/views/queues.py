"""The work queues: filters, pages, bulk triage, saved queues."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from claims import errors, selectors
from claims.models import (
    Article,
    Claim,
    ClaimKind,
    ClaimStatus,
    Rating,
)
from claims.permissions import Action, can
from claims.services import people, workflow
from claims.views.access import desk_member, post_only, refusal
from claims.workflow import step


def _valid_filters(request: HttpRequest) -> Any:
    """The URL's filters that parse (the API's FilterSet); each that does not is reported once
    and left out, the others still apply."""
    filters = selectors.ClaimFilter(request.GET, queryset=Claim.objects.none())
    if filters.is_valid():
        return request.GET
    for name, problems in filters.errors.items():
        messages.error(request, f"Filter {name}: {' '.join(problems)}")
    valid = request.GET.copy()
    for name in filters.errors:
        valid.pop(name, None)
    return valid


def _apply(data: Any, claims: QuerySet[Claim]) -> QuerySet[Claim]:
    claims = selectors.not_archived(claims, archived=data.get("archived") == "1")
    filters = selectors.ClaimFilter(data, queryset=claims)
    return filters.qs if filters.is_valid() else claims


def filtered(request: HttpRequest, claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """The queue's filters applied to `claims` (bad ones reported and left out)."""
    return _apply(_valid_filters(request), claims)


PAGE_SIZES = (25, 50, 100, 200)


def _page_size(request: HttpRequest) -> int:
    value = request.GET.get("per_page", "")
    if not value:
        return 50
    if value.isdigit() and int(value) in PAGE_SIZES:
        return int(value)
    messages.error(request, f"Page size: choose one of {', '.join(map(str, PAGE_SIZES))}.")
    return 50


@desk_member
def queue(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _bulk(request)
    name = request.GET.get("queue", "unassigned")
    if name not in selectors.QUEUES:
        name = "unassigned"
    title, pick = selectors.QUEUES[name]
    data = _valid_filters(request)
    base = Claim.objects.select_related("article", "rating", "assignee")
    claims = _apply(data, pick(request.user, base))
    per_page = _page_size(request)
    page = Paginator(claims, per_page).get_page(request.GET.get("page"))
    # The tabs count what each queue holds under the same filters.
    counts = {
        key: _apply(data, pick_(request.user, Claim.objects.all())).count()
        for key, (_, pick_) in selectors.QUEUES.items()
    }
    query = request.GET.copy()
    query.pop("page", None)
    filters_only = query.copy()
    filters_only.pop("queue", None)
    article_id = data.get("article", "")
    return render(
        request,
        "claims/queue.html",
        {
            "title": title,
            "queue": name,
            "queues": [(key, label, counts[key]) for key, (label, _) in selectors.QUEUES.items()],
            "page": page,
            "query": query.urlencode(),
            "filters_query": filters_only.urlencode(),
            "f": data,
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
            "statuses": ClaimStatus.choices,
            "kinds": ClaimKind.choices,
            "ratings": Rating.objects.all(),
            "members": selectors.desk_members(),
            "filter_article": Article.objects.filter(pk=article_id).only("title").first()
            if str(article_id).isdigit()
            else None,
            "can_triage": can(request.user, Action.TRIAGE),
            "can_assign": can(request.user, Action.ASSIGN),
            "saved": request.user.saved_queues.all(),  # type: ignore[union-attr]
        },
    )


BULK_STEPS = ("dismiss", "start-checking", "assign")
BULK_VERBS = {"dismiss": "Dismiss", "start-checking": "Start checking", "assign": "Assign"}
NOBODY = "-"  # the assignee choice that takes the selected claims off whoever has them


def _bulk(request: HttpRequest) -> HttpResponse:
    """One action on many claims; each goes through its service and is audited."""
    action = request.POST.get("bulk_action", "")
    if action not in BULK_STEPS:
        messages.error(request, "Choose what to do with the selected claims.")
        return redirect(request.get_full_path())
    if not can(request.user, step(action).permission):
        return refusal(request, 403, "Your role does not allow this; nothing was changed.")
    # Assign never unassigns silently: taking claims off people is its own explicit choice.
    chosen = request.POST.get("assignee", "")
    assignee = None
    if chosen and chosen != NOBODY:
        assignee = get_user_model().objects.filter(username=chosen, is_active=True).first()
        if assignee is None:
            messages.error(request, f"There is no active desk member {chosen!r}.")
            return redirect(request.get_full_path())
    if action == "assign" and not chosen:
        messages.error(
            request, "Choose whom to assign the selected claims to (or take them off everyone)."
        )
        return redirect(request.get_full_path())
    reason = request.POST.get("reason", "")
    ids = [int(pk) for pk in request.POST.getlist("claim") if pk.isdigit()]
    if not ids:
        messages.error(request, "Tick the claims to act on first.")
        return redirect(request.get_full_path())
    if request.POST.get("confirmed") != "1":
        # Asked first: the page's script asks in a dialog and says yes here; without it, this
        # page asks, listing the claims, and nothing is done until the desk says yes.
        chosen_claims = Claim.objects.filter(pk__in=ids).select_related("assignee")
        return render(
            request,
            "claims/bulk_confirm.html",
            {
                "title": "Are you sure?",
                "action": action,
                "verb": BULK_VERBS[action],
                "claims": chosen_claims,
                "assignee": assignee,
                "nobody": chosen == NOBODY,
                "reason": reason,
                "back": request.get_full_path(),
            },
        )
    done = 0
    for pk in map(str, ids):
        if not pk.isdigit():
            continue
        try:
            if action == "dismiss":
                workflow.claim_dismiss(claim_id=int(pk), actor=request.user, reason=reason)
            elif action == "start-checking":
                workflow.claim_start_checking(
                    claim_id=int(pk), actor=request.user, assignee=assignee
                )
            else:
                workflow.claim_assign(claim_id=int(pk), actor=request.user, assignee=assignee)
            done += 1
        except errors.DeskError as exc:
            messages.error(request, f"Claim {pk}: {exc.message}")
    if done:
        messages.success(request, f"Done for {done} claim{'s' if done != 1 else ''}.")
    return redirect(request.get_full_path())


@post_only
@desk_member
def saved_queue_save(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.TRIAGE):
        return refusal(request, 403, "Only editors save queues.")
    try:
        people.saved_queue_save(
            owner=request.user,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
        )
        messages.success(request, "Queue saved.")
    except errors.DeskError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('desk:queue')}?{request.POST.get('query', '')}")
