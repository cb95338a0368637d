"""evaluate_extractor and bench_extraction: figures anyone can recompute from the output."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from claims.extraction import evaluation, scoring

# Made-up rows in the shared data's format; the checkthat rows come from two documents and
# one row has no context at all (other labelled sets may leave it null).
ROWS = [
    ("cb-1", "Unemployment fell to 3.9 percent last year.", True, "claimbuster_cfs", "d1"),
    ("cb-2", "We spent $4 billion on roads in 2019.", True, "claimbuster_cfs", "d1"),
    ("cb-3", "Thank you all for coming tonight.", False, "claimbuster_cfs", "d1"),
    ("cb-4", "I want to talk about the future.", False, "claimbuster_cfs", "d2"),
    ("cb-5", "Crime doubled in the city since 2010.", False, "claimbuster_cfs", "d2"),
    ("ct-1", "The deficit tripled under his watch.", True, "checkthat_factchecked", "s1"),
    ("ct-2", "Good evening, everybody.", False, "checkthat_factchecked", "s1"),
    ("ct-3", "We will win this state.", False, "checkthat_factchecked", "s2"),
    ("ct-4", "Imports rose by 12 percent in March.", True, "checkthat_factchecked", "s2"),
    ("xx-1", "Our schools lost 300 teachers.", True, "claimbuster_cfs", None),
]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "rows.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for id_, text, label, scheme, context in ROWS:
            row = {"id": id_, "text": text, "checkworthy": label, "label_scheme": scheme}
            handle.write(json.dumps(row | {"context_id": context, "speaker": None}) + "\n")
    return path


def run(*args: str) -> tuple[str, dict[str, Any]]:
    out = StringIO()
    call_command("evaluate_extractor", *args, "--json", stdout=out)
    text = out.getvalue()
    return text, json.loads(text.strip().splitlines()[-1])


def test_figures_can_be_recomputed_from_the_predictions(dataset: Path, tmp_path: Path) -> None:
    predictions = tmp_path / "predictions.jsonl"
    text, report = run("--dataset", str(dataset), "--predictions", str(predictions))
    lines = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert [line["id"] for line in lines] == [row[0] for row in ROWS]
    threshold = report["claimbuster_cfs"]["threshold"]
    for line in lines:
        assert 0.0 <= line["score"] <= 1.0
        assert line["checkworthy"] == (line["score"] >= threshold)
    labels = {row[0]: row[2] for row in ROWS if row[3] == "claimbuster_cfs"}
    predicted = {line["id"]: line["checkworthy"] for line in lines if line["id"] in labels}
    tp = sum(1 for i in labels if labels[i] and predicted[i])
    fp = sum(1 for i in labels if not labels[i] and predicted[i])
    fn = sum(1 for i in labels if labels[i] and not predicted[i])
    assert report["claimbuster_cfs"]["rows"] == 6
    precision = tp / (tp + fp) if tp + fp else 0.0
    assert report["claimbuster_cfs"]["precision"] == round(precision, 4)
    assert report["claimbuster_cfs"]["recall"] == round(tp / (tp + fn), 4)
    assert report["checkthat_factchecked"]["documents"] == 2
    assert report["model_version"] == scoring.load().version
    assert "f1:" in text  # the human-readable part comes first


def test_ranking_metrics_by_hand() -> None:
    rows = [{"context_id": "a", "checkworthy": label} for label in (False, True, False, True)] + [
        {"context_id": "b", "checkworthy": label} for label in (True, False)
    ]
    scores = [0.9, 0.8, 0.7, 0.1, 0.2, 0.6]
    report = evaluation.ranking(rows, scores)
    # a: hits at ranks 2 and 4 -> (1/2 + 2/4) / 2 = 0.5; b: the hit is ranked 2nd -> 0.5.
    assert report == {"documents": 2, "map": 0.5, "p_at_10": 0.15}


def test_another_model_folder_scores_the_dataset(dataset: Path, tmp_path: Path) -> None:
    _, shipped = run("--dataset", str(dataset))
    _, same = run("--dataset", str(dataset), "--model", str(scoring.MODEL_DIR))
    assert same == shipped
    with pytest.raises(CommandError, match=r"meta\.json missing"):
        run("--dataset", str(dataset), "--model", str(tmp_path / "nowhere"))


def test_figures_on_the_model_s_own_training_data_are_flagged(
    dataset: Path, tmp_path: Path
) -> None:
    _, report = run("--dataset", str(dataset))
    assert "warning" not in report
    folder = tmp_path / "model"
    folder.mkdir()
    for name in ("model.onnx", "tokenizer.json"):
        (folder / name).symlink_to(scoring.MODEL_DIR / name)
    meta = json.loads((scoring.MODEL_DIR / "meta.json").read_text()) | {"datasets": ["rows.jsonl"]}
    (folder / "meta.json").write_text(json.dumps(meta))
    text, report = run("--dataset", str(dataset), "--model", str(folder))
    assert "not held-out" in report["warning"]
    assert "warning: model" in text


def test_a_row_without_text_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "text": "Fine."}\n{"id": 2}\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.jsonl:2"):
        run("--dataset", str(path))


def test_bench_extraction_prints_its_split_and_the_bare_nlp_baseline() -> None:
    out = StringIO()
    call_command("bench_extraction", "--words", "3000", "--json", stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["words"] >= 3000
    for key in ("extractor_words_per_second", "bare_spacy_words_per_second", "seconds_nlp"):
        assert figures[key] > 0
    assert figures["seconds_rest"] < figures["seconds_total"]
    for key in ("seconds_model", "seconds_nlp_and_model_overlapped", "peak_rss_mb"):
        assert figures[key] > 0
    # The peak memory is taken with the sentence embedder loaded too, as in a worker.
    from claims.matching import embedding

    assert embedding.load.cache_info().currsize >= 1
    # The CPU features the figures depend on are printed with them.
    assert "avx512_vnni=" in figures["cpu_features"] and "avx2=" in figures["cpu_features"]


def test_cpu_features_are_read_from_cpuinfo(tmp_path: Path) -> None:
    from claims.management.commands.bench_extraction import cpu_features

    info = tmp_path / "cpuinfo"
    info.write_text("flags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n", encoding="utf-8")
    assert cpu_features(info) == {
        "avx2": True,
        "avx512f": True,
        "avx512_vnni": True,
        "avx_vnni": False,
    }
    assert not any(cpu_features(tmp_path / "missing").values())


def test_evaluate_extractor_reports_the_labelled_sections() -> None:
    out = StringIO()
    call_command("evaluate_extractor", "--labelled", "--json", stdout=out)
    report = json.loads(out.getvalue().strip().splitlines()[-1])
    for section in ("claimant_accuracy", "quantity_accuracy", "sentence_boundaries"):
        assert section in report
    assert "precision" in report["kind_precision"]


def test_quantity_accuracy_tells_a_wrong_value_from_another_unit() -> None:
    from claims.extraction.types import Quantity

    def read(text: str) -> tuple[Quantity, ...]:
        return {
            "a": (Quantity("3,000 affordable homes", 3000, "homes"),),
            "b": (Quantity("$2.174T", 2, "USD"),),
            "c": (Quantity("40 people", 40, "people"),),
        }[text]

    rows = [
        {"text": "a", "quantities": [{"value": 3000, "unit": "affordable homes", "bound": None}]},
        {"text": "b", "quantities": [{"value": 2.174e12, "unit": "USD", "bound": None}]},
        {"text": "c", "quantities": [{"value": 40, "unit": "people", "bound": None}]},
    ]
    report = evaluation.quantities(rows, read)
    assert report["fully_right"] == round(1 / 3, 4)
    assert report["wrong_value"] == round(1 / 3, 4)  # $2.174T read as 2
    assert report["other_unit"] == round(1 / 3, 4)  # the right value, a shorter unit
    # a wrong currency with the right figure is a wrong value, not another unit
    dollars = [{"text": "b", "quantities": [{"value": 2, "unit": "AUD", "bound": None}]}]
    wrong_currency = evaluation.quantities(dollars, read)
    assert wrong_currency["other_unit"] == 0.0
    assert wrong_currency["wrong_value"] == 0.5  # the AUD missing, the USD found not labelled
