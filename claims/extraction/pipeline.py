"""Text in, claims out."""

from __future__ import annotations

from claims.extraction import rules
from claims.extraction.quantities import find_quantities
from claims.extraction.segment import sentence_spans
from claims.extraction.types import ExtractedClaim, ExtractionError

MODEL_VERSION = "rules-1"
CHECKWORTHY_THRESHOLD = 0.5
MIN_WORDS = 4


def model_version() -> str:
    return MODEL_VERSION


def extract_claims(text: str) -> list[ExtractedClaim]:
    """Candidate claims in document order; offsets index `text` exactly as passed in."""
    if not isinstance(text, str):
        raise ExtractionError("The extractor takes text (str), not bytes; decode it first.")
    if "\x00" in text:
        raise ExtractionError("The text contains NUL characters; it looks like binary data.")
    claims: list[ExtractedClaim] = []
    names: list[str] = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if len(sentence.split()) < MIN_WORDS or sum(c.isalpha() for c in sentence) < 15:
            continue
        if rules.is_boilerplate(sentence) or rules.is_question(sentence):
            continue
        claimant = rules.claimant_of(sentence, names)
        names.extend(rules.names_in(sentence))
        names = names[-20:]
        if rules.is_opinion_or_advice(sentence):
            continue
        quantities = find_quantities(sentence)
        kind = rules.claim_kind(sentence, quantities, claimant)
        score = rules.checkworthiness(sentence, kind, quantities, claimant)
        claims.append(
            ExtractedClaim(
                start=start,
                end=end,
                text=sentence,
                kind=kind,
                score=score,
                quantities=quantities,
                claimant=claimant,
            )
        )
    return claims
