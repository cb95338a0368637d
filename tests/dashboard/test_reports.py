"""Reports an editor can send (claims/exports.py): a summary first, published verdicts first,
drafts marked DRAFT or left out, dismissed claims only when asked; the XLSX readable as is."""

import io
import json
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from claims.models import Article, Claim, ClaimStatus
from tests.factories import SENTENCE, ClaimFactory, rating


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def article(db: None) -> Article:
    """One article: a draft verdict (checking, rated), a published one after it, an open claim
    and a dismissed one."""
    body = f"First. {SENTENCE} Second claim here. Third claim here. Fourth claim here."
    article = Article.objects.create(title="Bridge", body=body, content_hash="x" * 64)

    def claim(words: str, **extra: Any) -> Claim:
        start = body.index(words)
        return ClaimFactory(
            article=article, start=start, end=start + len(words), text=words, **extra
        )

    claim(SENTENCE, status=ClaimStatus.CHECKING, rating=rating("false"), summary="draft")
    claim(
        "Second claim here.",
        status=ClaimStatus.PUBLISHED,
        rating=rating("true"),
        published_at=datetime(2024, 5, 1, 10, 0).astimezone(),
    )
    claim("Third claim here.")
    claim("Fourth claim here.", status=ClaimStatus.DISMISSED)
    return article


def test_json_leads_with_the_summary_and_lists_published_first(
    editor: Any, article: Article
) -> None:
    response = _client(editor).get(f"/articles/{article.pk}/report.json")
    data = json.loads(b"".join(response.streaming_content))
    summary = data["report"]["summary"]
    assert summary["claims"] == 3 and summary["checked"] == 1 and summary["drafts"] == 1
    assert summary["verdicts"] == {"True": 1}
    assert summary["open"] == {"to triage": 1, "being checked": 1, "in review": 0}
    texts = [c["text"] for c in data["claims"]]
    assert texts[0] == "Second claim here." and "Fourth claim here." not in texts
    states = {c["text"]: c["verdict_state"] for c in data["claims"]}
    assert states[SENTENCE] == "DRAFT" and states["Second claim here."] == "published"


def test_drafts_omitted_and_dismissed_on_request(editor: Any, article: Article) -> None:
    client = _client(editor)
    omitted = json.loads(
        b"".join(client.get(f"/articles/{article.pk}/report.json?drafts=omit").streaming_content)
    )
    assert SENTENCE not in [c["text"] for c in omitted["claims"]]
    assert omitted["report"]["summary"]["drafts"] == 0
    asked = json.loads(
        b"".join(client.get(f"/articles/{article.pk}/report.json?dismissed=1").streaming_content)
    )
    assert "Fourth claim here." in [c["text"] for c in asked["claims"]]
    bad = client.get(f"/articles/{article.pk}/report.csv?drafts=maybe")
    assert bad.status_code == 400 and "drafts is mark or omit" in bad.content.decode()


def test_csv_marks_drafts(editor: Any, article: Article) -> None:
    text = b"".join(
        _client(editor).get(f"/articles/{article.pk}/report.csv").streaming_content
    ).decode()
    summary, table = text.lstrip("\ufeff").split("\r\n\r\n", 1)
    assert summary.splitlines()[0] == "Summary"
    assert "Draft verdicts (not published),1" in summary.splitlines()
    lines = table.splitlines()
    assert lines[0].split(",")[-1] == "verdict_state"
    assert "Second claim here." in lines[1]
    assert any(SENTENCE in line and line.endswith("DRAFT") for line in lines)


def test_csv_for_programs_is_the_table_alone(editor: Any, article: Article) -> None:
    text = b"".join(
        _client(editor).get(f"/articles/{article.pk}/report.csv?layout=data").streaming_content
    ).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(",")[0] == "id" and lines[0].split(",")[-1] == "verdict_state"
    assert "Summary" not in text


def test_xlsx_has_a_summary_sheet_labels_widths_filters_and_dates(
    editor: Any, article: Article
) -> None:
    response = _client(editor).get(f"/articles/{article.pk}/report.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Summary", "Claims"]
    summary = {
        row[0]: row[1]
        for row in workbook["Summary"].iter_rows(values_only=True)
        if row and len(row) > 1
    }
    assert summary["Checked (verdict published)"] == 1 and summary["  rated True"] == 1
    sheet = workbook["Claims"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Claim", "Verdict state", "Verdict", "Status"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:T{sheet.max_row}"
    assert sheet.column_dimensions["E"].width == 60
    first = [c.value for c in sheet[2]]
    assert first[1] == "Published" and first[3] == "Published" and first[2] == "True"
    published = first[header.index("Published")]
    assert isinstance(published, datetime) and published.year == 2024
    statuses = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert statuses == {"Published", "Checking", "Detected"}  # labels, not slugs
    assert any(row[1] == "DRAFT" for row in sheet.iter_rows(min_row=2, values_only=True))


def test_pdf_has_the_summary(editor: Any, article: Article) -> None:
    response = _client(editor).get(f"/articles/{article.pk}/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_article_page_offers_the_report_choices(editor: Any, article: Article) -> None:
    page = _client(editor).get(f"/articles/{article.pk}/").content.decode()
    assert 'name="drafts"' in page and 'value="omit"' in page and 'name="dismissed"' in page
    assert f"/articles/{article.pk}/report.xlsx" in page
    queue = _client(editor).get("/?queue=all").content.decode()
    assert "drafts=omit" in queue
