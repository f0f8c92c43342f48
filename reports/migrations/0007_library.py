# The measure library (issue 15): one row per measure of the latest published measures document.

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

# PostgreSQL (reports/library.py, docs/ARCHITECTURE.md "The measure library"):
# - ``search`` and ``title_search``: the measure's terms and its title's as tsvectors kept by the
#   database itself, GIN-indexed, matched with @@. The terms are already words
#   (common/thai_search.py), so the 'simple' configuration only splits them on the spaces; strip()
#   drops the positions and weights nothing reads (the ranking is the title flag, not ts_rank).
# - Storage: the two tsvectors stay in the row uncompressed where they fit (MAIN), the texts a
#   search never reads (content, terms, title_terms) go out of line first (EXTERNAL), so checking
#   a row against a query reads one narrow row and no TOAST.
# - ``reports_library_order``: the static order (best change, newest year, body, row), so a broad
#   search walks the index and stops after the rows it shows.
# SQLite has none of these: the library matches the space-padded terms with LIKE.
SEARCH_SQL = [
    "ALTER TABLE reports_libraryentry "
    "ADD COLUMN search tsvector GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, terms))) STORED, "
    "ADD COLUMN title_search tsvector GENERATED ALWAYS AS ("
    "strip(to_tsvector('simple'::regconfig, title_terms))) STORED",
    "ALTER TABLE reports_libraryentry ALTER COLUMN search SET STORAGE MAIN, "
    "ALTER COLUMN title_search SET STORAGE MAIN, ALTER COLUMN content SET STORAGE EXTERNAL, "
    "ALTER COLUMN terms SET STORAGE EXTERNAL, ALTER COLUMN title_terms SET STORAGE EXTERNAL",
    "CREATE INDEX reports_library_search ON reports_libraryentry USING gin (search)",
    "CREATE INDEX reports_library_title_search ON reports_libraryentry USING gin (title_search)",
    "CREATE INDEX reports_library_order ON reports_libraryentry "
    "(best_change DESC NULLS LAST, fiscal_year DESC, org_name, position, id)",
]


def add_search_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in SEARCH_SQL:
            schema_editor.execute(statement)


def drop_search_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in ("reports_library_order", "reports_library_title_search", "reports_library_search"):
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute("ALTER TABLE reports_libraryentry DROP COLUMN IF EXISTS title_search, "
                              "DROP COLUMN IF EXISTS search")


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0009_audit_action_signature'),
        ('reports', '0006_layout_options'),
    ]

    operations = [
        migrations.CreateModel(
            name='LibraryEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField()),
                ('fiscal_year', models.PositiveSmallIntegerField()),
                ('position', models.PositiveSmallIntegerField()),
                ('org_slug', models.CharField(max_length=100)),
                ('org_name', models.CharField(max_length=200)),
                ('org_kind', models.CharField(max_length=32)),
                ('province_name', models.CharField(blank=True, max_length=64)),
                ('title', models.CharField(max_length=500)),
                ('indicators', models.JSONField(default=list)),
                ('content', models.JSONField(default=dict)),
                ('best_change', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True)),
                ('title_terms', models.TextField(blank=True)),
                ('terms', models.TextField(blank=True)),
                (
                    'document',
                    models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE,
                        related_name='library_entries', to='reports.publisheddocument')),
                (
                    'org',
                    models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+',
                        to='assessments.organization')),
                (
                    'province',
                    models.ForeignKey(
                        blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL,
                        related_name='+', to='assessments.province')),
            ],
            options={
                'ordering': ['-fiscal_year', 'org_name', 'position'],
            },
        ),
        migrations.CreateModel(
            name='LibraryIndicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField()),
                (
                    'score',
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=5, null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal('0')),
                                    django.core.validators.MaxValueValidator(Decimal('100'))])),
                ('change', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True)),
                (
                    'entry',
                    models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE,
                        related_name='indicator_rows', to='reports.libraryentry')),
            ],
        ),
        migrations.AddIndex(
            model_name='libraryentry',
            index=models.Index(fields=['org', 'fiscal_year'], name='reports_lib_org_id_387324_idx'),
        ),
        migrations.AddIndex(
            model_name='libraryentry',
            index=models.Index(fields=['fiscal_year'], name='reports_lib_fiscal__efcba9_idx'),
        ),
        migrations.AddIndex(
            model_name='libraryentry',
            index=models.Index(fields=['province', 'fiscal_year'], name='reports_lib_provinc_f8cf52_idx'),
        ),
        migrations.AddIndex(
            model_name='libraryentry',
            index=models.Index(fields=['org_kind'], name='reports_lib_org_kin_d447f2_idx'),
        ),
        migrations.AddConstraint(
            model_name='libraryentry',
            constraint=models.UniqueConstraint(fields=('document', 'position'), name='library_unique_position'),
        ),
        migrations.AddIndex(
            model_name='libraryindicator',
            index=models.Index(fields=['number', 'change'], name='reports_lib_number_2f436c_idx'),
        ),
        migrations.AddConstraint(
            model_name='libraryindicator',
            constraint=models.UniqueConstraint(fields=('entry', 'number'), name='library_indicator_unique'),
        ),
        migrations.RunPython(add_search_column, drop_search_column),
    ]
