"""The workflow, as data: every action a person can take on a claim, who may take it, from
which statuses, to which status, and what it needs as input.

This table is the one statement of the workflow. The services open every claim write with
`claims.services.guards.open_claim(step, ...)`, which checks the step's permission, statuses
and researcher rule; the dashboard draws its buttons and dispatches its action view from it;
the API exposes one transition endpoint per row with `api=True`; the admin offers the rows with
`admin=True` as bulk actions; and the permission tests are generated from it.

    detected -> dismissed | checking ; checking -> in_review ;
    in_review -> published | checking (changes requested) ; published -> checking (reopened)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claims.models.desk import ClaimStatus
from claims.permissions import Action, Role, can, roles_of

DETECTED = ClaimStatus.DETECTED
DISMISSED = ClaimStatus.DISMISSED
CHECKING = ClaimStatus.CHECKING
IN_REVIEW = ClaimStatus.IN_REVIEW
PUBLISHED = ClaimStatus.PUBLISHED
# A claim somebody is working on (the "my claims" queue, workload statistics).
OPEN = (CHECKING, IN_REVIEW)


@dataclass(frozen=True)
class Step:
    name: str  # as in URLs: /claims/{id}/{name}/
    label: str  # the button
    permission: Action  # claims.permissions decides which roles hold it
    from_statuses: tuple[ClaimStatus, ...]
    to_status: ClaimStatus | None  # None: the status stays
    needs: tuple[str, ...] = ()  # input the action cannot do without
    researcher: bool = False  # an editor, or the fact-checker the claim is assigned to
    api: bool = True  # POST /api/v1/claims/{id}/{name}/
    admin: bool = False  # a bulk action in the admin (only steps that need no input)
    doing: str = ""  # for messages: "Cannot {doing}: the claim is ..."

    @property
    def phrase(self) -> str:
        return self.doing or self.name.replace("-", " ")

    @property
    def key(self) -> str:
        """The step's name as a template variable (`can.start_checking`)."""
        return self.name.replace("-", "_")


STEPS: tuple[Step, ...] = (
    Step("dismiss", "Dismiss", Action.TRIAGE, (DETECTED,), ClaimStatus.DISMISSED, admin=True),
    Step("start-checking", "Check it", Action.TRIAGE, (DETECTED,), CHECKING, admin=True),
    Step("assign", "Assign", Action.ASSIGN, (DETECTED, CHECKING, IN_REVIEW), None),
    Step(
        "verdict",
        "Save verdict",
        Action.RESEARCH,
        (CHECKING,),
        None,
        researcher=True,
        doing="change the verdict",
    ),
    Step(
        "submit",
        "Submit for review",
        Action.SUBMIT,
        (CHECKING,),
        IN_REVIEW,
        researcher=True,
        admin=True,
        doing="submit for review",
    ),
    Step(
        "request-changes",
        "Request changes",
        Action.REQUEST_CHANGES,
        (IN_REVIEW,),
        CHECKING,
        needs=("comment",),
    ),
    Step("publish", "Publish", Action.PUBLISH, (IN_REVIEW,), PUBLISHED, admin=True),
    Step("reopen", "Reopen", Action.REOPEN, (PUBLISHED,), CHECKING, needs=("reason",)),
    Step(
        "add-source",
        "Add source",
        Action.RESEARCH,
        (CHECKING, IN_REVIEW),
        None,
        needs=("url",),
        researcher=True,
        doing="add a source",
        api=False,  # POST /api/v1/claims/{id}/sources/
    ),
    Step(
        "remove-source",
        "Remove",
        Action.RESEARCH,
        (CHECKING, IN_REVIEW),
        None,
        needs=("source",),
        researcher=True,
        doing="remove a source",
        api=False,  # DELETE /api/v1/sources/{id}/
    ),
    Step(
        "comment",
        "Comment",
        Action.COMMENT,
        tuple(ClaimStatus),
        None,
        needs=("body",),
        api=False,  # POST /api/v1/claims/{id}/comments/
    ),
    Step(
        "confirm-match",
        "Same claim",
        Action.LINK,
        tuple(ClaimStatus),
        None,
        needs=("match",),
    ),
    Step(
        "reject-match",
        "Not the same",
        Action.LINK,
        tuple(ClaimStatus),
        None,
        needs=("match",),
    ),
    # Applying an earlier verdict publishes only over an automatic link that passed every
    # rule of claims.matching.rules; over a link a person confirmed, it drafts the verdict
    # (checking), which then goes through review like any other (services.memory).
    Step(
        "apply-verdict",
        "Use this verdict",
        Action.LINK,
        (DETECTED, CHECKING),
        None,
        doing="apply an earlier verdict",
    ),
    # Correcting the machine (claims.services.editing). A claim is corrected while it is
    # worked on; a published one is reopened first, so a change to what went out is reviewed.
    Step(
        "edit",
        "Save corrections",
        Action.RESEARCH,
        (CHECKING, DETECTED, IN_REVIEW),
        None,
        researcher=True,
        doing="correct the claim",
        api=False,  # PATCH /api/v1/claims/{id}/
    ),
    Step(
        "split",
        "Split here",
        Action.RESEARCH,
        (CHECKING, DETECTED),
        None,
        needs=("offset",),
        researcher=True,
        doing="split the claim",
    ),
    Step(
        "merge",
        "Merge with the next claim",
        Action.RESEARCH,
        (CHECKING, DETECTED),
        None,
        needs=("other",),
        researcher=True,
        doing="merge the claims",
    ),
    Step(
        "mark-duplicate",
        "Same claim as",
        Action.LINK,
        (DETECTED, CHECKING, DISMISSED),
        None,
        needs=("canonical",),
        doing="mark the claim as a duplicate",
    ),
    Step(
        "unmark-duplicate",
        "Not a duplicate",
        Action.LINK,
        (DETECTED, CHECKING, DISMISSED, IN_REVIEW),
        None,
        doing="unmark the duplicate",
    ),
    Step(
        "restore",
        "Restore",
        Action.TRIAGE,
        (DISMISSED,),
        DETECTED,
        admin=True,
        doing="restore the claim",
    ),
)

BY_NAME: dict[str, Step] = {step.name: step for step in STEPS}


def step(name: str) -> Step:
    return BY_NAME[name]


def is_researcher(user: Any, claim: Any) -> bool:
    """Editors research any claim; a fact-checker only the claims assigned to them."""
    return Role.EDITOR in roles_of(user) or (
        claim.assignee_id is not None and claim.assignee_id == getattr(user, "pk", None)
    )


def may(user: Any, step: Step, claim: Any) -> bool:
    """Whether `user` may take `step` on `claim` as it stands (what the buttons show). The
    services check the same three things, plus the rules that depend on input and history."""
    return (
        can(user, step.permission)
        and claim.status in step.from_statuses
        and (not step.researcher or is_researcher(user, claim))
    )


def available(user: Any, claim: Any) -> dict[str, bool]:
    """{step.key: may(...)} for every step, for the claim page's buttons."""
    return {s.key: may(user, s, claim) for s in STEPS}
