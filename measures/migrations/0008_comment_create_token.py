# The one-time form token of a comment (issue 21: a double click adds one comment).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('measures', '0007_record_sources'),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='create_token',
            field=models.CharField(blank=True, editable=False, max_length=32, null=True, unique=True,
                                   verbose_name='รหัสแบบฟอร์มที่สร้าง'),
        ),
    ]
