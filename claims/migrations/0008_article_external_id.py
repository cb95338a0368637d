from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_claimant_type"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="external_id",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["external_id"], name="article_external_id"),
        ),
    ]
