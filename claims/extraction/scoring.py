"""Check-worthiness scores from the shipped model: a fine-tuned MiniLM classifier exported to
ONNX and quantised to int8 (see training.py), served with onnxruntime and tokenizers, no torch.

The model is loaded once per process, on first use. Sentences are sorted by length before
batching so that padding stays small.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_DIR = Path(__file__).resolve().parent / "models" / "checkworthiness"
BATCH_SIZE = 64


@dataclass(frozen=True)
class Scorer:
    session: Any
    tokenizer: Any
    version: str
    threshold: float
    max_length: int
    input_names: tuple[str, ...]

    def score(self, texts: list[str]) -> list[float]:
        import numpy as np

        if not texts:
            return []
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        scores = [0.0] * len(texts)
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
            logits = self.session.run(
                None, {k: v for k, v in feeds.items() if k in self.input_names}
            )[0]
            shifted = logits - logits.max(axis=1, keepdims=True)
            probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
            for row, index in enumerate(batch):
                scores[index] = float(probabilities[row, 1])
        return scores


_lock = threading.Lock()


@lru_cache(maxsize=2)
def load(model_dir: Path = MODEL_DIR) -> Scorer:
    """Load the model (once per process and folder)."""
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
        return Scorer(
            session=session,
            tokenizer=tokenizer,
            version=str(meta["version"]),
            threshold=float(meta["threshold"]),
            max_length=int(meta["max_length"]),
            input_names=tuple(i.name for i in session.get_inputs()),
        )
