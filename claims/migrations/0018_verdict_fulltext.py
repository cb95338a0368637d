"""Full-text search of past verdicts in the database (claims/fulltext.py): on PostgreSQL a
generated tsvector column with a GIN index on fact-checks and claims, on SQLite FTS5 tables
kept by triggers. Other backends get nothing (the model has no such field)."""

from django.db import migrations


def install(apps, schema_editor):
    from claims import fulltext

    fulltext.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from claims import fulltext

    fulltext.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("claims", "0015_article_archived")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
