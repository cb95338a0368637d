"""Seed the default verdict scale (editors can rename, recolour or extend it)."""

from django.db import migrations

DEFAULT_RATINGS = [
    # label, slug, colour, order, ClaimReview ratingValue, unverifiable, description
    ("True", "true", "#1a7f37", 1, 6, False, "The claim is accurate and nothing significant is missing."),
    ("Mostly true", "mostly-true", "#4d9a3a", 2, 5, False, "Accurate, but needs clarification or extra context."),
    ("Half true", "half-true", "#b08800", 3, 4, False, "Partly accurate: leaves out important details or takes things out of context."),
    ("Misleading", "misleading", "#d4720b", 4, 3, False, "Contains accurate elements but gives a wrong impression."),
    ("Mostly false", "mostly-false", "#cf4a1f", 5, 2, False, "Has an element of truth but ignores facts that would change the impression."),
    ("False", "false", "#b3261e", 6, 1, False, "The claim is not accurate."),
    ("Unverifiable", "unverifiable", "#6e7781", 7, None, True, "The available evidence can neither confirm nor refute it."),
]


def seed(apps, schema_editor):
    Rating = apps.get_model("claims", "Rating")
    for label, slug, colour, order, value, unverifiable, description in DEFAULT_RATINGS:
        Rating.objects.update_or_create(
            slug=slug,
            defaults={
                "label": label,
                "colour": colour,
                "order": order,
                "rating_value": value,
                "is_unverifiable": unverifiable,
                "description": description,
            },
        )


def unseed(apps, schema_editor):
    Rating = apps.get_model("claims", "Rating")
    Rating.objects.filter(slug__in=[row[1] for row in DEFAULT_RATINGS], claim__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
