"""The work queues: filters, pages, bulk triage, saved queues."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims import errors, selectors
from claims.models import (
    Claim,
    ClaimKind,
    ClaimStatus,
    Rating,
)
from claims.permissions import Action, can
from claims.services import people, workflow
from claims.views.access import desk_member
from claims.workflow import step


def filtered(request: HttpRequest, claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """The queue's filters (the API's FilterSet); a filter that does not parse is reported
    and left out, the others still apply."""
    filters = selectors.ClaimFilter(request.GET, queryset=claims)
    if filters.is_valid():
        return filters.qs
    for name, problems in filters.errors.items():
        messages.error(request, f"Filter {name}: {' '.join(problems)}")
    valid = request.GET.copy()
    for name in filters.errors:
        valid.pop(name, None)
    retry = selectors.ClaimFilter(valid, queryset=claims)
    return retry.qs if retry.is_valid() else claims


@desk_member
def queue(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _bulk(request)
    name = request.GET.get("queue", "unassigned")
    if name not in selectors.QUEUES:
        name = "unassigned"
    title, pick = selectors.QUEUES[name]
    base = Claim.objects.select_related("article", "rating", "assignee")
    claims = filtered(request, pick(request.user, base))
    page = Paginator(claims, 50).get_page(request.GET.get("page"))
    counts = {
        key: pick_(request.user, Claim.objects.all()).count()
        for key, (_, pick_) in selectors.QUEUES.items()
    }
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "claims/queue.html",
        {
            "title": title,
            "queue": name,
            "queues": [(key, label, counts[key]) for key, (label, _) in selectors.QUEUES.items()],
            "page": page,
            "query": query.urlencode(),
            "statuses": ClaimStatus.choices,
            "kinds": ClaimKind.choices,
            "ratings": Rating.objects.all(),
            "members": selectors.desk_members(),
            "can_triage": can(request.user, Action.TRIAGE),
            "saved": request.user.saved_queues.all(),  # type: ignore[union-attr]
        },
    )


BULK_STEPS = ("dismiss", "start-checking", "assign")
NOBODY = "-"  # the assignee choice that takes the selected claims off whoever has them


def _bulk(request: HttpRequest) -> HttpResponse:
    """One action on many claims; each goes through its service and is audited."""
    action = request.POST.get("bulk_action", "")
    if action not in BULK_STEPS:
        messages.error(request, "Choose what to do with the selected claims.")
        return redirect(request.get_full_path())
    if not can(request.user, step(action).permission):
        return HttpResponseForbidden("Your role does not allow this.")
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
    done = 0
    for pk in request.POST.getlist("claim"):
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


@require_POST
@desk_member
def saved_queue_save(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.TRIAGE):
        return HttpResponseForbidden("Only editors save queues.")
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
