"""The claim-memory terms stored with each claim (migration 0020): equal to text.terms(), cleared
by the database when the text changes behind them, and an index built from them ranks as one
built from the texts."""

import numpy as np
import pytest

from claims.matching import text as claim_text
from claims.matching.index import Index, Query
from claims.models import Claim, FactCheck
from tests.factories import ClaimFactory
from tests.matching.test_index import _fixture


@pytest.mark.django_db
def test_the_stored_terms_are_text_terms_and_a_text_changed_behind_them_clears_them() -> None:
    claim = ClaimFactory(text="The deficit fell by $350 billion since 2019 #BudgetCuts")
    stored = Claim.objects.values_list("terms", flat=True).get(pk=claim.pk)
    assert claim_text.read_stored_terms(stored) == " ".join(claim_text.terms(claim.text))
    Claim.objects.filter(pk=claim.pk).update(text="Unemployment doubled in two years")
    assert Claim.objects.values_list("terms", flat=True).get(pk=claim.pk) is None
    claim.refresh_from_db()
    claim.save()
    stored = Claim.objects.values_list("terms", flat=True).get(pk=claim.pk)
    assert claim_text.read_stored_terms(stored) == " ".join(claim_text.terms(claim.text))
    assert claim_text.read_stored_terms("t0:old format") is None


def test_an_index_fed_stored_terms_ranks_exactly_as_one_fed_texts() -> None:
    keys, texts, vectors, days = _fixture(count=300)
    groups = ["desk" if n % 3 else "archive" for n in range(len(keys))]
    one, other = Index(dimensions=vectors.shape[1]), Index(dimensions=vectors.shape[1])
    one.add(keys, texts, vectors, groups=groups, dates=days)
    stored = [claim_text.read_stored_terms(claim_text.stored_terms(t)) for t in texts]
    ids = np.asarray([int(k.split(":")[1]) for k in keys])
    other.add_ids("c", ids[:150], None, vectors[:150], groups[:150], days[:150], terms=stored[:150])
    other.add_ids("c", ids[150:], None, vectors[150:], groups[150:], days[150:], terms=stored[150:])
    one.compact()
    queries = [Query(texts[n], date=days[n]) for n in range(0, 300, 7)]
    for allowed in (None, {"desk"}):
        assert one.search_many(queries, vectors[::7][: len(queries)], groups=allowed) == (
            other.search_many(queries, vectors[::7][: len(queries)], groups=allowed)
        )


@pytest.mark.django_db
def test_a_refreshed_archive_record_stores_the_terms_of_its_new_text(editor: object) -> None:
    """An import that refreshes a stored fact-check writes it with bulk_update, which runs
    no field's pre_save: the terms must still be those of the new text and title, not a
    value the trigger had to clear (which would make every worker tokenise it again)."""
    from tests.matching.test_memory import ARCHIVE, _import

    _import(editor)
    changed = [dict(ARCHIVE[0], claim="Bird numbers rose by 40% in ten years"), *ARCHIVE[1:]]
    assert _import(editor, changed)["updated"] == 1
    refreshed = FactCheck.objects.get(external_id=ARCHIVE[0]["id"])
    assert claim_text.read_stored_terms(refreshed.terms) == " ".join(
        claim_text.terms(f"{refreshed.text} {refreshed.title}")
    )
