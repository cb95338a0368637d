"""Claim memory end to end on the real database: archive import, automatic links and
suggestions after extraction, editors' decisions, applying an earlier verdict, the API and
the dashboard."""

import json
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from claims import errors, selectors
from claims.ingest import article_text_from_string
from claims.matching import archive, store
from claims.models import Claim, ClaimMatch, Event, FactCheck, MatchStatus, WebhookDelivery
from claims.services import archive as archive_service
from claims.services import articles, integrations, memory, research, workflow

SPENT = "The United States has spent $350 billion on the war in Ukraine since 2022."
ARCHIVE = [
    {
        "id": "fc-1",
        "claim": SPENT,
        "rating": "false",
        "date": "2024-03-01",
        "published": "2024-03-05",
        "url": "https://factchecks.example.org/ukraine-350",
        "claimant": "A senator",
        "title": "No, the US has not spent $350 billion on Ukraine",
    },
    {
        "id": "fc-2",
        "claim": "Wind turbines kill more birds than cats do in the United Kingdom every year.",
        "rating": "pants-fire",
        "url": "https://factchecks.example.org/birds",
    },
    {
        "id": "fc-3",
        "claim": "The new vaccine was tested on fewer than 100 people before approval.",
        "rating": "some label nobody uses",
        "url": "https://factchecks.example.org/vaccine",
    },
]


def _import(actor: Any = None, rows: list[dict[str, Any]] = ARCHIVE) -> dict[str, int]:
    data = "\n".join(json.dumps(r) for r in rows).encode()
    records = [r for r in archive.read(data, "archive.jsonl") if isinstance(r, archive.Record)]
    return archive_service.factchecks_import(
        records=records, collection="desk archive", actor=actor
    )


def _load(editor: Any, body: str) -> Claim:
    article, _ = articles.article_load(
        text=article_text_from_string(body),
        loaded_by=editor,
        title="Repeat",
        url="https://news.example.org/a",
    )
    articles.article_extract(article_id=article.pk)  # the queued task, run here
    claims = list(Claim.objects.filter(article=article))
    assert claims, "the extractor found no claim in the test article"
    return claims[0]


@pytest.mark.django_db
def test_import_maps_ratings_and_is_idempotent(editor: Any, checker: Any) -> None:
    assert _import(editor) == {"created": 3, "updated": 0, "unchanged": 0}
    ratings = {f.external_id: f.rating for f in FactCheck.objects.select_related("rating")}
    assert ratings["fc-1"].slug == "false"
    assert ratings["fc-2"].slug == "false"  # a synonym of another desk's scale
    assert ratings["fc-3"] is None  # kept as its label, never guessed
    assert _import(editor) == {"created": 0, "updated": 0, "unchanged": 3}
    changed = [dict(ARCHIVE[0], rating="true"), *ARCHIVE[1:]]
    assert _import(editor, changed) == {"created": 0, "updated": 1, "unchanged": 2}
    assert FactCheck.objects.count() == 3
    assert Event.objects.filter(action="factchecks.imported").count() == 3
    with pytest.raises(errors.PermissionDenied):
        _import(checker)


@pytest.mark.django_db
def test_a_repeat_of_an_archived_claim_is_linked_and_shows_its_verdict(editor: Any) -> None:
    _import()
    claim = _load(editor, f"Washington. {SPENT} Critics disagree about what comes next.")
    claim.refresh_from_db()
    assert claim.canonical_factcheck is not None
    assert claim.canonical_factcheck.external_id == "fc-1"
    match = ClaimMatch.objects.get(claim=claim)
    assert match.status == MatchStatus.LINKED and match.cosine > 0.85
    event = Event.objects.get(claim=claim, action="claim.linked")
    assert event.actor is None and event.after["canonical_factcheck"] == match.target_factcheck_id
    earlier = selectors.earlier_verdict(claim)
    assert earlier is not None
    assert earlier["rating"] == "False" and earlier["url"].endswith("ukraine-350")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sentence, reason",
    [
        (SPENT.replace("$350", "$35"), "the numbers differ"),
        (SPENT.replace("has spent", "has not spent"), "the negations differ"),
    ],
)
def test_changed_numbers_or_negation_are_never_linked(
    editor: Any, sentence: str, reason: str
) -> None:
    _import()
    claim = _load(editor, f"Washington. {sentence} Critics disagree about what comes next.")
    claim.refresh_from_db()
    assert claim.canonical_factcheck is None and claim.canonical is None
    match = ClaimMatch.objects.get(claim=claim)
    assert match.status == MatchStatus.SUGGESTED and reason in match.reasons
    assert selectors.earlier_verdict(claim) is None


@pytest.mark.django_db
def test_editors_confirm_or_reject_suggestions_audited(editor: Any, checker: Any) -> None:
    _import()
    claim = _load(editor, f"Washington. {SPENT.replace('$350', '$35')} Nothing else.")
    match = ClaimMatch.objects.get(claim=claim)
    with pytest.raises(errors.PermissionDenied):
        memory.match_confirm(match_id=match.pk, actor=checker)
    with pytest.raises(errors.Conflict):
        memory.match_confirm(match_id=match.pk, actor=editor, expected_version=claim.version + 5)
    claim = memory.match_confirm(match_id=match.pk, actor=editor, expected_version=claim.version)
    assert claim.canonical_factcheck_id == match.target_factcheck_id
    assert Event.objects.filter(claim=claim, action="claim.linked", actor=editor).exists()
    claim = memory.match_reject(match_id=match.pk, actor=editor)
    assert claim.canonical_factcheck_id is None
    match.refresh_from_db()
    assert match.status == MatchStatus.REJECTED and match.decided_by == editor
    with pytest.raises(errors.Conflict):
        memory.match_reject(match_id=match.pk, actor=editor)
    with pytest.raises(errors.NotFound):
        memory.match_confirm(match_id=match.pk, actor=editor, claim_id=claim.pk + 1000)


@pytest.mark.django_db
def test_a_desk_repeat_gets_the_published_verdict_in_one_action(
    editor: Any, editor2: Any, checker: Any
) -> None:
    first = _load(editor, f"Washington. {SPENT} Critics disagree about what comes next.")
    workflow.claim_start_checking(claim_id=first.pk, actor=editor, assignee=checker)
    research.source_add(
        claim_id=first.pk, actor=checker, url="https://data.example.org/aid", title="Aid data"
    )
    from claims.models import Rating

    workflow.claim_set_verdict(
        claim_id=first.pk,
        actor=checker,
        rating=Rating.objects.get(slug="false"),
        summary="Aid totals are far lower.",
        claim_reviewed="US spent $350bn on Ukraine",
    )
    workflow.claim_submit(claim_id=first.pk, actor=checker)
    workflow.claim_publish(claim_id=first.pk, actor=editor2)

    again = _load(editor, f"In other news. {SPENT} Critics disagree again, loudly.")
    again.refresh_from_db()
    assert again.canonical_id == first.pk
    with pytest.raises(errors.PermissionDenied):
        memory.claim_apply_verdict(claim_id=again.pk, actor=checker)
    published = memory.claim_apply_verdict(
        claim_id=again.pk, actor=editor, expected_version=again.version
    )
    assert published.status == "published" and published.rating.slug == "false"
    assert "Aid totals are far lower." in published.summary
    urls = set(published.sources.values_list("url", flat=True))
    assert "https://data.example.org/aid" in urls and any("/claims/" in u or u for u in urls)
    assert Event.objects.filter(claim=again, action="claim.verdict_applied", actor=editor).exists()
    assert WebhookDelivery.objects.count() == 0  # no subscriptions: nothing queued, nothing lost
    with pytest.raises(errors.Conflict):
        memory.claim_apply_verdict(claim_id=again.pk, actor=editor)


@pytest.mark.django_db
def test_an_unmapped_archive_rating_is_not_applied(editor: Any) -> None:
    _import()
    claim = _load(
        editor, "Health news. " + ARCHIVE[2]["claim"] + " The agency declined to comment."
    )
    claim.refresh_from_db()
    if claim.canonical_factcheck_id is None:
        match = ClaimMatch.objects.get(claim=claim)
        claim = memory.match_confirm(match_id=match.pk, actor=editor)
    with pytest.raises(errors.RuleViolation, match="not on this desk's scale"):
        memory.claim_apply_verdict(claim_id=claim.pk, actor=editor)


@pytest.mark.django_db
def test_index_follows_the_database(editor: Any) -> None:
    _import()
    assert len(store.sync()) == 3
    FactCheck.objects.filter(external_id="fc-2").delete()
    # A row another process committed late, behind the range this process already read:
    late = FactCheck.objects.get(external_id="fc-3")
    late.pk = None
    late.external_id = "fc-late"
    late.save()
    FactCheck.objects.filter(pk=late.pk).update(updated_at=store._state.factchecks_since)
    assert f"f:{late.pk}" not in store.sync()
    store._state.reconciled_at = 0.0  # the next query reconciles at once
    index = store.sync()
    assert len(index) == 3 and f"f:{late.pk}" in index
    results = memory.past_verdicts_search(text="birds killed by wind turbines", actor=editor)
    assert all(r["id"] != "fc-2" for r in results)
    results = memory.past_verdicts_search(text="US money for the war in Ukraine", actor=editor)
    assert results[0]["url"].endswith("ukraine-350")


@pytest.mark.django_db
def test_api_shows_matches_and_searches_past_verdicts(editor: Any, viewer: Any) -> None:
    _import()
    claim = _load(editor, f"Washington. {SPENT.replace('$350', '$35')} Nothing else.")
    client = APIClient()
    client.force_login(editor)
    detail = client.get(f"/api/v1/claims/{claim.pk}/").json()
    assert detail["earlier_verdict"] is None
    [match] = detail["matches"]
    assert match["status"] == "suggested" and match["target"]["kind"] == "factcheck"
    response = client.post(
        f"/api/v1/claims/{claim.pk}/confirm-match/",
        {"match": match["id"]},
        format="json",
        HTTP_IF_MATCH=f'"{detail["version"]}"',
    )
    assert response.status_code == 200, response.content
    assert response.json()["earlier_verdict"]["rating"] == "False"
    response = client.post(f"/api/v1/claims/{claim.pk}/reject-match/", {"match": 0}, format="json")
    assert response.status_code == 404

    _, raw = integrations.api_token_create(name="cms", scope="read")
    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    found = reader.get("/api/v1/verdicts/", {"search": "Ukraine war spending by the US"})
    assert found.status_code == 200
    assert found.json()[0]["url"] == "https://factchecks.example.org/ukraine-350"
    assert reader.get("/api/v1/verdicts/").status_code == 400
    assert reader.get("/api/v1/verdicts/", {"search": "x", "limit": "many"}).status_code == 400
    denied = reader.post(f"/api/v1/claims/{claim.pk}/apply-verdict/", {}, format="json")
    assert denied.status_code == 403


@pytest.mark.django_db
def test_dashboard_memory_card_and_past_verdict_search_escape_archive_text(
    editor: Any, viewer: Any, client: Any
) -> None:
    hostile = dict(ARCHIVE[1], id="fc-x", claim="<script>alert(1)</script> " + ARCHIVE[1]["claim"])
    _import(rows=[*ARCHIVE, hostile])
    claim = _load(editor, f"Washington. {SPENT} Critics disagree about what comes next.")
    client.force_login(editor)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Checked before?" in page and "Publish with this verdict" in page
    search = client.get("/verdicts/", {"q": "wind turbines and birds"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in search and "<script>alert(1)" not in search
    client.force_login(viewer)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Checked before?" in page and "Publish with this verdict" not in page
    response = client.post(f"/claims/{claim.pk}/apply-verdict/", {"version": claim.version})
    assert response.status_code == 403


@pytest.mark.django_db
def test_import_factchecks_command_reports_bad_rows(tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "archive.jsonl"
    path.write_text(json.dumps(ARCHIVE[0]) + "\n{broken\n" + json.dumps({"rating": "x"}) + "\n")
    call_command("import_factchecks", str(path), "--collection", "ours")
    out = capsys.readouterr()
    assert "1 created" in out.out and "2 skipped" in out.out
    assert "line 2: not JSON" in out.err and "line 3: no claim text" in out.err
    assert FactCheck.objects.get().collection == "ours"
