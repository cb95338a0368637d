"""Sentence embeddings from the shipped model (see export.py): unit vectors, so a dot product
is the cosine. Loaded once per process; texts sorted by length before batching."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MODEL_DIR = Path(__file__).resolve().parent / "models" / "embedding"
BATCH_SIZE = 64


@dataclass(frozen=True)
class Embedder:
    session: Any
    tokenizer: Any
    version: str
    dimensions: int
    input_names: tuple[str, ...]

    def embed(self, texts: list[str]) -> np.ndarray:
        """One float32 unit vector per text (an empty text gets a zero vector)."""
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        filled = [i for i in range(len(texts)) if texts[i].strip()]
        order = sorted(filled, key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            encodings = self.tokenizer.encode_batch([texts[i] for i in batch])
            width = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, encoding in enumerate(encodings):
                ids[row, : len(encoding.ids)] = encoding.ids
                mask[row, : len(encoding.attention_mask)] = encoding.attention_mask
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            out = self.session.run(None, {k: v for k, v in feeds.items() if k in self.input_names})
            vectors[batch] = out[0]
        return vectors


_lock = threading.Lock()


@lru_cache(maxsize=2)
def load(model_dir: Path = MODEL_DIR) -> Embedder:
    with _lock:
        import onnxruntime
        from tokenizers import Tokenizer

        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("FACTCHECK_SCORING_THREADS", "2"))
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            str(model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=int(meta["max_length"]))
        tokenizer.no_padding()
        return Embedder(
            session=session,
            tokenizer=tokenizer,
            version=str(meta["version"]),
            dimensions=int(meta["dimensions"]),
            input_names=tuple(i.name for i in session.get_inputs()),
        )
