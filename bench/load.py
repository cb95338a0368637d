"""A small load tool run as its own process: N concurrent clients, each in a thread with its
own keep-alive connection, hitting one endpoint for a fixed time; prints JSON figures.

    python -m bench.load URL --clients 10 --seconds 15 [--token T] [--method POST ...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from typing import Any

import urllib3


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(
    urls: list[str],
    *,
    clients: int,
    seconds: float,
    headers: dict[str, str],
    method: str = "GET",
    bodies: list[str] | None = None,
) -> dict[str, Any]:
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))

    def client() -> None:
        http = urllib3.PoolManager(maxsize=1, retries=False, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                n = next(counter)
            url = urls[n % len(urls)]
            body = bodies[n % len(bodies)] if bodies else None
            started = time.perf_counter()
            try:
                response = http.request(method, url, headers=headers, body=body)
                ok = response.status < 400
                note = f"{response.status} {url}"
            except Exception as exc:  # a failed request is a figure, not a crash
                ok, note = False, f"{type(exc).__name__}: {exc} {url}"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if not ok:
                    failures.append(note)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "failed": len(failures),
        "failures_sample": failures[:5],
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "rps": round(len(latencies) / wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("spec", help="a JSON file: {urls, headers, method, bodies}")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    with open(args.spec, encoding="utf-8") as handle:
        spec = json.load(handle)
    figures = run(
        spec["urls"],
        clients=args.clients,
        seconds=args.seconds,
        headers=spec.get("headers", {}),
        method=spec.get("method", "GET"),
        bodies=spec.get("bodies"),
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
