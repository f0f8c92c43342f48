# People's signature images (their own, private) and the copies kept with approvals.

import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

import reports.models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_published_sha256_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SignatureImage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sha256', models.CharField(max_length=64, unique=True)),
                ('image', models.FileField(upload_to=reports.models.kept_signature_path)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+',
                                           to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'ลายมือชื่อในเอกสารที่เห็นชอบ',
                'verbose_name_plural': 'ลายมือชื่อในเอกสารที่เห็นชอบ',
            },
        ),
        migrations.CreateModel(
            name='UserSignature',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('image', models.FileField(upload_to=reports.models.signature_path, verbose_name='ภาพลายมือชื่อ')),
                ('sha256', models.CharField(max_length=64)),
                ('width', models.PositiveIntegerField(default=0)),
                ('height', models.PositiveIntegerField(default=0)),
                ('name', models.CharField(blank=True, max_length=200, verbose_name='ชื่อที่พิมพ์ใต้ลายมือชื่อ')),
                ('position', models.CharField(blank=True, max_length=200, verbose_name='ตำแหน่งที่พิมพ์ใต้ชื่อ')),
                ('uploaded_at', models.DateTimeField(auto_now=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='signature',
                                              to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'ลายมือชื่อ',
                'verbose_name_plural': 'ลายมือชื่อ',
                'constraints': [
                    models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(
                        django.db.models.functions.text.Length('name'), 200), name='signature_name_length'),
                    models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(
                        django.db.models.functions.text.Length('position'), 200), name='signature_position_length'),
                ],
            },
        ),
    ]
