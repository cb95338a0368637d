"""Fail loudly, before any test runs, when the PostgreSQL or Redis the suite needs is down."""

import os
import sys

import psycopg
import redis


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    problems = []
    if not database_url.startswith("postgres"):
        problems.append("DATABASE_URL must point at PostgreSQL for the test suite.")
    else:
        try:
            psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", connect_timeout=5).close()
        except psycopg.Error as exc:
            problems.append(f"PostgreSQL is not answering at {database_url}: {exc}")
    if not redis_url:
        problems.append("REDIS_URL must be set for the test suite.")
    else:
        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
        except redis.RedisError as exc:
            problems.append(f"Redis is not answering at {redis_url}: {exc}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("PostgreSQL and Redis are up.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
