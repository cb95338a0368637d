"""The claim extractor: pure Python, no Django. Text in, candidate claims out."""

from claims.extraction.pipeline import (
    checkworthy_threshold,
    extract_claims,
    model_version,
    suggest,
)
from claims.extraction.types import CLAIM_KINDS, ExtractedClaim, ExtractionError, Quantity

__all__ = [
    "CLAIM_KINDS",
    "ExtractedClaim",
    "ExtractionError",
    "Quantity",
    "checkworthy_threshold",
    "extract_claims",
    "model_version",
    "suggest",
]
