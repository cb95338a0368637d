"""Managing an article in Debian's Chromium: an editor corrects its details, archives it (its
claims leave the queue), brings it back, and deletes another after saying yes. Screenshots go
with the others (test-artifacts/screenshots/)."""

from typing import Any

import pytest

from claims.models import Article, Claim
from tests.browser.test_dashboard_flow import _login, _shot
from tests.factories import ClaimFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_edit_archive_unarchive_and_delete_an_article(
    browser: Any, live_server: Any, people: dict[str, Any]
) -> None:
    claim = ClaimFactory(score=0.9)
    article = claim.article
    editor = _login(browser, live_server, "editor")
    editor.goto(f"{live_server.url}/articles/{article.pk}/")
    editor.click("text=Edit the article's details")
    editor.fill("form.article-edit input[name=title]", "Harbour bridge repairs")
    editor.fill("form.article-edit input[name=outlet]", "The Courier")
    editor.fill("form.article-edit input[name=published_at]", "2024-05-01")
    _shot(editor, "article-edit")
    editor.click("text=Save details")
    editor.wait_for_selector("text=Saved the article's details.")
    assert editor.inner_text("h1") == "Harbour bridge repairs"
    saved = Article.objects.get(pk=article.pk)
    assert saved.outlet == "The Courier" and saved.published_at is not None

    editor.click("button:text('Archive')")
    editor.wait_for_selector("text=its claims are out of the queues")
    _shot(editor, "article-archived")
    assert Article.objects.get(pk=article.pk).archived_at is not None
    editor.goto(f"{live_server.url}/?queue=all")
    assert editor.locator(f"a[href='/claims/{claim.pk}/']").count() == 0
    editor.goto(f"{live_server.url}/articles/{article.pk}/")
    editor.click("button:text('Unarchive')")
    editor.wait_for_selector("text=Back from the archive")
    editor.goto(f"{live_server.url}/?queue=all")
    assert editor.locator(f"a[href='/claims/{claim.pk}/']").count() >= 1

    # Delete asks first: No keeps it, Yes deletes it.
    editor.goto(f"{live_server.url}/articles/{article.pk}/")
    editor.once("dialog", lambda dialog: dialog.dismiss())
    editor.click("button:text('Delete')")
    assert Article.objects.filter(pk=article.pk).exists()
    editor.once("dialog", lambda dialog: dialog.accept())
    editor.click("button:text('Delete')")
    editor.wait_for_selector(f"text=Deleted article {article.pk}")
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Claim.objects.filter(pk=claim.pk).exists()
    _shot(editor, "article-deleted")
    editor.context.close()


def test_the_article_page_with_its_management_fits_a_phone(
    browser: Any, live_server: Any, people: dict[str, Any]
) -> None:
    from tests.browser.test_triage import PHONE, _phone

    article = ClaimFactory(score=0.9).article
    page = _phone(browser, live_server)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.click("text=Edit the article's details")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, width
    _shot(page, "phone-article-manage")
    page.context.close()
