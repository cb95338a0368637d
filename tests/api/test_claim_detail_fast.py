"""The claim detail's fast path: on PostgreSQL the database writes the detail in one
statement (claims.api.serializers.claim_detail_fast); it must be exactly what the serializer
gives for every shape a claim can take, and the API must answer with it in few queries."""

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from claims.api import serializers as out
from claims.api.views.base import claim_detail, claim_detail_data
from claims.models import Claim, ClaimMatch, ClaimStatus, Event, FactCheck, MatchStatus
from claims.services import research, workflow
from tests.factories import ClaimFactory, SourceFactory, rating

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database writes the detail on PostgreSQL"
)


def _serializer(pk: int) -> dict[str, Any]:
    return json.loads(json.dumps(out.represent(out.ClaimDetailOut, claim_detail(pk))))


def _factcheck(number: int) -> FactCheck:
    return FactCheck.objects.create(
        collection="archive",
        external_id=f"fc-{number}",
        text=f"The council will spend £{number} million on repairs.",
        title="Repairs cost less",
        rating=rating("false"),
        rating_label="False",
        url=f"https://factcheck.example/{number}",
        embedding=b"",
        embedding_version="test",
    )


def _claims_of_every_shape(editor: Any, checker: Any) -> list[Claim]:
    """A bare claim; one with sources, comments, history, all kinds of matches; published
    ones (with microseconds and without); claims linked to a published claim and to an
    archived fact-check (the earlier verdict)."""
    bare = ClaimFactory(quantities=[], entities=[])
    busy = workflow.claim_start_checking(
        claim_id=ClaimFactory(
            claimant='Zoë "Q" O\'Neil </script>',
            entities=[{"text": "Zoë", "label": "PERSON"}],
            edited_fields=["claimant"],
            claim_reviewed="Short claim",
            review_url="https://cms.example/story#c1",
            quantities=[
                {"text": "50%", "value": 50, "unit": "percent", "bound": None},
                {"text": "x", "value": 2.5e-7, "unit": "GBP", "bound": "about", "extra": 1},
            ],
        ).pk,
        actor=editor,
        assignee=checker,
    )
    SourceFactory(claim=busy, added_by=checker, accessed_at=datetime.date(2026, 2, 3))
    SourceFactory(claim=busy, publisher="Office \u2028 for Stats", excerpt="a\n\tb \\ c")
    research.comment_add(claim_id=busy.pk, actor=checker, body="On it <b>now</b>")
    Event.objects.create(
        claim=busy, article=busy.article, action="claim.edited",
        before={"z": 1, "a": [1, 2]}, after={"nested": {"k": None}},
    )  # fmt: skip
    published = ClaimFactory(status=ClaimStatus.PUBLISHED, rating=rating("false"))
    whole_second = timezone.now().replace(microsecond=0)
    Claim.objects.filter(pk=published.pk).update(
        published_at=whole_second, updated_at=whole_second + datetime.timedelta(microseconds=7)
    )
    dismissed = ClaimFactory(status=ClaimStatus.DISMISSED)
    targets = [ClaimFactory() for _ in range(5)]
    ClaimMatch.objects.create(
        claim=busy, target_claim=dismissed, score=0.99, cosine=0.97, status=MatchStatus.SUGGESTED
    )
    for number, target in enumerate(targets):  # five open suggestions: three are shown
        ClaimMatch.objects.create(
            claim=busy,
            target_claim=target,
            score=0.9 - number / 100,
            cosine=0.8,
            status=MatchStatus.SUGGESTED,
            reasons=["below the link threshold"],
        )
    ClaimMatch.objects.create(
        claim=busy,
        target_claim=published,
        score=0.5,
        cosine=0.5,
        status=MatchStatus.CONFIRMED,
        decided_by=editor,
        decided_at=timezone.now(),
    )
    ClaimMatch.objects.create(
        claim=busy,
        target_factcheck=_factcheck(48),
        score=0.85,
        cosine=0.123456789012345,
        status=MatchStatus.REJECTED,
        decided_by=checker,
        decided_at=whole_second,
    )
    repeat_of_claim = ClaimFactory()
    Claim.objects.filter(pk=repeat_of_claim.pk).update(canonical=published)
    repeat_of_archive = ClaimFactory()
    Claim.objects.filter(pk=repeat_of_archive.pk).update(canonical_factcheck=_factcheck(12))
    unpublished_root = ClaimFactory()
    Claim.objects.filter(pk=unpublished_root.pk).update(canonical=bare)
    shapes = (bare, busy, published, dismissed, repeat_of_claim, repeat_of_archive)
    return [Claim.objects.get(pk=c.pk) for c in (*shapes, unpublished_root)]


@postgresql_only
def test_the_database_detail_is_the_serializer_detail(editor: Any, checker: Any) -> None:
    claims = _claims_of_every_shape(editor, checker)
    for claim in claims:
        fast = out.claim_detail_fast(claim.pk)
        assert fast == _serializer(claim.pk), claim.pk
        assert list(fast) == out.ClaimDetailOut.Meta.fields  # the serializer's key order
    busy = out.claim_detail_fast(claims[1].pk)
    assert busy is not None
    suggested = [m for m in busy["matches"] if m["status"] == MatchStatus.SUGGESTED]
    assert len(suggested) == 3 and claims[3].pk not in [m["target"]["id"] for m in suggested]
    assert {m["target"]["kind"] for m in busy["matches"]} == {"claim", "factcheck"}
    assert len(busy["sources"]) == 2 and len(busy["comments"]) == 1
    linked = out.claim_detail_fast(claims[4].pk)
    assert linked is not None and linked["earlier_verdict"]["id"] == claims[2].pk
    archived = out.claim_detail_fast(claims[5].pk)
    assert archived is not None and archived["earlier_verdict"]["kind"] == "factcheck"
    assert out.claim_detail_fast(10**9) is None


def test_the_detail_outside_utc_is_the_serializer_detail(editor: Any, checker: Any) -> None:
    """Not in UTC (or not on PostgreSQL), the serializer writes it: same content, local time."""
    claims = _claims_of_every_shape(editor, checker)
    with timezone.override("Europe/Paris"):
        data = claim_detail_data(claims[1].pk)
        assert json.loads(json.dumps(data)) == _serializer(claims[1].pk)
        assert data["created_at"].endswith("+01:00") or data["created_at"].endswith("+02:00")


def test_a_token_reads_a_busy_claim_in_few_queries(
    editor: Any, checker: Any, django_assert_max_num_queries: Any
) -> None:
    from claims.services import integrations

    claims = _claims_of_every_shape(editor, checker)
    _, raw = integrations.api_token_create(name="cms", scope="read")
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get(f"/api/v1/claims/{claims[0].pk}/")  # records the token's first use
    # The token, then the claim with everything it shows (PostgreSQL); elsewhere the ORM's
    # prefetches: a fixed number whatever the claim holds.
    with django_assert_max_num_queries(2 if connection.vendor == "postgresql" else 15):
        response = client.get(f"/api/v1/claims/{claims[1].pk}/")
    assert response.status_code == 200
    assert response.json() == _serializer(claims[1].pk)
    assert response["ETag"] == f'"v{claims[1].version}"'
    again = client.get(f"/api/v1/claims/{claims[1].pk}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again["ETag"] == response["ETag"]
    missing = client.get("/api/v1/claims/999999999/")
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404
