"""The permission matrix, generated from claims/workflow.py: every step x every persona x every
door (dashboard, API, admin action), each asserted allowed or refused, and after a refusal the
database checked unchanged. A step added to the table is in the matrix without a line here
beyond its input (INPUT), and a step with no input here fails the test of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from claims.models import Claim, ClaimMatch, Event, FactCheck, MatchStatus
from claims.permissions import can
from claims.services import integrations, people, workflow
from claims.workflow import STEPS, Step, is_researcher
from claims.workflow import step as workflow_step
from tests.factories import ClaimFactory, SourceFactory, rating

PERSONAS = [
    "anonymous",
    "no_role",
    "viewer",
    "assigned_checker",
    "other_checker",
    "editor",
    "second_editor",
    "read_token",
    "write_token",
    "revoked_token",
]
USERS = {
    "no_role": None,
    "viewer": "viewer",
    "assigned_checker": "fact-checker",
    "other_checker": "fact-checker",
    "editor": "editor",
    "second_editor": "editor",
}


@dataclass
class Case:
    claim: Claim
    source_id: int = 0
    match_id: int = 0
    other_id: int = 0


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


@pytest.fixture
def desk(db: None) -> dict[str, Any]:
    from claims.permissions import Role

    def user(username: str, **extra: Any) -> Any:  # no password: hashing ten per test is slow
        return get_user_model().objects.create(username=username, **extra)

    made: dict[str, Any] = {}
    for name, role in USERS.items():
        user_ = user(name, is_staff=True)
        if role is not None:
            people.user_set_role(user=user_, role=Role(role))
        made[name] = user_
    # The drafts are written by somebody outside the matrix, so four-eyes refuses nobody here.
    drafter = user("drafter")
    people.user_set_role(user=drafter, role=Role.EDITOR)
    made["drafter"] = drafter
    return made


def _prepare(step: Step) -> Case:
    """A claim on which `step` succeeds for whoever may take it."""
    editor, checker, drafter = _user("editor"), _user("assigned_checker"), _user("drafter")
    claim = ClaimFactory()
    if step.name == "apply-verdict":
        factcheck = FactCheck.objects.create(
            collection="archive",
            external_id=f"fc-{claim.pk}",
            text=claim.text,
            rating=rating("false"),
            rating_label="False",
            url="https://factcheck.example/1",
            embedding=b"",
            embedding_version="test",
        )
        ClaimMatch.objects.create(
            claim=claim,
            target_factcheck=factcheck,
            score=0.9,
            cosine=0.9,
            status=MatchStatus.LINKED,
        )
        Claim.objects.filter(pk=claim.pk).update(canonical_factcheck=factcheck)
        return Case(Claim.objects.get(pk=claim.pk))
    if step.name in ("confirm-match", "reject-match"):
        target = ClaimFactory()
        match = ClaimMatch.objects.create(
            claim=claim, target_claim=target, score=0.7, cosine=0.7, status=MatchStatus.SUGGESTED
        )
        return Case(claim, match_id=match.pk)
    if step.name == "mark-duplicate":
        return Case(claim, other_id=ClaimFactory().pk)
    if step.name == "unmark-duplicate":
        Claim.objects.filter(pk=claim.pk).update(canonical=ClaimFactory())
        return Case(Claim.objects.get(pk=claim.pk))
    if step.name == "restore":
        workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason="Opinion")
        return Case(Claim.objects.get(pk=claim.pk))
    status = step.from_statuses[0]
    if status == "detected":
        return Case(claim)
    claim = workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)
    source = SourceFactory(claim=claim)
    if step.name != "verdict":
        workflow.claim_set_verdict(
            claim_id=claim.pk, actor=drafter, rating=rating("false"), summary="Wrong."
        )
    if status in ("in_review", "published"):
        workflow.claim_submit(claim_id=claim.pk, actor=drafter)
    if status == "published":
        workflow.claim_publish(claim_id=claim.pk, actor=_user("second_editor"))
    if step.name == "merge":
        # The claim and the sentence after it, both being checked by the assigned checker.
        body = claim.article.body
        start = body.index("Nothing else")
        other = ClaimFactory(article=claim.article, start=start, end=len(body), text=body[start:])
        workflow.claim_start_checking(claim_id=other.pk, actor=editor, assignee=checker)
        return Case(Claim.objects.get(pk=claim.pk), source_id=source.pk, other_id=other.pk)
    return Case(Claim.objects.get(pk=claim.pk), source_id=source.pk)


INPUT: dict[str, Any] = {
    "dismiss": lambda c: {"reason": "Not checkable"},
    "start-checking": lambda c: {"assignee": "assigned_checker"},
    "assign": lambda c: {"assignee": "assigned_checker"},
    "verdict": lambda c: {"rating": "false", "summary": "Wrong: £12 million."},
    "submit": lambda c: {},
    "request-changes": lambda c: {"comment": "Add the council's own figure."},
    "publish": lambda c: {},
    "reopen": lambda c: {"reason": "A correction came in."},
    "add-source": lambda c: {"url": "https://example.org/more"},
    "remove-source": lambda c: {"source": c.source_id},
    "comment": lambda c: {"body": "A note."},
    "confirm-match": lambda c: {"match": c.match_id},
    "reject-match": lambda c: {"match": c.match_id},
    "apply-verdict": lambda c: {},
    "edit": lambda c: {"claimant": "Jane Doe", "claimant_type": "person", "kind": "quote"},
    "split": lambda c: {"offset": c.claim.text.index(" that") + 1},
    "merge": lambda c: {"other": c.other_id},
    "mark-duplicate": lambda c: {"canonical": c.other_id},
    "unmark-duplicate": lambda c: {},
    "restore": lambda c: {"reason": "It is checkable after all."},
}


def test_every_step_has_its_input_here() -> None:
    assert set(INPUT) == {s.name for s in STEPS}


def _allowed(persona: str, step: Step, claim: Claim) -> bool:
    if persona not in USERS:
        return False  # anonymous and machine clients never take workflow steps
    user = _user(persona)
    return can(user, step.permission) and (not step.researcher or is_researcher(user, claim))


def _state(claim: Claim) -> tuple[Any, ...]:
    claim.refresh_from_db()
    return (
        claim.status,
        claim.version,
        claim.assignee_id,
        claim.rating_id,
        claim.summary,
        claim.sources.count(),
        claim.comments.count(),
        claim.start,
        claim.end,
        claim.claimant,
        claim.canonical_id,
        Claim.objects.filter(article_id=claim.article_id).count(),
        Event.objects.filter(claim=claim).count(),
        tuple(claim.matches.values_list("status", flat=True)),
    )


def _session(persona: str, *, api: bool) -> Any:
    client: Any = APIClient() if api else Client()
    if persona in USERS:
        client.force_login(_user(persona))
    elif persona.endswith("_token"):
        scope = "read" if persona == "read_token" else "write"
        token, raw = integrations.api_token_create(name=persona, scope=scope)
        if persona == "revoked_token":
            integrations.api_token_revoke(token_id=token.pk)
        if api:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        else:
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
def test_dashboard_door(desk: dict[str, Any], persona: str, step: Step) -> None:
    case = _prepare(step)
    before = _state(case.claim)
    client = _session(persona, api=False)
    data = {**INPUT[step.name](case), "version": case.claim.version}
    response = client.post(f"/claims/{case.claim.pk}/{step.name}/", data)
    allowed = _allowed(persona, step, case.claim)
    after = _state(case.claim)
    if allowed:
        assert response.status_code == 302 and "/claims/" in response["Location"], (
            response.status_code,
            response.content[:300],
        )
        assert after != before
    else:
        # Anonymous (and a token, which the dashboard does not take) go to the login page.
        if persona in USERS:
            assert response.status_code == 403
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert after == before


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("step", [s for s in STEPS if s.api], ids=lambda s: s.name)
def test_api_door(desk: dict[str, Any], persona: str, step: Step) -> None:
    case = _prepare(step)
    before = _state(case.claim)
    client = _session(persona, api=True)
    response = client.post(
        f"/api/v1/claims/{case.claim.pk}/{step.name}/",
        INPUT[step.name](case),
        format="json",
        HTTP_IF_MATCH=f'"v{case.claim.version}"',
    )
    after = _state(case.claim)
    if _allowed(persona, step, case.claim):
        assert response.status_code == 200, response.content[:300]
        assert after != before
    else:
        expected = 401 if persona in ("anonymous", "revoked_token") else 403
        assert response.status_code == expected, response.content[:300]
        assert response.json()["error"]["status"] == expected
        assert after == before


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("step", [s for s in STEPS if s.admin], ids=lambda s: s.name)
def test_admin_door(desk: dict[str, Any], persona: str, step: Step) -> None:
    case = _prepare(step)
    before = _state(case.claim)
    client = _session(persona, api=False)
    response = client.post(
        "/admin/claims/claim/", {"action": step.key, "_selected_action": [case.claim.pk]}
    )
    after = _state(case.claim)
    if _allowed(persona, step, case.claim):
        assert response.status_code == 302
        assert after != before
    else:
        assert response.status_code in (302, 403)
        assert after == before


def test_the_matrix_covers_every_door() -> None:
    """The API exposes exactly the API steps, the admin exactly the admin steps."""
    from claims.admin import ClaimAdmin
    from claims.api.views.claims import TRANSITIONS

    assert set(TRANSITIONS) == {s.name for s in STEPS if s.api}
    assert set(ClaimAdmin.actions) == {s.key for s in STEPS if s.admin}
    assert workflow_step("publish").permission.name == "PUBLISH"
