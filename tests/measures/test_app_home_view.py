"""The editor's home: what is due next, and what was returned and why."""

from assessments.models import Organization
from measures import services
from tests.factories import APPROVER, EDITOR, build_plan, login, user


def test_an_editor_sees_what_is_due_and_what_was_returned_with_the_reason(client, db):
    org = Organization.objects.get(slug="thesaban-mueang-ang-thong")
    plan = build_plan(org, 2570, measures=1)
    services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    services.document_transition(plan=plan, actor=user(APPROVER), action="return",
                                 comment="ขาดงบประมาณของมาตรการที่ 1")
    login(client, EDITOR)
    html = client.get("/app/").content.decode()
    assert "เอกสารที่ถูกส่งกลับให้แก้ไข" in html
    assert "ขาดงบประมาณของมาตรการที่ 1" in html
    assert "รายงานผลปี 2570 รอบ 6 เดือน" in html and "30 เมษายน 2570" in html


def test_a_resubmitted_document_is_no_longer_listed_as_returned(client, db):
    org = Organization.objects.get(slug="thesaban-mueang-ang-thong")
    plan = build_plan(org, 2570, measures=1)
    services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    services.document_transition(plan=plan, actor=user(APPROVER), action="return", comment="แก้ด่วน")
    services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    login(client, EDITOR)
    assert "แก้ด่วน" not in client.get("/app/").content.decode()


def test_an_approver_sees_the_review_queue_at_home(client, db):
    org = Organization.objects.get(slug="thesaban-mueang-ang-thong")
    plan = build_plan(org, 2570, measures=1)
    services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    login(client, APPROVER)
    assert "รอการพิจารณาของท่าน" in client.get("/app/").content.decode()
