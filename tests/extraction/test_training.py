"""The parts of training that need no torch: batching, labels, reading rows."""

import json
from pathlib import Path

import pytest

from claims.extraction.training import (
    TrainingConfig,
    best_threshold,
    class_of,
    length_batches,
    read_rows,
    split_by_document,
)


def test_length_batches_cover_every_row_once_and_keep_lengths_close() -> None:
    lengths = [(i * 37) % 61 + 3 for i in range(5000)]
    batches = length_batches(lengths, 32, seed=1)
    flat = sorted(i for batch in batches for i in batch)
    assert flat == list(range(5000))
    assert all(len(batch) <= 32 for batch in batches)
    spread = [max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches]
    # Random batches of 32 from lengths 3..63 nearly always span 50+; sorted windows do not.
    assert sum(spread) / len(spread) < 5
    # The same seed gives the same batches; another seed another order.
    assert length_batches(lengths, 32, seed=1) == batches
    assert length_batches(lengths, 32, seed=2) != batches


def test_three_classes_come_from_claimbuster_labels_and_fall_back_to_the_boolean() -> None:
    assert class_of({"checkworthy": True, "orig_label": "CFS"}, three_class=True) == 2
    assert class_of({"checkworthy": False, "orig_label": "UFS"}, three_class=True) == 1
    assert class_of({"checkworthy": False, "orig_label": "NFS"}, three_class=True) == 0
    # A newsroom's own labels have no ClaimBuster class: check-worthy or not.
    assert class_of({"checkworthy": True}, three_class=True) == 2
    assert class_of({"checkworthy": False, "orig_label": None}, three_class=True) == 0
    assert class_of({"checkworthy": True, "orig_label": "CFS"}, three_class=False) == 1


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
    assert meta["config"] == TrainingConfig().__dict__
