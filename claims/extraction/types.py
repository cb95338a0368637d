"""The extractor's output records."""

from __future__ import annotations

from dataclasses import dataclass, field

CLAIM_KINDS: tuple[str, ...] = (
    "quantity",
    "comparison",
    "causal",
    "rule",
    "prediction",
    "quote",
    "event",
    "personal",
    "other",
)


class ExtractionError(ValueError):
    """Input that cannot be processed; the message says why, for the person who loaded it."""


@dataclass(frozen=True, slots=True)
class Quantity:
    text: str
    value: float | int | None
    unit: str
    bound: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "value": self.value, "unit": self.unit, "bound": self.bound}


@dataclass(frozen=True, slots=True)
class ExtractedClaim:
    start: int
    end: int
    text: str
    kind: str
    score: float
    quantities: tuple[Quantity, ...] = ()
    claimant: str = ""
    entities: tuple[dict[str, object], ...] = field(default=())
    # "person" or "organisation" when there is a claimant, else "".
    claimant_type: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "score": round(self.score, 4),
            "quantities": [q.as_dict() for q in self.quantities],
            "claimant": self.claimant,
            "claimant_type": self.claimant_type,
            "entities": [dict(e) for e in self.entities],
        }
