"""Articles: the list, loading, and the reader with every claim in place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join

from claims import errors, selectors
from claims.fetch import fetch_article
from claims.ingest import (
    article_text_from_string,
    article_text_from_upload,
    title_from_file_name,
    title_from_text,
)
from claims.models import (
    Article,
    Claim,
    ClaimantType,
    ClaimKind,
    ClaimStatus,
    ExtractionStatus,
    Rating,
)
from claims.permissions import Action, can
from claims.services import articles as article_service
from claims.services import editing
from claims.views.access import desk_member, post_only, refusal
from claims.workflow import available


@desk_member
def article_list(request: HttpRequest) -> HttpResponse:
    """The articles, newest first; archived ones only with ?archived=1."""
    show_archived = request.GET.get("archived") == "1"
    articles = Article.objects.filter(archived_at__isnull=not show_archived)
    articles = (
        articles.annotate(claim_count=Count("claims"))
        .defer("body", "raw")
        .order_by("-created_at", "-id")
    )
    page = Paginator(articles, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "claims/article_list.html",
        {
            "title": "Archived articles" if show_archived else "Articles",
            "page": page,
            "show_archived": show_archived,
            "archived_count": None
            if show_archived
            else Article.objects.filter(archived_at__isnull=False).count(),
            "can_load": can(request.user, Action.LOAD_ARTICLE),
        },
    )


def _segments(article: Article, claims: list[Claim]) -> list[tuple[str, Claim | None, int]]:
    """The body cut into plain runs and claim spans, in order, each with its offset in the body
    (for "Add as claim" from a selection); overlaps are left plain."""
    parts: list[tuple[str, Claim | None, int]] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: c.start):
        if claim.start < cursor:
            continue
        if claim.start > cursor:
            parts.append((article.body[cursor : claim.start], None, cursor))
        parts.append((article.body[claim.start : claim.end], claim, claim.start))
        cursor = claim.end
    parts.append((article.body[cursor:], None, cursor))
    return parts


PROMINENT_STATUSES = (ClaimStatus.CHECKING, ClaimStatus.IN_REVIEW, ClaimStatus.PUBLISHED)


def _prominent(claim: Claim, threshold: float) -> bool:
    """Shown by default in the reader: check-worthy claims not dismissed, the ones a person
    added, and every claim the desk has taken up; the rest wait for "Show the other claims"."""
    if claim.status in PROMINENT_STATUSES:
        return True
    return claim.status != ClaimStatus.DISMISSED and (
        claim.score >= threshold or claim.added_by_person
    )


def _article_context(article: Article, request: HttpRequest) -> dict[str, Any]:
    user = request.user
    threshold = selectors.threshold()
    claims = sorted(article.claims.select_related("rating", "assignee"), key=lambda c: c.start)
    others = 0
    for claim in claims:
        prominent = _prominent(claim, threshold)
        others += not prominent
        claim.prominent = prominent  # type: ignore[attr-defined]
        # The triage controls in place: the steps of claims.workflow this user may take now.
        claim.can = available(user, claim)  # type: ignore[attr-defined]
        claim.url = reverse("desk:claim", args=[claim.pk])  # type: ignore[attr-defined]
        claim.score_text = f"{claim.score:.2f}"  # type: ignore[attr-defined]
    members = list(selectors.desk_members())
    return {
        "title": article.title or f"Article {article.pk}",
        "article": article,
        "claims": claims,
        "segments": _segments(article, claims),
        "extracting": article.extraction_status
        in (ExtractionStatus.QUEUED, ExtractionStatus.RUNNING),
        "threshold": threshold,
        "show_all": request.GET.get("all") == "1",
        "others": others,
        "can_add_claim": can(user, Action.TRIAGE),
        "can_manage": can(user, Action.MANAGE_ARTICLES),
        "kinds": ClaimKind.choices,
        "claimant_types": ClaimantType.choices,
        "members": members,
        # Rendered once for every claim's "Check it" and "Assign" (escaped by format_html).
        "member_options": format_html_join(
            "", '<option value="{}">{}</option>', ((m.username, m.username) for m in members)
        ),
        "reader_url": reverse("desk:article", args=[article.pk]),
        "statuses": ClaimStatus.choices,
        "ratings": Rating.objects.all(),
    }


@desk_member
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    return render(request, "claims/article_detail.html", _article_context(article, request))


@desk_member
def article_reader(request: HttpRequest, pk: int) -> HttpResponse:
    """The article's text and claims alone: polled by the page while extraction runs, and
    fetched again after an action taken in place."""
    article = get_object_or_404(Article, pk=pk)
    response = render(request, "claims/_article_reader.html", _article_context(article, request))
    response["X-Extraction-Status"] = article.extraction_status
    return response


def _offset(value: str) -> int:
    if not value.strip().isdigit():
        raise errors.RuleViolation("Select the claim's text first (its start and end).")
    return int(value)


@post_only
@desk_member
def article_claim_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a claim the extractor missed, from a selection in the reader (editors)."""
    if not can(request.user, Action.TRIAGE):
        return refusal(request, 403, "Only an editor may add a claim.")
    post = request.POST
    try:
        claim = editing.claim_add(
            article_id=pk,
            actor=request.user,
            start=_offset(post.get("start", "")),
            end=_offset(post.get("end", "")),
            kind=post.get("kind") or None,
            claimant=post.get("claimant") or None,
            claimant_type=(post.get("claimant_type") or None) if post.get("claimant") else None,
        )
    except errors.NotFound as exc:
        return refusal(request, 404, exc.message)
    except errors.DeskError as exc:
        messages.error(request, f"The claim was not added: {exc.message}")
        return redirect("desk:article", pk=pk)
    messages.success(request, f"Added claim {claim.pk}.")
    return redirect("desk:claim", pk=claim.pk)


def _read_upload(upload: Any) -> Any:
    return article_text_from_upload(upload.name or "", upload.read())


def _published_at(value: str, current: datetime | None = None) -> datetime | None:
    """The publication date from a date field (YYYY-MM-DD): midnight of that day, local time;
    the date the article already has keeps its time of day."""
    value = value.strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise errors.RuleViolation(
            f"The publication date {value[:20]!r} is not a date (YYYY-MM-DD)."
        ) from None
    if current is not None and timezone.localtime(current).date() == day:
        return current
    return timezone.make_aware(datetime.combine(day, time()))


def _metadata(post: Any, article: Article | None = None) -> dict[str, Any]:
    return {
        "outlet": post.get("outlet", ""),
        "author": post.get("author", ""),
        "published_at": _published_at(
            post.get("published_at", ""), article.published_at if article else None
        ),
    }


@post_only
@desk_member
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the article's title, outlet, author, original address and date (editors)."""
    if not can(request.user, Action.MANAGE_ARTICLES):
        return refusal(request, 403, "Only an editor may change an article's details.")
    article = get_object_or_404(Article, pk=pk)
    try:
        article_service.article_edit(
            article_id=pk,
            actor=request.user,
            values={
                **_metadata(request.POST, article),
                "title": request.POST.get("title", ""),
                "url": request.POST.get("url", ""),
            },
        )
    except errors.NotFound as exc:
        return refusal(request, 404, exc.message)
    except errors.DeskError as exc:
        messages.error(request, f"The details were not saved: {exc.message}")
        return redirect("desk:article", pk=pk)
    messages.success(request, "Saved the article's details.")
    return redirect("desk:article", pk=pk)


def _manage(
    request: HttpRequest, pk: int, act: Callable[[], Any], done: str, *, then: str = ""
) -> HttpResponse:
    """Run an article service for an editor; a refusal is a page that leads back to the
    article, a success a message on it."""
    back = reverse("desk:article", args=[pk])
    if not can(request.user, Action.MANAGE_ARTICLES):
        return refusal(request, 403, "Only an editor may do this to an article.", back=back)
    try:
        act()
    except errors.NotFound as exc:
        return refusal(request, 404, exc.message)
    except errors.Conflict as exc:
        return refusal(
            request,
            409,
            exc.message,
            back=back,
            back_label="Back to the article",
            title="Not while claims are worked on",
        )
    except errors.DeskError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, done)
    return redirect(then or back)


@post_only
@desk_member
def article_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _manage(
        request,
        pk,
        lambda: article_service.article_archive(article_id=pk, actor=request.user),
        "Archived: the article's claims are out of the queues (the queue's filter shows them).",
    )


@post_only
@desk_member
def article_unarchive(request: HttpRequest, pk: int) -> HttpResponse:
    return _manage(
        request,
        pk,
        lambda: article_service.article_unarchive(article_id=pk, actor=request.user),
        "Back from the archive: its claims are in the queues again.",
    )


@post_only
@desk_member
def article_extract(request: HttpRequest, pk: int) -> HttpResponse:
    return _manage(
        request,
        pk,
        lambda: article_service.article_reextract(article_id=pk, actor=request.user),
        "Extraction queued again: claims people worked on or corrected are kept as they are.",
    )


@post_only
@desk_member
def article_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an article after a yes (the page's dialog, or without script a page that asks);
    refused while a claim of it is worked on, published or followed."""
    if request.POST.get("confirmed") != "1" and can(request.user, Action.MANAGE_ARTICLES):
        article = get_object_or_404(Article, pk=pk)
        return render(
            request,
            "claims/article_delete_confirm.html",
            {
                "title": "Delete the article?",
                "article": article,
                "claim_count": article.claims.count(),
                "blockers": article_service.delete_blockers(article),
            },
        )
    return _manage(
        request,
        pk,
        lambda: article_service.article_delete(article_id=pk, actor=request.user),
        f"Deleted article {pk} and its claims.",
        then=reverse("desk:articles"),
    )


@desk_member
def article_load(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.LOAD_ARTICLE):
        return refusal(request, 403, "Your role does not allow loading articles.")
    if request.method != "POST":
        return render(request, "claims/article_load.html", {"title": "Load articles"})
    loaded: list[Article] = []
    sources: list[tuple[str, Callable[[], Any], str]] = []
    text = request.POST.get("text", "")
    url = request.POST.get("url", "").strip()
    if text.strip():
        sources.append(("the pasted text", lambda: article_text_from_string(text), ""))
    if url:
        sources.append((url, lambda: fetch_article(url), ""))
    for upload in request.FILES.getlist("files"):
        name = upload.name or "a file"
        sources.append((name, partial(_read_upload, upload), title_from_file_name(name)))
    try:
        metadata = _metadata(request.POST)
    except errors.DeskError as exc:
        messages.error(request, exc.message)
        sources = []
    else:
        if not sources:
            messages.error(request, "Paste a text, give an address, or choose files to load.")
    for label, read, file_title in sources:
        try:
            article_text = read()
            title = request.POST.get("title", "").strip() if len(sources) == 1 else ""
            article, created = article_service.article_load(
                text=article_text,
                loaded_by=request.user,
                title=title or file_title or title_from_text(article_text.body, fallback=label),
                url=url if label == url else "",
                **metadata,
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
