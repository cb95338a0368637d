"""The dashboard: queues, articles with their claims in place, and the claim page.

Every page needs a login and a desk role; every write goes through claims.services, and a
refused or stale action re-renders the page with what the person typed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from claims import errors, exports, selectors
from claims.charts import Bar, bars
from claims.fetch import fetch_article
from claims.ingest import article_text_from_string, article_text_from_upload, title_from_text
from claims.models import (
    Article,
    Claim,
    ClaimKind,
    ClaimStatus,
    Event,
    ExtractionStatus,
    Notification,
    Rating,
    SourceStance,
)
from claims.permissions import Action, can
from claims.services import articles as article_service
from claims.services import memory, people, research, workflow
from claims.workflow import BY_NAME, available, step

View = Callable[..., HttpResponseBase]


def desk_member(view: View) -> View:
    """A logged-in user with a desk role; others get 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can(request.user, Action.VIEW):
            return HttpResponseForbidden("You have no role on this desk; ask an editor.")
        return view(request, *args, **kwargs)

    return wrapped


# --- queues ------------------------------------------------------------------------------


def _filtered(request: HttpRequest, claims: QuerySet[Claim]) -> QuerySet[Claim]:
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
    claims = _filtered(request, pick(request.user, base))
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


def _bulk(request: HttpRequest) -> HttpResponse:
    """One action on many claims; each goes through its service and is audited."""
    action = request.POST.get("bulk_action", "")
    if action not in BULK_STEPS:
        messages.error(request, "Choose what to do with the selected claims.")
        return redirect(request.get_full_path())
    if not can(request.user, step(action).permission):
        return HttpResponseForbidden("Your role does not allow this.")
    assignee = None
    if request.POST.get("assignee"):
        assignee = get_user_model().objects.filter(username=request.POST["assignee"]).first()
    done = 0
    for pk in request.POST.getlist("claim"):
        if not pk.isdigit():
            continue
        try:
            if action == "dismiss":
                workflow.claim_dismiss(claim_id=int(pk), actor=request.user)
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


# --- articles ----------------------------------------------------------------------------


@desk_member
def article_list(request: HttpRequest) -> HttpResponse:
    articles = (
        Article.objects.annotate(claim_count=Count("claims"))
        .defer("body", "raw")
        .order_by("-created_at", "-id")
    )
    page = Paginator(articles, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "claims/article_list.html",
        {"title": "Articles", "page": page, "can_load": can(request.user, Action.LOAD_ARTICLE)},
    )


def _segments(article: Article, claims: list[Claim]) -> list[tuple[str, Claim | None]]:
    """The body cut into plain runs and claim spans, in order (overlaps are left plain)."""
    parts: list[tuple[str, Claim | None]] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: c.start):
        if claim.start < cursor:
            continue
        if claim.start > cursor:
            parts.append((article.body[cursor : claim.start], None))
        parts.append((article.body[claim.start : claim.end], claim))
        cursor = claim.end
    parts.append((article.body[cursor:], None))
    return parts


def _article_context(article: Article) -> dict[str, Any]:
    claims = list(article.claims.select_related("rating", "assignee"))
    return {
        "title": article.title or f"Article {article.pk}",
        "article": article,
        "claims": sorted(claims, key=lambda c: c.start),
        "segments": _segments(article, claims),
        "extracting": article.extraction_status
        in (ExtractionStatus.QUEUED, ExtractionStatus.RUNNING),
        "threshold": selectors.threshold(),
    }


@desk_member
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    return render(request, "claims/article_detail.html", _article_context(article))


@desk_member
def article_reader(request: HttpRequest, pk: int) -> HttpResponse:
    """The article's text and claims alone, polled by the page while extraction runs."""
    article = get_object_or_404(Article, pk=pk)
    response = render(request, "claims/_article_reader.html", _article_context(article))
    response["X-Extraction-Status"] = article.extraction_status
    return response


def _read_upload(upload: Any) -> Any:
    return article_text_from_upload(upload.name or "", upload.read())


@desk_member
def article_load(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.LOAD_ARTICLE):
        return HttpResponseForbidden("Your role does not allow loading articles.")
    if request.method != "POST":
        return render(request, "claims/article_load.html", {"title": "Load articles"})
    loaded: list[Article] = []
    sources: list[tuple[str, Callable[[], Any]]] = []
    text = request.POST.get("text", "")
    url = request.POST.get("url", "").strip()
    if text.strip():
        sources.append(("the pasted text", lambda: article_text_from_string(text)))
    if url:
        sources.append((url, lambda: fetch_article(url)))
    for upload in request.FILES.getlist("files"):
        sources.append((upload.name or "a file", partial(_read_upload, upload)))
    if not sources:
        messages.error(request, "Paste a text, give an address, or choose files to load.")
    for label, read in sources:
        try:
            article_text = read()
            title = request.POST.get("title", "").strip() if len(sources) == 1 else ""
            article, created = article_service.article_load(
                text=article_text,
                loaded_by=request.user,
                title=title or title_from_text(article_text.body, fallback=label),
                url=url if label == url else "",
            )
        except errors.DeskError as exc:
            messages.error(request, f"{label}: {exc.message}")
            continue
        loaded.append(article)
        verb = "Loaded" if created else "Already loaded"
        messages.success(request, f"{verb}: {article.title}")
    if len(loaded) == 1:
        return redirect("desk:article", pk=loaded[0].pk)
    if loaded:
        return redirect("desk:articles")
    return render(
        request, "claims/article_load.html", {"title": "Load articles", "posted": request.POST}
    )


# --- the claim page ----------------------------------------------------------------------


def _claim_context(request: HttpRequest, claim: Claim, **extra: Any) -> dict[str, Any]:
    body = claim.article.body
    return {
        "title": f"Claim {claim.pk}",
        "claim": claim,
        "before": body[max(0, claim.start - 400) : claim.start],
        "after": body[claim.end : claim.end + 400],
        "sources": claim.sources.select_related("added_by"),
        "comments": claim.comments.select_related("author"),
        "history": Event.objects.filter(claim=claim).select_related("actor"),
        "ratings": Rating.objects.all(),
        "stances": SourceStance.choices,
        "members": selectors.desk_members(),
        "earlier": selectors.earlier_verdict(claim),
        "matches": claim.matches.select_related("target_claim", "target_factcheck", "decided_by"),
        # The buttons: one per step of claims.workflow that this user may take now.
        "can": available(request.user, claim),
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
    return (
        get_user_model().objects.filter(is_active=True, username=post.get("assignee", "")).first()
    )


def _id(post: Any, name: str) -> int:
    value = post.get(name, "")
    return int(value) if value.isdigit() else 0


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
}
assert set(HANDLERS) == set(BY_NAME), "every workflow step has a dashboard handler"


@require_POST
@desk_member
def claim_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of claims.workflow on one claim, from the claim page's buttons."""
    if action not in BY_NAME:
        return HttpResponse("No such action.", status=404)
    if not can(request.user, step(action).permission):
        return HttpResponseForbidden("Your role does not allow this.")
    post = request.POST
    try:
        HANDLERS[action](pk, request.user, post, _version(request))
    except errors.PermissionDenied as exc:
        return HttpResponseForbidden(exc.message)
    except errors.NotFound as exc:
        return HttpResponse(exc.message, status=404)
    except (errors.Conflict, errors.RuleViolation) as exc:
        # Re-render with what the person typed and why it was refused: nothing is lost.
        claim = get_object_or_404(
            Claim.objects.select_related("article", "rating", "assignee"), pk=pk
        )
        status = 409 if isinstance(exc, errors.Conflict) else 400
        context = _claim_context(
            request, claim, error=exc.message, posted=post, failed_action=action
        )
        return render(request, "claims/claim_detail.html", context, status=status)
    messages.success(request, "Saved.")
    return redirect("desk:claim", pk=pk)


# --- past verdicts ------------------------------------------------------------------------


@desk_member
def past_verdicts(request: HttpRequest) -> HttpResponse:
    """Search the desk's published verdicts and its imported archive by what a claim says."""
    text = request.GET.get("q", "").strip()[:2000]
    results = memory.past_verdicts_search(text=text, actor=request.user, limit=20) if text else []
    return render(
        request,
        "claims/past_verdicts.html",
        {"title": "Past verdicts", "q": text, "results": results},
    )


# --- reports -----------------------------------------------------------------------------

REPORT_FORMATS = {"csv", "xlsx", "json", "pdf"}
PDF_LIMIT = 2000


def _report(
    request: HttpRequest, claims: QuerySet[Claim], fmt: str, name: str, **pdf: Any
) -> HttpResponseBase:
    stamp = f"{name}-{timezone.now():%Y%m%d-%H%M}"
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            exports.csv_lines(claims), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "json":
        meta = {"newsroom": settings.FACTCHECK_NEWSROOM_NAME, "title": pdf.get("title", name)}
        response = StreamingHttpResponse(
            exports.json_chunks(claims, meta), content_type="application/json"
        )
    elif fmt == "xlsx":
        response = FileResponse(
            exports.xlsx_file(claims),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        if claims.count() > PDF_LIMIT:
            messages.error(
                request, f"A PDF holds at most {PDF_LIMIT} claims; narrow the filter or use CSV."
            )
            return redirect("desk:queue")
        data = exports.pdf_bytes(exports.report_queryset(claims), **pdf)
        response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{stamp}.{fmt}"'
    return response


@desk_member
def claims_report(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in REPORT_FORMATS:
        return HttpResponse("Formats: csv, xlsx, json, pdf.", status=404)
    name = request.GET.get("queue", "all")
    pick = selectors.QUEUES.get(name, selectors.QUEUES["all"])[1]
    claims = _filtered(request, pick(request.user, Claim.objects.all())).order_by(
        "article_id", "start"
    )
    return _report(request, claims, fmt, "claims", title="Claims report")


@desk_member
def article_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    if fmt not in REPORT_FORMATS:
        return HttpResponse("Formats: csv, xlsx, json, pdf.", status=404)
    article = get_object_or_404(Article, pk=pk)
    claims = article.claims.order_by("start")
    return _report(request, claims, fmt, f"article-{pk}", title=str(article), article=article)


# --- notifications, saved queues, statistics ----------------------------------------------


@desk_member
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(
        Notification.objects.filter(user_id=int(request.user.pk or 0)).select_related("claim")[:100]
    )
    if request.method == "POST":
        people.notifications_mark_read(user=request.user)
        return redirect("desk:notifications")
    return render(request, "claims/notifications.html", {"title": "Notifications", "items": items})


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


@desk_member
def statistics(request: HttpRequest) -> HttpResponse:
    by_status = dict(Claim.objects.values_list("status").annotate(n=Count("id")))
    status_bars = [Bar(label, by_status.get(value, 0)) for value, label in ClaimStatus.choices]
    verdicts = Rating.objects.annotate(
        n=Count("claim", filter=Q(claim__status=ClaimStatus.PUBLISHED))
    ).order_by("order", "id")  # GROUP BY queries ignore Meta.ordering
    verdict_bars = [Bar(r.label, r.n, r.colour) for r in verdicts]
    published = list(
        Claim.objects.published().values_list("created_at", "published_at").order_by("published_at")
    )
    days = sorted((p - c).total_seconds() / 86400 for c, p in published if p)
    median = days[len(days) // 2] if days else None
    weeks = (
        Claim.objects.published()
        .annotate(week=TruncWeek("published_at"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by("-week")[:12]
    )
    week_bars = [Bar(f"{w['week']:%Y-%m-%d}", w["n"]) for w in reversed(list(weeks))]
    workload = (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(
            open=Count(
                "assigned_claims",
                filter=Q(assigned_claims__status__in=[ClaimStatus.CHECKING, ClaimStatus.IN_REVIEW]),
            )
        )
        .filter(open__gt=0)
        .order_by("-open")
    )
    workload_bars = [Bar(u.get_username(), u.open) for u in workload]
    return render(
        request,
        "claims/statistics.html",
        {
            "title": "Statistics",
            "status_chart": bars(status_bars, title="Claims by status"),
            "verdict_chart": bars(verdict_bars, title="Published claims by verdict"),
            "week_chart": bars(week_bars, title="Published per week"),
            "workload_chart": bars(workload_bars, title="Open claims per person"),
            "median_days": median,
            "published_count": len(days),
        },
    )
