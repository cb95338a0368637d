"""The settings django-stubs loads for mypy: the real ones, read as on a laptop (DEBUG=1), so
`mypy factcheck claims` needs no production secrets. Never used to serve anything."""

import os

os.environ.setdefault("DEBUG", "1")

from factcheck.settings import *  # noqa: F403
