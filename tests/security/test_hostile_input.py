"""Hostile input, end to end: scripts rendered inert everywhere they are shown, SQL-like
strings in every filter and search, unicode edge cases kept exactly, NUL bytes refused, and
path traversal in uploaded file names going nowhere."""

import io
import json
import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from claims.models import Article, Claim, Comment
from claims.services import workflow
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

SCRIPT = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"
SQL_LIKE = [
    "' OR 1=1 --",
    "'; DROP TABLE claims_claim; --",
    '" OR ""="',
    "1; SELECT pg_sleep(5)",
    "%' UNION SELECT password FROM auth_user --",
    "\\'; --",
]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _hostile_claim(checker: Any) -> Claim:
    article = ArticleFactory(title=f"Budget {SCRIPT}", outlet=SCRIPT, author=SCRIPT)
    claim = ClaimFactory(article=article, claimant=SCRIPT)
    SourceFactory(claim=claim, title=SCRIPT, publisher=SCRIPT, excerpt=SCRIPT)
    Comment.objects.create(claim=claim, author=checker, body=SCRIPT)
    return claim


def _assert_inert(html: str) -> None:
    assert "<script>alert('pwned')" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_scripts_are_inert_in_dashboard_admin_and_reports(editor: Any, checker: Any) -> None:
    claim = _hostile_claim(checker)
    editor.is_staff = True
    editor.save()
    client = _client(editor)
    for url in (
        f"/claims/{claim.pk}/",
        f"/articles/{claim.article_id}/",
        "/articles/",
        "/?queue=unassigned",
        f"/admin/claims/claim/{claim.pk}/change/",
        "/admin/claims/article/",
        "/admin/claims/source/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_inert(response.content.decode())

    pdf = client.get(f"/articles/{claim.article_id}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "<script>alert('pwned')</script>" in text  # printed as text, never interpreted
    csv = b"".join(client.get("/reports/claims.csv").streaming_content).decode()
    assert "<script>alert('pwned')</script>" in csv  # data in a file, never markup


@pytest.mark.django_db
@pytest.mark.parametrize("value", SQL_LIKE)
def test_sql_like_strings_in_filters_and_search_are_just_text(editor: Any, value: str) -> None:
    ClaimFactory()
    client = _client(editor)
    for param in ("search", "status", "kind", "rating", "article", "assignee", "score_min"):
        response = client.get("/", {"queue": "all", param: value})
        assert response.status_code in (200, 400), (param, response.status_code)
    api = APIClient()
    api.force_login(editor)
    for param in (
        "search",
        "status",
        "kind",
        "rating",
        "article",
        "assignee",
        "score_min",
        "updated_since",
        "ordering",
        "cursor",
    ):
        response = api.get("/api/v1/claims/", {param: value})
        assert response.status_code in (200, 400), (param, response.status_code)
        if response.status_code == 400:
            assert response.json()["error"]["status"] == 400
    assert api.get("/api/v1/verdicts/", {"search": value}).status_code == 200
    assert client.get("/verdicts/", {"q": value}).status_code == 200
    assert Claim.objects.count() == 1  # nothing dropped, nothing leaked


@pytest.mark.django_db
def test_unicode_edge_cases_are_kept_exactly_and_nul_refused(editor: Any, checker: Any) -> None:
    body = (
        "\u202eThe council\u200b said\u200d repairs will cost £48 million 🏗️ in 2024. "
        "وقال المجلس إن الإصلاحات ستكلف 48 مليون جنيه. 👩‍👩‍👧 e\u0301"
    )
    api = APIClient()
    api.force_login(editor)
    response = api.post(
        "/api/v1/articles/", {"title": "\u202eevil.exe", "body": body}, format="json"
    )
    assert response.status_code == 201, response.content
    article = Article.objects.get(pk=response.json()["id"])
    assert article.body == body and article.title == "\u202eevil.exe"
    html = _client(editor).get(f"/articles/{article.pk}/").content.decode()
    assert "\u202eevil.exe" in html  # kept and shown as text, like any other character

    claim = ClaimFactory()
    workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)
    comment = api.post(
        f"/api/v1/claims/{claim.pk}/comments/", {"body": "ok 👍\u200b"}, format="json"
    )
    assert comment.status_code == 201 and comment.json()["body"] == "ok 👍\u200b"
    for bad in ({"body": "a\x00b"}, {"body": "\ud800"}):
        raw = json.dumps(bad).encode()
        response = api.generic(
            "POST", f"/api/v1/claims/{claim.pk}/comments/", raw, content_type="application/json"
        )
        assert response.status_code == 400, response.content
    refused = api.post("/api/v1/articles/", {"body": "text\x00" * 50}, format="json")
    assert refused.status_code == 400


@pytest.mark.django_db
def test_path_traversal_in_upload_names_goes_nowhere(checker: Any, tmp_path: Any) -> None:
    names = ["../../../../tmp/evil.txt", "..\\..\\windows\\evil.txt", "/etc/cron.d/evil.txt"]
    files = [
        SimpleUploadedFile(name, f"Report {n}: the council spent £{n}0 million on roads.".encode())
        for n, name in enumerate(names, start=1)
    ]
    before = set(os.listdir("/tmp"))
    response = _client(checker).post("/articles/load/", {"files": files}, follow=True)
    assert response.status_code == 200
    assert Article.objects.count() == 3
    for article in Article.objects.all():
        assert ".." not in article.title and "/" not in article.title
    assert not os.path.exists("/etc/cron.d/evil.txt")
    assert "evil.txt" not in set(os.listdir("/tmp")) - before
