"""The database table API rate limits are counted in when no Redis is configured (a desk on
SQLite or PostgreSQL alone still shares its limits across processes)."""

from django.conf import settings
from django.db import migrations


def create_table(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, settings.THROTTLE_CACHE_TABLE, False)


def drop_table(apps, schema_editor):
    schema_editor.execute(
        "DROP TABLE IF EXISTS %s" % schema_editor.quote_name(settings.THROTTLE_CACHE_TABLE)
    )


class Migration(migrations.Migration):
    dependencies = [("claims", "0011_claim_first_published_at")]
    operations = [migrations.RunPython(create_table, drop_table)]
