# A past year's plan entered from documents the body had already published (issue 11 point 4).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('measures', '0003_create_tokens'),
    ]

    operations = [
        migrations.AddField(
            model_name='measureplan',
            name='recorded_after',
            field=models.BooleanField(default=False, verbose_name='บันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว'),
        ),
    ]
