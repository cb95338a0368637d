"""The article -> claims pipeline: the Celery task, idempotent re-extraction, the span
invariant, the sample articles, and one run through a real Celery worker over Redis."""

import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from claims.ingest import article_text_from_string, article_text_from_upload
from claims.models import Article, Claim, ClaimStatus, Event, ExtractionStatus
from claims.services import articles as article_service
from claims.services import research, workflow
from factcheck.celery import app as celery_app
from tests.conftest import SAMPLE_ARTICLES
from tests.factories import rating
from tests.workers import start_worker, stop_worker

ROOT = Path(__file__).resolve().parents[2]
BODY = (
    "Repairs to the Old Harbour Bridge will cost £48 million, the council said on Tuesday. "
    "Council leader Maria Okafor said more than 30,000 vehicles cross it every day. "
    "Traffic has risen by 12% since 2019, according to the transport committee."
)


def _load(body: str = BODY, **kwargs: Any) -> Article:
    article, created = article_service.article_load(text=article_text_from_string(body), **kwargs)
    assert created
    article.refresh_from_db()
    return article


@pytest.fixture
def load(db: None, django_capture_on_commit_callbacks: Any) -> Any:
    """Load an article as a request would: extraction runs when the transaction commits."""

    def _run(body: str = BODY, **kwargs: Any) -> Article:
        with django_capture_on_commit_callbacks(execute=True):
            article = _load(body, **kwargs)
        article.refresh_from_db()
        return article

    return _run


def _assert_spans(article: Article) -> None:
    for claim in article.claims.all():
        assert article.body[claim.start : claim.end] == claim.text


def test_loading_runs_extraction_and_claims_index_the_body(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = _load()
    assert len(callbacks) == 1  # extraction is queued only once the article is committed
    assert article.extraction_status == ExtractionStatus.QUEUED
    callbacks[0]()
    article.refresh_from_db()
    assert article.extraction_status == ExtractionStatus.DONE
    assert article.extractor_version
    assert article.claims.count() >= 2
    _assert_spans(article)
    money = [c for c in article.claims.all() if "£48 million" in c.text]
    assert money and money[0].quantities[0]["value"] == 48_000_000
    assert all(c.model_version == article.extractor_version for c in article.claims.all())
    assert Event.objects.filter(article=article, action="article.extracted").exists()


def test_extracting_again_duplicates_nothing_and_keeps_touched_claims(
    load: Any, editor: Any, checker: Any
) -> None:
    article = load()
    claims = list(article.claims.order_by("start"))
    touched = claims[0]
    workflow.claim_start_checking(claim_id=touched.pk, actor=editor, assignee=checker)
    workflow.claim_set_verdict(
        claim_id=touched.pk, actor=checker, rating=rating("true"), summary="Checked."
    )
    commented = claims[1]
    research.comment_add(claim_id=commented.pk, actor=checker, body="Worth a look")
    # Simulate an older extraction's claim that the extractor no longer finds.
    Claim.objects.filter(pk=touched.pk).update(score=0.01)

    article_service.article_extract(article_id=article.pk)
    article_service.article_extract(article_id=article.pk)

    assert article.claims.count() == len(claims)
    touched.refresh_from_db()
    assert touched.status == ClaimStatus.CHECKING
    assert touched.summary == "Checked."
    assert touched.score == 0.01  # a claim a person acted on is never overwritten
    assert Claim.objects.filter(pk=commented.pk).exists()
    _assert_spans(article)


def test_untouched_claims_no_longer_found_are_removed_touched_kept(db: None, editor: Any) -> None:
    article = _load()
    article_service.article_extract(article_id=article.pk)
    stray_untouched = Claim.objects.create(
        article=article, start=0, end=7, text=article.body[0:7], score=0.5
    )
    stray_touched = Claim.objects.create(
        article=article, start=8, end=12, text=article.body[8:12], score=0.5
    )
    workflow.claim_dismiss(claim_id=stray_touched.pk, actor=editor)
    article_service.article_extract(article_id=article.pk)
    assert not Claim.objects.filter(pk=stray_untouched.pk).exists()
    assert Claim.objects.filter(pk=stray_touched.pk, status=ClaimStatus.DISMISSED).exists()


def test_same_article_loaded_twice_creates_nothing(load: Any) -> None:
    article = load()
    count = (Article.objects.count(), Claim.objects.count(), Event.objects.count())
    again, created = article_service.article_load(
        text=article_text_from_string("  " + BODY.replace(" ", "  ") + "\n")
    )
    assert not created
    assert again.pk == article.pk
    assert (Article.objects.count(), Claim.objects.count(), Event.objects.count()) == count


def test_idempotency_key_returns_the_first_article(db: None) -> None:
    first = _load(idempotency_key="cms-123")
    again, created = article_service.article_load(
        text=article_text_from_string(BODY + " An update."), idempotency_key="cms-123"
    )
    assert (again.pk, created) == (first.pk, False)


def test_sample_articles_load_with_the_anchor_claims(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    paths = sorted(SAMPLE_ARTICLES.glob("*.txt"))
    assert len(paths) == 3, f"expected the three sample articles in {SAMPLE_ARTICLES}"
    articles = []
    for path in paths:
        with django_capture_on_commit_callbacks(execute=True):
            article, created = article_service.article_load(
                text=article_text_from_upload(path.name, path.read_bytes()), title=path.stem
            )
        assert created
        article.refresh_from_db()
        assert article.extraction_status == ExtractionStatus.DONE, article.extraction_error
        assert article.body == path.read_text(encoding="utf-8")
        _assert_spans(article)
        articles.append(article)
    texts = {a.title[:3]: [c for c in a.claims.all()] for a in articles}
    phone = [c for c in texts["000"] if "seven private phone calls" in c.text]
    assert phone, "the 'seven private phone calls' claim was not found"
    assert any(q["value"] == 7 for q in phone[0].quantities)
    money = [c for c in texts["002"] if "$350 billion" in c.text]
    assert money, "the '$350 billion' claim was not found"
    assert any(q["value"] == 350_000_000_000 and q["unit"] == "USD" for q in money[0].quantities)

    before = (Article.objects.count(), Claim.objects.count())
    for path in paths:
        _, created = article_service.article_load(
            text=article_text_from_upload(path.name, path.read_bytes())
        )
        assert not created
    assert (Article.objects.count(), Claim.objects.count()) == before


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_extraction_through_a_real_celery_worker_over_redis() -> None:
    """A real worker process, over the real Redis broker, into the real test database."""
    redis_url = os.environ.get("REDIS_URL", "")
    assert redis_url.startswith("redis://"), "the worker test needs REDIS_URL (make test sets it)"
    queue = f"factcheck-test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(redis_url, queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis_url
    celery_app.conf.task_default_queue = queue
    try:
        article = _load()
        assert article.extraction_status == ExtractionStatus.QUEUED
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            article.refresh_from_db()
            if article.extraction_status in (ExtractionStatus.DONE, ExtractionStatus.FAILED):
                break
            assert worker.poll() is None, "the worker died"
            time.sleep(0.5)
        assert article.extraction_status == ExtractionStatus.DONE, article.extraction_error
        assert article.claims.count() >= 2
        _assert_spans(article)
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.conf.task_default_queue = "celery"
        stop_worker(worker)
        connection.close()
