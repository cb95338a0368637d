"""The matching rule, in one place: how candidates are ranked, when a repeat is linked
automatically, when it is only suggested to an editor, and what forbids a link.

A link says "same truth conditions": the two claims stand or fall together. So an automatic
link needs a near-paraphrase (high cosine), a clear winner (a margin over the runner-up), a
claim long enough to mean something, the same numbers and the same negations. Anything weaker
is a suggestion an editor confirms or rejects.
"""

from __future__ import annotations

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
SUGGEST_MIN_COSINE = 0.5

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
    if cosine < LINK_MIN_COSINE:
        reasons.append("not similar enough to link automatically")
    if len(ranking) > 1 and score - ranking[1][1] < LINK_MIN_MARGIN:
        reasons.append("another candidate is about as close")
    return Verdict("suggest" if reasons else "link", 0, reasons)
