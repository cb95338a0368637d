"""A per-claim ClaimReview `url` (the CMS's story), and the Rating as it was published, so a
review already out keeps its name and its scale's bounds. Claims published before this get
the rating and the scale as they stand now (the closest record there is)."""

from django.db import migrations, models
from django.db.models import Max, Min


def backfill(apps, schema_editor):
    from claims.selectors import review_rating

    Claim = apps.get_model("claims", "Claim")
    Rating = apps.get_model("claims", "Rating")
    scale = Rating.objects.filter(rating_value__isnull=False).aggregate(
        best=Max("rating_value"), worst=Min("rating_value")
    )
    published = Claim.objects.filter(status="published", rating__isnull=False)
    for claim in published.select_related("rating").iterator(chunk_size=500):
        claim.published_rating = review_rating(
            label=claim.rating.label, value=claim.rating.rating_value, scale=scale
        )
        claim.save(update_fields=["published_rating"])


class Migration(migrations.Migration):
    dependencies = [("claims", "0018_verdict_fulltext")]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="published_rating",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="claim",
            name="review_url",
            field=models.URLField(
                blank=True,
                help_text="The CMS's story URL for this fact-check (with #anchor); empty: the "
                "public page",
                max_length=2000,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
