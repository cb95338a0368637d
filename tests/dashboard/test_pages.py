"""The dashboard: login and roles on every page, claims in place, actions through services."""

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from claims.models import Article, Claim, ClaimStatus, Event
from claims.services import workflow
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory, rating


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages(claim: Claim) -> list[str]:
    return [
        "/",
        "/?queue=mine",
        "/?queue=review",
        "/?queue=published",
        "/?queue=all&status=detected&kind=quantity&q=council&score_min=0.1",
        "/articles/",
        f"/articles/{claim.article_id}/",
        f"/claims/{claim.pk}/",
    ]


def test_pages_need_a_login(db: None) -> None:
    claim = ClaimFactory()
    for url in [*_pages(claim), "/articles/load/"]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["editor", "checker", "viewer"])
def test_every_page_opens_for_each_role_with_csp_and_no_inline_script(
    persona: str, request: pytest.FixtureRequest
) -> None:
    client = _client(request.getfixturevalue(persona))
    claim = ClaimFactory()
    for url in _pages(claim):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response["Content-Security-Policy"]
        html = response.content.decode()
        assert "<title>" in html and "· Factcheck</title>" in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script on {url}"
        assert ' style="' not in html, f"inline style on {url}"


def test_outsider_without_a_role_is_refused(outsider: Any) -> None:
    assert _client(outsider).get("/").status_code == 403


def test_viewer_sees_no_action_buttons_and_is_refused_when_posting(viewer: Any) -> None:
    claim = ClaimFactory()
    client = _client(viewer)
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Dismiss" not in html and "Check it" not in html and "Add source" not in html
    assert 'name="bulk_action"' not in client.get("/").content.decode()
    for action in ["dismiss", "start-checking", "verdict", "add-source", "comment", "publish"]:
        response = client.post(f"/claims/{claim.pk}/{action}/", {"version": claim.version})
        assert response.status_code == 403, action
    response = client.post("/", {"confirmed": "1", "bulk_action": "dismiss", "claim": [claim.pk]})
    assert response.status_code == 403
    assert client.post("/articles/load/", {"text": "Words " * 30}).status_code == 403
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED
    assert not Event.objects.filter(claim=claim).exists()


def test_article_text_is_escaped_and_claims_are_highlighted_in_place(editor: Any) -> None:
    body = "Intro <script>alert('x')</script> text. The council said repairs will cost £48 million."
    article = ArticleFactory(body=body)
    start = body.index("The council")
    claim = ClaimFactory(article=article, start=start, end=len(body), text=body[start:])
    html = _client(editor).get(f"/articles/{article.pk}/").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert f'href="/claims/{claim.pk}/"' in html
    assert "The council said repairs will cost £48 million.<sup" in html


def test_progress_refreshes_while_extraction_runs(editor: Any) -> None:
    article = ArticleFactory(extraction_status="running")
    html = _client(editor).get(f"/articles/{article.pk}/").content.decode()
    assert '<meta http-equiv="refresh"' in html and "Finding claims" in html
    assert f'hx-get="/articles/{article.pk}/_reader" hx-trigger="every 1500ms"' in html
    assert "/static/django_htmx/htmx-2.min.js" in html
    reader = _client(editor).get(f"/articles/{article.pk}/_reader")
    assert (
        reader["X-Extraction-Status"] == "running" and "Finding claims" in reader.content.decode()
    )
    article.extraction_status = "done"
    article.save()
    assert "refresh" not in _client(editor).get(f"/articles/{article.pk}/").content.decode()


def test_bulk_dismiss_and_assign_go_through_services(editor: Any, checker: Any) -> None:
    claims = [ClaimFactory() for _ in range(5)]
    client = _client(editor)
    response = client.post(
        "/?queue=all",
        {"confirmed": "1", "bulk_action": "dismiss", "claim": [c.pk for c in claims[:3]]},
    )
    assert response.status_code == 302
    assert Claim.objects.filter(status=ClaimStatus.DISMISSED).count() == 3
    assert Event.objects.filter(action="claim.dismissed", actor=editor).count() == 3
    client.post(
        "/?queue=all",
        {
            "confirmed": "1",
            "bulk_action": "start-checking",
            "assignee": "checker",
            "claim": [c.pk for c in claims[3:]],
        },
    )
    assert Claim.objects.filter(status=ClaimStatus.CHECKING, assignee=checker).count() == 2
    again = client.post(
        "/?queue=all",
        {"confirmed": "1", "bulk_action": "dismiss", "claim": [claims[0].pk]},
        follow=True,
    )
    assert "Cannot dismiss" in again.content.decode()


def test_full_flow_in_the_dashboard(editor: Any, editor2: Any, checker: Any) -> None:
    claim = ClaimFactory()
    first, second, researcher = _client(editor), _client(editor2), _client(checker)
    url = f"/claims/{claim.pk}"
    assert (
        first.post(f"{url}/start-checking/", {"assignee": "checker", "version": 1}).status_code
        == 302
    )
    claim.refresh_from_db()
    researcher.post(
        f"{url}/add-source/", {"url": "https://example.org/budget", "stance": "refutes"}
    )
    claim.refresh_from_db()
    researcher.post(
        f"{url}/verdict/",
        {
            "rating": "false",
            "summary": "It was £24m.",
            "claim_reviewed": "Repairs cost £48m",
            "version": claim.version,
        },
    )
    claim.refresh_from_db()
    researcher.post(f"{url}/submit/", {"version": claim.version})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    refused = researcher.post(f"{url}/publish/", {"version": claim.version})
    assert refused.status_code == 403
    assert second.post(f"{url}/publish/", {"version": claim.version}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED and claim.rating == rating("false")


def test_stale_form_keeps_what_was_typed(editor: Any, checker: Any) -> None:
    claim = workflow.claim_start_checking(
        claim_id=ClaimFactory().pk, actor=editor, assignee=checker
    )
    seen = claim.version
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=editor, rating=rating("true"), summary="Editor's"
    )
    response = _client(checker).post(
        f"/claims/{claim.pk}/verdict/",
        {"rating": "false", "summary": "My careful research notes", "version": seen},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Somebody else changed this claim" in html
    assert "My careful research notes" in html
    claim.refresh_from_db()
    assert claim.summary == "Editor's"


def test_rule_refusal_is_shown_and_source_url_validated(editor: Any, checker: Any) -> None:
    claim = workflow.claim_start_checking(
        claim_id=ClaimFactory().pk, actor=editor, assignee=checker
    )
    response = _client(checker).post(
        f"/claims/{claim.pk}/add-source/", {"url": "javascript:alert(1)", "source_title": "Budget"}
    )
    assert response.status_code == 400
    assert "not a valid http(s) address" in response.content.decode()
    assert claim.sources.count() == 0
    SourceFactory(claim=claim)


def test_load_several_files_each_bad_one_gets_its_own_error(
    checker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    files = [
        SimpleUploadedFile(
            "good.txt", "The council said the bridge cost £48 million in 2022. ".encode() * 3
        ),
        SimpleUploadedFile("junk.txt", bytes(range(256)) * 10),
        SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff" * 10),
        SimpleUploadedFile(
            "page.html",
            b"<html><body><script>x()</script><p>Rescue teams evacuated more than 200 homes "
            b"on Sunday as the river rose.</p></body></html>",
        ),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(checker).post("/articles/load/", {"files": files}, follow=True)
    html = response.content.decode()
    assert "junk.txt: This looks like a binary file" in html
    assert "photo.jpg: Files of type .jpg are not supported" in html
    assert Article.objects.count() == 2
    assert Article.objects.get(content_type="text/html").claims.exists()


def _published_claim(editor: Any, editor2: Any, checker: Any, **kwargs: Any) -> Claim:
    claim = workflow.claim_start_checking(
        claim_id=ClaimFactory(**kwargs).pk, actor=editor, assignee=checker
    )
    SourceFactory(claim=claim, url="https://example.org/budget.pdf", title="Budget <b>2024</b>")
    workflow.claim_set_verdict(
        claim_id=claim.pk,
        actor=checker,
        rating=rating("false"),
        summary='=HYPERLINK("x") It was £24m.',
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    return workflow.claim_publish(claim_id=claim.pk, actor=editor2)


def test_csv_json_xlsx_reports_carry_verdicts_and_neutralise_formulas(
    editor: Any, editor2: Any, checker: Any, viewer: Any
) -> None:
    import csv
    import io
    import json

    from openpyxl import load_workbook

    claim = _published_claim(editor, editor2, checker)
    client = _client(viewer)
    response = client.get("/reports/claims.csv?queue=published")
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    summary, table = text.split("\r\n\r\n", 1)  # the report's summary rows, then the table
    assert summary.startswith("Summary\r\nClaims in this report,1")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert rows[0]["id"] == str(claim.pk) and rows[0]["rating"] == "False"
    assert rows[0]["summary"].startswith("'=HYPERLINK")
    assert rows[0]["sources"] == "https://example.org/budget.pdf"
    assert rows[0]["drafted_by"] == "checker" and rows[0]["published_by"] == "editor2"
    data = json.loads(
        b"".join(client.get(f"/articles/{claim.article_id}/report.json").streaming_content)
    )
    assert data["claims"][0]["rating"] == "False"
    xlsx = client.get("/reports/claims.xlsx?queue=published")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))["Claims"]
    values = list(sheet.values)
    assert values[0][0] == "Claim" and values[1][0] == claim.pk
    assert values[1][6].startswith("'=HYPERLINK")  # the summary column, neutralised
    assert client.get("/reports/claims.exe").status_code == 404


def test_pdf_report_has_newsroom_article_and_verdicts(
    editor: Any, editor2: Any, checker: Any, settings: Any
) -> None:
    import io

    from pypdf import PdfReader

    settings.FACTCHECK_NEWSROOM_NAME = "Harbour Gazette"
    article = ArticleFactory(title="Bridge <script>alert(1)</script>", outlet="Gazette")
    claim = _published_claim(editor, editor2, checker, article=article)
    response = _client(editor).get(f"/articles/{article.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Harbour Gazette" in text
    assert "Bridge <script>alert(1)</script>" in text  # shown as text, never run
    assert claim.text[:30] in text and "False" in text and "It was £24m." in text
    assert "https://example.org/budget.pdf" in text and "editor2" in text


def test_assignee_is_notified_in_the_dashboard_and_by_mail(
    editor: Any, checker: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    checker.email = "checker@example.org"
    checker.save()
    claim = ClaimFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _client(editor).post(
            "/?queue=all",
            {
                "confirmed": "1",
                "bulk_action": "start-checking",
                "assignee": "checker",
                "claim": [claim.pk],
            },
        )
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["checker@example.org"]
    client = _client(checker)
    assert '<span class="count">1</span>' in client.get("/").content.decode()
    assert f"gave you claim {claim.pk} to check" in client.get("/notifications/").content.decode()
    client.post("/notifications/")
    assert '<span class="count">1</span>' not in client.get("/notifications/").content.decode()


def test_editors_save_a_filtered_queue(editor: Any, viewer: Any) -> None:
    client = _client(editor)
    client.post("/queues/save/", {"name": "Quotes", "query": "queue=all&kind=quote"})
    assert 'href="?queue=all&amp;kind=quote">Quotes</a>' in client.get("/").content.decode()
    assert _client(viewer).post("/queues/save/", {"name": "x", "query": ""}).status_code == 403


def test_statistics_charts(editor: Any, editor2: Any, checker: Any, viewer: Any) -> None:
    _published_claim(editor, editor2, checker)
    workflow.claim_start_checking(claim_id=ClaimFactory().pk, actor=editor, assignee=checker)
    html = _client(viewer).get("/statistics/").content.decode()
    assert html.count("<svg") == 4
    labels = re.findall(r'class="chart-label">([^<]+)<', html)
    assert labels.index("True") < labels.index("Mostly false") < labels.index("Unverifiable")
    assert "Claims by status" in html and "days" in html


def test_report_rows_from_values_equal_rows_from_claims(
    editor: Any, editor2: Any, checker: Any
) -> None:
    from claims import exports

    _published_claim(editor, editor2, checker)
    ClaimFactory(claimant="Someone", quantities=[])
    claims = Claim.objects.order_by("-score", "pk")
    expected = [exports.row(c) for c in exports.report_queryset(claims)]
    assert list(exports._rows(claims)) == expected
