"""A streamed export whose database fails part-way is never cut silently: the status and
the first rows are already sent, so the file ends saying it is incomplete (CSV) or with
"complete": false (JSON, still valid JSON)."""

import csv
import io
import json
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from claims import exports
from claims.models import Source
from tests.factories import ClaimFactory


@pytest.fixture
def database_fails_on_the_second_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The database goes away after the first chunk of two claims has been streamed."""
    monkeypatch.setattr(exports, "CHUNK", 2)
    real_filter = Source.objects.filter
    calls = {"n": 0}

    def filter_then_fail(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] > 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Source.objects, "filter", filter_then_fail)


def _download(editor: Any, fmt: str) -> str:
    client = Client()
    client.force_login(editor)
    response = client.get(f"/reports/claims.{fmt}", {"queue": "all"})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.django_db
def test_a_csv_cut_midstream_says_so_in_its_last_line(
    editor: Any, database_fails_on_the_second_chunk: None
) -> None:
    ClaimFactory.create_batch(5)
    rows = list(csv.reader(io.StringIO(_download(editor, "csv").split("\r\n\r\n", 1)[1])))
    assert rows[0] == exports.COLUMNS
    assert len(rows) == 1 + 2 + 1  # header, the first chunk, the note
    assert rows[-1][0].startswith("EXPORT INCOMPLETE: the database failed after 2 claims")


@pytest.mark.django_db
def test_a_json_report_cut_midstream_is_valid_json_marked_incomplete(
    editor: Any, database_fails_on_the_second_chunk: None
) -> None:
    ClaimFactory.create_batch(5)
    report = json.loads(_download(editor, "json"))
    assert report["complete"] is False and len(report["claims"]) == 2
    assert "EXPORT INCOMPLETE" in report["error"]


@pytest.mark.django_db
def test_a_complete_json_report_says_so(editor: Any) -> None:
    ClaimFactory.create_batch(3)
    report = json.loads(_download(editor, "json"))
    assert report["complete"] is True and len(report["claims"]) == 3
