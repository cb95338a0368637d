"""The matching rule, in one place: how candidates are ranked, when a repeat is linked
automatically, when it is only suggested to an editor, and what forbids a link.

A link says "same truth conditions": the two claims stand or fall together. So an automatic
link needs a near-paraphrase (high cosine), a clear winner (a margin over the runner-up), a
claim long enough to mean something, the same numbers and the same negations. Anything weaker
is a suggestion an editor confirms or rejects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from claims.matching import text as claim_text

# Ranking: cosine of sentence embeddings, plus a share of BM25 (normalised to the query's best
# lexical match), plus a small same-period prior: repeats of a claim cluster in time.
LEXICAL_WEIGHT = 0.3
CONTEXT_WEIGHT = 0.3  # context words (the sentences before a claim) count for less
PERIOD_WEIGHT = 0.08
PERIOD_DAYS = 90.0

# Decisions.
LINK_MIN_COSINE = 0.85
LINK_MIN_MARGIN = 0.05
LINK_MIN_WORDS = 5
# Not yet calibrated: `bench_matching --split tune --calibrate` prints the lowest threshold
# whose suggestion precision beats this rule's by one standard error on the tune split.
SUGGEST_MIN_COSINE = 0.5
# A candidate whose numbers or negations differ from the claim's states a different claim
# unless it is otherwise a near-paraphrase: it is suggested only above this cosine (the
# number/negation cross-check), so "spent $35 billion" still meets "spent $350 billion" for
# an editor to see, while loosely related sentences that merely share a topic are refused.
SUGGEST_CONFLICT_MIN_COSINE = 0.8

Decision = Literal["link", "suggest", "none"]


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    index: int | None  # which candidate (position in the ranking), None for "none"
    reasons: list[str] = field(default_factory=list)  # why it is not an automatic link


def link_blockers(claim: str, target: str) -> list[str]:
    """What forbids linking these two texts automatically, whatever their similarity."""
    reasons = []
    if claim_text.content_length(claim) < LINK_MIN_WORDS:
        reasons.append("too short to link automatically")
    if claim_text.numbers(claim) != claim_text.numbers(target):
        reasons.append("the numbers differ")
    if claim_text.negations_differ(claim, target):
        reasons.append("the negations differ")
    return reasons


def decide(claim: str, ranking: list[tuple[str, float, float]]) -> Verdict:
    """Decide on a ranking of (target text, fused score, cosine), best first."""
    if not ranking:
        return Verdict("none", None)
    target, score, cosine = ranking[0]
    if cosine < SUGGEST_MIN_COSINE:
        return Verdict("none", None)
    reasons = link_blockers(claim, target)
    conflict = {"the numbers differ", "the negations differ"} & set(reasons)
    if conflict and cosine < SUGGEST_CONFLICT_MIN_COSINE:
        return Verdict("none", None)
    if cosine < LINK_MIN_COSINE:
        reasons.append("not similar enough to link automatically")
    if len(ranking) > 1 and score - ranking[1][1] < LINK_MIN_MARGIN:
        reasons.append("another candidate is about as close")
    return Verdict("suggest" if reasons else "link", 0, reasons)


_NAME = re.compile(r"\b[A-Z][a-zA-Z]+(?:[-'][A-Z][a-z]+)?\b")


def names(text: str) -> frozenset[str]:
    """Capitalised words that are not function words: people, places, organisations."""
    cleaned = claim_text.clean(text)
    return frozenset(
        m.group(0)
        for m in _NAME.finditer(cleaned)
        if m.group(0).lower() not in claim_text.STOPWORDS
    )


def _figure(value: float) -> str:
    if value.is_integer() and abs(value) < 10000:  # a year or a count, as written
        return str(int(value))
    return format(value, ",.15g")


def suggestion_reason(claim: str, target: str, cosine: float) -> str:
    """Why a target was offered: its similarity, and the numbers and names both share."""
    parts = [f"similarity {cosine:.2f}"]
    numbers = claim_text.numbers(claim) & claim_text.numbers(target)
    if numbers:
        parts.append("shared numbers: " + ", ".join(map(_figure, sorted(numbers))))
    shared = names(claim) & names(target)
    if shared:
        parts.append("shared names: " + ", ".join(sorted(shared)))
    return "; ".join(parts)
