from django.db import migrations

from assessments.provinces import load_provinces


def forwards(apps, schema_editor):
    load_provinces(apps.get_model("assessments", "Province"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
