"""The claim extractor: pure Python, no Django. Text in, candidate claims out."""

from claims.extraction.pipeline import CHECKWORTHY_THRESHOLD, extract_claims, model_version
from claims.extraction.types import CLAIM_KINDS, ExtractedClaim, ExtractionError, Quantity

__all__ = [
    "CHECKWORTHY_THRESHOLD",
    "CLAIM_KINDS",
    "ExtractedClaim",
    "ExtractionError",
    "Quantity",
    "extract_claims",
    "model_version",
]
