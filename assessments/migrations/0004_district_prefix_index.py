"""Prefix indexes for the body search (Django's istartswith is UPPER(col) LIKE UPPER('…%')):
a name typed with its kind ("อบต.บ้านนา") is a prefix of the name, and a district is typed from
its start. On short, repeated district names the trigram index cost more than scanning every
body, so it goes."""

from django.db import migrations

CREATE = [
    "DROP INDEX IF EXISTS org_district_trgm",
    "CREATE INDEX IF NOT EXISTS org_district_prefix ON assessments_organization "
    "(UPPER(district::text) text_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS org_name_prefix ON assessments_organization (UPPER(name::text) text_pattern_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS org_district_prefix",
    "DROP INDEX IF EXISTS org_name_prefix",
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
