# Where a measure copied from the measure library came from (issue 15 point 2).

import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('measures', '0004_plan_recorded_after'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalmeasure',
            name='source_fiscal_year',
            field=models.PositiveSmallIntegerField(
                blank=True, editable=False, null=True, verbose_name='ปีงบประมาณของมาตรการต้นแบบ'),
        ),
        migrations.AddField(
            model_name='historicalmeasure',
            name='source_org_name',
            field=models.CharField(
                blank=True, editable=False, max_length=200, verbose_name='คัดลอกจากมาตรการของหน่วยงาน'),
        ),
        migrations.AddField(
            model_name='historicalmeasure',
            name='source_url',
            field=models.CharField(blank=True, editable=False, max_length=500, verbose_name='ที่อยู่เอกสารต้นแบบ'),
        ),
        migrations.AddField(
            model_name='historicalmeasure',
            name='source_version',
            field=models.PositiveIntegerField(
                blank=True, editable=False, null=True, verbose_name='ฉบับที่เผยแพร่ของมาตรการต้นแบบ'),
        ),
        migrations.AddField(
            model_name='measure',
            name='source_fiscal_year',
            field=models.PositiveSmallIntegerField(
                blank=True, editable=False, null=True, verbose_name='ปีงบประมาณของมาตรการต้นแบบ'),
        ),
        migrations.AddField(
            model_name='measure',
            name='source_org_name',
            field=models.CharField(
                blank=True, editable=False, max_length=200, verbose_name='คัดลอกจากมาตรการของหน่วยงาน'),
        ),
        migrations.AddField(
            model_name='measure',
            name='source_url',
            field=models.CharField(blank=True, editable=False, max_length=500, verbose_name='ที่อยู่เอกสารต้นแบบ'),
        ),
        migrations.AddField(
            model_name='measure',
            name='source_version',
            field=models.PositiveIntegerField(
                blank=True, editable=False, null=True, verbose_name='ฉบับที่เผยแพร่ของมาตรการต้นแบบ'),
        ),
        migrations.AddConstraint(
            model_name='measure',
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length('source_org_name'), 200),
                name='measure_source_org_name_length'),
        ),
        migrations.AddConstraint(
            model_name='measure',
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length('source_url'), 500),
                name='measure_source_url_length'),
        ),
    ]
