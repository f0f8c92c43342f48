# /verify/ finds a published file by its SHA-256 with one indexed query.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_republish_job'),
    ]

    operations = [
        migrations.AlterField(
            model_name='publisheddocument',
            name='sha256',
            field=models.CharField(db_index=True, max_length=64),
        ),
    ]
