"""The change history page of a measure: every field of a measure and of its progress
entries, shown as people read them (labels, names, lists), never a 500."""

import datetime
from decimal import Decimal

from assessments.models import Organization
from measures import services
from measures.models import MeasurePlan
from tests.factories import EDITOR, login, user

SLUG = "thesaban-mueang-ang-thong"


def history_of(client, measure):
    response = client.get(f"/app/orgs/{SLUG}/2569/measures/{measure.pk}/history/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_a_change_to_every_field_of_a_measure(client, db):
    login(client, EDITOR)
    plan = MeasurePlan.objects.get(org__slug=SLUG, fiscal_year=2569)
    measure = plan.measures.order_by("order").first()
    unit = Organization.objects.get(slug=SLUG).units.create(name="กองสวัสดิการสังคม", order=99)
    indicator = plan.based_on.framework.indicators.get(number=3)
    services.measure_save(plan=plan, actor=user(EDITOR), measure=measure, expected_version=measure.version,
                          data={"title": "ชื่อใหม่ของมาตรการ", "guideline": "แนวทางใหม่", "analysis": "วิเคราะห์ใหม่",
                                "steps": "ขั้นใหม่ที่หนึ่ง\nขั้นใหม่ที่สอง", "period_start": datetime.date(2025, 11, 1),
                                "period_end": datetime.date(2026, 3, 31), "period_text": "ตลอดปีงบประมาณ",
                                "monitoring_rounds": [3, 9], "target": "เป้าหมายใหม่", "budget": Decimal("12500"),
                                "responsible_units": [unit], "indicators": [indicator]})
    html = history_of(client, measure)
    for shown in ("ชื่อใหม่ของมาตรการ", "แนวทางใหม่", "วิเคราะห์ใหม่", "ขั้นใหม่ที่สอง", "ตลอดปีงบประมาณ",
                  "3, 9", "เป้าหมายใหม่", "12500", "กองสวัสดิการสังคม", indicator.name):
        assert shown in html, shown
    for label in ("แนวทางปฏิบัติ", "การกำกับติดตาม (รอบ)", "งบประมาณ (บาท)", "ผู้รับผิดชอบ", "ตัวชี้วัดที่เกี่ยวข้อง",
                  "วันเริ่ม", "วันสิ้นสุด"):
        assert label in html, label


def test_it_shows_a_change_to_every_field_of_a_progress_entry(client, editor):
    login(client, EDITOR)
    plan = MeasurePlan.objects.get(org__slug=SLUG, fiscal_year=2569)
    measure = plan.measures.order_by("order").first()
    progress_round = plan.rounds.get(months=6)
    progress_round.status = "draft"
    progress_round.save(update_fields=["status"])
    entry = services.entry_save(progress_round=progress_round, measure=measure, actor=editor,
                                data={"state": "not_started", "percent": 0})
    services.entry_save(progress_round=progress_round, measure=measure, actor=editor, expected_version=entry.version,
                        data={"state": "in_progress", "percent": 45, "done_text": "ผลงานใหม่", "output": "ผลผลิตใหม่",
                              "outcome": "ผลลัพธ์ใหม่", "problems": "ปัญหาใหม่", "remarks": "หมายเหตุใหม่"})
    html = history_of(client, measure)
    for shown in ("กำลังดำเนินการ", "45", "ผลงานใหม่", "ผลผลิตใหม่", "ผลลัพธ์ใหม่", "ปัญหาใหม่", "หมายเหตุใหม่"):
        assert shown in html, shown
    assert "in_progress" not in html
