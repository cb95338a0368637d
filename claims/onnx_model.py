"""What the two shipped ONNX models share (the check-worthiness classifier and the sentence
embedder): loading a model folder once per process, and feeding texts in length-sorted,
padded batches. Neither model needs torch at run time."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

BATCH_SIZE = 64
_lock = threading.Lock()


@dataclass(frozen=True)
class OnnxModel:
    session: Any
    tokenizer: Any
    meta: dict[str, Any]
    input_names: tuple[str, ...]

    def batches(
        self, texts: list[str], *, skip_empty: bool = False, batch_size: int = BATCH_SIZE
    ) -> Iterator[tuple[list[int], Any]]:
        """(positions in `texts`, the model's first output) for every text (or every
        non-empty one), in batches of similar length so that padding stays small.

        int8 activations are scaled per batch, so a text's output moves slightly (third
        decimal) with the texts batched beside it: a model's batch size is part of its
        output, and the embedder keeps the 64 its stored vectors were made with."""
        filled = [i for i in range(len(texts)) if texts[i].strip() or not skip_empty]
        order = sorted(filled, key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in batch])
            width = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, encoding in enumerate(encodings):
                ids[row, : len(encoding.ids)] = encoding.ids
                mask[row, : len(encoding.attention_mask)] = encoding.attention_mask
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            output = self.session.run(
                None, {k: v for k, v in feeds.items() if k in self.input_names}
            )[0]
            yield batch, output


def load(model_dir: Path) -> OnnxModel:
    """model.onnx, tokenizer.json and meta.json from a folder; FACTCHECK_SCORING_THREADS
    intra-op threads."""
    with _lock:
        import onnxruntime
        from tokenizers import Tokenizer

        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        options = onnxruntime.SessionOptions()
        # Django-free core: reads the variable itself; factcheck/settings.py documents it.
        options.intra_op_num_threads = int(os.environ.get("FACTCHECK_SCORING_THREADS", "2"))
        options.inter_op_num_threads = 1
        # No spin-waiting between operators: the classifier runs beside spaCy (pipeline.py), and
        # a spinning thread takes the core spaCy needs (measured: about 4 % faster end to end).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(
            str(model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=int(meta["max_length"]))
        tokenizer.no_padding()
        return OnnxModel(
            session=session,
            tokenizer=tokenizer,
            meta=meta,
            input_names=tuple(i.name for i in session.get_inputs()),
        )
