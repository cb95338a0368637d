"""History in words (claims.history): the claim page reads changes, not dictionaries."""

from typing import Any

from django.test import Client

from claims.history import action_label, change_lines
from claims.services import editing, workflow
from tests.factories import ClaimFactory


def test_changes_read_as_words() -> None:
    assert change_lines(
        {"status": "in_review", "assignee": None, "rating": "Half true", "version": 3},
        {"status": "checking", "assignee": "checker", "rating": "False", "version": 4},
    ) == [
        "status: In review -> Checking",
        "assignee: (none) -> checker",
        "rating: Half true -> False",
    ]
    assert change_lines({"summary": "same"}, {"summary": "same"}) == []
    assert change_lines({}, {"url": "https://example.org", "stance": "refutes"}) == [
        "address: https://example.org",
        "stance: Refutes",
    ]
    assert change_lines(
        {"quantities": [{"text": "£48 million"}], "claimant_type": "person"},
        {"quantities": [], "claimant_type": "organisation"},
    ) == ["quantities: £48 million -> (none)", "claimant is: Person -> Organisation"]
    assert change_lines({"summary": "x" * 300}, {})[0].endswith("… -> (none)")
    assert action_label("claim.changes_requested") == "Changes requested"
    assert action_label("source.added") == "Source added"


def test_the_claim_page_shows_history_in_words(editor: Any, checker: Any) -> None:
    claim = ClaimFactory(claimant="Vladimir Putin", claimant_type="person")
    workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)
    editing.claim_edit(
        claim_id=claim.pk,
        actor=editor,
        claimant="<b>Harbour</b> council",
        claimant_type="organisation",
    )
    client = Client()
    client.force_login(editor)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "assignee: (none) -&gt; checker" in page
    assert "status: Detected -&gt; Checking" in page
    assert "claimant: Vladimir Putin -&gt; &lt;b&gt;Harbour&lt;/b&gt; council" in page
    assert "{&#x27;" not in page and "{'" not in page  # no raw dictionaries
