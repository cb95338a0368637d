"""`make bench`: ingest, API, dashboard and export figures against the local PostgreSQL and
Redis (see bench/run.py). Writes bench/latest.json."""
