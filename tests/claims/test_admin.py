"""The admin: every page opens for editors, and transition actions go through the services."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Article, Claim, ClaimStatus, Event
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory


@pytest.fixture
def staff_client(editor: Any) -> Client:
    editor.is_staff = True
    editor.save()
    client = Client()
    client.force_login(editor)
    return client


@pytest.mark.parametrize(
    "name",
    ["claim", "article", "rating", "source", "comment", "event"],
)
def test_admin_changelists_open_with_filters(staff_client: Client, name: str) -> None:
    ClaimFactory()
    response = staff_client.get(reverse(f"admin:claims_{name}_changelist"))
    assert response.status_code == 200


def test_claim_change_page_shows_sources_comments_and_history(
    staff_client: Client, editor: Any
) -> None:
    claim = ClaimFactory()
    SourceFactory(claim=claim, title="Budget <script>alert(1)</script>")
    response = staff_client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "History" in html
    assert "<script>alert(1)</script>" not in html


def test_admin_action_dismisses_through_the_service(staff_client: Client, editor: Any) -> None:
    claims = [ClaimFactory(), ClaimFactory()]
    response = staff_client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "dismiss", "_selected_action": [c.pk for c in claims]},
        follow=True,
    )
    assert response.status_code == 200
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.DISMISSED}
    assert Event.objects.filter(action="claim.dismissed", actor=editor).count() == 2


def test_admin_cannot_bypass_rules(staff_client: Client, editor: Any) -> None:
    claim = ClaimFactory()
    response = staff_client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "publish", "_selected_action": [claim.pk]},
        follow=True,
    )
    assert "Cannot publish" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED


def test_viewer_admin_action_is_refused_by_the_service(viewer: Any) -> None:
    viewer.is_staff = True
    viewer.save()
    client = Client()
    client.force_login(viewer)
    claim = ClaimFactory()
    client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "dismiss", "_selected_action": [claim.pk]},
        follow=True,
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED


def test_admin_change_form_cannot_edit_status(staff_client: Client) -> None:
    claim = ClaimFactory()
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    staff_client.post(url, {"status": "published", "text": "forged"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED
    assert claim.text != "forged"


def test_a_new_api_token_is_shown_once_and_never_in_a_cookie(staff_client: Client) -> None:
    response = staff_client.post(
        reverse("admin:claims_apitoken_add"), {"name": "cms", "scope": "write"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    raw = html.split('<code id="new-token">')[1].split("</code>")[0]
    assert raw.startswith("fct_")
    assert "no-store" in response["Cache-Control"]
    assert all(raw not in morsel.value for morsel in response.cookies.values())
    assert raw not in staff_client.get(reverse("admin:claims_apitoken_changelist")).content.decode()


def test_webhook_secrets_are_not_readable_in_the_admin(
    staff_client: Client, editor: Any, settings: Any
) -> None:
    from claims.services import integrations

    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    subscription, secret = integrations.webhook_subscribe(
        url="http://127.0.0.1:9/hook", events=["claim.published"], actor=editor
    )
    page = staff_client.get(
        reverse("admin:claims_webhooksubscription_change", args=[subscription.pk])
    )
    assert page.status_code == 200 and secret not in page.content.decode()


def _change(claim: Claim, **values: Any) -> dict[str, Any]:
    data = {
        "kind": claim.kind,
        "claimant": claim.claimant,
        "claimant_type": claim.claimant_type,
        "claim_reviewed": claim.claim_reviewed,
        "review_url": claim.review_url,
        **values,
    }
    for prefix in ("sources", "comments", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return data


def test_admin_corrects_a_claimant_through_the_service(staff_client: Client, editor: Any) -> None:
    claim = ClaimFactory(claimant="Vladimir Putin", claimant_type="person")
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    response = staff_client.post(
        url, _change(claim, claimant="The council", claimant_type="organisation")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    claim.refresh_from_db()
    assert (claim.claimant, claim.claimant_type) == ("The council", "organisation")
    assert claim.edited_fields == ["claimant", "claimant_type"] and claim.version == 2
    assert Event.objects.get(claim=claim, action="claim.edited").actor == editor


def test_admin_sets_the_cms_story_url_through_the_service(
    staff_client: Client, editor: Any
) -> None:
    claim = ClaimFactory()
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    story = "https://cms.example.org/story#claim-1"
    response = staff_client.post(url, _change(claim, review_url=story))
    assert response.status_code == 302, response.content.decode()[:2000]
    claim.refresh_from_db()
    assert claim.review_url == story and claim.edited_fields == ["review_url"]
    event = Event.objects.get(claim=claim, action="claim.edited")
    assert (event.before["review_url"], event.after["review_url"]) == ("", story)


def test_admin_correction_refused_for_a_viewer(viewer: Any) -> None:
    from claims.permissions import Role
    from claims.services import people

    people.user_set_role(user=viewer, role=Role.VIEWER)
    viewer.is_staff = True
    viewer.is_superuser = False
    viewer.save()
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_claim", "view_claim"])
    )
    client = Client()
    client.force_login(viewer)
    claim = ClaimFactory()
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    client.post(url, _change(claim, claimant="Ann Lee", claimant_type="person"))
    claim.refresh_from_db()
    assert claim.claimant == "" and claim.version == 1


def test_admin_archives_and_deletes_articles_through_the_service(
    staff_client: Client, editor: Any
) -> None:

    kept, gone = ClaimFactory(status="published").article, ArticleFactory()
    url = reverse("admin:claims_article_changelist")
    staff_client.post(url, {"action": "archive", "_selected_action": [kept.pk]})
    kept.refresh_from_db()
    assert kept.archived_at is not None and kept.archived_by == editor
    both = {"action": "delete_articles", "_selected_action": [kept.pk, gone.pk]}
    asked = staff_client.post(url, both)
    assert asked.status_code == 200 and "not deleted" in asked.content.decode()
    assert Article.objects.filter(pk=gone.pk).exists()
    staff_client.post(url, {**both, "confirmed": "1"})
    assert not Article.objects.filter(pk=gone.pk).exists()
    assert Article.objects.filter(pk=kept.pk).exists()  # a published claim: refused
    assert Event.objects.filter(action="article.deleted").count() == 1
