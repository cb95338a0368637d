"""The workflow rules, each with the refusal that proves it is enforced in the service."""

import threading
from typing import Any

import pytest
from django.db import connection

from claims import errors
from claims.models import Claim, ClaimStatus, Comment, Event
from claims.permissions import Role
from claims.services import guards, people, research, workflow
from tests.factories import ClaimFactory, SourceFactory, UserFactory, rating


def _checking(editor: Any, checker: Any) -> Claim:
    claim = ClaimFactory()
    return workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)


def _in_review(editor: Any, checker: Any) -> Claim:
    claim = _checking(editor, checker)
    research.source_add(claim_id=claim.pk, actor=checker, url="https://example.org/budget.pdf")
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("false"), summary="The figure is £24m."
    )
    return workflow.claim_submit(claim_id=claim.pk, actor=checker)


# --- triage ------------------------------------------------------------------------------


def test_editor_dismisses_detected_claim_and_it_is_audited(editor: Any) -> None:
    claim = ClaimFactory()
    workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason="Opinion")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DISMISSED
    event = Event.objects.get(claim=claim, action="claim.dismissed")
    assert event.actor == editor
    assert event.before["status"] == "detected"
    assert event.after["status"] == "dismissed"
    assert event.after["reason"] == "Opinion"


@pytest.mark.parametrize("persona", ["checker", "viewer", "outsider"])
def test_only_editors_triage(persona: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(persona)
    claim = ClaimFactory()
    with pytest.raises(errors.PermissionDenied):
        workflow.claim_dismiss(claim_id=claim.pk, actor=user)
    with pytest.raises(errors.PermissionDenied):
        workflow.claim_start_checking(claim_id=claim.pk, actor=user)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED
    assert not Event.objects.filter(claim=claim).exists()


def test_anonymous_user_changes_nothing(db: None) -> None:
    from django.contrib.auth.models import AnonymousUser

    claim = ClaimFactory()
    with pytest.raises(errors.PermissionDenied):
        workflow.claim_dismiss(claim_id=claim.pk, actor=AnonymousUser())


def test_dismissed_claim_cannot_be_checked(editor: Any) -> None:
    claim = ClaimFactory()
    workflow.claim_dismiss(claim_id=claim.pk, actor=editor)
    with pytest.raises(errors.Conflict):
        workflow.claim_start_checking(claim_id=claim.pk, actor=editor)


# --- assignment --------------------------------------------------------------------------


def test_assign_records_before_and_after(editor: Any, checker: Any, checker2: Any) -> None:
    claim = _checking(editor, checker)
    workflow.claim_assign(claim_id=claim.pk, actor=editor, assignee=checker2)
    event = Event.objects.get(claim=claim, action="claim.assigned")
    assert (event.before["assignee"], event.after["assignee"]) == ("checker", "checker2")


def test_fact_checker_cannot_assign(editor: Any, checker: Any, checker2: Any) -> None:
    claim = _checking(editor, checker)
    with pytest.raises(errors.PermissionDenied):
        workflow.claim_assign(claim_id=claim.pk, actor=checker, assignee=checker2)


def test_viewer_cannot_be_assigned(editor: Any, viewer: Any) -> None:
    claim = ClaimFactory()
    with pytest.raises(errors.RuleViolation):
        workflow.claim_assign(claim_id=claim.pk, actor=editor, assignee=viewer)


# --- research and submission -------------------------------------------------------------


def test_fact_checker_researches_only_claims_assigned_to_them(
    editor: Any, checker: Any, checker2: Any
) -> None:
    claim = _checking(editor, checker)
    with pytest.raises(errors.PermissionDenied):
        research.source_add(claim_id=claim.pk, actor=checker2, url="https://example.org/a")
    research.source_add(claim_id=claim.pk, actor=checker, url="https://example.org/a")
    assert claim.sources.count() == 1


def test_viewer_cannot_research_or_comment(editor: Any, checker: Any, viewer: Any) -> None:
    claim = _checking(editor, checker)
    with pytest.raises(errors.PermissionDenied):
        research.source_add(claim_id=claim.pk, actor=viewer, url="https://example.org/a")
    with pytest.raises(errors.PermissionDenied):
        research.comment_add(claim_id=claim.pk, actor=viewer, body="hello")
    with pytest.raises(errors.PermissionDenied):
        workflow.claim_set_verdict(
            claim_id=claim.pk, actor=viewer, rating=rating("true"), summary="x"
        )


def test_source_url_is_validated(editor: Any, checker: Any) -> None:
    claim = _checking(editor, checker)
    for bad in ["javascript:alert(1)", "not a url", "ftp://example.org/x"]:
        with pytest.raises(errors.RuleViolation):
            research.source_add(claim_id=claim.pk, actor=checker, url=bad)
    assert claim.sources.count() == 0


def test_verdict_without_source_cannot_be_submitted(editor: Any, checker: Any) -> None:
    claim = _checking(editor, checker)
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("false"), summary="Wrong figure."
    )
    with pytest.raises(errors.RuleViolation, match="at least one source"):
        workflow.claim_submit(claim_id=claim.pk, actor=checker)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CHECKING


def test_unverifiable_verdict_needs_no_source(editor: Any, checker: Any, editor2: Any) -> None:
    claim = _checking(editor, checker)
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("unverifiable"), summary="No records."
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    workflow.claim_publish(claim_id=claim.pk, actor=editor2)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED


def test_source_removed_after_review_blocks_publication(
    editor: Any, checker: Any, editor2: Any
) -> None:
    claim = _in_review(editor, checker)
    source = claim.sources.get()
    research.source_remove(source_id=source.pk, actor=editor2)
    with pytest.raises(errors.RuleViolation, match="at least one source"):
        workflow.claim_publish(claim_id=claim.pk, actor=editor)
    removed = Event.objects.get(claim=claim, action="source.removed")
    assert removed.before["url"] == "https://example.org/budget.pdf"


def test_submit_needs_a_summary(editor: Any, checker: Any) -> None:
    claim = _checking(editor, checker)
    SourceFactory(claim=claim)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=checker, rating=rating("true"), summary="")
    with pytest.raises(errors.RuleViolation, match="summary"):
        workflow.claim_submit(claim_id=claim.pk, actor=checker)


def test_short_claim_for_claimreview_is_under_75_characters(editor: Any, checker: Any) -> None:
    claim = _checking(editor, checker)
    with pytest.raises(errors.RuleViolation, match="75"):
        workflow.claim_set_verdict(
            claim_id=claim.pk,
            actor=checker,
            rating=rating("true"),
            summary="s",
            claim_reviewed="x" * 76,
        )


# --- review and publication --------------------------------------------------------------


def test_publish_by_second_editor(editor: Any, checker: Any, editor2: Any) -> None:
    claim = _in_review(editor, checker)
    workflow.claim_publish(claim_id=claim.pk, actor=editor2)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED
    assert claim.published_by == editor2
    assert claim.published_at is not None
    actions = list(Event.objects.filter(claim=claim).values_list("action", flat=True))
    assert actions == [
        "claim.checking",
        "source.added",
        "verdict.changed",
        "claim.submitted",
        "claim.published",
    ]


def test_four_eyes_drafter_cannot_publish(editor: Any, editor2: Any) -> None:
    claim = ClaimFactory()
    workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=editor)
    SourceFactory(claim=claim)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, rating=rating("true"), summary="ok")
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    with pytest.raises(errors.PermissionDenied, match="Four-eyes"):
        workflow.claim_publish(claim_id=claim.pk, actor=editor)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    workflow.claim_publish(claim_id=claim.pk, actor=editor2)


def test_four_eyes_editor_who_submitted_another_draft_cannot_publish(
    editor: Any, checker: Any, editor2: Any
) -> None:
    claim = _checking(editor, checker)
    SourceFactory(claim=claim)
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("true"), summary="ok"
    )
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    with pytest.raises(errors.PermissionDenied):
        workflow.claim_publish(claim_id=claim.pk, actor=editor)
    workflow.claim_publish(claim_id=claim.pk, actor=editor2)


@pytest.mark.parametrize("persona", ["checker", "viewer"])
def test_only_editors_publish(persona: str, request: pytest.FixtureRequest, editor: Any) -> None:
    checker2 = request.getfixturevalue("checker2")
    claim = _in_review(editor, checker2)
    with pytest.raises(errors.PermissionDenied):
        workflow.claim_publish(claim_id=claim.pk, actor=request.getfixturevalue(persona))


def test_request_changes_needs_a_comment(editor: Any, checker: Any, editor2: Any) -> None:
    claim = _in_review(editor, checker)
    with pytest.raises(errors.RuleViolation, match="comment"):
        workflow.claim_request_changes(claim_id=claim.pk, actor=editor2, comment="  ")
    workflow.claim_request_changes(
        claim_id=claim.pk, actor=editor2, comment="Cite the budget page."
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CHECKING
    assert Comment.objects.get(claim=claim).body == "Cite the budget page."
    assert Event.objects.get(claim=claim, action="claim.changes_requested").after["comment"]


def test_reopen_keeps_published_verdict_in_history(editor: Any, checker: Any, editor2: Any) -> None:
    claim = _in_review(editor, checker)
    workflow.claim_publish(claim_id=claim.pk, actor=editor2)
    with pytest.raises(errors.RuleViolation):
        workflow.claim_reopen(claim_id=claim.pk, actor=editor, reason="")
    with pytest.raises(errors.PermissionDenied):
        workflow.claim_reopen(claim_id=claim.pk, actor=checker, reason="typo")
    workflow.claim_reopen(claim_id=claim.pk, actor=editor, reason="New budget figures")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CHECKING
    reopened = Event.objects.get(claim=claim, action="claim.reopened")
    assert reopened.before["status"] == "published"
    assert reopened.before["rating"] == "False"
    assert reopened.before["published_by"] == "editor2"
    assert reopened.after["reason"] == "New budget figures"


def test_wrong_state_transitions_are_refused(editor: Any, checker: Any) -> None:
    claim = _checking(editor, checker)
    with pytest.raises(errors.Conflict):
        workflow.claim_publish(claim_id=claim.pk, actor=editor)
    with pytest.raises(errors.Conflict):
        workflow.claim_reopen(claim_id=claim.pk, actor=editor, reason="x")
    with pytest.raises(errors.Conflict):
        workflow.claim_dismiss(claim_id=claim.pk, actor=editor)


def test_unknown_claim_is_not_found(editor: Any) -> None:
    with pytest.raises(errors.NotFound):
        workflow.claim_dismiss(claim_id=999999, actor=editor)


# --- concurrency -------------------------------------------------------------------------


def test_stale_version_is_refused_and_nothing_is_overwritten(
    editor: Any, checker: Any, editor2: Any
) -> None:
    claim = _checking(editor, checker)
    seen = claim.version
    workflow.claim_set_verdict(
        claim_id=claim.pk,
        actor=checker,
        rating=rating("false"),
        summary="First draft",
        expected_version=seen,
    )
    with pytest.raises(errors.Conflict, match="version"):
        workflow.claim_set_verdict(
            claim_id=claim.pk,
            actor=editor,
            rating=rating("true"),
            summary="Other draft",
            expected_version=seen,
        )
    claim.refresh_from_db()
    assert claim.summary == "First draft"
    assert claim.rating == rating("false")


def test_conditional_write_refuses_a_stale_version_in_the_same_status(
    editor: Any, checker: Any
) -> None:
    """Only the version tells: the claim is still detected, but it was assigned meanwhile."""
    claim = ClaimFactory()
    stale = Claim.objects.get(pk=claim.pk)
    workflow.claim_assign(claim_id=claim.pk, actor=editor, assignee=checker)
    with pytest.raises(errors.Conflict):
        guards.write(stale, status_from=[ClaimStatus.DETECTED], status=ClaimStatus.DISMISSED)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED and claim.assignee == checker


def test_conditional_write_refuses_a_claim_changed_after_it_was_read(editor: Any) -> None:
    claim = ClaimFactory()
    stale = Claim.objects.get(pk=claim.pk)
    workflow.claim_dismiss(claim_id=claim.pk, actor=editor)
    with pytest.raises(errors.Conflict):
        guards.write(stale, status_from=[ClaimStatus.DETECTED], status=ClaimStatus.CHECKING)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DISMISSED


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: it takes row locks (SELECT ... FOR UPDATE) and runs the two "
    "transactions truly at once; SQLite locks the whole file, so the race never happens there.",
)
@pytest.mark.django_db(transaction=True)
def test_two_editors_publish_at_once_one_wins(editor: Any, editor2: Any, checker: Any) -> None:
    """Two real concurrent transactions on PostgreSQL: exactly one publish succeeds (the row
    lock and the conditional UPDATE on the version; see the skip reason for why PostgreSQL)."""
    claim = _in_review(editor, checker)
    editor3 = UserFactory(username="editor3")
    people.user_set_role(user=editor3, role=Role.EDITOR)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish(actor: Any) -> None:
        try:
            barrier.wait()
            workflow.claim_publish(claim_id=claim.pk, actor=actor, expected_version=claim.version)
            outcomes.append("published")
        except errors.Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(u,)) for u in (editor2, editor3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "published"]
    assert Event.objects.filter(claim=claim, action="claim.published").count() == 1


def test_events_are_append_only(editor: Any) -> None:
    claim = ClaimFactory()
    workflow.claim_dismiss(claim_id=claim.pk, actor=editor)
    event = Event.objects.get(claim=claim)
    event.action = "forged"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(TypeError):
        Event.objects.all().delete()
