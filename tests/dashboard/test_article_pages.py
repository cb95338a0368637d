"""The dashboard's doors to managing articles: the details form on the article page, the load
form's details, archive, delete and extract again."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from claims.models import Article, Event
from tests.factories import SENTENCE, ArticleFactory, ClaimFactory


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_editor_sees_and_uses_the_details_form(editor: Any) -> None:
    article = ArticleFactory(title="Old")
    client = _client(editor)
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert f"/articles/{article.pk}/edit/" in page
    response = client.post(
        f"/articles/{article.pk}/edit/",
        {
            "title": "Bridge <b>repairs</b>",
            "outlet": "The Courier",
            "author": "",
            "url": "https://example.org/a",
            "published_at": "2024-05-01",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/articles/{article.pk}/"
    article.refresh_from_db()
    assert article.title == "Bridge <b>repairs</b>" and article.outlet == "The Courier"
    assert article.published_at is not None and str(article.published_at.date()) == "2024-05-01"
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert "Bridge &lt;b&gt;repairs&lt;/b&gt;" in page and "<b>repairs" not in page
    assert "published 2024-05-01" in page


def test_a_bad_date_or_address_is_a_message_and_nothing_changes(editor: Any) -> None:
    article = ArticleFactory(title="Kept")
    client = _client(editor)
    for form in ({"title": "New", "published_at": "01/05/2024"}, {"title": "New", "url": "x:y"}):
        response = client.post(f"/articles/{article.pk}/edit/", form, follow=True)
        assert response.status_code == 200
        assert "The details were not saved" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Kept"


def test_a_checker_has_no_details_form_and_is_refused(checker: Any) -> None:
    article = ArticleFactory(title="Kept")
    client = _client(checker)
    assert (
        f"/articles/{article.pk}/edit/"
        not in client.get(f"/articles/{article.pk}/").content.decode()
    )
    response = client.post(f"/articles/{article.pk}/edit/", {"title": "Changed"})
    assert response.status_code == 403
    assert "Only an editor" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title == "Kept"
    assert client.get(f"/articles/{article.pk}/edit/").status_code == 405


def test_the_load_form_takes_details_and_a_file_takes_its_name(editor: Any) -> None:
    paragraph = "The council said on Tuesday that repairs will cost £48 million. " * 6
    upload = SimpleUploadedFile("harbour-budget.txt", paragraph.encode(), "text/plain")
    response = _client(editor).post(
        "/articles/load/",
        {
            "files": [upload],
            "outlet": "The Courier",
            "author": "A. Writer",
            "published_at": "2024-05-01",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "harbour-budget"
    assert (article.outlet, article.author) == ("The Courier", "A. Writer")
    assert article.published_at is not None
    assert Event.objects.filter(action="article.loaded").count() == 1


def test_a_pasted_paragraph_gets_a_short_title(editor: Any) -> None:
    paragraph = "The council said on Tuesday that repairs will cost £48 million. " * 6
    _client(editor).post("/articles/load/", {"text": paragraph})
    title = Article.objects.get().title
    assert len(title) <= 120 and title.endswith("…")


def test_archive_hides_the_claims_from_queues_and_the_list_until_unarchived(
    editor: Any,
) -> None:
    claim = ClaimFactory(text=SENTENCE)
    article = claim.article
    client = _client(editor)
    assert client.post(f"/articles/{article.pk}/archive/").status_code == 302
    assert f"/claims/{claim.pk}/" not in client.get("/?queue=all").content.decode()
    assert f"/claims/{claim.pk}/" in client.get("/?queue=all&archived=1").content.decode()
    listing = client.get("/articles/").content.decode()
    assert f"/articles/{article.pk}/" not in listing and "Archived articles (1)" in listing
    assert f"/articles/{article.pk}/" in client.get("/articles/?archived=1").content.decode()
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert "Archived" in page and f"/articles/{article.pk}/unarchive/" in page
    client.post(f"/articles/{article.pk}/unarchive/")
    assert f"/claims/{claim.pk}/" in client.get("/?queue=all").content.decode()


def test_delete_asks_first_then_deletes(editor: Any) -> None:
    claim = ClaimFactory()
    article = claim.article
    client = _client(editor)
    asked = client.post(f"/articles/{article.pk}/delete/")
    assert asked.status_code == 200 and "Yes: delete it" in asked.content.decode()
    assert Article.objects.filter(pk=article.pk).exists()
    done = client.post(f"/articles/{article.pk}/delete/", {"confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == "/articles/"
    assert not Article.objects.filter(pk=article.pk).exists()


def test_deleting_a_worked_article_is_a_409_page_that_leads_back(editor: Any) -> None:
    claim = ClaimFactory(status="published")
    article = claim.article
    client = _client(editor)
    asked = client.post(f"/articles/{article.pk}/delete/").content.decode()
    assert "cannot be deleted" in asked and "Archive it" in asked
    refused = client.post(f"/articles/{article.pk}/delete/", {"confirmed": "1"})
    assert refused.status_code == 409
    text = refused.content.decode()
    assert f"claim {claim.pk} is published" in text and f"/articles/{article.pk}/" in text
    assert Article.objects.filter(pk=article.pk).exists()


def test_a_checker_cannot_archive_or_delete(checker: Any) -> None:
    article = ArticleFactory()
    client = _client(checker)
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert "/archive/" not in page and "/delete/" not in page
    assert client.post(f"/articles/{article.pk}/archive/").status_code == 403
    assert client.post(f"/articles/{article.pk}/delete/", {"confirmed": "1"}).status_code == 403
    article.refresh_from_db()
    assert article.archived_at is None


def test_extract_again_from_the_article_page(editor: Any, checker: Any) -> None:
    article = ArticleFactory()
    assert _client(checker).post(f"/articles/{article.pk}/extract/").status_code == 403
    page = _client(editor).get(f"/articles/{article.pk}/").content.decode()
    assert f"/articles/{article.pk}/extract/" in page
    response = _client(editor).post(f"/articles/{article.pk}/extract/", follow=True)
    assert "Extraction queued again" in response.content.decode()
    assert Event.objects.filter(action="article.extraction_requested", actor=editor).exists()


@override_settings(FACTCHECK_MAX_ARTICLE_CHARS=200)
def test_the_load_form_names_the_length_limit(editor: Any) -> None:
    body = "The council said on Tuesday that repairs will cost £48 million. " * 5
    response = _client(editor).post("/articles/load/", {"text": body})
    assert response.status_code == 200
    assert "FACTCHECK_MAX_ARTICLE_CHARS" in response.content.decode()
    assert not Article.objects.exists()
