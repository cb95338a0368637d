"""bench_matching's measuring path on a small collection written by the test (the real data
in ../shared/ is measured by the command itself; see the README)."""

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from claims.management.commands.bench_matching import Command, _scales
from claims.models import Article, Claim, ClaimStatus
from claims.services import memory

COLLECTION = [
    ("v1", "politifact", "The United States has spent $350 billion on the war in Ukraine."),
    ("v2", "politifact", "Wind turbines kill more birds than cats do every single year."),
    ("v3", "politifact", "The governor cut school funding by 20 percent in his first term."),
    ("v4", "snopes", "A photo shows a shark swimming on a flooded highway after the hurricane."),
    ("v5", "snopes", "Drinking hot water every fifteen minutes prevents infection by the virus."),
    ("v6", "snopes", "The army is sending text messages telling people they were drafted."),
]
QUERIES = [
    (
        "q1",
        "checkthat-2b-debates",
        "politifact",
        "We have spent $350 billion on the war in Ukraine.",
        "v1",
    ),
    (
        "q2",
        "checkthat-2b-debates",
        "politifact",
        "He cut funding for our schools by 20 percent.",
        "v3",
    ),
    (
        "q3",
        "checkthat-2a-tweets",
        "snopes",
        "Unbelievable: shark swimming on the flooded highway",
        "v4",
    ),
    (
        "q4",
        "checkthat-2a-tweets",
        "snopes",
        "Got a text from the army saying I was drafted??",
        "v6",
    ),
]


@pytest.mark.django_db
def test_bench_reports_every_figure_and_never_links_a_mutation(tmp_path: Path, editor: Any) -> None:
    collection = tmp_path / "claims.jsonl"
    collection.write_text(
        "\n".join(
            json.dumps(
                {"vclaim_id": i, "collection": c, "text": t, "title": "", "date": "2020-01-01"}
            )
            for i, c, t in COLLECTION
        )
    )
    queries = [
        {"id": i, "source": s, "collection": c, "query": q, "positives": [p], "date": "2020-01-05"}
        for i, s, c, q, p in QUERIES
    ]
    queries.append(
        {
            **queries[0],
            "id": "q5",
            "must_not_link": ["v1"],
            "query": "We have not spent $350 billion on the war in Ukraine.",
        }
    )
    predictions = tmp_path / "predictions.jsonl"
    options: dict[str, Any] = {
        "collection": collection,
        "predictions": predictions,
        "scale": [100, 300],
        "calibrate": True,
        "queries": tmp_path / "queries.jsonl",
        "split": None,
        "limit": 0,
    }
    report = Command()._run(queries, collection.read_bytes(), options)

    assert report["collection_size"] == 6 and report["queries"] == 5
    for key in (
        "mrr",
        "p_at_1",
        "auto_link_count",
        "auto_link_precision",
        "suggest_recall",
        "wrong_links",
        "seconds_per_query",
    ):
        assert key in report
    assert set(report["by_source"]) == {"checkthat-2b-debates", "checkthat-2a-tweets"}
    assert list(report["by_source"]["checkthat-2a-tweets"]) == [
        "mrr",
        "p_at_1",
        "auto_link_count",
        "auto_link_precision",
        "suggest_recall",
        "suggest_count",
        "suggest_precision",
    ]
    assert set(report["calibration"]) >= {"all", "checkthat-2a-tweets", "current"}
    assert report["mrr"] >= 0.8  # each query's own fact-check is among few, clearly distinct
    assert report["wrong_links"] == 0 and report["mutated_queries"] >= 5
    lines = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["q1", "q2", "q3", "q4", "q5"]
    assert lines[0]["ranking"][0] == "v1" and len(lines[0]["ranking"]) <= 10
    assert lines[4]["decision"] != "link"
    assert {line["decision"] for line in lines} <= {"link", "suggest", "none"}
    scale = report["scale"]
    assert scale["measured_in"] == "this process"  # a test's data is not visible to another
    assert "avx512_vnni" in scale["cpu_features"]
    assert [row["desk_claims"] for row in scale["by_scale"]] == [100, 300]
    for row, stored in zip(scale["by_scale"], (100, 300), strict=True):
        assert row["indexed"] >= stored + 6 and row["article_claims"] == 5
        assert row["index_load_seconds"] >= 0 and row["worker_rss_mb"] > 0
        assert 0 < row["match_article_seconds"] < 30 and row["searches"] == 10
        assert row["search_p95_ms"] >= row["search_p50_ms"] > 0
    # The synthetic desk claims are published verdicts: the web's full-text search finds them.
    assert Claim.objects.filter(status=ClaimStatus.PUBLISHED).count() == 300
    assert memory.past_verdicts_search(text="shark swimming on a flooded highway", actor=editor)
    # Each scale's new article was rolled back: only the synthetic desk is left.
    assert Article.objects.count() == 3


def test_scales_are_a_comma_separated_list() -> None:
    assert _scales("1000000,100000") == [100_000, 1_000_000]
    assert _scales("300") == [300]
    with pytest.raises(argparse.ArgumentTypeError):
        _scales("100k")
    with pytest.raises(argparse.ArgumentTypeError):
        _scales("0")
