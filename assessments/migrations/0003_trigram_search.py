"""Trigram indexes for the name search (Django's icontains is UPPER(col) LIKE UPPER('%…%')),
on PostgreSQL only; SQLite scans, which is fine at its sizes."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS org_name_trgm ON assessments_organization USING gin (UPPER(name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS org_district_trgm ON assessments_organization "
    "USING gin (UPPER(district::text) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS org_name_trgm", "DROP INDEX IF EXISTS org_district_trgm"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_provinces")]
    operations = [migrations.RunPython(forwards, backwards)]
