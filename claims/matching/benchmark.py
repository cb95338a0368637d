"""The matching benchmark (`bench_matching`): the product's own matching run over labelled
queries against a stored collection, with the figures a desk cares about, and the safety
check that a changed number or an added negation is never linked automatically."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_DIGITS = re.compile(r"(?<![\w.,])\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")
_AUXILIARY = re.compile(
    r"\b(is|are|was|were|has|have|had|will|would|can|could|should|does|did|do)\b(?![’'])",
    re.IGNORECASE,
)


def change_number(text: str) -> str | None:
    """The text with its first figure multiplied by ten (`$350 billion` -> `$3500 billion`)."""
    match = _DIGITS.search(text)
    if match is None:
        return None
    figure = match.group(0).replace(",", "")
    changed = figure + "0" if "." not in figure else str(float(figure) * 10)
    return text[: match.start()] + changed + text[match.end() :]


def add_negation(text: str) -> str:
    """The text with a negation added after its first auxiliary verb, or in front of it."""
    match = _AUXILIARY.search(text)
    if match is not None:
        return text[: match.end()] + " not" + text[match.end() :]
    return "It is not true that " + text[:1].lower() + text[1:]


@dataclass
class Outcome:
    id: str
    source: str
    ranking: list[str]
    decision: str
    target: str | None
    positives: set[str]
    seconds: float
    must_not_link: set[str] = field(default_factory=set)
    top_cosine: float = 0.0  # the best candidate's cosine, whatever was decided
    top_is_positive: bool = False

    @property
    def reciprocal_rank(self) -> float:
        for rank, key in enumerate(self.ranking, start=1):
            if key in self.positives:
                return 1.0 / rank
        return 0.0


def figures(outcomes: list[Outcome]) -> dict[str, Any]:
    linked = [o for o in outcomes if o.decision == "link"]
    hits = [o for o in outcomes if o.decision in ("link", "suggest") and o.target in o.positives]
    offered = [o for o in outcomes if o.decision in ("link", "suggest")]
    return {
        "mrr": round(statistics.fmean(o.reciprocal_rank for o in outcomes), 4)
        if outcomes
        else None,
        "p_at_1": round(statistics.fmean(o.reciprocal_rank == 1.0 for o in outcomes), 4)
        if outcomes
        else None,
        "auto_link_count": len(linked),
        "auto_link_precision": round(sum(o.target in o.positives for o in linked) / len(linked), 4)
        if linked
        else None,
        "suggest_recall": round(len(hits) / len(outcomes), 4) if outcomes else None,
        "suggest_count": len(offered),
        "suggest_precision": round(len(hits) / len(offered), 4) if offered else None,
    }


def in_split(query_id: str, split: str) -> bool:
    """A fixed half of the queries (by a hash of the id) is `tune`, the other `heldout`."""
    import hashlib

    tune = hashlib.sha256(query_id.encode()).digest()[0] % 2 == 0
    return tune if split == "tune" else not tune


def calibrate(outcomes: list[Outcome], old_min: float) -> dict[str, Any]:
    """The lowest suggestion threshold whose precision beats the old rule's (every top
    candidate at cosine >= old_min) by at least one standard error; the cross-checks of the
    rule as it stands apply on top (an outcome the rule refused stays refused)."""
    import math

    def rate(chosen: list[Outcome]) -> tuple[float, float, int]:
        n = len(chosen)
        if not n:
            return 0.0, 0.0, 0
        p = sum(o.top_is_positive for o in chosen) / n
        return p, math.sqrt(p * (1 - p) / n), n

    old_p, old_se, old_n = rate([o for o in outcomes if o.top_cosine >= old_min])
    chosen_t, rows = None, []
    for step in range(round(old_min * 100), 100):
        t = step / 100
        p, se, n = rate([o for o in outcomes if o.decision != "none" and o.top_cosine >= t])
        rows.append((t, n, round(p, 4), round(se, 4)))
        if chosen_t is None and n and p - old_p >= max(se, old_se):
            chosen_t = t
    return {
        "old_precision": round(old_p, 4),
        "old_se": round(old_se, 4),
        "old_count": old_n,
        "threshold": chosen_t,
        "table": rows,
    }


def wrong_links(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """Automatic links to a target the query must never be linked to."""
    return [o for o in outcomes if o.decision == "link" and o.target in o.must_not_link]
