"""Check-worthiness scores from the shipped model: a fine-tuned MiniLM classifier exported to
ONNX and quantised to int8 (see training.py), served with onnxruntime and tokenizers, no torch.

The model is loaded once per process, on first use. Sentences are sorted by length before
batching so that padding stays small.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from claims import onnx_model
from claims.onnx_model import OnnxModel

MODEL_DIR = Path(__file__).resolve().parent / "models" / "checkworthiness"
# Small batches: an article's sentences run from 5 to 64 tokens and a batch is padded to its
# longest, so batches of 64 spent much of their work on padding (bench_extraction on the
# sample articles: 16 a batch 1.45x faster end to end than 64; 8 no faster than 16).
BATCH_SIZE = 16


@dataclass(frozen=True)
class Scorer:
    model: OnnxModel
    version: str
    threshold: float
    max_length: int

    def score(self, texts: list[str]) -> list[float]:
        import numpy as np

        scores = [0.0] * len(texts)
        for batch, logits in self.model.batches(texts, batch_size=BATCH_SIZE):
            shifted = logits - logits.max(axis=1, keepdims=True)
            probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
            for row, index in enumerate(batch):
                scores[index] = float(probabilities[row, 1])
        return scores


@lru_cache(maxsize=2)
def load(model_dir: Path = MODEL_DIR) -> Scorer:
    """Load the model (once per process and folder)."""
    model = onnx_model.load(model_dir)
    return Scorer(
        model=model,
        version=str(model.meta["version"]),
        threshold=float(model.meta["threshold"]),
        max_length=int(model.meta["max_length"]),
    )
