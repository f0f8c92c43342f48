"""The audit log chained by hash (issue 27): the client's address, the previous row's hash and
the row's own; ``created_at`` is set when the row is made (the hash covers it); the rows already
written are chained in id order (assessments/audit_chain.py)."""

import django.utils.timezone
from django.db import migrations, models


def chain(apps, schema_editor):
    from assessments.audit_chain import chain_existing

    chain_existing(apps.get_model("assessments", "AuditEvent"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0013_item_oit_evidence")]

    operations = [
        migrations.AlterField(
            model_name="auditevent", name="created_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False,
                                       verbose_name="เวลา"),
        ),
        migrations.AddField(
            model_name="auditevent", name="client_ip",
            field=models.CharField(blank=True, default="", max_length=45, verbose_name="ที่อยู่ไอพีของผู้ใช้"),
        ),
        migrations.AddField(
            model_name="auditevent", name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64,
                                   verbose_name="ค่าแฮชของแถวก่อนหน้า"),
        ),
        migrations.AddField(
            model_name="auditevent", name="row_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64,
                                   verbose_name="ค่าแฮชของแถวนี้"),
        ),
        migrations.RunPython(chain, migrations.RunPython.noop),
    ]
