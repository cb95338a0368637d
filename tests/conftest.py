"""Shared fixtures: personas for each role, and Celery switched to eager mode by default
(the worker tests switch it off and run a real worker over Redis)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claims.permissions import Role
from claims.services import people
from factcheck.celery import app as celery_app
from tests.factories import UserFactory

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLES = SHARED / "samples"
SAMPLE_ARTICLES = SAMPLES / "articles"


@pytest.fixture(autouse=True)
def fresh_match_index() -> Iterator[None]:
    """Each test's database starts empty: so does each test's claim-matching index."""
    from claims.matching import store

    store.reset()
    yield
    store.reset()


@pytest.fixture(autouse=True)
def eager_celery() -> Iterator[None]:
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = True


def _persona(username: str, role: Role | None) -> Any:
    user = UserFactory(username=username)
    if role is not None:
        people.user_set_role(user=user, role=role)
    return user


@pytest.fixture
def editor(db: None) -> Any:
    return _persona("editor", Role.EDITOR)


@pytest.fixture
def editor2(db: None) -> Any:
    return _persona("editor2", Role.EDITOR)


@pytest.fixture
def checker(db: None) -> Any:
    return _persona("checker", Role.FACT_CHECKER)


@pytest.fixture
def checker2(db: None) -> Any:
    return _persona("checker2", Role.FACT_CHECKER)


@pytest.fixture
def viewer(db: None) -> Any:
    return _persona("viewer", Role.VIEWER)


@pytest.fixture
def outsider(db: None) -> Any:
    """Logged in, but with no desk role."""
    return _persona("outsider", None)
