"""The dashboard's doors to claim corrections: the claim page's forms and the reader's
"Add as claim"."""

from typing import Any

from django.test import Client

from claims.models import Claim, ClaimStatus, Event
from claims.services import workflow
from tests.factories import SENTENCE, ArticleFactory, ClaimFactory


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_claim_page_offers_corrections_to_an_editor_only(editor: Any, viewer: Any) -> None:
    claim = ClaimFactory()
    page = _client(editor).get(f"/claims/{claim.pk}/").content.decode()
    for form in ("edit", "split", "mark-duplicate"):
        assert f"/claims/{claim.pk}/{form}/" in page
    assert "<script>" not in page and 'style="' not in page
    assert "£48 million | 48000000 | GBP" in page  # the quantities box
    seen = _client(viewer).get(f"/claims/{claim.pk}/").content.decode()
    assert f"/claims/{claim.pk}/edit/" not in seen


def test_edit_form_corrects_the_claimant_and_quantities(editor: Any) -> None:
    claim = ClaimFactory(claimant="Vladimir Putin", claimant_type="person")
    response = _client(editor).post(
        f"/claims/{claim.pk}/edit/",
        {
            "version": claim.version,
            "start": claim.start,
            "end": claim.end,
            "kind": "quote",
            "claimant": "The council",
            "claimant_type": "organisation",
            "quantities": "£48 million | 48000000 | GBP | about\n",
            "claim_reviewed": "Repairs cost £48m",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.claimant, claim.claimant_type, claim.kind) == (
        "The council",
        "organisation",
        "quote",
    )
    assert claim.quantities[0]["bound"] == "about"
    assert claim.claim_reviewed == "Repairs cost £48m"


def test_refused_edit_keeps_what_was_typed(editor: Any) -> None:
    claim = ClaimFactory()
    response = _client(editor).post(
        f"/claims/{claim.pk}/edit/",
        {"version": claim.version, "claimant": "Ann Lee", "claimant_type": "", "kind": "quote"},
    )
    assert response.status_code == 400
    assert "person or an organisation" in response.content.decode()
    assert 'value="Ann Lee"' in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).version == 1


def test_stale_edit_is_409(editor: Any) -> None:
    claim = ClaimFactory()
    Claim.objects.filter(pk=claim.pk).update(version=2)
    response = _client(editor).post(f"/claims/{claim.pk}/edit/", {"version": 1, "kind": "quote"})
    assert response.status_code == 409
    assert Claim.objects.get(pk=claim.pk).kind == "quantity"


def test_dismissed_claim_shows_its_reason_and_a_restore_button(editor: Any) -> None:
    claim = ClaimFactory()
    workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason="Opinion, not fact")
    client = _client(editor)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Opinion, not fact" in page and f"/claims/{claim.pk}/restore/" in page
    response = client.post(f"/claims/{claim.pk}/restore/", {"version": 2})
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.DETECTED


def test_mark_duplicate_and_split_from_the_claim_page(editor: Any) -> None:
    claim = ClaimFactory()
    earlier = ClaimFactory()
    client = _client(editor)
    client.post(f"/claims/{claim.pk}/mark-duplicate/", {"canonical": earlier.pk, "version": 1})
    claim.refresh_from_db()
    assert claim.canonical_id == earlier.pk
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert f"/claims/{claim.pk}/unmark-duplicate/" in page
    response = client.post(
        f"/claims/{claim.pk}/split/", {"offset": SENTENCE.index("that"), "version": 2}
    )
    assert response.status_code == 302
    assert claim.article.claims.count() == 2


def test_reader_adds_a_selected_claim(editor: Any, checker: Any) -> None:
    article = ArticleFactory()
    page = _client(editor).get(f"/articles/{article.pk}/").content.decode()
    assert f"/articles/{article.pk}/claims/add/" in page and 'data-start="0"' in page
    assert f"/articles/{article.pk}/claims/add/" not in (
        _client(checker).get(f"/articles/{article.pk}/").content.decode()
    )
    start = article.body.index(SENTENCE)
    response = _client(editor).post(
        f"/articles/{article.pk}/claims/add/",
        {"start": start + 2, "end": start + len(SENTENCE), "kind": "", "claimant": ""},
    )
    claim = Claim.objects.get(article=article)
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"
    assert claim.text == SENTENCE and claim.added_by_person
    assert Event.objects.filter(claim=claim, action="claim.added", actor=editor).exists()
    refused = _client(checker).post(f"/articles/{article.pk}/claims/add/", {"start": 0, "end": 9})
    assert refused.status_code == 403
    bad = _client(editor).post(f"/articles/{article.pk}/claims/add/", {"start": "", "end": ""})
    assert bad.status_code == 302 and bad["Location"] == f"/articles/{article.pk}/"
    assert article.claims.count() == 1


def test_bulk_assign_never_unassigns_silently(editor: Any, checker: Any) -> None:
    claims = [ClaimFactory(), ClaimFactory()]
    for claim in claims:
        workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)
    client = _client(editor)
    page = client.get("/?queue=all").content.decode()
    assert 'data-confirm="' in page and 'value="-"' in page
    ids = [c.pk for c in claims]
    response = client.post(
        "/?queue=all", {"confirmed": "1", "bulk_action": "assign", "claim": ids}, follow=True
    )
    assert "Choose whom to assign" in response.content.decode()
    assert set(Claim.objects.values_list("assignee", flat=True)) == {checker.pk}
    client.post(
        "/?queue=all",
        {"confirmed": "1", "bulk_action": "assign", "assignee": "nobody-x", "claim": ids},
    )
    assert set(Claim.objects.values_list("assignee", flat=True)) == {checker.pk}
    client.post(
        "/?queue=all", {"confirmed": "1", "bulk_action": "assign", "assignee": "-", "claim": ids}
    )
    assert set(Claim.objects.values_list("assignee", flat=True)) == {None}


def test_bulk_dismiss_records_the_reason(editor: Any) -> None:
    claim = ClaimFactory()
    _client(editor).post(
        "/?queue=all",
        {"confirmed": "1", "bulk_action": "dismiss", "reason": "Satire", "claim": [claim.pk]},
    )
    event = Event.objects.get(claim=claim, action="claim.dismissed")
    assert event.after["reason"] == "Satire"
