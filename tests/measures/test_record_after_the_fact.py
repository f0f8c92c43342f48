"""A record after the fact prints only what was issued (issue 20 points 1, 2, 4 and 5): a body
enters a past year from its published source; the portal publishes only the documents the body
wrote, prints no date and no signer the source does not give, ticks nothing for the editor, and
marks empty cells "–" on the public page as the PDF does."""

import json
import re

import pytest
from django.utils import timezone

from assessments.models import Membership
from common.errors import Refusal
from common.thai import format_date
from measures import services
from measures.models import MeasurePlan, Status
from people.names import signing_name
from reports.models import PublishedDocument
from tests.factories import APPROVER, EDITOR, import_records, login, make_body, user
from tests.pdfs import pdf_text

SLUG = "abt-record-test"


@pytest.fixture
def body(db):
    org = make_body(SLUG)
    Membership.objects.create(user=user(EDITOR), org=org, role=Membership.Role.EDITOR)
    Membership.objects.create(user=user(APPROVER), org=org, role=Membership.Role.APPROVER)
    return org


def plan_url(fy, rest=""):
    return f"/app/orgs/{SLUG}/{fy}/plan/{rest}"


def _a_2564_record(client, body):
    """A score file with one indicator for FY 2563, then a plan for FY 2564 recorded after the fact."""
    import_records([{"org": SLUG, "fiscal_year": "2563", "scope": "indicator", "code": "8", "value": "85.15"}])
    login(client, EDITOR)
    assert client.post(plan_url(2564, "create/"), {"recorded_after": "on",
                                                    "reason": "บันทึกจากเอกสารที่เผยแพร่ปี 2564"}).status_code == 302
    plan = MeasurePlan.objects.get(org=body, fiscal_year=2564)
    assert plan.recorded_after and plan.based_on is not None  # based on the 2563 result: the scores alone
    return plan


def _submit_approve_publish(client, plan):
    gaps = [f.key for f in services.findings_for(plan) if f.needs_confirmation]
    assert gaps  # the empty responsible unit and period
    assert client.post(plan_url(plan.fiscal_year, "transition/"), {"action": "submit", "confirm": gaps}
                       ).status_code == 302
    login(client, APPROVER)
    assert client.post(plan_url(plan.fiscal_year, "transition/"), {"action": "approve"}).status_code == 302
    html = client.get(plan_url(plan.fiscal_year)).content.decode()
    shown = html.split('data-testid="workflow-documents"')[1].split("</div>")[0]
    assert "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน" in shown
    assert "รายงานการวิเคราะห์" not in shown.split("<ul")[1].split("</ul>")[0]  # not in the list of documents
    assert "ยังไม่ได้เขียนผลการวิเคราะห์" in shown
    assert client.post(plan_url(plan.fiscal_year, "transition/"), {"action": "publish"}).status_code == 302
    assert MeasurePlan.objects.get(pk=plan.pk).status == Status.PUBLISHED


def test_it_publishes_a_record_after_the_fact_with_only_what_its_source_gives(client, body):
    plan = _a_2564_record(client, body)
    form = client.get(f"/app/orgs/{SLUG}/2564/measures/new/").content.decode()
    boxes = re.findall(r'<input[^>]*name="monitoring_rounds"[^>]*>', form)
    assert len(boxes) == 5 and not any("checked" in box for box in boxes)
    response = client.post(f"/app/orgs/{SLUG}/2564/measures/new/", {"title": "เผยแพร่ข้อมูลการจัดซื้อจัดจ้าง",
                                                                     "steps": "จัดทำประกาศ\nเผยแพร่บนเว็บไซต์"})
    assert response.status_code == 302
    measure = plan.measures.get()
    assert measure.monitoring_rounds == []  # nothing ticked for the editor
    _submit_approve_publish(client, plan)

    published = PublishedDocument.objects.filter(org=body)
    assert [d.doc for d in published] == ["measures"]  # no analysis nobody wrote
    document = published.get()
    with document.file.open("rb") as handle:
        text = pdf_text(handle.read())
    today = timezone.localdate()
    assert format_date(today, True) not in text and format_date(today, False) not in text
    assert "วันที่ให้ความเห็นชอบ" not in text
    for username in (EDITOR, APPROVER):
        person = user(username)
        assert signing_name(person) and signing_name(person) not in text
        assert person.username not in text
    assert "ลงชื่อ" not in text  # no signature lines: the source names no signer
    assert "บันทึกย้อนหลังในระบบจากเอกสารที่หน่วยงานเผยแพร่แล้ว" in text
    assert "การกำกับติดตาม" not in text or "รอบ ๖ เดือน" not in text

    page = client.get(f"/orgs/{SLUG}/2564/").content.decode()
    card = page.split("เผยแพร่ข้อมูลการจัดซื้อจัดจ้าง")[1].split("</div></li>")[0]
    assert "ผู้รับผิดชอบ: –" in card and "ช่วงระยะเวลา: –" in card
    assert "บันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว" in page

    data = json.loads(client.get(f"/data/orgs/{SLUG}/2564.json").content)
    assert data["measures"][0]["no"] == 1
    assert data["documents"][0]["recorded_after"] is True
    assert data["documents"][0]["source_url"] is None
    digits = json.dumps(data, ensure_ascii=False)
    assert not any(ch in digits for ch in "๐๑๒๓๔๕๖๗๘๙")


def test_it_prints_the_source_date_signers_and_address_when_the_source_gives_them(client, body):
    plan = _a_2564_record(client, body)
    url = "https://www.example.go.th/ita/%E0%B8%A1%E0%B8%B2%E0%B8%95%E0%B8%A3%E0%B8%81%E0%B8%B2%E0%B8%A3.pdf"
    response = client.post(plan_url(2564, "source/"), {
        "version": plan.version, "source_url": url, "source_approved_on": "15/01/2564",
        "source_approver_name": "นายสมชาย ใจดี", "source_approver_position": "นายกองค์การบริหารส่วนตำบล"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.source_approved_on.isoformat() == "2021-01-15"
    client.post(f"/app/orgs/{SLUG}/2564/measures/new/", {"title": "มาตรการหนึ่ง", "steps": "ขั้นหนึ่ง",
                                                          "record_url": url})
    _submit_approve_publish(client, plan)
    document = PublishedDocument.objects.get(org=body)
    with document.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "วันที่ให้ความเห็นชอบ ๑๕ มกราคม ๒๕๖๔" in text
    assert "นายสมชาย ใจดี" in text and "นายกองค์การบริหารส่วนตำบล" in text
    assert "ผู้จัดทำ" not in text  # the source names no preparer: no line for one
    assert "มาตรการ.pdf" in text  # the address decoded for reading
    page = client.get(f"/orgs/{SLUG}/2564/").content.decode()
    assert f'href="{url}"' in page and "ita/มาตรการ.pdf" in page
    data = json.loads(client.get(f"/data/orgs/{SLUG}/2564.json").content)
    assert data["documents"][0]["source_url"] == url
    assert data["documents"][0]["source_approved_on"] == "2021-01-15"
    assert data["measures"][0]["source_url"] == url


@pytest.mark.parametrize("typed, message", [
    ("30/09/2021", "ไม่ใช่ปี พ.ศ."), ("31/02/2564", "ไม่มีวันที่"), ("เมื่อวาน", "อ่านวันที่"),
])
def test_it_refuses_a_source_date_it_cannot_read_in_thai_and_changes_nothing(client, body, typed, message):
    plan = _a_2564_record(client, body)
    response = client.post(plan_url(2564, "source/"), {"version": plan.version, "source_approved_on": typed,
                                                        "source_url": "https://example.go.th/a.pdf"})
    assert response.status_code == 400
    assert message in response.content.decode()
    plan.refresh_from_db()
    assert plan.source_approved_on is None and plan.source_url == ""


def test_it_refuses_a_source_address_that_is_not_a_web_address(client, body):
    plan = _a_2564_record(client, body)
    response = client.post(plan_url(2564, "source/"), {"version": plan.version, "source_url": "javascript:alert(1)"})
    assert response.status_code == 400
    assert "ไม่ใช่ที่อยู่เว็บ" in response.content.decode()


def test_only_a_plan_recorded_after_the_fact_has_source_facts(client, body):
    login(client, EDITOR)
    client.post(plan_url(2570, "create/"))
    assert client.get(plan_url(2570, "source/")).status_code == 404
    plan = MeasurePlan.objects.get(org=body, fiscal_year=2570)
    with pytest.raises(Refusal):
        services.record_source_save(plan=plan, actor=user(EDITOR), data={"source_url": "https://a.go.th/"})


def test_it_publishes_the_analysis_once_the_body_wrote_it(client, body):
    plan = _a_2564_record(client, body)
    services.measure_save(plan=plan, actor=user(EDITOR), data={"title": "มาตรการหนึ่ง", "steps": "ขั้นหนึ่ง",
                                                               "new_units": ["กองคลัง"], "period_text": "ตลอดปี"})
    services.plan_update_analysis(plan=plan, actor=user(EDITOR), summary="ตัวชี้วัดที่ ๘ ต่ำกว่าเกณฑ์",
                                  recommendations="", notes={})
    login(client, EDITOR)
    _submit_approve_publish_written(client, plan)
    assert sorted(PublishedDocument.objects.filter(org=body).values_list("doc", flat=True)) == [
        "analysis", "measures"]


def _submit_approve_publish_written(client, plan):
    client.post(plan_url(plan.fiscal_year, "transition/"), {"action": "submit"})
    login(client, APPROVER)
    client.post(plan_url(plan.fiscal_year, "transition/"), {"action": "approve"})
    shown = client.get(plan_url(plan.fiscal_year)).content.decode().split('data-testid="workflow-documents"')[1]
    assert "รายงานการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส" in shown.split("</ul>")[0]
    client.post(plan_url(plan.fiscal_year, "transition/"), {"action": "publish"})
    assert MeasurePlan.objects.get(pk=plan.pk).status == Status.PUBLISHED


def test_a_published_plan_no_longer_shows_what_to_check_before_sending(client, body):
    plan = _a_2564_record(client, body)
    client.post(f"/app/orgs/{SLUG}/2564/measures/new/", {"title": "มาตรการหนึ่ง", "steps": "ขั้นหนึ่ง"})
    assert "ตรวจก่อนส่ง" in client.get(plan_url(2564)).content.decode()
    _submit_approve_publish(client, plan)
    html = client.get(plan_url(2564)).content.decode()
    assert "ตรวจก่อนส่ง" not in html and "ยืนยันก่อนส่ง" not in html


def test_a_source_naming_only_its_preparer_still_prints_its_approval_date(client, body):
    plan = _a_2564_record(client, body)
    client.post(plan_url(2564, "source/"), {"version": plan.version, "source_approved_on": "15/01/2564",
                                            "source_preparer_name": "นางสาวสมใจ ทำงาน"})
    client.post(f"/app/orgs/{SLUG}/2564/measures/new/", {"title": "มาตรการหนึ่ง", "steps": "ขั้นหนึ่ง"})
    _submit_approve_publish(client, plan)
    with PublishedDocument.objects.get(org=body).file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "นางสาวสมใจ ทำงาน" in text and "วันที่ให้ความเห็นชอบ ๑๕ มกราคม ๒๕๖๔" in text and "ผู้รับรอง" not in text


def test_an_address_that_would_read_as_another_is_shown_as_stored():
    from common.text import readable_url

    assert readable_url("https://a.go.th/%E0%B8%A1.pdf") == "https://a.go.th/ม.pdf"
    spoof = "https://a.go.th/%E2%80%AEfdp.exe"  # a right-to-left override
    assert readable_url(spoof) == spoof
