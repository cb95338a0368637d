"""Benchmark claim matching on labelled queries against a collection of fact-checks.

The collection is imported into a fresh, empty database (a test database on the configured
backend, SQLite or PostgreSQL, dropped afterwards) exactly as `import_factchecks` would, and
every query goes through the product's own matching (claims.matching.store and rules).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from claims.matching import archive, benchmark, store
from claims.matching import text as claim_text
from claims.models import FactCheck
from claims.services import archive as archive_service
from claims.services import memory

FIRST_FIVE = (
    "mrr",
    "p_at_1",
    "auto_link_count",
    "auto_link_precision",
    "suggest_recall",
    "suggest_count",
    "suggest_precision",
)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path}, line {number}: not JSON ({exc.msg})") from None
    return rows


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _context(query: dict[str, Any]) -> str:
    """The transcript lines before a debate sentence, without their speaker labels."""
    lines = query.get("context_before") or []
    return " ".join(line.split(":", 1)[-1] for line in lines if isinstance(line, str))


def _scales(value: str) -> list[int]:
    try:
        scales = sorted({int(part.replace("_", "")) for part in value.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of counts: {value!r}") from None
    if any(n < 1 for n in scales):
        raise argparse.ArgumentTypeError("every scale must be at least 1")
    return scales


def _rss_mb() -> float:
    """This process's resident memory now (VmRSS), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


STORE_BATCH = 5000  # claims per INSERT (articles of 100 claims each)


def _store_desk_claims(made: int, count: int) -> int:
    """Top the desk up to `count` synthetic claims (published, rated, embedded) in large
    batches; returns how many there are."""
    from django.db import transaction
    from django.utils import timezone

    from claims.models import Article, Claim, ClaimStatus, Rating

    rows = list(FactCheck.objects.order_by("pk").values_list("text", "embedding")[:50_000])
    if not rows:
        return made
    rating = Rating.objects.filter(slug="false").first()
    now = timezone.now()
    while made < count:
        size = min(STORE_BATCH, count - made)
        numbers = range(made, made + size)
        lines = [f"{rows[n % len(rows)][0]} (item {n})" for n in numbers]
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                [
                    Article(
                        title=f"Scale {first}",
                        body="\n".join(lines[first - made : first - made + 100]),
                        content_hash=f"bench-scale-{first}",
                        extraction_status="done",
                        published_at=now,
                    )
                    for first in range(made, made + size, 100)
                ]
            )
            claims, offset = [], 0
            for n, line in zip(numbers, lines, strict=True):
                if (n - made) % 100 == 0:
                    offset = 0  # the first line of the next article
                claims.append(
                    Claim(
                        article=articles[(n - made) // 100],
                        start=offset,
                        end=offset + len(line),
                        text=line,
                        embedding=rows[n % len(rows)][1],
                        status=ClaimStatus.PUBLISHED,
                        rating=rating,
                        summary="Checked by the desk.",
                        published_at=now,
                        first_published_at=now,
                    )
                )
                offset += len(line) + 1
            _insert(
                claims, varying=frozenset({"article", "start", "end", "text", "terms", "embedding"})
            )
        made += size
    return made


def _insert(objects: list[Any], varying: frozenset[str] = frozenset()) -> None:
    """bulk_create, or on PostgreSQL one COPY (psycopg 3) of every concrete column, each
    prepared by its field: the first row's values, and for the others only the `varying`
    fields' (the rest are the same in every row)."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        type(objects[0]).objects.bulk_create(objects, batch_size=STORE_BATCH)
        return
    from psycopg import sql

    model = type(objects[0])
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False)
    ]
    columns = sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    table = sql.Identifier(model._meta.db_table)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(table, columns)
    first = [f.get_db_prep_save(f.pre_save(objects[0], True), connection) for f in fields]
    changing = [(n, f) for n, f in enumerate(fields) if f.name in varying]
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in objects:
            values = list(first)
            for number, field in changing:
                values[number] = field.get_db_prep_save(field.pre_save(row, True), connection)
            copy.write_row(values)


class _Rollback(Exception):
    pass


def _worker_figures(queries: list[dict[str, Any]]) -> dict[str, Any]:
    """A worker starting: the embedding model, then the index from the database (timed, and
    the resident memory after it), then embedding the claims of a new 20-claim article and
    matching every one of them (timed apart), rolled back so that the next scale starts
    from the same desk."""
    from django.db import transaction

    from claims.ingest import content_hash
    from claims.matching import embedding
    from claims.models import Article, Claim

    started = time.perf_counter()
    embedding.load().embed(["warm up"])
    model_seconds = time.perf_counter() - started
    rss_before = _rss_mb()
    started = time.perf_counter()
    store.reset()
    index = store.sync()
    load_seconds = time.perf_counter() - started
    rss_after = _rss_mb()
    sample = [q["query"] for q in queries[:20]]
    body = "\n".join(sample)
    seconds: list[float] = []
    embedded: list[float] = []
    counts: dict[str, int] = {}
    for attempt in range(2):  # the first on the index as loaded, then once more
        try:
            with transaction.atomic():
                article = Article.objects.create(
                    title="New",
                    body=body,
                    content_hash=content_hash(f"{body}{attempt}"),
                    extraction_status="done",
                )
                offset = 0
                for text in sample:
                    Claim.objects.create(
                        article=article, start=offset, end=offset + len(text), text=text
                    )
                    offset += len(text) + 1
                started = time.perf_counter()
                claims = list(Claim.objects.filter(article=article).order_by("start"))
                for claim, vector in zip(claims, store.embed(sample), strict=True):
                    claim.embedding = vector
                Claim.objects.bulk_update(claims, ["embedding"])
                embedded.append(time.perf_counter() - started)
                started = time.perf_counter()
                counts = memory.claims_match_article(article_id=article.pk)
                seconds.append(time.perf_counter() - started)
                raise _Rollback
        except _Rollback:
            pass
    return {
        "indexed": len(index),
        "model_load_seconds": round(model_seconds, 1),
        "index_load_seconds": round(load_seconds, 1),
        "worker_rss_mb_before_index": rss_before,
        "worker_rss_mb": rss_after,
        "article_claims": len(sample),
        "embed_article_seconds": round(embedded[0], 3),
        "match_article_seconds": round(seconds[0], 3),
        "match_article_seconds_again": round(seconds[1], 3),
        "ms_per_claim": round(1000 * seconds[0] / max(1, len(sample)), 1),
        **counts,
    }


def web_search_figures(queries: list[dict[str, Any]], count: int = 300) -> dict[str, Any]:
    """A web process searching past verdicts as /api/v1/verdicts/ does (the database's
    full-text index, claims/fulltext.py): each query's text and its first three words."""
    from django.contrib.auth import get_user_model

    from claims.permissions import Role
    from claims.services import people

    texts = [str(q["query"])[:2000] for q in queries[:count]]
    texts += [" ".join(t.split()[:3]) for t in texts]
    user, _ = get_user_model().objects.get_or_create(username="bench-reader")
    people.user_set_role(user=user, role=Role.VIEWER)
    memory.past_verdicts_search(text="warm up the connection", actor=user)
    rss_before = _rss_mb()
    timings = []
    for text in texts:
        started = time.perf_counter()
        memory.past_verdicts_search(text=text, actor=user, limit=20)
        timings.append(time.perf_counter() - started)
    timings.sort()
    return {
        "searches": len(timings),
        "search_p50_ms": round(1000 * timings[len(timings) // 2], 1) if timings else None,
        "search_p95_ms": round(1000 * timings[int(len(timings) * 0.95)], 1) if timings else None,
        "web_rss_mb_before": rss_before,
        "web_rss_mb_after": _rss_mb(),
    }


class Command(BaseCommand):
    help = "Matching figures (MRR, P@1, auto-link precision, suggest recall, wrong links, time)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queries", type=Path, required=True)
        parser.add_argument("--collection", type=Path, required=True)
        parser.add_argument("--json", action="store_true", help="one JSON object on the last line")
        parser.add_argument("--predictions", type=Path, help="write one JSON line per query")
        parser.add_argument("--limit", type=int, default=0, help="only the first N queries")
        parser.add_argument(
            "--split",
            choices=("tune", "heldout"),
            help="only the fixed half of the queries used to tune the rule, or the other half",
        )
        parser.add_argument(
            "--calibrate",
            action="store_true",
            help="print the suggestion threshold that beats the old rule's precision by 1 SE",
        )
        parser.add_argument(
            "--scale",
            type=_scales,
            default=[],
            help="also store N desk claims (in articles of 100; several as 100000,1000000) and "
            "measure a worker's index load, memory and article matching and the web's "
            "past-verdict search at each",
        )
        parser.add_argument("--measure", choices=("worker", "web"), help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        queries = _read_jsonl(options["queries"])
        if options["split"]:
            queries = [q for q in queries if benchmark.in_split(str(q.get("id")), options["split"])]
        if options["limit"]:
            queries = queries[: options["limit"]]
        if options["measure"]:  # a fresh process on the benchmark's database (see _scale)
            measure = _worker_figures if options["measure"] == "worker" else web_search_figures
            self.stdout.write(json.dumps(measure(queries)))
            return
        try:
            collection_bytes = options["collection"].read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {options['collection']}: {exc.strerror}") from None
        for query in queries:
            if not isinstance(query.get("query"), str) or not query.get("id"):
                raise CommandError("Every query needs an `id` and a `query` text.")
        creation = connection.creation
        old_name = connection.settings_dict["NAME"]
        if connection.vendor != "sqlite":  # never the test suite's database
            connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}_bench_matching"
        creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            report = self._run(queries, collection_bytes, options)
        finally:
            store.reset()
            creation.destroy_test_db(old_name, verbosity=0)
        self._print(report, options["json"])

    def _run(self, queries: list[dict[str, Any]], data: bytes, options: Any) -> dict[str, Any]:
        started = time.perf_counter()
        problems: list[archive.Problem] = []

        def records() -> Iterator[archive.Record]:
            for item in archive.read(data, options["collection"].name):
                if isinstance(item, archive.Problem):
                    problems.append(item)
                else:
                    yield item

        counts = archive_service.factchecks_import(records=records(), collection="")
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        store.reset()
        index = store.sync()
        index_seconds = time.perf_counter() - started

        outcomes = [self._match(q) for q in queries]
        mutated = []
        for query, outcome in zip(queries, outcomes, strict=True):
            forbidden = set(map(str, query.get("positives") or []))
            if outcome.target:
                forbidden.add(outcome.target)
            # Mutate the text as matching reads it: a changed date in a tweet's signature or
            # a digit in a link changes nothing a reader would call the claim.
            said = claim_text.clean(query["query"])
            variants = [benchmark.change_number(said), benchmark.add_negation(said)]
            for number, variant in enumerate(v for v in variants if v):
                mutated.append(
                    self._match(
                        {**query, "id": f"{query['id']}#mutated{number}", "query": variant},
                        must_not_link=forbidden,
                    )
                )
        wrong = benchmark.wrong_links(outcomes) + benchmark.wrong_links(mutated)
        for outcome in wrong:
            self.stderr.write(f"wrong link: {outcome.id} -> {outcome.target}")

        sources = sorted({o.source for o in outcomes})
        report: dict[str, Any] = {
            "backend": connection.vendor,
            "collection_size": counts["created"] + counts["updated"] + counts["unchanged"],
            "collection_problems": len(problems),
            "queries": len(outcomes),
            "mutated_queries": len(mutated),
            "load_seconds": round(load_seconds, 1),
            "index_seconds": round(index_seconds, 1),
            **benchmark.figures(outcomes),
            "wrong_links": len(wrong),
            "seconds_per_query": round(sum(o.seconds for o in outcomes) / max(1, len(outcomes)), 4),
            "by_source": {
                source: {
                    k: v
                    for k, v in benchmark.figures(
                        [o for o in outcomes if o.source == source]
                    ).items()
                    if k in FIRST_FIVE
                }
                for source in sources
            },
            "baseline_bm25_mrr_by_source": self._baseline(index, queries),
        }
        if options.get("calibrate"):
            from claims.matching import rules

            report["calibration"] = {
                source: benchmark.calibrate(
                    [o for o in outcomes if source == "all" or o.source == source], 0.5
                )
                for source in ["all", *sources]
            }
            report["calibration"]["current"] = rules.SUGGEST_MIN_COSINE
        if options["scale"]:
            report["scale"] = self._scale(options["scale"], queries, options)
        if options["predictions"]:
            with options["predictions"].open("w", encoding="utf-8") as out:
                for o in outcomes:
                    line = {
                        "id": o.id,
                        "ranking": o.ranking,
                        "decision": o.decision,
                        "target": o.target,
                    }
                    out.write(json.dumps(line) + "\n")
        return report

    def _match(
        self, query: dict[str, Any], must_not_link: set[str] | None = None
    ) -> benchmark.Outcome:
        collection = query.get("collection")
        started = time.perf_counter()
        candidates = store.search(
            query["query"],
            context=_context(query),
            date=_date(query.get("date")),
            collections={collection} if collection else None,
            include_desk=False,
            limit=10,
        )
        verdict = store.decide(query["query"], candidates)
        seconds = time.perf_counter() - started
        ranking = [str(getattr(c.target, "external_id", c.target.pk)) for c in candidates]
        return benchmark.Outcome(
            id=str(query["id"]),
            source=str(query.get("source") or "all"),
            ranking=ranking,
            decision=verdict.decision,
            target=ranking[verdict.index] if verdict.index is not None else None,
            positives=set(map(str, query.get("positives") or [])),
            seconds=seconds,
            must_not_link=(must_not_link or set())
            | set(map(str, query.get("must_not_link") or [])),
            top_cosine=candidates[0].cosine if candidates else 0.0,
            top_is_positive=bool(ranking)
            and ranking[0] in set(map(str, query.get("positives") or [])),
        )

    def _scale(
        self, scales: list[int], queries: list[dict[str, Any]], options: Any
    ) -> dict[str, Any]:
        """At each scale: store desk claims up to N (published verdicts whose texts and
        embeddings are the collection's, numbered, so no time goes on embedding them), then
        measure a worker starting (index load, resident memory, matching every claim of a new
        20-claim article) and a web process searching past verdicts, each in a process of its
        own when the database can be shared with one (PostgreSQL, outside a test)."""
        from claims.management.commands.bench_extraction import cpu_features

        fresh = connection.vendor == "postgresql" and not connection.in_atomic_block
        figures: dict[str, Any] = {
            "cpu_features": cpu_features(),
            "measured_in": "fresh processes" if fresh else "this process",
            "by_scale": [],
        }
        made = 0
        for count in scales:
            started = time.perf_counter()
            made = _store_desk_claims(made, count)
            stored = {"desk_claims": made, "store_seconds": round(time.perf_counter() - started, 1)}
            if fresh:
                worker = self._child("worker", options)
                web = self._child("web", options)
            else:
                worker, web = _worker_figures(queries), web_search_figures(queries)
            figures["by_scale"].append({**stored, **worker, **web})
        return figures

    def _child(self, role: str, options: Any) -> dict[str, Any]:
        """`bench_matching --measure ROLE` in a new process on this benchmark's database."""
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        command = [sys.executable, "manage.py", "bench_matching", "--measure", role]
        command += ["--queries", str(options["queries"]), "--collection", "-"]
        if options["split"]:
            command += ["--split", options["split"]]
        if options["limit"]:
            command += ["--limit", str(options["limit"])]
        done = subprocess.run(  # noqa: S603 (this interpreter, this project's manage.py)
            command,
            cwd=Path(__file__).resolve().parents[3],
            # A worker's BLAS runs one thread, as factcheck/celery.py sets for workers.
            env={"OPENBLAS_NUM_THREADS": "1", **os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise CommandError(f"bench_matching --measure {role} failed:\n{done.stderr[-3000:]}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    def _baseline(self, index: Any, queries: list[dict[str, Any]]) -> dict[str, float]:
        """BM25 alone over the same index, in the same run: what the embeddings add."""
        import numpy as np

        ranks: dict[str, list[float]] = {}
        for query in queries:
            scores = index.bm25({t: 1.0 for t in claim_text.terms(query["query"])})
            if query.get("collection"):
                scores = np.where(index.allowed({query["collection"]}), scores, -1.0)
            top = np.argsort(-scores)[:10]
            keys = [index.key(int(i)) for i in top]
            # The index keys are "f:<pk>"; compare by external id through the database.

            lookup = dict(
                FactCheck.objects.filter(pk__in=[int(k[2:]) for k in keys]).values_list(
                    "pk", "external_id"
                )
            )
            positives = set(map(str, query.get("positives") or []))
            rr = 0.0
            for rank, key in enumerate(keys, start=1):
                if lookup.get(int(key[2:])) in positives:
                    rr = 1.0 / rank
                    break
            ranks.setdefault(str(query.get("source") or "all"), []).append(rr)
        return {source: round(float(np.mean(values)), 4) for source, values in ranks.items()}

    def _print(self, report: dict[str, Any], as_json: bool) -> None:
        self.stdout.write(
            f"{report['backend']}: {report['collection_size']} fact-checks stored "
            f"(import {report['load_seconds']} s, index {report['index_seconds']} s), "
            f"{report['queries']} queries, {report['mutated_queries']} mutated"
        )
        self.stdout.write(
            f"{'source':<28} {'MRR':>6} {'P@1':>6} {'links':>6} {'link P':>7} "
            f"{'recall':>7} {'BM25 MRR':>9}"
        )
        rows = [("all", report), *report["by_source"].items()]
        for name, figures in rows:
            precision = figures["auto_link_precision"]
            baseline = report["baseline_bm25_mrr_by_source"].get(name, "")
            self.stdout.write(
                f"{name:<28} {figures['mrr']:>6} {figures['p_at_1']:>6} "
                f"{figures['auto_link_count']:>6} {precision if precision is not None else '-':>7} "
                f"{figures['suggest_recall']:>7} {baseline:>9}"
            )
        for name, figures in rows:
            self.stdout.write(
                f"suggestions {name}: {figures['suggest_count']} offered, "
                f"precision {figures['suggest_precision']}"
            )
        for name, cal in report.get("calibration", {}).items():
            if name == "current":
                continue
            self.stdout.write(
                f"calibration {name}: old rule (cosine >= 0.5) precision {cal['old_precision']} "
                f"± {cal['old_se']} over {cal['old_count']}; chosen threshold {cal['threshold']}"
            )
        self.stdout.write(
            f"wrong links {report['wrong_links']}, "
            f"{report['seconds_per_query'] * 1000:.1f} ms per query"
        )
        if "scale" in report:
            scale = report["scale"]
            features = ", ".join(
                f"{name}={'yes' if present else 'no'}"
                for name, present in scale["cpu_features"].items()
            )
            self.stdout.write(f"scale ({scale['measured_in']}; CPU {features}):")
            self.stdout.write(
                f"{'desk claims':>12} {'indexed':>9} {'store s':>8} {'load s':>7} "
                f"{'RSS MB':>7} {'embed s':>8} {'match s':>8} {'again s':>8} {'search p50':>11} "
                f"{'p95 ms':>7} {'web RSS MB':>11}"
            )
            for row in scale["by_scale"]:
                self.stdout.write(
                    f"{row['desk_claims']:>12,} {row['indexed']:>9,} {row['store_seconds']:>8} "
                    f"{row['index_load_seconds']:>7} {row['worker_rss_mb']:>7} "
                    f"{row['embed_article_seconds']:>8} {row['match_article_seconds']:>8} "
                    f"{row['match_article_seconds_again']:>8} "
                    f"{row['search_p50_ms']!s:>11} {row['search_p95_ms']!s:>7} "
                    f"{row['web_rss_mb_before']:>5}->{row['web_rss_mb_after']}"
                )
        if as_json:
            self.stdout.write(json.dumps(report, default=str))
