"""The dashboard in Debian's Chromium, driven by Playwright against a live server on 127.0.0.1:
each role logs in, an article's progress turns into highlighted claims, a claim goes from
triage to publication by a second editor, reports download, and a viewer cannot act.
Screenshots of the main pages go to test-artifacts/screenshots/."""

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from claims.ingest import article_text_from_string
from claims.models import Claim, ClaimStatus
from claims.services import articles
from tests.browser.conftest import PASSWORD
from tests.factories import ArticleFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARTICLE = (
    "Bridge repairs to cost £48 million, council says\n\n"
    "The city council said on Tuesday that repairs to the Old Harbour Bridge will cost "
    "£48 million, almost twice the estimate it published in 2022.\n\n"
    "Council leader Maria Okafor told reporters that more than 30,000 vehicles cross the "
    "bridge every day.\n\n"
    "Opposition councillor Tom Reyes claimed that the delay had added £10 million to the bill.\n\n"
    "Is the city getting value for money?"
)


def _login(browser: Any, live_server: Any, username: str) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(f"text={username}")
    return page


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_each_role_logs_in(browser: Any, live_server: Any, people: dict[str, Any]) -> None:
    for name in ("editor", "checker", "viewer"):
        page = _login(browser, live_server, name)
        assert "· Factcheck" in page.title()
        page.context.close()
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert page.is_visible("text=didn't match")
    _shot(page, "login")
    page.close()


def test_from_loading_to_publication(
    browser: Any, live_server: Any, people: dict[str, Any]
) -> None:
    # An article still waiting for extraction shows progress, then its claims, unprompted.
    article = ArticleFactory(body=ARTICLE, title="Bridge repairs", extraction_status="queued")
    editor = _login(browser, live_server, "editor")
    editor.goto(f"{live_server.url}/articles/{article.pk}/")
    assert editor.is_visible("text=Finding claims")
    _shot(editor, "article-extracting")
    editor.evaluate("window.stayedOnPage = true")
    articles.article_extract(article_id=article.pk)
    editor.wait_for_selector("a.claim", timeout=15000)
    assert editor.evaluate("window.stayedOnPage === true"), "the page reloaded"
    assert not editor.is_visible("text=Finding claims")
    _shot(editor, "article")
    claims = list(Claim.objects.filter(article=article).order_by("start"))
    assert len(claims) >= 3
    target = next(c for c in claims if "£48 million" in c.text and "Tuesday" in c.text)

    # Triage one claim: check it and give it to the fact-checker.
    editor.click(f"a.claim[href='/claims/{target.pk}/']")
    editor.select_option("form[action$='/start-checking/'] select[name=assignee]", "checker")
    editor.click("text=Check it")
    editor.wait_for_selector("text=Saved.")
    _shot(editor, "claim-triaged")

    # Bulk-dismiss the rest from the queue (the first ticked from the keyboard).
    editor.goto(f"{live_server.url}/?queue=all&status=detected")
    editor.keyboard.press("j")
    editor.keyboard.press("x")
    assert editor.is_checked("tbody tr.current input[name=claim]")
    for box in editor.query_selector_all("input[name=claim]"):
        box.check()
    editor.select_option("select[name=bulk_action]", "dismiss")
    editor.once("dialog", lambda dialog: dialog.accept())  # bulk actions ask first
    editor.click("text=Apply")
    editor.wait_for_selector("text=Done for")
    _shot(editor, "queue")
    assert not Claim.objects.filter(article=article, status=ClaimStatus.DETECTED).exists()

    # Research: a source, a verdict, submission.
    checker = _login(browser, live_server, "checker")
    checker.goto(f"{live_server.url}/?queue=mine")
    checker.click(f"a[href='/claims/{target.pk}/']")
    checker.fill("input[name=url]", "https://example.org/council-budget-2024.pdf")
    checker.fill("input[name=source_title]", "Council budget 2024")
    checker.select_option("select[name=stance]", "refutes")
    checker.click("text=Add source")
    checker.wait_for_selector("text=Council budget 2024")
    _shot(checker, "claim-research")
    checker.check("input[name=rating][value=mostly-false]")
    checker.fill("textarea[name=summary]", "The budget puts the repairs at £24 million.")
    checker.fill("input[name=claim_reviewed]", "Bridge repairs will cost £48m")
    checker.click("text=Save verdict")
    checker.wait_for_selector("text=Saved.")
    checker.click("text=Submit for review")
    checker.wait_for_selector("text=In review")
    assert not checker.is_visible("button:has-text('Publish')")
    _shot(checker, "claim-in-review")

    # A second editor publishes (the first editor triaged; neither drafted it).
    second = _login(browser, live_server, "editor2")
    second.goto(f"{live_server.url}/?queue=review")
    second.click(f"a[href='/claims/{target.pk}/']")
    second.once("dialog", lambda dialog: dialog.accept())  # publishing asks first
    second.click("button:has-text('Publish')")
    second.wait_for_selector("text=Published")
    _shot(second, "claim-published")
    target.refresh_from_db()
    assert target.status == ClaimStatus.PUBLISHED and target.published_by == people["editor2"]

    # Reports: a PDF and a CSV with the verdict in them.
    second.goto(f"{live_server.url}/articles/{article.pk}/")
    with second.expect_download() as pdf_download:
        second.click("text=PDF")
    pdf_path = pdf_download.value.path()
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    assert "Mostly false" in text and "£24 million" in text and "council-budget-2024" in text
    with second.expect_download() as csv_download:
        second.click("text=CSV")
    summary, table = (
        Path(csv_download.value.path()).read_bytes().decode("utf-8-sig").split("\r\n\r\n", 1)
    )
    assert summary.startswith("Summary")
    rows = list(csv.DictReader(io.StringIO(table)))
    published = [r for r in rows if r["status"] == "published"]
    assert published and published[0]["rating"] == "Mostly false"

    second.goto(f"{live_server.url}/statistics/")
    _shot(second, "statistics")
    for page in (editor, checker, second):
        page.context.close()


def test_viewer_cannot_act(browser: Any, live_server: Any, people: dict[str, Any]) -> None:
    article, _ = articles.article_load(text=article_text_from_string(ARTICLE), title="Bridge")
    articles.article_extract(article_id=article.pk)
    claim = Claim.objects.filter(article=article).first()
    assert claim is not None
    viewer = _login(browser, live_server, "viewer")
    viewer.goto(f"{live_server.url}/claims/{claim.pk}/")
    assert not viewer.is_visible("text=Check it")
    assert not viewer.is_visible("text=Dismiss")
    assert not viewer.is_visible("text=Add source")
    _shot(viewer, "claim-viewer")
    token = viewer.context.cookies()
    csrf = next(c["value"] for c in token if c["name"] == "csrftoken")
    response = viewer.request.post(
        f"{live_server.url}/claims/{claim.pk}/dismiss/",
        form={"version": str(claim.version)},
        headers={"X-CSRFToken": csrf, "Referer": f"{live_server.url}/claims/{claim.pk}/"},
    )
    assert response.status == 403
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED
    viewer.context.close()
