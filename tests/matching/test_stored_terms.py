"""The claim-memory terms stored with each claim (migration 0020): equal to text.terms(), cleared
by the database when the text changes behind them, and an index built from them ranks as one
built from the texts."""

import numpy as np
import pytest

from claims.matching import text as claim_text
from claims.matching.index import Index, Query
from claims.models import Claim
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
