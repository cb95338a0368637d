"""Managing articles (claims.services.articles): editing their details, archiving, deleting
and extracting again; editors only, every change audited."""

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import override_settings

from claims import errors
from claims.ingest import article_text_from_string, title_from_file_name, title_from_text
from claims.models import Article, Claim, Event
from claims.services import articles, workflow
from tests.factories import ArticleFactory, ClaimFactory


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


def test_editor_archives_and_unarchives_an_article(editor: Any) -> None:
    article = ArticleFactory()
    articles.article_archive(article_id=article.pk, actor=editor)
    article.refresh_from_db()
    assert article.archived_at is not None and article.archived_by == editor
    articles.article_archive(article_id=article.pk, actor=editor)  # again: nothing new
    articles.article_unarchive(article_id=article.pk, actor=editor)
    article.refresh_from_db()
    assert article.archived_at is None and article.archived_by is None
    assert list(Event.objects.filter(article=article).values_list("action", flat=True)) == [
        "article.archived",
        "article.unarchived",
    ]


@pytest.mark.parametrize("persona", ["checker", "viewer", "outsider"])
def test_only_an_editor_archives_or_deletes(persona: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(persona)
    article = ArticleFactory()
    for service in (articles.article_archive, articles.article_delete):
        with pytest.raises(errors.PermissionDenied):
            service(article_id=article.pk, actor=user)
    article.refresh_from_db()
    assert article.archived_at is None
    assert not Event.objects.filter(action__in=["article.archived", "article.deleted"]).exists()


def test_editor_deletes_an_article_nobody_worked_on_and_the_log_keeps_a_record(
    editor: Any,
) -> None:
    claim = ClaimFactory()
    workflow.claim_dismiss(claim_id=claim.pk, actor=editor)  # a dismissed claim is no work
    article = claim.article
    articles.article_delete(article_id=article.pk, actor=editor)
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Claim.objects.filter(pk=claim.pk).exists()
    event = Event.objects.get(action="article.deleted")
    assert event.actor == editor and event.before["article"] == article.pk
    assert event.before["claims"] == 1 and event.before["title"] == article.title
    # The claim's own history stays in the log.
    assert Event.objects.filter(action="claim.dismissed").exists()


@pytest.mark.parametrize("status", ["checking", "in_review", "published"])
def test_deleting_an_article_with_work_on_a_claim_is_refused(editor: Any, status: str) -> None:
    claim = ClaimFactory(status=status)
    with pytest.raises(errors.Conflict, match=f"claim {claim.pk} is"):
        articles.article_delete(article_id=claim.article_id, actor=editor)
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert not Event.objects.filter(action="article.deleted").exists()


def test_deleting_an_article_whose_claim_others_follow_is_refused(editor: Any) -> None:
    followed = ClaimFactory()
    follower = ClaimFactory(canonical=followed)
    with pytest.raises(errors.Conflict, match=f"followed by claim {follower.pk}"):
        articles.article_delete(article_id=followed.article_id, actor=editor)
    assert Article.objects.filter(pk=followed.article_id).exists()
    # The follower's own article has nothing that blocks it.
    articles.article_delete(article_id=follower.article_id, actor=editor)
    assert Claim.objects.filter(pk=followed.pk).exists()


def test_archived_articles_leave_the_queues_unless_asked_for(editor: Any) -> None:
    from claims import selectors

    kept, archived = ClaimFactory(), ClaimFactory()
    articles.article_archive(article_id=archived.article_id, actor=editor)
    assert list(selectors.not_archived(Claim.objects.all())) == [kept]
    assert set(selectors.not_archived(Claim.objects.all(), archived=True)) == {kept, archived}


def test_extracting_again_never_overwrites_a_corrected_claim(editor: Any) -> None:
    from claims.services import editing

    claim = ClaimFactory(claimant="Vladimir Putin", claimant_type="person", kind="quote")
    editing.claim_edit(
        claim_id=claim.pk, actor=editor, claimant="Harbour council", claimant_type="organisation"
    )
    articles.article_reextract(article_id=claim.article_id, actor=editor)
    articles.article_extract(article_id=claim.article_id)  # what the queued task runs
    claim.refresh_from_db()
    assert (claim.claimant, claim.claimant_type, claim.kind) == (
        "Harbour council",
        "organisation",
        "quote",
    )
    assert Claim.objects.filter(article_id=claim.article_id, start=claim.start).count() == 1
    with pytest.raises(errors.PermissionDenied):
        articles.article_reextract(article_id=claim.article_id, actor=None)


def test_the_length_limit_is_what_the_extractor_reads() -> None:
    from django.conf import settings

    from claims.extraction import pipeline

    assert settings.FACTCHECK_MAX_ARTICLE_CHARS == pipeline.MAX_CHARS


@override_settings(FACTCHECK_MAX_ARTICLE_CHARS=200)
def test_a_text_longer_than_the_limit_is_refused_and_not_stored(editor: Any) -> None:
    text = article_text_from_string("The council said repairs will cost £48 million. " * 5)
    with pytest.raises(errors.TooLarge, match="FACTCHECK_MAX_ARTICLE_CHARS") as refused:
        articles.article_load(text=text, loaded_by=editor)
    assert "200" in refused.value.message and f"{len(text.body):,}" in refused.value.message
    assert not Article.objects.exists()
    short = article_text_from_string("The council said repairs will cost £48 million.")
    articles.article_load(text=short, loaded_by=editor)
    assert Article.objects.count() == 1


@override_settings(FACTCHECK_MAX_ARTICLE_CHARS=200)
def test_load_articles_fails_naming_the_limit(tmp_path: Any, db: None) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    (tmp_path / "long.txt").write_text("The council said repairs will cost £48 million. " * 5)
    (tmp_path / "short.txt").write_text("The council said repairs will cost £48 million.")
    with pytest.raises(CommandError, match="FACTCHECK_MAX_ARTICLE_CHARS"):
        call_command("load_articles", str(tmp_path), stdout=io.StringIO())
    assert list(Article.objects.values_list("title", flat=True)) == [
        "The council said repairs will cost £48 million."
    ]
