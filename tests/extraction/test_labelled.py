"""The extractor on the repository's own labelled examples (tests/extraction/labelled/): the
same figures `evaluate_extractor --labelled` reports, held to a floor here."""

from pathlib import Path

import pytest

from claims.extraction import evaluation, pipeline
from claims.extraction.segment import sentence_spans

LABELLED = Path(__file__).resolve().parent / "labelled"


def _rows(name: str) -> list[dict[str, object]]:
    return evaluation.read_jsonl(LABELLED / name)


def test_claimants_on_labelled_examples() -> None:
    report = evaluation.claimants(_rows("claimants.jsonl"), pipeline.attribute)
    assert report["claimant_accuracy"] >= 0.9, report["misses"]
    assert report["claimant_and_type_accuracy"] >= 0.9, report["misses"]
    # Never a wrong name: a miss is an empty claimant, a wrong type or an organisation left
    # as the common noun the text calls it ("union" for "the union"), never another name.
    for miss in report["misses"]:
        got = miss["claimant"]
        generic = got.islower() and got in miss["text"].lower()  # "the union" said
        assert got in {"", miss["expected"]} or generic, miss


def test_quantities_on_labelled_examples() -> None:
    report = evaluation.quantities(_rows("quantities.jsonl"), pipeline.sentence_quantities)
    assert report["fully_right"] >= 0.95, report["misses"]
    assert report["wrong_value"] == 0, report["misses"]
    assert report["other_unit"] <= 0.02, report["misses"]


def test_sentence_boundaries_on_labelled_examples() -> None:
    report = evaluation.sentence_boundaries(
        _rows("sentences.jsonl"), lambda text: list(sentence_spans(text))
    )
    assert report["right"] == report["texts"], report["misses"]


def test_kinds_on_labelled_examples() -> None:
    report = evaluation.kind_precision(_rows("kinds.jsonl"), pipeline.sentence_kind)
    assert report["accuracy"] >= 0.9, report["misses"]


@pytest.mark.parametrize("name", ["claimants", "quantities", "sentences", "kinds"])
def test_labelled_files_are_well_formed(name: str) -> None:
    rows = _rows(f"{name}.jsonl")
    assert len(rows) >= 20
    assert all(isinstance(row["text"], str) and row["text"] for row in rows)
