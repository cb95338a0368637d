"""`make bench`: the figures issue 7 asks for, measured against the local PostgreSQL and
Redis in a database of its own (factcheck_bench, dropped and made afresh each run):

- ingest: articles pushed through the API (gunicorn) and extracted by real Celery workers
  over Redis, with one and with two workers;
- API: with 100,000 claims stored, p50/p95 and requests per second of the filtered claim
  list, claim detail and a transition, from 10 clients in a second process (bench/load.py),
  and in the same run the same page from a bare `.values()` view (the floor);
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

    def start(self, args: list[str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            args, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
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


def _worker(processes: Processes, number: int) -> Any:
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
        ]
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
    started_workers = [_worker(processes, n) for n in range(workers)]
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
    return {
        "articles": count,
        "seconds": round(seconds, 1),
        "articles_per_minute": round(count / seconds * 60, 1),
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


def api(processes: Processes, token: str, clients: int, seconds: float) -> dict[str, Any]:
    from claims.models import Claim

    port = _free_port()
    server = _gunicorn(processes, port, workers=4, threads=4)
    base = f"http://127.0.0.1:{port}"
    bearer = {"Authorization": f"Bearer {token}"}
    list_url = f"{base}/api/v1/claims/?status=detected&ordering=-score&page_size=50"
    ids = list(Claim.objects.filter(status="detected").values_list("pk", flat=True)[:20000])
    random.shuffle(ids)
    half = len(ids) // 2  # detail reads one half; transitions move the other (once each)
    results = {
        "list": _load({"urls": [list_url], "headers": bearer}, clients, seconds),
        "floor": _load({"urls": [f"{base}/bench/floor/?status=detected"]}, clients, seconds),
        "detail": _load(
            {"urls": [f"{base}/api/v1/claims/{pk}/" for pk in ids[:half]], "headers": bearer},
            clients,
            seconds,
        ),
    }
    session = _login(port, "bench-editor", PASSWORD)
    results["transition"] = _load(
        {
            "urls": [f"{base}/api/v1/claims/{pk}/start-checking/" for pk in ids[half:]],
            "headers": session,
            "method": "POST",
            "bodies": [json.dumps({"assignee": "bench-editor"})],
        },
        clients,
        seconds,
    )
    processes.stop(server)
    return results


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "latest.json")
    args = parser.parse_args()

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
    report: dict[str, Any] = {"machine_cores": os.cpu_count()}
    try:
        one = ingest(processes, token, args.articles, 1, "one")
        two = ingest(processes, token, args.articles, 2, "two")
        stored = top_up_claims(args.claims)
        loads = api(processes, token, args.clients, args.seconds)
        pages = dashboard()
        csv, xlsx = export("csv"), export("xlsx")
    finally:
        processes.stop_all()
    report.update(
        {
            "ingest_articles": args.articles,
            "ingest_articles_per_minute_1_worker": one["articles_per_minute"],
            "ingest_articles_per_minute_2_workers": two["articles_per_minute"],
            "ingest_seconds_1_worker": one["seconds"],
            "ingest_seconds_2_workers": two["seconds"],
            "ingest_failed_articles": one["failed"] + two["failed"],
            "claims_stored": stored,
            "api_clients": args.clients,
            "api_claim_list_p50_ms": loads["list"]["p50_ms"],
            "api_claim_list_p95_ms": loads["list"]["p95_ms"],
            "api_claim_list_rps": loads["list"]["rps"],
            "api_claim_list_floor_p50_ms": loads["floor"]["p50_ms"],
            "api_claim_list_floor_p95_ms": loads["floor"]["p95_ms"],
            "api_claim_list_floor_rps": loads["floor"]["rps"],
            "api_claim_detail_p50_ms": loads["detail"]["p50_ms"],
            "api_claim_detail_p95_ms": loads["detail"]["p95_ms"],
            "api_claim_detail_rps": loads["detail"]["rps"],
            "api_transition_p50_ms": loads["transition"]["p50_ms"],
            "api_transition_p95_ms": loads["transition"]["p95_ms"],
            "api_transition_rps": loads["transition"]["rps"],
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
    floor = report["api_claim_list_floor_p95_ms"] or 1
    targets = {
        "claim list p95 within 2x the floor": report["api_claim_list_p95_ms"] <= 2 * floor,
        "claim list p95 under 250 ms": report["api_claim_list_p95_ms"] < 250,
        "no failed request under load": report["api_failed_requests"] == 0,
        "CSV of all claims under 10 s": report["export_csv_seconds"] < 10,
        "CSV peak under 200 MB": report["export_csv_peak_mb"] < 200,
    }
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
