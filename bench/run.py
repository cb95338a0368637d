"""`make bench`: the figures issue 7 asks for, measured against the local PostgreSQL and
Redis in a database of its own (factcheck_bench, dropped and made afresh each run):

- the machine: CPU model, cores and the instruction-set features the models use (AVX2,
  AVX-512, VNNI), printed beside the figures;
- ingest: articles pushed through the API (gunicorn) and extracted by real Celery workers
  over Redis, with one and with two workers: articles per minute, per worker and per core;
- API: with 100,000 claims stored, p50/p95 and requests per second of the filtered claim
  list, claim detail and a transition, from 10 clients in a second process (bench/load.py),
  and in the same run the same data from bare `.values()` views (the floors, bench/urls.py).
  Each latency measurement runs three times and the median run (by p95) is reported, so
  one noisy run does not decide a target;
- dashboard: server time and query count of the queue, article and claim pages;
- exports: CSV and XLSX of every claim, time and peak memory, each in its own process.

Prints a table and writes bench/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

import urllib3

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE_URL = f"{SERVER}/factcheck_bench"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
QUEUE = f"factcheck-bench-{uuid.uuid4().hex[:6]}"
PASSWORD = uuid.uuid4().hex  # the bench editor's, for this run only
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-" + uuid.uuid4().hex * 2,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
    "API_RATE_LIMIT": "1000000/minute",  # the bench measures speed, not the rate limit
    "FACTCHECK_ALLOW_PRIVATE_URLS": "true",  # the bench's webhook subscriber is on loopback
    "DATABASE_CONN_MAX_AGE": "60",  # as docker-compose.yml deploys it
}
os.environ.update(ENV)


def _prepare_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS factcheck_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE factcheck_bench")
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([PY, "manage.py", *command, "-v", "0"], cwd=ROOT, env=ENV, check=True)


def _drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS factcheck_bench WITH (FORCE)")


CPU_FEATURES = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")


def cpu() -> dict[str, Any]:
    """The CPU's model and the features that decide how fast the int8/ONNX models run."""
    model, flags = "unknown", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            name, _, value = line.partition(":")
            if name.strip() == "model name" and model == "unknown":
                model = value.strip()
            elif name.strip() == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    return {
        "cpu_model": model,
        "cpu_cores": os.cpu_count(),
        "cpu_features": {feature: feature in flags for feature in CPU_FEATURES},
    }


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_http(url: str, timeout: float = 60) -> None:
    http = urllib3.PoolManager(retries=False, timeout=2)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if http.request("GET", url).status < 500:
                return
        except urllib3.exceptions.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(url)


class Processes:
    def __init__(self) -> None:
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**ENV, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        if process in self.running:
            self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(self.running):
            self.stop(process)


def _gunicorn(processes: Processes, port: int, workers: int, threads: int) -> Any:
    server = processes.start(
        [
            PY,
            "-m",
            "gunicorn",
            "factcheck.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "120",
        ]
    )
    _wait_http(f"http://127.0.0.1:{port}/healthz/")
    return server


def _worker(processes: Processes, number: int, threads: int) -> Any:
    return processes.start(
        [
            PY,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "--pool=solo",
            "-Q",
            QUEUE,
            "-n",
            f"bench{number}-{QUEUE}@%h",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env={"FACTCHECK_SCORING_THREADS": str(threads)},
    )


def _articles(count: int, seed: str) -> list[str]:
    sources = [
        p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "claims" / "demo_articles").glob("*.txt"))
    ]
    texts = []
    for number in range(count):
        body = sources[number % len(sources)]
        texts.append(
            f"Bench report {seed}-{number}: figures as of week {number % 52 + 1}.\n\n"
            + body.replace("million", f"million ({number} revised)", 1)
        )
    return texts


def _post_articles(port: int, token: str, texts: list[str]) -> list[int]:
    from concurrent.futures import ThreadPoolExecutor

    http = urllib3.PoolManager(maxsize=4, retries=False, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(text: str) -> int:
        response = http.request(
            "POST",
            f"http://127.0.0.1:{port}/api/v1/articles/",
            body=json.dumps({"body": text}),
            headers=headers,
        )
        assert response.status in (200, 201), response.data[:300]
        return int(json.loads(response.data)["id"])

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(post, texts))


def _wait_extracted(ids: list[int], timeout: float = 3600) -> None:
    from claims.models import Article, ExtractionStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = (
            Article.objects.filter(pk__in=ids)
            .exclude(extraction_status__in=[ExtractionStatus.DONE, ExtractionStatus.FAILED])
            .count()
        )
        if not left:
            return
        time.sleep(0.5)
    raise TimeoutError("extraction did not finish")


def ingest(processes: Processes, token: str, count: int, workers: int, seed: str) -> dict[str, Any]:
    from claims.models import Article, Claim

    port = _free_port()
    server = _gunicorn(processes, port, workers=2, threads=4)
    # The model threads of the workers share the cores (FACTCHECK_SCORING_THREADS x workers
    # = cores, as README "Benchmarks" advises), so a second worker adds work, not contention.
    threads = max(1, (os.cpu_count() or 1) // workers)
    started_workers = [_worker(processes, n, threads) for n in range(workers)]
    warm = _post_articles(port, token, _articles(workers, f"warm-{seed}"))
    _wait_extracted(warm, timeout=300)  # models loaded in every worker before the clock runs
    texts = _articles(count, seed)
    started = time.perf_counter()
    ids = _post_articles(port, token, texts)
    _wait_extracted(ids)
    seconds = time.perf_counter() - started
    for worker in started_workers:
        processes.stop(worker)
    processes.stop(server)
    failed = Article.objects.filter(pk__in=ids, extraction_status="failed").count()
    per_minute = count / seconds * 60
    return {
        "articles": count,
        "seconds": round(seconds, 1),
        "articles_per_minute": round(per_minute, 1),
        "articles_per_minute_per_worker": round(per_minute / workers, 1),
        "articles_per_minute_per_core": round(per_minute / (os.cpu_count() or 1), 1),
        "claims": Claim.objects.filter(article_id__in=ids).count(),
        "failed": failed,
    }


def top_up_claims(total: int) -> int:
    """Stored claims up to `total`: copies of extracted claims in synthetic articles."""
    from django.db import connection

    from claims.ingest import content_hash
    from claims.models import Article, Claim

    texts = list(Claim.objects.values_list("text", flat=True)[:5000]) or ["A stored claim."]
    random.seed(7)
    have = Claim.objects.count()
    made = 0
    while have + made < total:
        group = [
            f"{random.choice(texts)} [{have + made + i}]"
            for i in range(min(200, total - have - made))
        ]
        body = "\n".join(group)
        article = Article.objects.create(
            title=f"Bulk {made}",
            body=body,
            content_hash=content_hash(body),
            extraction_status="done",
        )
        offset, rows = 0, []
        for text in group:
            rows.append(
                Claim(
                    article=article,
                    start=offset,
                    end=offset + len(text),
                    text=text,
                    score=random.random(),
                    kind="other",
                )
            )
            offset += len(text) + 1
        Claim.objects.bulk_create(rows)
        made += len(group)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Claim.objects.count()


def _login(port: int, username: str, password: str) -> dict[str, str]:
    """A desk member's session over HTTP, with its CSRF token (for the transition)."""
    http = urllib3.PoolManager(retries=False, timeout=10)
    base = f"http://127.0.0.1:{port}"
    page = http.request("GET", f"{base}/accounts/login/")
    cookies = {}
    for header in page.headers.getlist("Set-Cookie"):
        name, value = header.split(";", 1)[0].split("=", 1)
        cookies[name] = value
    assert "csrftoken" in cookies, (page.status, dict(page.headers))
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": cookies["csrftoken"]}
    )
    login = http.request(
        "POST",
        f"{base}/accounts/login/",
        body=form,
        redirect=False,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": f"{base}/accounts/login/",
        },
    )
    for header in login.headers.getlist("Set-Cookie"):
        name, value = header.split(";", 1)[0].split("=", 1)
        cookies[name] = value
    assert "sessionid" in cookies, "bench login failed"
    return {
        "Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
        "X-CSRFToken": cookies["csrftoken"],
        "Referer": base + "/",
        "Content-Type": "application/json",
    }


def _load(spec: dict[str, Any], clients: int, seconds: float) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
    try:
        out = subprocess.run(
            [
                PY,
                "-m",
                "bench.load",
                handle.name,
                "--clients",
                str(clients),
                "--seconds",
                str(seconds),
            ],
            cwd=ROOT,
            env=ENV,
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        os.unlink(handle.name)
    return json.loads(out.stdout.strip().splitlines()[-1])


REPEATS = 3


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run whose p95 is the median of the runs (every run's p95 kept beside it)."""
    ordered = sorted(runs, key=lambda run: run["p95_ms"] if run["p95_ms"] is not None else 1e9)
    chosen = dict(ordered[len(ordered) // 2])
    chosen["p95_runs_ms"] = [run["p95_ms"] for run in runs]
    chosen["failed"] = sum(run["failed"] for run in runs)
    chosen["failures_sample"] = [f for run in runs for f in run["failures_sample"]][:5]
    return chosen


def _subscribe_webhooks() -> None:
    """A CMS subscribed to every event, so each transition writes its webhook deliveries in
    its transaction as a real desk's does. Nothing is delivered: no worker runs during the
    API load, and the address is a closed loopback port."""
    from claims.models import WebhookEvent
    from claims.services import integrations

    integrations.webhook_subscribe(
        url=f"http://127.0.0.1:{_free_port()}/hooks", events=list(WebhookEvent.values), actor=None
    )


def api(processes: Processes, token: str, clients: int, seconds: float) -> dict[str, Any]:
    from claims.models import Claim

    port = _free_port()
    server = _gunicorn(processes, port, workers=4, threads=4)
    base = f"http://127.0.0.1:{port}"
    bearer = {"Authorization": f"Bearer {token}"}
    list_url = f"{base}/api/v1/claims/?status=detected&ordering=-score&page_size=50"
    ids = list(Claim.objects.filter(status="detected").values_list("pk", flat=True)[:30000])
    random.shuffle(ids)
    # Detail reads the first third; each of the three transition runs moves its own ninth
    # (a claim is started once).
    reads, moves = ids[: len(ids) // 3], ids[len(ids) // 3 :]
    detail_urls = [f"{base}/api/v1/claims/{pk}/" for pk in reads]
    specs = {
        "list": {"urls": [list_url], "headers": bearer},
        "floor": {"urls": [f"{base}/bench/floor/?status=detected"]},
        "detail": {"urls": detail_urls, "headers": bearer},
        "detail_floor": {"urls": [f"{base}/bench/floor/{pk}/" for pk in reads]},
    }
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in [*specs, "transition"]}
    for _ in range(REPEATS):  # interleaved, so a noisy moment hits a page and its floor alike
        for name, spec in specs.items():
            runs[name].append(_load(spec, clients, seconds))
    session = _login(port, "bench-editor", PASSWORD)
    share = len(moves) // REPEATS
    for repeat in range(REPEATS):
        chunk = moves[repeat * share : (repeat + 1) * share]
        runs["transition"].append(
            _load(
                {
                    "urls": [f"{base}/api/v1/claims/{pk}/start-checking/" for pk in chunk],
                    "headers": session,
                    "method": "POST",
                    "bodies": [json.dumps({"assignee": "bench-editor"})],
                },
                clients,
                seconds,
            )
        )
    processes.stop(server)
    return {name: _median_run(found) for name, found in runs.items()}


def dashboard() -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from claims.models import Article, Claim

    client = Client(HTTP_HOST="127.0.0.1")
    client.login(username="bench-editor", password=PASSWORD)
    article = Article.objects.filter(title__startswith="Bulk").first()
    claim = Claim.objects.filter(status="detected").first()
    assert article is not None and claim is not None
    pages = {
        "queue_unassigned": "/?queue=unassigned",
        "queue_filtered": "/?queue=all&status=detected&kind=other&score_min=0.5",
        "article": f"/articles/{article.pk}/",
        "claim": f"/claims/{claim.pk}/",
    }
    figures: dict[str, Any] = {}
    for name, url in pages.items():
        times, queries = [], []
        for _ in range(5):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries.append(len(captured))
        figures[name] = {"ms": round(statistics.median(times), 1), "queries": max(queries)}
    return figures


def export(kind: str) -> dict[str, Any]:
    out = subprocess.run(
        [PY, "-m", "bench.export", kind],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _figures(load: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {
        f"{prefix}_p50_ms": load["p50_ms"],
        f"{prefix}_p95_ms": load["p95_ms"],
        f"{prefix}_p95_runs_ms": load["p95_runs_ms"],
        f"{prefix}_rps": load["rps"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--articles", type=int, default=1000, help="articles per ingest run (0: no ingest)"
    )
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "latest.json")
    args = parser.parse_args()

    machine = cpu()
    print(
        f"cpu: {machine['cpu_model']}, {machine['cpu_cores']} cores, features: "
        + ", ".join(f"{k}={'yes' if v else 'no'}" for k, v in machine["cpu_features"].items()),
        flush=True,
    )
    _prepare_database()
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from claims.permissions import Role
    from claims.services import integrations, people

    editor = get_user_model().objects.create_user("bench-editor", password=PASSWORD)
    people.user_set_role(user=editor, role=Role.EDITOR)
    _, token = integrations.api_token_create(name="bench", scope="write")

    processes = Processes()
    report: dict[str, Any] = {**machine, "machine_cores": os.cpu_count()}
    ingests: dict[int, dict[str, Any]] = {}
    try:
        if args.articles:
            for workers in (1, 2):
                ingests[workers] = ingest(processes, token, args.articles, workers, f"w{workers}")
        stored = top_up_claims(args.claims)
        _subscribe_webhooks()
        loads = api(processes, token, args.clients, args.seconds)
        pages = dashboard()
        csv, xlsx = export("csv"), export("xlsx")
    finally:
        processes.stop_all()
    report["ingest_articles"] = args.articles
    for workers, figures in ingests.items():
        suffix = f"{workers}_worker" + ("s" if workers > 1 else "")
        report[f"ingest_articles_per_minute_{suffix}"] = figures["articles_per_minute"]
        report[f"ingest_articles_per_minute_per_worker_{suffix}"] = figures[
            "articles_per_minute_per_worker"
        ]
        report[f"ingest_articles_per_minute_per_core_{suffix}"] = figures[
            "articles_per_minute_per_core"
        ]
        report[f"ingest_seconds_{suffix}"] = figures["seconds"]
    report["ingest_failed_articles"] = sum(f["failed"] for f in ingests.values())
    report.update(
        {
            "claims_stored": stored,
            "api_clients": args.clients,
            "api_repeats": REPEATS,
            **_figures(loads["list"], "api_claim_list"),
            **_figures(loads["floor"], "api_claim_list_floor"),
            **_figures(loads["detail"], "api_claim_detail"),
            **_figures(loads["detail_floor"], "api_claim_detail_floor"),
            **_figures(loads["transition"], "api_transition"),
            "api_failed_requests": sum(v["failed"] for v in loads.values()),
            "api_failures_sample": [f for v in loads.values() for f in v["failures_sample"]][:5],
            **{f"dashboard_{name}_ms": v["ms"] for name, v in pages.items()},
            **{f"dashboard_{name}_queries": v["queries"] for name, v in pages.items()},
            "export_csv_seconds": csv["seconds"],
            "export_csv_peak_mb": csv["peak_mb"],
            "export_csv_baseline_mb": csv["baseline_mb"],
            "export_xlsx_seconds": xlsx["seconds"],
            "export_xlsx_peak_mb": xlsx["peak_mb"],
            "export_xlsx_baseline_mb": xlsx["baseline_mb"],
        }
    )
    list_p95, detail_p95 = report["api_claim_list_p95_ms"], report["api_claim_detail_p95_ms"]
    list_floor = report["api_claim_list_floor_p95_ms"] or 1
    detail_floor = report["api_claim_detail_floor_p95_ms"] or 1
    report["api_claim_list_over_floor"] = round(list_p95 / list_floor, 2)
    report["api_claim_detail_over_floor"] = round(detail_p95 / detail_floor, 2)
    targets = {
        "claim list p95 within 1.5x its floor": list_p95 <= 1.5 * list_floor,
        "claim list p95 under 200 ms": list_p95 < 200,
        "claim detail p95 within 1.5x its floor": detail_p95 <= 1.5 * detail_floor,
        "claim detail p95 under 200 ms": detail_p95 < 200,
        "transition p95 under 250 ms": report["api_transition_p95_ms"] < 250,
        "no failed request under load": report["api_failed_requests"] == 0,
        "CSV of all claims under 10 s": report["export_csv_seconds"] < 10,
        "CSV peak under 200 MB": report["export_csv_peak_mb"] < 200,
    }
    if len(ingests) == 2:
        targets["ingest grows with a second worker"] = (
            ingests[2]["articles_per_minute"] > ingests[1]["articles_per_minute"]
        )
    report["targets_met"] = targets
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    width = max(len(k) for k in report)
    for key, value in report.items():
        if key != "targets_met":
            print(f"{key:<{width}}  {value}")
    for name, met in targets.items():
        print(f"{'met ' if met else 'MISSED'}  {name}")
    print(f"wrote {args.output}")
    _drop_database()


if __name__ == "__main__":
    main()
