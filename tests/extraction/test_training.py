"""The parts of training that need no torch: reading rows, the held-out split, thresholds."""

import json
from pathlib import Path

import pytest

from claims.extraction.training import (
    TrainingConfig,
    best_threshold,
    read_rows,
    split_by_document,
)


def test_rows_of_other_schemes_are_left_out_and_bad_rows_named(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    rows = [
        {"text": "A", "checkworthy": True, "label_scheme": "claimbuster_cfs"},
        {"text": "B", "checkworthy": True, "label_scheme": "checkthat_factchecked"},
        {"text": "C", "checkworthy": False},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "\n", encoding="utf-8")
    assert [r["text"] for r in read_rows([path], {"claimbuster_cfs"})] == ["A", "C"]
    path.write_text('{"text": "A", "checkworthy": "yes"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"rows\.jsonl:1"):
        read_rows([path], None)


def test_validation_is_held_out_by_document() -> None:
    rows = [{"id": i, "context_id": f"debate-{i % 20}"} for i in range(400)]
    train, valid = split_by_document(rows, 0.1, seed=13)
    assert len(train) + len(valid) == 400
    assert {r["context_id"] for r in train}.isdisjoint({r["context_id"] for r in valid})
    assert len({r["context_id"] for r in valid}) == 2


def test_best_threshold_finds_the_separating_score() -> None:
    scores = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9]
    labels = [False, False, False, True, True, True]
    threshold, f1 = best_threshold(scores, labels)
    assert f1 == 1.0 and 0.3 < threshold <= 0.7


def test_the_shipped_recipe_is_the_default() -> None:
    from claims.extraction.scoring import MODEL_DIR

    meta = json.loads((MODEL_DIR / "meta.json").read_text(encoding="utf-8"))
    default = TrainingConfig().__dict__
    assert {k: default[k] for k in meta["config"]} == meta["config"]
    # options added since the shipped model was trained are off by default
    assert set(default) - set(meta["config"]) <= {
        "preceding_sentence",
        "context_length",
        "three_classes",
    }
    assert default["preceding_sentence"] is False
    assert default["three_classes"] is False
