# Layout options of a body's documents; the defaults keep the original look.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0005_signatures'),
    ]

    operations = [
        migrations.AddField(
            model_name='reportsettings',
            name='margins',
            field=models.CharField(choices=[('current', 'แบบเดิมของระบบ (บน 1.4 ขวา 1.2 ล่าง 1.6 ซ้าย 1.2 ซม.)'),
                                            ('official', 'แบบหนังสือราชการ (บน 2.5 ขวา 2 ล่าง 2 ซ้าย 3 ซม.)')],
                                   default='current', max_length=16, verbose_name='ระยะขอบกระดาษ'),
        ),
        migrations.AddField(
            model_name='reportsettings',
            name='header',
            field=models.CharField(choices=[('logo', 'ตราหน่วยงาน (ถ้าอัปโหลดไว้) และชื่อเอกสาร'),
                                            ('plain', 'ข้อความอย่างเดียว ไม่มีภาพ')],
                                   default='logo', max_length=16, verbose_name='หัวเอกสาร'),
        ),
        migrations.AddField(
            model_name='reportsettings',
            name='body_font_pt',
            field=models.PositiveSmallIntegerField(choices=[(16, '16 พอยต์ (ตาราง 14 พอยต์)'),
                                                            (14, '14 พอยต์ (ตาราง 12 พอยต์)')],
                                                   default=16, verbose_name='ขนาดตัวอักษรเนื้อความ'),
        ),
    ]
