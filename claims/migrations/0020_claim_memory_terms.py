"""Each claim's and fact-check's content terms stored with its text (claims.matching.text
.stored_terms), so that a worker starting over a million claims reads words instead of
tokenising every text. Existing rows are filled in here; the database clears a value whose
text changed by a write that did not rewrite it (a trigger on each table), so a stored value is
either exact or missing, and a missing one is computed at index load."""

from django.db import migrations

import claims.models.fields

BATCH = 5000
TABLES = {"claims_claim": ("text",), "claims_factcheck": ("text", "title")}


def backfill(apps, schema_editor):
    from claims.matching import text as claim_text

    connection = schema_editor.connection
    for table, sources in TABLES.items():
        columns = ", ".join(sources)
        last = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id, {columns} FROM {table} WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608
                    [last, BATCH],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                last = rows[-1][0]
                values = [
                    (claim_text.stored_terms(" ".join(str(v or "") for v in row[1:])), row[0])
                    for row in rows
                ]
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f"UPDATE {table} SET terms = v.terms FROM "  # noqa: S608
                        "unnest(%s::text[], %s::bigint[]) AS v(terms, id) "
                        f"WHERE {table}.id = v.id",
                        [[v[0] for v in values], [v[1] for v in values]],
                    )
                else:
                    cursor.executemany(f"UPDATE {table} SET terms = %s WHERE id = %s", values)  # noqa: S608


def _changed(sources, new, old, distinct):
    return " OR ".join(f"{new}.{c} {distinct} {old}.{c}" for c in sources)


def triggers(apps, schema_editor):
    connection = schema_editor.connection
    for table, sources in TABLES.items():
        name = f"{table}_terms_stale"
        if connection.vendor == "postgresql":
            changed = _changed(sources, "NEW", "OLD", "IS DISTINCT FROM")
            schema_editor.execute(
                f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
                BEGIN
                    IF ({changed}) AND NEW.terms IS NOT DISTINCT FROM OLD.terms THEN
                        NEW.terms := NULL;
                    END IF;
                    RETURN NEW;
                END $$ LANGUAGE plpgsql"""
            )
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        elif connection.vendor == "sqlite":
            changed = _changed(sources, "NEW", "OLD", "IS NOT")
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER UPDATE ON {table} FOR EACH ROW "
                f"WHEN ({changed}) AND NEW.terms IS OLD.terms "
                f"BEGIN UPDATE {table} SET terms = NULL WHERE id = NEW.id; END"
            )


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    for table in TABLES:
        name = f"{table}_terms_stale"
        if connection.vendor in ("postgresql", "sqlite"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}"
                                  if connection.vendor == "postgresql"
                                  else f"DROP TRIGGER IF EXISTS {name}")
        if connection.vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


class Migration(migrations.Migration):
    dependencies = [("claims", "0019_claim_review_url_published_rating")]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="terms",
            field=claims.models.fields.TermsField(sources=("text",)),
        ),
        migrations.AddField(
            model_name="factcheck",
            name="terms",
            field=claims.models.fields.TermsField(sources=("text", "title")),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(triggers, drop_triggers),
    ]
