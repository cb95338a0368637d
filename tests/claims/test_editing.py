"""Correcting the machine: edit, add, split, merge, duplicates and restore, each allowed and
refused, versioned, audited, and kept by re-extraction."""

from typing import Any

import pytest

from claims import errors
from claims.models import Article, Claim, ClaimStatus, Event
from claims.services import articles, editing, research, workflow
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

BODY = (
    "Repairs to the Old Harbour Bridge will cost £48 million, the council said on Tuesday. "
    "More than 30,000 vehicles cross it every day, according to the transport committee. "
    "The mayor, Ann Lee, promised to finish the work by 2027."
)


@pytest.fixture
def article(db: None) -> Article:
    return ArticleFactory(body=BODY)


def _claim(article: Article, sentence: str, **extra: Any) -> Claim:
    start = article.body.index(sentence)
    return ClaimFactory(
        article=article,
        start=start,
        end=start + len(sentence),
        text=sentence,
        quantities=[],
        **extra,
    )


FIRST = "Repairs to the Old Harbour Bridge will cost £48 million, the council said on Tuesday."
SECOND = "More than 30,000 vehicles cross it every day, according to the transport committee."
THIRD = "The mayor, Ann Lee, promised to finish the work by 2027."


# --- edit ------------------------------------------------------------------------------------


def test_editor_corrects_claimant_kind_and_quantities(editor: Any, article: Article) -> None:
    claim = _claim(article, FIRST, claimant="Vladimir Putin", claimant_type="person")
    edited = editing.claim_edit(
        claim_id=claim.pk,
        actor=editor,
        claimant="Harbour council",
        claimant_type="organisation",
        kind="quote",
        quantities=[{"text": "£48 million", "value": 48e6, "unit": "GBP", "bound": None}],
        claim_reviewed="Bridge repairs cost £48m",
        expected_version=claim.version,
    )
    assert (edited.claimant, edited.claimant_type, edited.kind) == (
        "Harbour council",
        "organisation",
        "quote",
    )
    assert edited.quantities == [
        {"text": "£48 million", "value": 48000000, "unit": "GBP", "bound": None}
    ]
    assert edited.version == claim.version + 1
    assert set(edited.edited_fields) == {
        "claimant",
        "claimant_type",
        "kind",
        "quantities",
        "claim_reviewed",
    }
    event = Event.objects.get(claim=claim, action="claim.edited")
    assert event.before["claimant"] == "Vladimir Putin"
    assert event.after["claimant"] == "Harbour council"
    assert event.actor == editor
    # The short claim is part of the verdict: its author may not publish it (four-eyes).
    assert edited.verdict_authors.filter(pk=editor.pk).exists()


def test_span_edit_snaps_to_words_and_text_follows_the_body(editor: Any, article: Article) -> None:
    claim = _claim(article, FIRST)
    start = BODY.index("Old Harbour") + 2  # inside "Old"
    end = BODY.index("£48 million") + 4  # inside "48"... the word "£48" ends at the space
    edited = editing.claim_edit(claim_id=claim.pk, actor=editor, start=start, end=end)
    assert edited.start == BODY.index("Old Harbour")
    assert edited.text == BODY[edited.start : edited.end]
    assert edited.text.startswith("Old Harbour") and edited.text.endswith("£48")
    assert edited.edited_fields == ["span"]


@pytest.mark.parametrize(
    "values",
    [
        {"start": 0, "end": len(BODY) + 5},
        {"start": 10, "end": 10},
        {"kind": "gossip"},
        {"claimant": "Ann Lee", "claimant_type": ""},
        {"claimant_type": "robot"},
        {"quantities": [{"text": "£99 billion", "value": 1, "unit": "GBP", "bound": None}]},
        {"quantities": [{"text": "£48 million", "value": "lots", "unit": "GBP"}]},
        {"quantities": [{"text": "£48 million", "value": 1, "unit": "GBP", "bound": "maybe"}]},
        {"claim_reviewed": "x" * 80},
    ],
)
def test_bad_corrections_are_refused_and_change_nothing(
    editor: Any, article: Article, values: dict[str, Any]
) -> None:
    claim = _claim(article, FIRST)
    with pytest.raises(errors.RuleViolation):
        editing.claim_edit(claim_id=claim.pk, actor=editor, **values)
    claim.refresh_from_db()
    assert claim.version == 1 and claim.edited_fields == []


def test_span_of_another_claim_is_refused(editor: Any, article: Article) -> None:
    claim = _claim(article, FIRST)
    other = _claim(article, SECOND)
    with pytest.raises(errors.RuleViolation, match=f"Claim {other.pk}"):
        editing.claim_edit(claim_id=claim.pk, actor=editor, start=other.start, end=other.end)


def test_assigned_checker_may_edit_others_may_not(
    editor: Any, checker: Any, checker2: Any, viewer: Any, outsider: Any, article: Article
) -> None:
    claim = _claim(article, FIRST)
    workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)
    for refused in (checker2, viewer, outsider):
        with pytest.raises(errors.PermissionDenied):
            editing.claim_edit(
                claim_id=claim.pk, actor=refused, claimant="X", claimant_type="person"
            )
    edited = editing.claim_edit(
        claim_id=claim.pk, actor=checker, claimant="Ann Lee", claimant_type="person"
    )
    assert edited.claimant == "Ann Lee"
    assert Event.objects.filter(claim=claim, action="claim.edited").count() == 1


def test_published_claim_is_reopened_before_it_is_corrected(editor: Any, article: Article) -> None:
    claim = _claim(article, FIRST)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.PUBLISHED)
    with pytest.raises(errors.Conflict, match="published"):
        editing.claim_edit(claim_id=claim.pk, actor=editor, kind="quote")


def test_stale_edit_is_a_conflict(editor: Any, editor2: Any, article: Article) -> None:
    claim = _claim(article, FIRST)
    editing.claim_edit(claim_id=claim.pk, actor=editor, kind="quote", expected_version=1)
    with pytest.raises(errors.Conflict):
        editing.claim_edit(claim_id=claim.pk, actor=editor2, kind="event", expected_version=1)
    claim.refresh_from_db()
    assert claim.kind == "quote"


def test_edit_that_changes_nothing_records_nothing(editor: Any, article: Article) -> None:
    claim = _claim(article, FIRST, kind="quantity")
    editing.claim_edit(claim_id=claim.pk, actor=editor, kind="quantity")
    claim.refresh_from_db()
    assert claim.version == 1 and not Event.objects.filter(claim=claim).exists()


# --- re-extraction ---------------------------------------------------------------------------


def test_reextraction_keeps_what_people_corrected(editor: Any) -> None:
    article = ArticleFactory(body=BODY)
    articles.article_extract(article_id=article.pk)
    found = {c.text: c for c in article.claims.all()}
    assert FIRST in found, list(found)
    first = found[FIRST]
    editing.claim_edit(claim_id=first.pk, actor=editor, claimant="Ann Lee", claimant_type="person")
    # The desk narrows a claim the extractor drew: re-extraction must not bring back its own.
    narrowed = editing.claim_edit(
        claim_id=first.pk,
        actor=editor,
        start=BODY.index("Repairs"),
        end=BODY.index(", the council"),
    )
    articles.article_extract(article_id=article.pk)
    first.refresh_from_db()
    assert (first.start, first.end, first.claimant) == (narrowed.start, narrowed.end, "Ann Lee")
    assert not article.claims.filter(text=FIRST).exists()


def test_added_and_edited_claims_are_not_untouched(editor: Any, article: Article) -> None:
    plain = _claim(article, FIRST)
    added = _claim(article, SECOND, added_by_person=True)
    edited = _claim(article, THIRD, edited_fields=["kind"])
    assert list(Claim.objects.filter(article=article).untouched()) == [plain]
    assert added and edited


# --- add -------------------------------------------------------------------------------------


def test_editor_adds_a_missed_claim_with_suggestions(editor: Any, article: Article) -> None:
    start = BODY.index("ore than 30,000")  # inside "More": snapped back
    claim = editing.claim_add(
        article_id=article.pk, actor=editor, start=start, end=start + len(SECOND) - 1
    )
    assert claim.text == SECOND[:-1] or claim.text == SECOND
    assert claim.text == BODY[claim.start : claim.end]
    assert claim.added_by_person and claim.status == ClaimStatus.DETECTED
    assert claim.quantities and claim.quantities[0]["value"] == 30000
    assert 0 <= claim.score <= 1 and claim.model_version
    event = Event.objects.get(claim=claim, action="claim.added")
    assert event.actor == editor and event.after["added_by_person"] is True


def test_added_claim_takes_the_kind_and_claimant_given(editor: Any, article: Article) -> None:
    start = BODY.index(THIRD)
    claim = editing.claim_add(
        article_id=article.pk,
        actor=editor,
        start=start,
        end=start + len(THIRD),
        kind="prediction",
        claimant="Ann Lee",
        claimant_type="person",
    )
    assert (claim.kind, claim.claimant, claim.claimant_type) == ("prediction", "Ann Lee", "person")
    assert {"kind", "claimant", "span"} <= set(claim.edited_fields)


def test_adding_is_for_editors_and_a_taken_span_is_refused(
    editor: Any, checker: Any, viewer: Any, article: Article
) -> None:
    existing = _claim(article, FIRST)
    for refused in (checker, viewer):
        with pytest.raises(errors.PermissionDenied):
            editing.claim_add(article_id=article.pk, actor=refused, start=0, end=20)
    with pytest.raises(errors.RuleViolation):
        editing.claim_add(
            article_id=article.pk, actor=editor, start=existing.start, end=existing.end
        )
    with pytest.raises(errors.NotFound):
        editing.claim_add(article_id=0, actor=editor, start=0, end=5)
    assert article.claims.count() == 1


# --- split and merge -------------------------------------------------------------------------


def test_split_keeps_history_and_sources_with_the_first_part(
    editor: Any, checker: Any, article: Article
) -> None:
    claim = _claim(article, FIRST)
    workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)
    SourceFactory(claim=claim)
    research.comment_add(claim_id=claim.pk, actor=checker, body="Two claims in one.")
    offset = FIRST.index("the council") + 2  # inside "the": moved to the end of the word
    first, second = editing.claim_split(claim_id=claim.pk, actor=checker, offset=offset)
    assert first.pk == claim.pk and first.status == ClaimStatus.CHECKING
    assert first.text == "Repairs to the Old Harbour Bridge will cost £48 million, the"
    assert second.text == "council said on Tuesday."
    assert first.sources.count() == 1 and first.comments.count() == 1
    assert second.sources.count() == 0 and second.status == ClaimStatus.DETECTED
    assert Event.objects.get(claim=second, action="claim.split_from").after["from_claim"] == (
        claim.pk
    )
    assert Event.objects.get(claim=first, action="claim.split").after["into_claim"] == second.pk
    assert Event.objects.filter(claim=first).count() == 3  # checking, comment, split


def test_split_refused_outside_the_claim_and_for_others(
    editor: Any, checker2: Any, article: Article
) -> None:
    claim = _claim(article, FIRST)
    with pytest.raises(errors.RuleViolation):
        editing.claim_split(claim_id=claim.pk, actor=editor, offset=len(FIRST) + 3)
    with pytest.raises(errors.PermissionDenied):
        editing.claim_split(claim_id=claim.pk, actor=checker2, offset=5)
    assert article.claims.count() == 1


def test_merge_two_adjacent_claims(editor: Any, article: Article) -> None:
    first = _claim(article, FIRST)
    second = _claim(article, SECOND)
    SourceFactory(claim=second)
    merged = editing.claim_merge(claim_id=first.pk, actor=editor, other_id=second.pk)
    assert merged.text == f"{FIRST} {SECOND}" and merged.pk == first.pk
    assert merged.sources.count() == 1
    second.refresh_from_db()
    assert second.status == ClaimStatus.DISMISSED and second.canonical_id == first.pk
    went = Event.objects.get(claim=second, action="claim.merged_into")
    assert went.after["into_claim"] == first.pk


def test_merge_refuses_claims_that_are_not_adjacent(editor: Any, article: Article) -> None:
    first = _claim(article, FIRST)
    middle = _claim(article, SECOND)
    third = _claim(article, THIRD)
    with pytest.raises(errors.RuleViolation, match="adjacent"):
        editing.claim_merge(claim_id=first.pk, actor=editor, other_id=third.pk)
    other_article = _claim(ArticleFactory(), "The council said")
    with pytest.raises(errors.RuleViolation, match="same article"):
        editing.claim_merge(claim_id=first.pk, actor=editor, other_id=other_article.pk)
    assert middle.pk and Claim.objects.get(pk=first.pk).version == 1


# --- duplicates and restore ------------------------------------------------------------------


def test_mark_and_unmark_a_duplicate(editor: Any, checker: Any, article: Article) -> None:
    claim = _claim(article, FIRST)
    earlier = ClaimFactory()
    with pytest.raises(errors.PermissionDenied):
        editing.claim_mark_duplicate(claim_id=claim.pk, actor=checker, canonical_id=earlier.pk)
    marked = editing.claim_mark_duplicate(claim_id=claim.pk, actor=editor, canonical_id=earlier.pk)
    assert marked.canonical_id == earlier.pk
    with pytest.raises(errors.RuleViolation, match="loop"):
        editing.claim_mark_duplicate(claim_id=earlier.pk, actor=editor, canonical_id=claim.pk)
    with pytest.raises(errors.RuleViolation):
        editing.claim_mark_duplicate(claim_id=claim.pk, actor=editor, canonical_id=claim.pk)
    unmarked = editing.claim_unmark_duplicate(claim_id=claim.pk, actor=editor)
    assert unmarked.canonical_id is None
    actions = list(Event.objects.filter(claim=claim).values_list("action", flat=True))
    assert actions == ["claim.marked_duplicate", "claim.unmarked_duplicate"]


def test_restore_a_dismissed_claim_with_its_reason(
    editor: Any, checker: Any, article: Article
) -> None:
    from claims import selectors

    claim = _claim(article, FIRST)
    workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason="Opinion, not fact")
    assert selectors.dismiss_reason(Claim.objects.get(pk=claim.pk)) == "Opinion, not fact"
    with pytest.raises(errors.PermissionDenied):
        editing.claim_restore(claim_id=claim.pk, actor=checker)
    restored = editing.claim_restore(claim_id=claim.pk, actor=editor, expected_version=2)
    assert restored.status == ClaimStatus.DETECTED
    event = Event.objects.get(claim=claim, action="claim.restored")
    assert event.before["dismiss_reason"] == "Opinion, not fact"
    with pytest.raises(errors.Conflict):
        editing.claim_restore(claim_id=claim.pk, actor=editor)


def test_split_and_merge_on_a_stale_version_are_conflicts(
    editor: Any, editor2: Any, article: Article
) -> None:
    first = _claim(article, FIRST)
    second = _claim(article, SECOND)
    editing.claim_edit(claim_id=first.pk, actor=editor2, kind="quote")
    with pytest.raises(errors.Conflict):
        editing.claim_split(claim_id=first.pk, actor=editor, offset=10, expected_version=1)
    with pytest.raises(errors.Conflict):
        editing.claim_merge(claim_id=first.pk, actor=editor, other_id=second.pk, expected_version=1)
    assert article.claims.count() == 2
    assert Claim.objects.get(pk=second.pk).status == ClaimStatus.DETECTED
