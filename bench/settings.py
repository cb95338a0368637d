"""Settings for the benchmark's own server: the product's settings plus the floor view."""

from factcheck.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
