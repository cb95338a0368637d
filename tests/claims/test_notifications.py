"""Notifications follow from the audit call: everyone a step concerns is told, in the dashboard
and by e-mail, with the claim named and linked; the person acting is never told of their own
action."""

from __future__ import annotations

from typing import Any

from claims.models import Notification
from claims.services import research, workflow
from tests.factories import ClaimFactory, UserFactory, rating


def _messages(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("message", flat=True))


def test_every_step_that_concerns_somebody_tells_them(
    editor: Any,
    editor2: Any,
    checker: Any,
    checker2: Any,
    viewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    claim = ClaimFactory()
    n = claim.pk
    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_start_checking(claim_id=n, actor=editor, assignee=checker)
    assert _messages(checker) == [f"editor gave you claim {n} to check"]
    assert mailoutbox[0].to == [checker.email] and f"/claims/{n}/" in mailoutbox[0].body

    workflow.claim_assign(claim_id=n, actor=editor, assignee=checker2)
    assert f"editor took claim {n} off you" in _messages(checker)
    assert f"editor assigned you claim {n}" in _messages(checker2)

    research.source_add(claim_id=n, actor=checker2, url="https://example.org/report")
    workflow.claim_set_verdict(claim_id=n, actor=checker2, rating=rating("false"), summary="No.")
    workflow.claim_submit(claim_id=n, actor=checker2)
    ready = f"Claim {n} is ready for your review"
    assert ready in _messages(editor) and ready in _messages(editor2)
    assert ready not in _messages(viewer) and ready not in _messages(checker2)

    workflow.claim_request_changes(claim_id=n, actor=editor, comment="Cite the budget line.")
    assert f"editor asked for changes on claim {n}: Cite the budget line." in _messages(checker2)

    workflow.claim_submit(claim_id=n, actor=checker2)
    workflow.claim_publish(claim_id=n, actor=editor2)
    assert f"editor2 published the verdict on claim {n}" in _messages(checker2)

    workflow.claim_reopen(claim_id=n, actor=editor, reason="New figures")
    assert f"editor reopened claim {n}: New figures" in _messages(checker2)
    assert f"editor reopened claim {n}: New figures" in _messages(editor2)  # who published it
    # Nobody is told of what they did themselves.
    assert not any("editor2 published" in m for m in _messages(editor2))
    assert not any("editor reopened" in m for m in _messages(editor))


def test_reviewers_exclude_the_authors(editor: Any, editor2: Any, checker: Any) -> None:
    """The editor who wrote part of the verdict is not asked to review it."""
    editor3 = UserFactory(username="editor3")
    from claims.permissions import Role
    from claims.services import people

    people.user_set_role(user=editor3, role=Role.EDITOR)
    claim = workflow.claim_start_checking(
        claim_id=ClaimFactory().pk, actor=editor, assignee=checker
    )
    research.source_add(claim_id=claim.pk, actor=editor2, url="https://example.org/report")
    workflow.claim_set_verdict(claim_id=claim.pk, actor=checker, rating=rating("true"), summary="Y")
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    ready = f"Claim {claim.pk} is ready for your review"
    assert ready in _messages(editor) and ready in _messages(editor3)
    assert ready not in _messages(editor2)
