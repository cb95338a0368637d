"""The desk corrects the machine, in Debian's Chromium: select text in the reader and add it as
a claim; correct a claimant and see it in the published ClaimReview; restore a dismissed claim.
Screenshots go with the others (test-artifacts/screenshots/)."""

import json
from typing import Any

import pytest

from claims.ingest import article_text_from_string
from claims.models import Claim, ClaimStatus
from claims.services import articles, research, workflow
from tests.browser.test_dashboard_flow import ARTICLE, _login, _shot
from tests.factories import rating

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# Offsets into the page's text runs: every run of the reader carries its body offset.
SELECT = """([words]) => {
  for (const run of document.querySelectorAll("article.body span[data-start]")) {
    const node = run.firstChild;
    const at = node ? node.textContent.indexOf(words) : -1;
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at + 1);  // inside the first word: the desk snaps it
    range.setEnd(node, at + words.length);
    const selection = document.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return true;
  }
  return false;
}"""


def _article() -> Any:
    article, _ = articles.article_load(text=article_text_from_string(ARTICLE), title="Bridge")
    articles.article_extract(article_id=article.pk)
    return article


def test_select_text_and_add_it_as_a_claim(
    browser: Any, live_server: Any, people: dict[str, Any]
) -> None:
    article = _article()
    words = "Is the city getting value for money?"
    assert not Claim.objects.filter(article=article, text=words).exists()
    editor = _login(browser, live_server, "editor")
    editor.goto(f"{live_server.url}/articles/{article.pk}/")
    assert editor.evaluate(SELECT, [words])
    start = article.body.index(words)
    editor.wait_for_function(
        f"document.querySelector('form.add-claim input[name=end]').value == '{start + len(words)}'"
    )
    assert editor.input_value("form.add-claim input[name=start]") == str(start + 1)
    _shot(editor, "reader-add-claim")
    editor.click("text=Add as claim")
    editor.wait_for_selector("text=Added by a person")
    claim = Claim.objects.get(article=article, added_by_person=True)
    assert claim.text == words and claim.status == ClaimStatus.DETECTED
    _shot(editor, "claim-added")
    editor.context.close()


def test_correct_a_claimant_then_see_it_in_the_claimreview(
    browser: Any, live_server: Any, people: dict[str, Any]
) -> None:
    article = _article()
    claim = Claim.objects.filter(article=article, text__contains="£10 million").get()
    workflow.claim_start_checking(
        claim_id=claim.pk, actor=people["editor"], assignee=people["checker"]
    )
    checker = _login(browser, live_server, "checker")
    checker.goto(f"{live_server.url}/claims/{claim.pk}/")
    checker.fill("form input[name=claimant]", "Councillor Tom Reyes")
    checker.select_option("form select[name=claimant_type]", "person")
    checker.click("text=Save corrections")
    checker.wait_for_selector("text=Saved.")
    _shot(checker, "claim-corrected")
    assert checker.is_visible("text=kept when the article is extracted again")
    claim.refresh_from_db()
    assert (claim.claimant, claim.claimant_type) == ("Councillor Tom Reyes", "person")
    assert "claimant" in claim.edited_fields
    research.source_add(claim_id=claim.pk, actor=people["checker"], url="https://example.org/b")
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=people["checker"], rating=rating("false"), summary="No."
    )
    workflow.claim_submit(claim_id=claim.pk, actor=people["checker"])
    # The reviewer reads the corrected claimant in what will go out, then publishes.
    reviewer = _login(browser, live_server, "editor2")
    reviewer.goto(f"{live_server.url}/claims/{claim.pk}/")
    assert '"name": "Councillor Tom Reyes"' in reviewer.inner_text("#going-out pre.json-ld")
    reviewer.once("dialog", lambda dialog: dialog.accept())  # publishing asks first
    reviewer.click("#going-out button:text-is('Publish')")
    reviewer.wait_for_selector("text=Saved.")
    _shot(reviewer, "claim-corrected-published")
    reviewer.context.close()
    checker.goto(f"{live_server.url}/api/v1/claims/{claim.pk}/claimreview/")
    review = json.loads(checker.inner_text("body"))
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Councillor Tom Reyes"}
    checker.context.close()


def test_restore_a_dismissed_claim(browser: Any, live_server: Any, people: dict[str, Any]) -> None:
    article = _article()
    claim = Claim.objects.filter(article=article).first()
    assert claim is not None
    editor = _login(browser, live_server, "editor")
    editor.goto(f"{live_server.url}/claims/{claim.pk}/")
    editor.fill("input[name=reason][aria-label='Reason for dismissing']", "Not checkable")
    editor.click("button:text-is('Dismiss')")
    editor.wait_for_selector("text=Not checkable")
    _shot(editor, "claim-dismissed")
    editor.click("button:text-is('Restore')")
    editor.wait_for_selector("text=Saved.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED
    editor.context.close()
