"""The doors that once went around the rules (issue "One workflow, written once"): each test
failed before the fix and holds it now."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from claims import errors
from claims.models import (
    Article,
    Claim,
    ClaimMatch,
    ClaimStatus,
    DeliveryStatus,
    Event,
    ExtractionStatus,
    FactCheck,
    MatchStatus,
    Rating,
    WebhookDelivery,
)
from claims.services import articles as article_service
from claims.services import integrations, memory, research, workflow
from claims.webhooks import delivery as webhook_delivery
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory, rating

# --- 1. four-eyes follows authorship --------------------------------------------------------


def _in_checking(editor: Any, checker: Any) -> Claim:
    return workflow.claim_start_checking(claim_id=ClaimFactory().pk, actor=editor, assignee=checker)


def test_a_no_op_resave_does_not_launder_authorship(
    editor: Any, editor2: Any, checker: Any
) -> None:
    """The editor writes the verdict and its source; the fact-checker saves it unchanged and
    submits; the editor may still not publish their own text."""
    claim = _in_checking(editor, checker)
    research.source_add(claim_id=claim.pk, actor=editor, url="https://example.org/budget")
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=editor, rating=rating("false"), summary="No: £12 million."
    )
    events = Event.objects.filter(claim=claim).count()
    resaved = workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("false"), summary="No: £12 million."
    )
    assert Event.objects.filter(claim=claim).count() == events  # nothing changed, no Event
    assert resaved.verdict_by == editor
    assert set(resaved.verdict_authors.all()) == {editor}
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    with pytest.raises(errors.PermissionDenied, match="Four-eyes"):
        workflow.claim_publish(claim_id=claim.pk, actor=editor)
    assert workflow.claim_publish(claim_id=claim.pk, actor=editor2).status == "published"


def test_whoever_adds_a_source_is_an_author(editor: Any, editor2: Any, checker: Any) -> None:
    claim = _in_checking(editor, checker)
    research.source_add(claim_id=claim.pk, actor=checker, url="https://example.org/report")
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("false"), summary="No."
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    research.source_add(claim_id=claim.pk, actor=editor, url="https://example.org/evidence")
    with pytest.raises(errors.PermissionDenied):
        workflow.claim_publish(claim_id=claim.pk, actor=editor)
    # ... and the review queue agrees: it is not in the editor's queue, it is in editor2's.
    assert claim.pk not in _queue_ids(editor, "review")
    assert claim.pk in _queue_ids(editor2, "review")


def test_who_submitted_it_does_not_see_it_awaiting_their_review(
    editor: Any, editor2: Any, checker: Any
) -> None:
    claim = _in_checking(editor, checker)
    research.source_add(claim_id=claim.pk, actor=checker, url="https://example.org/report")
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("true"), summary="Yes."
    )
    workflow.claim_submit(claim_id=claim.pk, actor=editor)  # an editor may submit any claim
    assert claim.pk not in _queue_ids(editor, "review")
    assert claim.pk in _queue_ids(editor2, "review")
    with pytest.raises(errors.PermissionDenied, match="Four-eyes"):
        workflow.claim_publish(claim_id=claim.pk, actor=editor)


def test_a_correction_counts_its_authors_afresh(editor: Any, editor2: Any, checker: Any) -> None:
    claim = _in_checking(editor, checker)
    SourceFactory(claim=claim)
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("true"), summary="Yes."
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    workflow.claim_publish(claim_id=claim.pk, actor=editor2)
    workflow.claim_reopen(claim_id=claim.pk, actor=editor, reason="New figures")
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=editor2, rating=rating("mostly-true"), summary="Mostly."
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    with pytest.raises(errors.PermissionDenied):
        workflow.claim_publish(claim_id=claim.pk, actor=editor2)
    assert workflow.claim_publish(claim_id=claim.pk, actor=editor).status == "published"


def _queue_ids(user: Any, name: str) -> set[int]:
    client = Client()
    client.force_login(user)
    page = client.get(f"/?queue={name}")
    return {c.pk for c in page.context["page"].object_list}


# --- 2. four-eyes by the memory --------------------------------------------------------------


def _repeat_of_archive(status: str, *, url: str = "https://factcheck.example/1") -> Claim:
    factcheck = FactCheck.objects.create(
        collection="archive",
        external_id="fc-1",
        text="The council will spend £48 million on repairs.",
        title="Repairs cost £12 million, not £48 million",
        rating=rating("false"),
        rating_label="False",
        url=url,
        embedding=b"",
        embedding_version="test",
    )
    claim = ClaimFactory()
    ClaimMatch.objects.create(
        claim=claim, target_factcheck=factcheck, score=0.9, cosine=0.9, status=status
    )
    Claim.objects.filter(pk=claim.pk).update(canonical_factcheck=factcheck)
    return Claim.objects.get(pk=claim.pk)


def test_a_confirmed_suggestion_only_drafts_the_earlier_verdict(editor: Any, editor2: Any) -> None:
    claim = _repeat_of_archive(MatchStatus.CONFIRMED)
    applied = memory.claim_apply_verdict(claim_id=claim.pk, actor=editor)
    assert applied.status == ClaimStatus.CHECKING
    assert applied.rating == rating("false") and applied.sources.count() == 1
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    with pytest.raises(errors.PermissionDenied, match="Four-eyes"):
        workflow.claim_publish(claim_id=claim.pk, actor=editor)
    assert workflow.claim_publish(claim_id=claim.pk, actor=editor2).status == "published"


def test_an_automatic_link_publishes_at_once(editor: Any) -> None:
    claim = _repeat_of_archive(MatchStatus.LINKED)
    applied = memory.claim_apply_verdict(claim_id=claim.pk, actor=editor)
    assert applied.status == ClaimStatus.PUBLISHED


def test_an_earlier_verdict_with_no_source_is_not_published(editor: Any) -> None:
    claim = _repeat_of_archive(MatchStatus.LINKED, url="")
    with pytest.raises(errors.RuleViolation, match="needs one"):
        memory.claim_apply_verdict(claim_id=claim.pk, actor=editor)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED and claim.rating is None


# --- 3. the admin writes through audited services --------------------------------------------


@pytest.fixture
def staff(editor: Any) -> Client:
    editor.is_staff = True
    editor.save()
    client = Client()
    client.force_login(editor)
    return client


def _rating_form(r: Rating, **changes: Any) -> dict[str, Any]:
    data = {
        "label": r.label,
        "slug": r.slug,
        "description": r.description,
        "colour": r.colour,
        "order": r.order,
        "rating_value": r.rating_value or "",
    }
    if r.is_unverifiable:
        data["is_unverifiable"] = "on"
    data.update(changes)
    return data


def test_admin_rating_change_is_audited(staff: Client, editor: Any) -> None:
    false = rating("false")
    url = reverse("admin:claims_rating_change", args=[false.pk])
    response = staff.post(url, _rating_form(false, description="Plainly wrong."))
    assert response.status_code == 302
    event = Event.objects.get(action="rating.changed")
    assert event.actor == editor and event.after["description"] == "Plainly wrong."


def test_admin_cannot_make_a_rating_unverifiable_under_an_unsourced_review(
    staff: Client, editor: Any, checker: Any
) -> None:
    """Ticking Unverifiable on False would let a sourceless False in review be published."""
    claim = _in_checking(editor, checker)
    unverifiable = Rating.objects.get(is_unverifiable=True)
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=unverifiable, summary="Cannot tell."
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    Claim.objects.filter(pk=claim.pk).update(rating=rating("false"))  # as if the draft said it
    false = rating("false")
    url = reverse("admin:claims_rating_change", args=[false.pk])
    response = staff.post(url, _rating_form(false, is_unverifiable="on"), follow=True)
    assert response.status_code == 200
    assert "no source" in response.content.decode()
    assert not rating("false").is_unverifiable
    assert not Event.objects.filter(action="rating.changed").exists()


def test_admin_archive_rating_change_is_audited(staff: Client, editor: Any) -> None:
    factcheck = _repeat_of_archive(MatchStatus.LINKED).canonical_factcheck
    assert factcheck is not None
    url = reverse("admin:claims_factcheck_change", args=[factcheck.pk])
    response = staff.post(url, {"rating": rating("true").pk})
    assert response.status_code == 302
    factcheck.refresh_from_db()
    assert factcheck.rating == rating("true")
    event = Event.objects.get(action="factcheck.rating_changed")
    assert event.actor == editor and event.after["rating"] == "True"


def test_admin_claim_save_is_never_a_500(staff: Client, editor: Any, checker: Any) -> None:
    """Adding a source in the admin goes through the service; a refusal is a message."""
    claim = ClaimFactory()  # detected: sources are refused until checking starts
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    form = {
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-url": "https://example.org/evidence",
        "sources-0-stance": "supports",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    refused = staff.post(url, form, follow=True)
    assert refused.status_code == 200
    assert "Cannot add a source" in refused.content.decode()
    assert not claim.sources.exists()
    workflow.claim_start_checking(claim_id=claim.pk, actor=editor)
    saved = staff.post(url, form)
    assert saved.status_code == 302
    assert claim.sources.get().url == "https://example.org/evidence"
    assert Event.objects.filter(claim=claim, action="source.added", actor=editor).exists()


# --- 4. redelivery and repeated pushes go through the services -------------------------------


def test_redelivery_is_audited(editor: Any, settings: Any) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    integrations.webhook_subscribe(
        url="http://127.0.0.1:9/x", events=["claim.published"], actor=editor
    )
    webhook_delivery.record("claim.published", {"claim": {"id": 1}})
    first = WebhookDelivery.objects.get()
    again = integrations.webhook_redeliver(delivery_id=first.pk, actor=editor)
    event = Event.objects.get(action="webhook.redelivered")
    assert event.actor == editor and event.after["of"] == first.pk
    assert event.after["delivery"] == again.pk


def test_a_repeated_idempotency_key_queues_what_the_first_push_could_not(
    editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The first push found the queue down (503); the retry under the same key must queue the
    extraction, not just answer with the stored article."""
    _, raw = integrations.api_token_create(name="cms", scope="write")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    article = ArticleFactory(
        idempotency_key="cms-1",
        extraction_status=ExtractionStatus.QUEUED,
        extraction_error=article_service.NOT_QUEUED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/articles/",
            {"title": "Bridge", "body": "Another text entirely."},
            format="json",
            HTTP_IDEMPOTENCY_KEY="cms-1",
        )
    assert response.status_code == 200 and response.json()["id"] == article.pk
    article.refresh_from_db()
    assert article.extraction_error == ""  # queued this time (and, eagerly, extracted)
    assert article.extraction_status == ExtractionStatus.DONE
    assert Article.objects.count() == 1


# --- 5. a delivery is sent once per attempt, whoever tries -----------------------------------


class SlowReceiver:
    def __init__(self, delay: float) -> None:
        self.hits = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver.hits += 1
                self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(delay)
                self.send_response(500)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_claimed_attempt_is_not_sent_again_by_deliver_due(editor: Any, settings: Any) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    receiver = SlowReceiver(0)
    try:
        integrations.webhook_subscribe(url=receiver.url, events=["claim.published"], actor=editor)
        webhook_delivery.record("claim.published", {"claim": {"id": 1}})
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        first = webhook_delivery.attempt_delivery(delivery.pk)
        assert first.claimed and first.attempts == 1 and receiver.hits == 1
        # The retry is due in 30 s: a cron run now sends nothing.
        assert webhook_delivery.deliver_due() == 0
        assert receiver.hits == 1
        later = timezone.now() + timedelta(minutes=5)
        assert webhook_delivery.deliver_due(later) == 1 and receiver.hits == 2
    finally:
        receiver.stop()


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_one_request(editor: Any, settings: Any) -> None:
    """The Celery retry and `deliver_webhooks` racing for one due delivery: one sends."""
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    receiver = SlowReceiver(0.5)
    try:
        integrations.webhook_subscribe(url=receiver.url, events=["claim.published"], actor=editor)
        webhook_delivery.record("claim.published", {"claim": {"id": 1}})  # sent once, eagerly
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        sent_before = receiver.hits
        results: list[Any] = []

        def send() -> None:
            from django.db import connection

            try:
                results.append(webhook_delivery.attempt_delivery(delivery.pk))
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert receiver.hits == sent_before + 1
        assert sum(1 for r in results if r.claimed) == 1
        stored = WebhookDelivery.objects.get()
        assert stored.attempts == sent_before + 1 and stored.status == DeliveryStatus.PENDING
    finally:
        receiver.stop()


def test_admin_article_edit_is_audited_and_never_touches_the_body(
    staff: Client, editor: Any
) -> None:
    article = ArticleFactory(title="Old title")
    body = article.body
    url = reverse("admin:claims_article_change", args=[article.pk])
    form = {
        "title": "Bridge repairs",
        "outlet": "The Courier",
        "author": "",
        "url": "",
        "published_at_0": "",
        "published_at_1": "",
        "body": "forged",
        "claims-TOTAL_FORMS": "0",
        "claims-INITIAL_FORMS": "0",
    }
    response = staff.post(url, form)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Bridge repairs" and article.body == body
    event = Event.objects.get(action="article.edited")
    assert event.actor == editor
    assert event.before["title"] == "Old title" and event.after["outlet"] == "The Courier"
