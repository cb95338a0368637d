"""The extractor on real articles and on hostile input (no database)."""

import json
import time
from pathlib import Path

import pytest

from claims.extraction import ExtractionError, evaluation, extract_claims, model_version
from claims.extraction.types import CLAIM_KINDS
from tests.conftest import SAMPLE_ARTICLES, SAMPLES


@pytest.mark.parametrize("path", sorted(SAMPLE_ARTICLES.glob("*.txt")), ids=lambda p: p.name[:3])
def test_every_claim_indexes_the_text_exactly(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    claims = extract_claims(text)
    assert len(claims) >= 5
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text
        assert claim.kind in CLAIM_KINDS
        assert 0.0 <= claim.score <= 1.0
        assert all(q.unit for q in claim.quantities)
        for entity in claim.entities:
            assert text[entity["start"] : entity["end"]] == entity["text"]
    json.dumps([c.as_dict() for c in claims])


def test_scores_from_the_scoring_thread_belong_to_their_sentences() -> None:
    from claims.extraction import pipeline, scoring

    text = (SAMPLE_ARTICLES / "001_ce04365d4c6c9ab5.txt").read_text(encoding="utf-8")
    claims = extract_claims(text)
    # The same candidates scored directly, in the same batches (int8 activations are scaled
    # per batch, so only the same batches give the very same figures).
    candidates = [
        text[s:e]
        for s, e in pipeline.claim_sentences(text)
        if pipeline._role(text[s:e]) == pipeline.CANDIDATE
    ]
    direct = dict(zip(candidates, scoring.load().score(candidates), strict=True))
    assert len(set(direct.values())) > 10
    assert [c.score for c in claims] == [direct[c.text] for c in claims]


def test_opinion_names_the_claimant_of_what_follows_and_boilerplate_does_not() -> None:
    text = (
        "Senator Maria Lopez thinks the bridge should never have been built.\n"
        "The repairs cost £48 million in 2022, she said.\n"
        "Share this story with Senator Tom Baker and friends today?\n"
        "The council spent £12 million on the ferry in 2021, he said."
    )
    claims = extract_claims(text)
    assert [c.text for c in claims] == [
        "The repairs cost £48 million in 2022, she said.",
        "The council spent £12 million on the ferry in 2021, he said.",
    ]
    # The opinion sentence is no claim but names who spoke next; the skipped line names nobody,
    # so "he" has no compatible antecedent (Maria is a woman's name) and stays empty.
    assert [c.claimant for c in claims] == ["Maria Lopez", ""]


def test_seed_claims_are_found_and_boilerplate_is_not() -> None:
    report = evaluation.seed_claims(SAMPLES / "seed_claims.json", extract_claims)
    assert report["must_find_recall"] == 1.0, report["misses"]
    assert report["must_not_find_hits"] == 0, report["misses"]
    assert report["quantity_accuracy"] == 1.0, report["misses"]
    assert report["claimant_accuracy"] == 1.0, report["misses"]


def test_anchor_claims() -> None:
    text = (SAMPLE_ARTICLES / "002_3eaee8b3c4068dbe.txt").read_text(encoding="utf-8")
    money = next(c for c in extract_claims(text) if "$350 billion" in c.text)
    assert [(q.value, q.unit) for q in money.quantities] == [(350_000_000_000, "USD")]
    assert money.claimant == "Donald Trump"
    text = (SAMPLE_ARTICLES / "000_b705728a96d15b9b.txt").read_text(encoding="utf-8")
    calls = next(c for c in extract_claims(text) if "seven private phone calls" in c.text)
    assert (calls.quantities[0].value, calls.quantities[0].unit) == (7, "phone calls")


def test_questions_opinion_and_boilerplate_are_not_claims() -> None:
    text = (
        "Is the city getting value for money?\n"
        "I think this is the best bridge in the country.\n"
        "Share this article\n"
        "Don't miss: the ten best walks in the county\n"
        "The post Bridge repairs appeared first on The Gazette.\n"
        "The council said the repairs will cost £48 million, twice the 2022 estimate."
    )
    claims = extract_claims(text)
    assert [c.text for c in claims] == [
        "The council said the repairs will cost £48 million, twice the 2022 estimate."
    ]


def test_self_narration_and_vague_sentences_are_not_claims() -> None:
    text = (
        "This story begins, as these things often do, with a spreadsheet.\n"
        "Since then the mood at the town hall has begun to sour.\n"
        "It is a familiar feeling.\n"
        "The bridge was closed in March after engineers found cracks.\n"
        "Councillor Jane Hale said the repairs were overdue."
    )
    assert [c.text for c in extract_claims(text)] == [
        "The bridge was closed in March after engineers found cracks.",
        "Councillor Jane Hale said the repairs were overdue.",
    ]


def test_checkable_detail_is_a_name_a_number_a_pinned_date_or_a_quote() -> None:
    from claims.extraction.rules import has_checkable_detail

    def ent(label: str, text: str) -> dict[str, object]:
        return {"label": label, "text": text, "start": 0, "end": len(text)}

    assert not has_checkable_detail(
        "In recent weeks it soured.", (), (ent("DATE", "recent weeks"),)
    )
    assert has_checkable_detail("In March it soured.", (), (ent("DATE", "March"),))
    assert has_checkable_detail("It rose 4 points.", (), ())
    assert has_checkable_detail("She called it “a mess”.", (), ())
    assert has_checkable_detail("Acme soured.", (), (ent("ORG", "Acme"),))
    assert not has_checkable_detail("It soured.", (), ())


def test_quotation_is_never_split() -> None:
    text = (
        'He said: "We spent the money. It was all legal. Ask anyone." The audit disagreed with him.'
    )
    spans = [c.text for c in extract_claims(text)]
    assert any(
        s.startswith('He said: "We spent the money. It was all legal. Ask anyone."') for s in spans
    )


@pytest.mark.parametrize("text", ["", "   \n\n  ", "\u200b"])
def test_empty_text_gives_no_claims(text: str) -> None:
    assert extract_claims(text) == []


def test_binary_junk_is_a_clear_error_or_nothing() -> None:
    with pytest.raises(ExtractionError, match="NUL"):
        extract_claims(bytes(range(256)).decode("latin-1"))
    junk = bytes(range(1, 256)).decode("latin-1") * 50
    claims = extract_claims(junk)
    assert all(junk[c.start : c.end] == c.text for c in claims)


def test_twenty_megabytes_is_refused_quickly() -> None:
    text = "The council spent £48 million on the bridge in 2022. " * 400_000
    started = time.monotonic()
    with pytest.raises(ExtractionError, match="at most"):
        extract_claims(text)
    assert time.monotonic() - started < 5


def test_text_without_sentence_punctuation_is_bounded() -> None:
    from claims.extraction import pipeline

    text = " ".join(["the council spent £48 million on the bridge"] * 3000)
    spans = pipeline.claim_sentences(text)
    assert len(spans) > 100 and all(e - s <= 1000 for s, e in spans)
    claims = extract_claims(text)
    assert all(len(c.text) <= 1000 for c in claims)


def test_non_english_text_gives_a_result() -> None:
    text = (
        "Der Stadtrat teilte am Dienstag mit, dass die Reparatur der Brücke 48 Millionen Euro "
        "kosten wird. Правительство потратило 350 миллиардов долларов. "
        "政府は昨年350億ドルを費やした。"
    )
    claims = extract_claims(text)
    assert all(text[c.start : c.end] == c.text for c in claims)


def test_model_version_is_named() -> None:
    assert model_version().startswith("cw-minilm")


def test_a_bill_number_after_a_dotted_initialism_is_not_a_sentence_end() -> None:
    from claims.extraction.segment import sentence_spans

    def split(text: str) -> list[str]:
        return [text[s:e] for s, e in sentence_spans(text)]

    assert split("The bill (H.R. 815) passed the House.") == [
        "The bill (H.R. 815) passed the House."
    ]
    # before a capitalised word it still may end the sentence
    assert split("He moved to Washington, D.C. Crowds followed him.") == [
        "He moved to Washington, D.C.",
        "Crowds followed him.",
    ]


def test_kinds_of_a_superlative_and_of_a_described_age() -> None:
    from claims.extraction import pipeline

    assert pipeline.sentence_kind("The school is the largest in the county.") == "comparison"
    # a superlative inside a sentence that reports an event is the event
    assert pipeline.sentence_kind("The tweet launched one of the most enduring bromances.") != (
        "comparison"
    )
    # an age that describes a person does not make the sentence a quantity claim
    assert pipeline.sentence_kind("A 45-year-old man was arrested at the scene.") == "event"
    assert pipeline.sentence_kind("The oldest voter is 104 years old.") == "quantity"


def test_a_count_after_a_dotted_initialism_starts_a_sentence() -> None:
    from claims.extraction.segment import sentence_spans

    text = "The rally was held in Washington, D.C. 15 people were arrested."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "The rally was held in Washington, D.C.",
        "15 people were arrested.",
    ]
