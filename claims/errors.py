"""Domain errors raised by services. Every entry point maps them the same way:
PermissionDenied -> 403, Conflict -> 409, RuleViolation -> 400, NotFound -> 404,
Unavailable -> 503, IdempotencyMismatch -> 422."""


class DeskError(Exception):
    """Base class: `message` is shown to the person who acted."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(DeskError):
    """The actor's role does not allow this action (or the four-eyes rule forbids it)."""


class Conflict(DeskError):
    """Somebody else changed the claim first, or it is not in a state this action applies to."""


class RuleViolation(DeskError):
    """The action breaks an editorial rule (a verdict without a source, a missing comment...)."""


class NotFound(DeskError):
    """No such object."""


class InvalidInput(RuleViolation):
    """Input that cannot be loaded: empty, binary, too large, undecodable."""


class TooLarge(InvalidInput):
    """Input over a size limit (FACTCHECK_MAX_ARTICLE_BYTES, FACTCHECK_MAX_ARTICLE_CHARS): 413."""


class IdempotencyMismatch(DeskError):
    """An Idempotency-Key used again with a different request: never silently the first one."""


class Unavailable(DeskError):
    """A service the action needs (the task queue, the database) is down; retry later."""
