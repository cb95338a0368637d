"""What a fresh desk starts with: the role groups and the default verdict scale.

Both are (re)created after every migrate and after a test database is flushed; the verdict
scale only when it is empty, so an editor's own scale is never overwritten."""

from django.contrib.auth.models import Group, Permission

from claims.permissions import Role

DEFAULT_RATINGS = [
    # label, slug, colour, order, ClaimReview ratingValue, unverifiable, description
    (
        "True",
        "true",
        "#1a7f37",
        1,
        6,
        False,
        "The claim is accurate and nothing significant is missing.",
    ),
    (
        "Mostly true",
        "mostly-true",
        "#4d9a3a",
        2,
        5,
        False,
        "Accurate, but needs clarification or extra context.",
    ),
    (
        "Half true",
        "half-true",
        "#b08800",
        3,
        4,
        False,
        "Partly accurate: leaves out important details or takes things out of context.",
    ),
    (
        "Misleading",
        "misleading",
        "#d4720b",
        4,
        3,
        False,
        "Contains accurate elements but gives a wrong impression.",
    ),
    (
        "Mostly false",
        "mostly-false",
        "#cf4a1f",
        5,
        2,
        False,
        "Has an element of truth but ignores facts that would change the impression.",
    ),
    ("False", "false", "#b3261e", 6, 1, False, "The claim is not accurate."),
    (
        "Unverifiable",
        "unverifiable",
        "#6e7781",
        7,
        None,
        True,
        "The available evidence can neither confirm nor refute it.",
    ),
]

_MODELS = ["article", "claim", "source", "comment", "event", "rating", "factcheck", "claimmatch"]

# Which admin pages each role can open (what a role may *do* is in claims.permissions).
ADMIN_PERMISSIONS: dict[Role, list[str]] = {
    Role.VIEWER: [f"view_{m}" for m in _MODELS],
    Role.FACT_CHECKER: [f"view_{m}" for m in _MODELS] + ["change_claim"],
    Role.EDITOR: [f"view_{m}" for m in _MODELS]
    + ["change_claim", "change_article", "add_rating", "change_rating", "change_factcheck"],
}


# Labels other desks use, mapped onto the default scale when an archive is imported (a label
# that matches a rating's own label or slug needs no entry). Only used if the slug exists.
RATING_SYNONYMS = {
    "pants-fire": "false",
    "pants on fire": "false",
    "pants on fire!": "false",
    "barely-true": "mostly-false",
    "barely true": "mostly-false",
    "half-truth": "half-true",
    "mixture": "half-true",
    "mostly-correct": "mostly-true",
    "correct": "true",
    "incorrect": "false",
    "fake": "false",
    "unproven": "unverifiable",
}


def ensure_role_groups(using: str = "default") -> None:
    for role, codenames in ADMIN_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        perms = Permission.objects.using(using).filter(
            content_type__app_label="claims", codename__in=codenames
        )
        group.permissions.set(perms)


def ensure_default_ratings(using: str = "default") -> None:
    from claims.models import Rating

    if Rating.objects.using(using).exists():
        return
    for label, slug, colour, order, value, unverifiable, description in DEFAULT_RATINGS:
        Rating.objects.using(using).create(
            label=label,
            slug=slug,
            colour=colour,
            order=order,
            rating_value=value,
            is_unverifiable=unverifiable,
            description=description,
        )
