"""The 77 provinces, from pythainlp's corpus (it ships with the package; no network)."""

from django.db import migrations


def load_provinces(apps, schema_editor):
    from pythainlp.corpus import provinces

    Province = apps.get_model("assessments", "Province")
    for entry in provinces(details=True):
        Province.objects.update_or_create(
            code=entry["abbr_en"], defaults={"name": entry["name_th"], "name_en": entry["name_en"]}
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load_provinces, migrations.RunPython.noop)]
