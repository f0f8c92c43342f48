"""District search matches from the start of the name (people type a district from its start):
a btree on UPPER(district) serves Django's istartswith (UPPER(col) LIKE UPPER('…%')), where the
trigram index on such short, repeated names cost more than scanning every body."""

from django.db import migrations

CREATE = [
    "DROP INDEX IF EXISTS org_district_trgm",
    "CREATE INDEX IF NOT EXISTS org_district_prefix ON assessments_organization "
    "(UPPER(district::text) text_pattern_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS org_district_prefix",
    "CREATE INDEX IF NOT EXISTS org_district_trgm ON assessments_organization "
    "USING gin (UPPER(district::text) gin_trgm_ops)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_trigram_search")]
    operations = [migrations.RunPython(forwards, backwards)]
