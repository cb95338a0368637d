"""Past-verdict search at archive scale, on PostgreSQL: `python -m bench.verdict_search
--scale 100000 --scale 1000000` (claims/fulltext.py; issue 18).

In a database of its own (factcheck_verdict_search, made afresh): the shared archive of
fact-checks (../shared/data/matching/claims.jsonl, 33,481 rows) plus published desk claims up
to each scale (their texts reuse the archive's, numbered), then a fresh process, standing in
for a web process, runs the dev queries' texts and short three-word versions of them through
the service (`memory.past_verdicts_search`) and prints p50/p95 and its resident memory before
and after. No embedding is stored or loaded: the web process needs none.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "matching"
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
NAME = "factcheck_verdict_search"


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _django(url: str) -> None:
    os.environ.update(DATABASE_URL=url, DEBUG="1", DJANGO_SETTINGS_MODULE="factcheck.settings")
    import django

    django.setup()


def fill(url: str, total: int) -> dict[str, Any]:
    """Top the database up to `total` verdicts (archive + published desk claims)."""
    _django(url)
    from django.utils import timezone

    from claims.models import Article, Claim, ClaimStatus, FactCheck, Rating

    started = time.perf_counter()
    if not FactCheck.objects.exists():
        rows = [json.loads(line) for line in (DATA / "claims.jsonl").open(encoding="utf-8")]
        FactCheck.objects.bulk_create(
            [
                FactCheck(
                    collection=r["collection"],
                    external_id=r["vclaim_id"],
                    text=r["text"],
                    title=(r.get("title") or "")[:500],
                    url=(r.get("url") or "")[:2000],
                    embedding=b"",
                    embedding_version="none",
                )
                for r in rows
            ],
            batch_size=5000,
        )
    texts = list(FactCheck.objects.values_list("text", flat=True))
    rating = Rating.objects.get(slug="false")
    made = Claim.objects.count()
    wanted = max(0, total - len(texts))
    now = timezone.now()
    while made < wanted:
        count = min(5000, wanted - made)
        article = Article.objects.create(
            title=f"Scale {made}", body="x", content_hash=f"scale-{made}", extraction_status="done"
        )
        Claim.objects.bulk_create(
            [
                Claim(
                    article=article,
                    start=i,
                    end=i + 1,
                    text=f"{texts[(made + i) % len(texts)]} (item {made + i})",
                    status=ClaimStatus.PUBLISHED,
                    rating=rating,
                    summary="Checked by the desk.",
                    published_at=now,
                    first_published_at=now,
                )
                for i in range(count)
            ],
            batch_size=5000,
        )
        made += count
    return {"verdicts": len(texts) + made, "fill_seconds": round(time.perf_counter() - started, 1)}


def measure(url: str, queries: int) -> dict[str, Any]:
    """A fresh process searching as the web does: latency and resident memory."""
    _django(url)
    from claims.management.commands.bench_matching import web_search_figures
    from claims.matching import store

    rows = [json.loads(line) for line in (DATA / "dev.jsonl").open(encoding="utf-8")]
    figures = web_search_figures(rows, queries)
    return {**figures, "index_in_process": store._state.index is not None}


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.verdict_search", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, action="append", default=[])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--fill", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.fill is not None:
        print(json.dumps(fill(options.url, options.fill)))
        return
    if options.measure:
        print(json.dumps(measure(options.url, options.queries)))
        return
    import psycopg

    url = f"{SERVER}/{NAME}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{NAME}"')
        admin.execute(f'CREATE DATABASE "{NAME}"')
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    for scale in sorted(options.scale or [100_000]):
        filled = _child("--fill", str(scale), "--url", url)
        figures = _child("--measure", "--url", url, "--queries", str(options.queries))
        print(json.dumps({"scale": scale, **filled, **figures}), flush=True)


if __name__ == "__main__":
    main()
