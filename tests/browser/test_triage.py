"""Triage in the reader and the queues, in Debian's Chromium: the toggle for the other claims
(remembered), actions in place and from the keyboard, the `?` overlay, publishing after
reading what goes out, a refused action landing on the claim, and the phone-width pages.
Screenshots go with the others (test-artifacts/screenshots/)."""

from typing import Any

import pytest

from claims import selectors
from claims.models import Claim, ClaimStatus
from claims.services import workflow
from tests.browser.test_corrections import _article
from tests.browser.test_dashboard_flow import _login, _shot
from tests.factories import SourceFactory, rating

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = 390


def _split(article: Any) -> tuple[list[Claim], list[Claim]]:
    """The article's claims above and below the check-worthy score (some of each)."""
    claims = list(Claim.objects.filter(article=article).order_by("start"))
    worthy = [c for c in claims if c.score >= selectors.threshold()]
    others = [c for c in claims if c.score < selectors.threshold()]
    if not others:  # make one claim an "other" whatever the model scored
        Claim.objects.filter(pk=worthy[-1].pk).update(score=selectors.threshold() / 2)
        others, worthy = [worthy[-1]], worthy[:-1]
    assert worthy and others
    return worthy, others


def test_the_readers_toggle_shows_the_other_claims_and_is_remembered(
    browser: Any, live_server: Any, people: dict[str, Any]
) -> None:
    article = _article()
    worthy, others = _split(article)
    editor = _login(browser, live_server, "editor")
    editor.goto(f"{live_server.url}/articles/{article.pk}/")
    hidden = f"#claim-{others[0].pk}"

    def highlighted(selector: str) -> bool:
        return editor.eval_on_selector(
            selector, "a => getComputedStyle(a).backgroundColor !== 'rgba(0, 0, 0, 0)'"
        )

    assert highlighted(f"#claim-{worthy[0].pk}") and not highlighted(hidden)
    assert not editor.is_visible(f"#triage-{others[0].pk}")
    assert editor.is_visible("text=What the colours mean")
    title = editor.get_attribute(f"#claim-{worthy[0].pk}", "title")
    assert "score" in title and worthy[0].get_kind_display() in title
    _shot(editor, "reader-worthy-only")
    editor.check(".reader-toggle input[name=all]")
    assert highlighted(hidden) and editor.is_visible(f"#triage-{others[0].pk}")
    _shot(editor, "reader-all-claims")
    # Remembered: the next article opens with every claim shown, until the desk unticks it.
    editor.goto(f"{live_server.url}/articles/{article.pk}/")
    assert editor.is_checked(".reader-toggle input[name=all]") and highlighted(hidden)
    editor.uncheck(".reader-toggle input[name=all]")
    editor.reload()
    assert not highlighted(hidden)
    editor.context.close()


def test_triage_in_the_reader_from_the_keyboard(
    browser: Any, live_server: Any, people: dict[str, Any]
) -> None:
    article = _article()
    worthy, _ = _split(article)
    first, second = worthy[0], worthy[1]
    editor = _login(browser, live_server, "editor")
    editor.goto(f"{live_server.url}/articles/{article.pk}/")
    editor.evaluate("window.stayedOnPage = true")
    # `?` lists the keys.
    editor.keyboard.press("?")
    assert editor.is_visible("#shortcuts") and editor.is_visible("text=Keyboard shortcuts")
    _shot(editor, "shortcuts")
    editor.keyboard.press("Escape")
    assert not editor.is_visible("#shortcuts")
    # j to the first claim, d dismisses it with the reason typed beside it, in place.
    editor.keyboard.press("j")
    editor.fill(f"#triage-{first.pk} input[name=reason]", "Not checkable")
    editor.focus(f"#claim-{first.pk}")
    editor.keyboard.press("d")
    editor.wait_for_selector(f"text=Dismiss: done for claim {first.pk}.")
    first.refresh_from_db()
    assert first.status == ClaimStatus.DISMISSED
    # j moves on to the next shown claim; c checks it; no page load happened.
    editor.keyboard.press("j")
    editor.keyboard.press("c")
    editor.wait_for_selector(f"text=Check it: done for claim {second.pk}.")
    second.refresh_from_db()
    assert second.status == ClaimStatus.CHECKING
    # a: choose the person, then the Assign button (no key assigns to nobody).
    editor.keyboard.press("a")
    assert editor.evaluate("document.activeElement.name") == "assignee"
    editor.select_option(f"#triage-{second.pk} form[action$='/assign/'] select", "checker")
    editor.click(f"#triage-{second.pk} button:text-is('Assign')")
    editor.wait_for_selector(f"text=Assign: done for claim {second.pk}.")
    second.refresh_from_db()
    assert second.assignee == people["checker"]
    assert editor.evaluate("window.stayedOnPage === true"), "the page reloaded"
    _shot(editor, "reader-triaged")
    editor.context.close()


def test_queue_action_keys_ask_first(
    browser: Any, live_server: Any, people: dict[str, Any]
) -> None:
    article = _article()
    editor = _login(browser, live_server, "editor")
    editor.goto(f"{live_server.url}/?queue=all&article={article.pk}&per_page=25")
    count = Claim.objects.filter(article=article).count()
    assert editor.is_visible(f"text={count} claim")
    editor.check("input[data-select-all]")
    boxes = editor.query_selector_all("input[name=claim]")
    assert boxes and all(box.is_checked() for box in boxes)
    editor.uncheck("input[data-select-all]")
    questions: list[str] = []

    def refuse(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    editor.on("dialog", refuse)
    editor.keyboard.press("j")
    editor.keyboard.press("d")
    editor.wait_for_timeout(300)
    assert questions == ["Dismiss: 1 selected claim?"]
    assert not Claim.objects.filter(article=article, status=ClaimStatus.DISMISSED).exists()
    editor.remove_listener("dialog", refuse)
    editor.once("dialog", lambda dialog: dialog.accept())
    editor.keyboard.press("c")
    editor.wait_for_selector("text=Done for 1 claim.")
    assert Claim.objects.filter(article=article, status=ClaimStatus.CHECKING).count() == 1
    editor.context.close()


def test_the_reviewer_reads_what_goes_out_then_confirms_publication(
    browser: Any, live_server: Any, people: dict[str, Any]
) -> None:
    article = _article()
    claim = Claim.objects.filter(article=article, text__contains="£10 million").get()
    workflow.claim_start_checking(
        claim_id=claim.pk, actor=people["editor"], assignee=people["checker"]
    )
    SourceFactory(claim=claim, url="https://example.org/council.pdf", title="Council papers")
    workflow.claim_set_verdict(
        claim_id=claim.pk,
        actor=people["checker"],
        rating=rating("false"),
        summary="The delay added £2m.",
        claim_reviewed="Delay added £10m",
    )
    workflow.claim_submit(claim_id=claim.pk, actor=people["checker"])
    reviewer = _login(browser, live_server, "editor2")
    reviewer.goto(f"{live_server.url}/claims/{claim.pk}/")
    reviewer.click("text=Read what will go out, then publish")
    going_out = reviewer.inner_text("#going-out")
    for words in ("False", "The delay added £2m.", "Delay added £10m", "Council papers"):
        assert words in going_out, words
    assert '"@type": "ClaimReview"' in reviewer.inner_text("pre.json-ld")
    _shot(reviewer, "claim-before-publishing")
    reviewer.once("dialog", lambda dialog: dialog.dismiss())
    reviewer.click("#going-out button:text-is('Publish')")
    reviewer.wait_for_timeout(300)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW  # said no: nothing went out
    reviewer.once("dialog", lambda dialog: dialog.accept())
    reviewer.click("#going-out button:text-is('Publish')")
    reviewer.wait_for_selector("text=Saved.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED
    reviewer.context.close()


def test_a_refused_action_lands_on_the_claim(
    browser: Any, live_server: Any, people: dict[str, Any]
) -> None:
    article = _article()
    claim = Claim.objects.filter(article=article).first()
    assert claim is not None
    editor = _login(browser, live_server, "editor")
    editor.goto(f"{live_server.url}/claims/{claim.pk}/")
    workflow.claim_dismiss(claim_id=claim.pk, actor=people["editor2"])  # meanwhile
    editor.click("text=Check it")
    editor.wait_for_selector("[role=alert]")
    assert editor.url == f"{live_server.url}/claims/{claim.pk}/"
    assert editor.is_visible(f"h1:has-text('Claim {claim.pk}')")
    _shot(editor, "claim-refused")
    editor.goto(f"{live_server.url}/claims/{claim.pk}/publish/")
    assert editor.url == f"{live_server.url}/claims/{claim.pk}/"
    assert editor.is_visible("text=Nothing was done")
    editor.goto(f"{live_server.url}/claims/999999/")
    assert editor.is_visible("text=Not found") and editor.is_visible("nav >> text=Articles")
    _shot(editor, "not-found")
    editor.context.close()


def _phone(browser: Any, live_server: Any) -> Any:
    from tests.browser.conftest import PASSWORD

    context = browser.new_context(viewport={"width": PHONE, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=editor")
    return page


def test_queue_reader_and_claim_page_fit_a_phone(
    browser: Any, live_server: Any, people: dict[str, Any]
) -> None:
    article = _article()
    claim = Claim.objects.filter(article=article).order_by("-score").first()
    assert claim is not None
    page = _phone(browser, live_server)
    for name, path in (
        ("phone-queue", "/?queue=all"),
        ("phone-reader", f"/articles/{article.pk}/?all=1"),
        ("phone-claim", f"/claims/{claim.pk}/"),
    ):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE, (path, width)
        _shot(page, name)
    page.context.close()
