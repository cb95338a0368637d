"""Managing articles (claims.services.articles): editing their details, archiving, deleting
and extracting again; editors only, every change audited."""

from datetime import UTC, datetime
from typing import Any

import pytest

from claims import errors
from claims.ingest import article_text_from_string, title_from_file_name, title_from_text
from claims.models import Article, Event
from claims.services import articles
from tests.factories import ArticleFactory


def test_editor_edits_an_articles_details_and_the_change_is_audited(editor: Any) -> None:
    article = ArticleFactory(title="Old", outlet="")
    body = article.body
    when = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    articles.article_edit(
        article_id=article.pk,
        actor=editor,
        values={
            "title": "  Bridge   repairs ",
            "outlet": "The Courier",
            "author": "A. Writer",
            "url": "https://example.org/bridge",
            "published_at": when,
        },
    )
    article.refresh_from_db()
    assert (article.title, article.outlet, article.author) == (
        "Bridge repairs",
        "The Courier",
        "A. Writer",
    )
    assert article.url == "https://example.org/bridge" and article.published_at == when
    assert article.body == body
    event = Event.objects.get(action="article.edited", article=article)
    assert event.actor == editor
    assert event.before == {
        "title": "Old",
        "outlet": "",
        "author": "",
        "url": "",
        "published_at": None,
    }
    assert event.after["published_at"] == when.isoformat()


def test_an_edit_that_changes_nothing_is_not_recorded(editor: Any) -> None:
    article = ArticleFactory(title="Same")
    articles.article_edit(article_id=article.pk, actor=editor, values={"title": "Same"})
    assert not Event.objects.filter(action="article.edited").exists()


@pytest.mark.parametrize("persona", ["checker", "viewer", "outsider"])
def test_only_an_editor_edits_an_article(persona: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(persona)
    article = ArticleFactory(title="Kept")
    with pytest.raises(errors.PermissionDenied):
        articles.article_edit(article_id=article.pk, actor=user, values={"title": "Changed"})
    article.refresh_from_db()
    assert article.title == "Kept"
    assert not Event.objects.filter(action="article.edited").exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"body": "forged"}, "can be edited"),
        ({"url": "javascript:alert(1)"}, "not an http"),
        ({"url": "ftp://example.org/a"}, "not an http"),
        ({"title": "x" * 501}, "the most is 500"),
        ({"outlet": 5}, "must be text"),
        ({"published_at": "2024-01-01"}, "date and time"),
    ],
)
def test_bad_article_details_are_refused_and_nothing_changes(
    editor: Any, values: dict[str, Any], message: str
) -> None:
    article = ArticleFactory(title="Kept", url="")
    with pytest.raises(errors.RuleViolation, match=message):
        articles.article_edit(article_id=article.pk, actor=editor, values=values)
    article.refresh_from_db()
    assert article.title == "Kept" and article.url == ""


def test_editing_a_missing_article_is_not_found(editor: Any) -> None:
    with pytest.raises(errors.NotFound):
        articles.article_edit(article_id=987654, actor=editor, values={"title": "x"})


def test_loading_stores_the_details_cleaned(editor: Any) -> None:
    article, created = articles.article_load(
        text=article_text_from_string("The council said repairs will cost £48 million."),
        loaded_by=editor,
        title=" Repairs ",
        outlet="The  Courier",
        author="A. Writer",
        published_at=datetime(2024, 5, 1),
    )
    assert created
    assert (article.title, article.outlet, article.author) == (
        "Repairs",
        "The Courier",
        "A. Writer",
    )
    assert article.published_at is not None and article.published_at.tzinfo is not None


def test_a_paragraph_is_never_a_title_and_a_file_takes_its_name(db: None) -> None:
    paragraph = "word " * 80
    title = title_from_text(paragraph + "\nSecond line", fallback="x")
    assert len(title) <= 120 and title.endswith("…") and title.startswith("word word")
    assert title_from_text("Council to repair bridge\n\nBody.", fallback="x") == (
        "Council to repair bridge"
    )
    assert title_from_text("\n\n", fallback="the pasted text") == "the pasted text"
    assert title_from_file_name("reports/harbour budget.docx") == "harbour budget"
    assert title_from_file_name("C:\\Users\\me\\notes.TXT") == "notes"
    assert Article.objects.count() == 0
