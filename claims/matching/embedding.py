"""Sentence embeddings from the shipped model (see export.py): unit vectors, so a dot product
is the cosine. Loaded once per process; texts sorted by length before batching."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from claims import onnx_model
from claims.onnx_model import OnnxModel

MODEL_DIR = Path(__file__).resolve().parent / "models" / "embedding"


@dataclass(frozen=True)
class Embedder:
    model: OnnxModel
    version: str
    dimensions: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """One float32 unit vector per text (an empty text gets a zero vector)."""
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for batch, output in self.model.batches(texts, skip_empty=True):
            vectors[batch] = output
        return vectors


@lru_cache(maxsize=2)
def load(model_dir: Path = MODEL_DIR) -> Embedder:
    model = onnx_model.load(model_dir)
    return Embedder(
        model=model,
        version=str(model.meta["version"]),
        dimensions=int(model.meta["dimensions"]),
    )
