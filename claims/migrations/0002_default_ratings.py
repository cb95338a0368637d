"""Seed the default verdict scale (editors can rename, recolour or extend it)."""

from django.db import migrations

from claims.defaults import DEFAULT_RATINGS



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
