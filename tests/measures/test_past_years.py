"""Documents recorded after the fact (issue 11 point 4): a body opens any year on record from
its pages, marks a past year's plan "บันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว" (never counted
late), and submits measures whose source leaves cells empty once the editor confirms each
one; the approver sees what was confirmed and the PDF prints "–" in every empty cell."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import fiscal_years
from assessments.models import AuditEvent, Organization
from common.errors import Refusal
from common.thai import fiscal_year_of
from measures import checks, services
from measures.models import MeasurePlan, Status, Transition
from reports import builders, render
from reports.templatetags.report_text import cell
from tests.factories import (
    ANGTHONG,
    APPROVER,
    CHOHO_EDITOR,
    EDITOR,
    OTHER_EDITOR,
    OUTSIDE_SUPERVISOR,
    SUPERVISOR,
    build_plan,
    login,
    make_body,
    user,
)
from tests.pdfs import pdf_text

CHOHO = "abt-cho-ho"  # its 2566 plan is a seed draft whose measures name no responsible unit


@pytest.fixture
def org(db):
    return Organization.objects.get(slug=ANGTHONG)


def plan_url(slug, fy, rest=""):
    return f"/app/orgs/{slug}/{fy}/plan/{rest}"


def dashboard_row(html, slug):
    return html.split(f'data-org="{slug}"')[1].split("</tr>")[0]


def days_late(row):
    """The text of the row's days-late cell ("–" for none)."""
    return row.split('data-col="late">', 1)[1].split("</td>")[0].strip()


# ---------------------------------------------------------------- the year picker


def test_it_lists_every_year_on_record_in_a_year_picker_on_the_staff_home(client, db):
    login(client, EDITOR)
    html = client.get("/app/").content.decode()
    years = sorted(fiscal_years.plan_years(), reverse=True)
    assert len(years) > 2
    picker = html.split('class="year-picker"')[1].split("</nav>")[0]
    assert [int(part.split("/", 1)[0]) for part in picker.split(f'href="/app/orgs/{ANGTHONG}/')[1:]] == years


def test_it_offers_the_year_picker_on_the_plan_page_and_create_on_a_year_without_a_plan(client, org):
    login(client, EDITOR)
    html = client.get(plan_url(ANGTHONG, 2569)).content.decode()
    picker = html.split('class="year-picker"')[1].split("</nav>")[0]
    for year in fiscal_years.plan_years():
        assert f'href="{plan_url(ANGTHONG, year)}"' in picker
    assert f'<a class="page-link" href="{plan_url(ANGTHONG, 2569)}" aria-current="page">2569</a>' in picker
    assert not MeasurePlan.objects.filter(org=org, fiscal_year=2567).exists()
    html = client.get(plan_url(ANGTHONG, 2567)).content.decode()
    assert 'class="year-picker"' in html
    assert f'action="{plan_url(ANGTHONG, 2567, "create/")}"' in html
    assert 'name="recorded_after" id="recorded_after">' in html  # offered for a past year, nothing ticked
    assert 'name="reason"' in html


def test_it_creates_a_past_year_plan_marked_recorded_after_and_audits_it(client, org):
    login(client, EDITOR)
    client.post(plan_url(ANGTHONG, 2567, "create/"), {"recorded_after": "on"})
    assert not MeasurePlan.objects.filter(org=org, fiscal_year=2567).exists()  # no reason: not created
    response = client.post(plan_url(ANGTHONG, 2567, "create/"), {"recorded_after": "on",
                                                                  "reason": "บันทึกจากเอกสารปี 2567 บนเว็บไซต์"})
    assert response.status_code == 302
    plan = MeasurePlan.objects.get(org=org, fiscal_year=2567)
    assert "บันทึกจากเอกสารปี 2567 บนเว็บไซต์" in plan.comments.get().text
    from notifications.models import Notification
    assert Notification.objects.filter(recipient=user(SUPERVISOR), reason__contains="บันทึกจากเอกสารปี 2567").exists()
    assert plan.recorded_after
    event = AuditEvent.objects.get(action="plan.create", detail__plan=plan.pk)
    assert event.detail["recorded_after"] is True and "บันทึกย้อนหลัง" in event.summary
    html = client.get(plan_url(ANGTHONG, 2567)).content.decode()
    assert "บันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว" in html.split('class="recorded-after"')[1]
    html = client.get(plan_url(ANGTHONG, 2567).replace("plan/", "rounds/12/")).content.decode()
    assert 'class="recorded-after"' in html


# ---------------------------------------------------------------- the flag and lateness


def test_it_does_not_count_a_past_year_plan_recorded_after_as_late_on_the_dashboard(client, db):
    login(client, OUTSIDE_SUPERVISOR)
    row = dashboard_row(client.get("/app/dashboard/", {"fy": 2566}).content.decode(), CHOHO)
    assert int(days_late(row)) > 365  # the seed draft of 2566: years late today
    plan = MeasurePlan.objects.get(org__slug=CHOHO, fiscal_year=2566)
    login(client, OUTSIDE_SUPERVISOR)  # the area's supervisor decides, with a reason
    response = client.post(plan_url(CHOHO, 2566, "recorded-after/"), {"recorded_after": "on", "version": plan.version,
                                                                      "reason": "บันทึกจากเอกสารปี 2566"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.recorded_after and plan.status == Status.DRAFT
    assert AuditEvent.objects.filter(action="plan.recorded_after", detail__plan=plan.pk,
                                     detail__recorded_after=True).exists()
    login(client, OUTSIDE_SUPERVISOR)
    html = client.get("/app/dashboard/", {"fy": 2566}).content.decode()
    row = dashboard_row(html, CHOHO)
    assert days_late(row) == "–"
    assert "บันทึกย้อนหลัง" in row and "ฉบับร่าง" in row
    late = client.get("/app/dashboard/", {"fy": 2566, "status": "late"}).content.decode()
    assert f'data-org="{CHOHO}"' not in late


def test_it_leaves_a_recorded_after_plan_out_of_the_editors_tasks_and_its_rounds_are_never_overdue(client, org):
    old = services.plan_create(org=org, fiscal_year=2566, actor=user(EDITOR), recorded_after=True, reason="ก")
    current = build_plan(org, 2570, measures=1)
    login(client, EDITOR)
    html = client.get("/app/").content.decode()
    tasks = html.split("งานที่ต้องส่ง")[1].split("หน่วยงานของฉัน")[0]
    assert "รายงานผลปี 2570 รอบ 6 เดือน" in tasks and "มาตรการปี 2570" in tasks
    assert "2566" not in tasks  # neither its plan nor its rounds, due years ago
    round6, current6 = old.rounds.get(months=6), current.rounds.get(months=6)
    years_later = current6.due_date + datetime.timedelta(days=1)
    assert not any("เลยกำหนดส่ง" in f.message for f in services.findings_for(old, round6, today=years_later))
    late = services.findings_for(current, current6, today=years_later)
    assert any("เลยกำหนดส่ง" in f.message for f in late)  # an ordinary plan still is


def test_only_the_approver_or_supervisor_marks_a_plan_with_a_reason_while_editable_and_for_a_past_year(client, org):
    plan = build_plan(org, 2567, measures=1)
    for username, status in ((EDITOR, 403), (OTHER_EDITOR, 404)):
        login(client, username)
        response = client.post(plan_url(ANGTHONG, plan.fiscal_year, "recorded-after/"),
                               {"recorded_after": "on", "reason": "ทดสอบ"})
        assert response.status_code == status
    login(client, EDITOR)
    assert "recorded-after-form" not in client.get(plan_url(ANGTHONG, plan.fiscal_year)).content.decode()
    login(client, APPROVER)
    page = client.get(plan_url(ANGTHONG, plan.fiscal_year)).content.decode()
    assert "recorded-after-form" in page and 'name="reason"' in page and "data-confirm" in page
    client.post(plan_url(ANGTHONG, plan.fiscal_year, "recorded-after/"),
                {"recorded_after": "on", "version": plan.version})
    assert not MeasurePlan.objects.get(pk=plan.pk).recorded_after  # no reason: nothing changed
    response = client.post(plan_url(ANGTHONG, plan.fiscal_year, "recorded-after/"), {
        "recorded_after": "on", "version": plan.version, "reason": "บันทึกจากเอกสารที่เผยแพร่ปี 2567"})
    assert response.status_code == 302 and MeasurePlan.objects.get(pk=plan.pk).recorded_after
    comment = plan.comments.get()
    assert "บันทึกจากเอกสารที่เผยแพร่ปี 2567" in comment.text and comment.author == user(APPROVER)
    from notifications.models import Notification
    assert Notification.objects.filter(recipient=user(SUPERVISOR), org=org, reason__contains="เหตุผล").exists()
    services.plan_set_recorded_after(plan=plan, actor=user(APPROVER), recorded_after=False, reason="แก้กลับ")
    services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    with pytest.raises(Refusal, match="แก้ไขไม่ได้"):
        services.plan_set_recorded_after(plan=plan, actor=user(APPROVER), recorded_after=True, reason="ก")
    html = client.get(plan_url(ANGTHONG, plan.fiscal_year)).content.decode()
    assert "recorded-after-form" not in html  # no longer offered once submitted
    current = fiscal_year_of(timezone.localdate())
    this_year = MeasurePlan.objects.filter(org=org, fiscal_year=current).first() or build_plan(org, current)
    with pytest.raises(Refusal, match="เฉพาะปีงบประมาณที่ผ่านมาแล้ว"):
        services.plan_set_recorded_after(plan=this_year, actor=user(APPROVER), recorded_after=True, reason="ก")
    with pytest.raises(Refusal, match="เฉพาะปีงบประมาณที่ผ่านมาแล้ว"):
        services.plan_create(org=make_body("test-this-year"), fiscal_year=current, actor=user(EDITOR),
                             recorded_after=True, reason="ก")
    assert not MeasurePlan.objects.filter(pk=plan.pk, recorded_after=True).exists()


# ---------------------------------------------------------------- empty cells: confirmed warnings


def test_it_submits_a_measure_without_a_responsible_unit_once_the_editor_confirms_and_the_approver_sees_it(
        client, org):
    plan = build_plan(org, 2570, measures=2, units=())
    measure = plan.measures.order_by("order").first()
    services.measure_save(plan=plan, actor=user(EDITOR), measure=measure, expected_version=measure.version,
                          data={"steps": ""})
    findings = services.findings_for(plan)
    gaps = [f for f in findings if f.needs_confirmation]
    assert gaps and not any(f.blocks for f in findings)  # warnings now, for a new plan too
    assert {f.level for f in gaps} == {checks.WARN}
    assert len(gaps) == 3  # two measures without a unit, one of them without steps
    login(client, EDITOR)
    html = client.get(plan_url(ANGTHONG, 2570)).content.decode()
    for finding in gaps:
        assert f'name="confirm" value="{finding.key}"' in html
    assert "ยืนยันว่าเอกสารต้นฉบับไม่มีข้อมูลในช่องนี้" in html
    # Not confirmed (or only some): refused with a Thai message naming what is left.
    with pytest.raises(Refusal) as refused:
        services.document_transition(plan=plan, actor=user(EDITOR), action="submit", confirmed=[gaps[0].key])
    assert "ยืนยันว่าเอกสารต้นฉบับไม่มีข้อมูล" in refused.value.messages[0]
    assert refused.value.messages[1:] == [f.message for f in gaps[1:]]
    response = client.post(plan_url(ANGTHONG, 2570, "transition/"), {"action": "submit"}, follow=True)
    assert "ยังส่งไม่ได้" in response.content.decode()
    assert MeasurePlan.objects.get(pk=plan.pk).status == Status.DRAFT
    # Every one confirmed: submitted, and the confirmation is kept with the submission.
    response = client.post(plan_url(ANGTHONG, 2570, "transition/"),
                           {"action": "submit", "confirm": [f.key for f in gaps]})
    assert response.status_code == 302
    assert MeasurePlan.objects.get(pk=plan.pk).status == Status.SUBMITTED
    submit = Transition.objects.get(plan=plan, round=None, action="submit")
    assert submit.snapshot == {"confirmed_gaps": [{"key": f.key, "message": f.message} for f in gaps]}
    assert AuditEvent.objects.get(action="document.submit", detail__plan=plan.pk).detail["confirmed_gaps"] == [
        f.key for f in gaps]
    login(client, APPROVER)
    html = client.get(plan_url(ANGTHONG, 2570)).content.decode()
    shown = html.split('class="alert alert-warning mb-2 confirmed-gaps"')[1].split("</div>")[0]
    assert "ผู้จัดทำยืนยันว่าเอกสารต้นฉบับไม่มีข้อมูลในช่องต่อไปนี้" in shown
    for finding in gaps:
        assert finding.message in shown
    services.document_transition(plan=plan, actor=user(APPROVER), action="approve")


def test_a_cell_left_empty_after_the_confirmation_was_shown_is_refused_until_confirmed_too(org):
    plan = build_plan(org, 2570, measures=1)
    services.document_transition(plan=plan, actor=user(EDITOR), action="submit")  # nothing to confirm
    assert Transition.objects.get(plan=plan, action="submit").snapshot is None
    plan = build_plan(org, 2567, measures=1, units=())
    shown = [f.key for f in services.findings_for(plan) if f.needs_confirmation]
    services.measure_save(plan=plan, actor=user(EDITOR), data={"title": "มาตรการที่เพิ่มภายหลัง", "steps": "ก"})
    with pytest.raises(Refusal, match="มาตรการที่เพิ่มภายหลัง"):
        services.document_transition(plan=plan, actor=user(EDITOR), action="submit", confirmed=shown)


def test_a_plan_without_any_measure_still_blocks_whatever_is_confirmed(org):
    plan = build_plan(org, 2570, measures=0)
    with pytest.raises(Refusal, match="ยังไม่มีมาตรการในแผน"):
        services.document_transition(plan=plan, actor=user(EDITOR), action="submit", confirmed=["anything"])


def test_a_finished_12_month_measure_without_output_is_confirmed_like_any_empty_cell(org):
    plan = build_plan(org, 2570, measures=1)
    round12 = plan.rounds.get(months=12)
    measure = plan.measures.get()
    services.entry_save(progress_round=round12, measure=measure, actor=user(EDITOR), data={"state": "done"})
    with pytest.raises(Refusal, match="ยังไม่ได้ระบุผลผลิตและผลลัพธ์"):
        services.document_transition(plan=plan, progress_round=round12, actor=user(EDITOR), action="submit")
    key = f"round-12-measure-{measure.pk}-results"
    services.document_transition(plan=plan, progress_round=round12, actor=user(EDITOR), action="submit",
                                 confirmed=[key])
    assert Transition.objects.get(round=round12, action="submit").snapshot["confirmed_gaps"][0]["key"] == key


def test_the_seed_draft_of_a_past_year_is_recorded_after_and_submitted_with_its_empty_units_confirmed(client, db):
    plan = MeasurePlan.objects.get(org__slug=CHOHO, fiscal_year=2566)
    services.plan_set_recorded_after(plan=plan, actor=user(OUTSIDE_SUPERVISOR), recorded_after=True,
                                     reason="บันทึกจากเอกสารปี 2566")
    login(client, CHOHO_EDITOR)
    gaps = [f.key for f in services.findings_for(plan) if f.needs_confirmation]
    assert gaps
    response = client.post(plan_url(CHOHO, 2566, "transition/"), {"action": "submit", "confirm": gaps})
    assert response.status_code == 302
    assert MeasurePlan.objects.get(pk=plan.pk).status == Status.SUBMITTED


def test_the_confirmation_form_field_refuses_odd_keys(client, org):
    build_plan(org, 2570, measures=1, units=())
    login(client, EDITOR)
    response = client.post(plan_url(ANGTHONG, 2570, "transition/"), {"action": "submit", "confirm": ["<x>"]},
                           follow=True)
    assert "คำขอไม่ถูกต้อง" in response.content.decode()
    assert MeasurePlan.objects.get(org=org, fiscal_year=2570).status == Status.DRAFT


# ---------------------------------------------------------------- the PDF prints "–"

COLUMNS = {kind: {"field": "x", "cell": kind} for kind in ("num", "plain", "title", "text", "lines", "steps")}


@pytest.mark.parametrize("kind", sorted(COLUMNS))
@pytest.mark.parametrize("empty", ["", "  \n ", None, [], [""]])
def test_it_prints_a_dash_in_an_empty_cell_of_every_kind(kind, empty):
    expected = '<td class="num">–</td>' if kind == "num" else "<td>–</td>"
    assert cell({"x": empty}, COLUMNS[kind]) == expected
    assert cell({}, COLUMNS[kind]) == expected


def test_it_prints_a_cell_with_text_exactly_as_before():
    assert cell({"x": "๑"}, COLUMNS["num"]) == '<td class="num">๑</td>'
    assert cell({"x": "ตลอดปี"}, COLUMNS["plain"]) == "<td>ตลอดปี</td>"
    assert cell({"x": "มาตรการ <ก>"}, COLUMNS["title"]) == "<td>มาตรการ &lt;ก&gt;</td>"
    assert cell({"x": "ข้อความ"}, COLUMNS["text"]) == '<td class="pre">ข้อความ</td>'
    assert cell({"x": ["กองคลัง", "กองช่าง"]}, COLUMNS["lines"]) == "<td><div>กองคลัง</div><div>กองช่าง</div></td>"
    assert cell({"x": ["ขั้นหนึ่ง", "ขั้นสอง"]}, COLUMNS["steps"]) == "<td><ol><li>ขั้นหนึ่ง</li><li>ขั้นสอง</li></ol></td>"
    assert cell({"x": 0}, COLUMNS["num"]) == '<td class="num">0</td>'


def test_the_pdf_prints_a_dash_for_every_empty_cell_of_a_measure_and_an_entry(org):
    from reports.models import ReportSettings

    ReportSettings.objects.update_or_create(org=org, defaults={
        "measure_columns": ["indicator", "guideline", "analysis", "period", "monitoring", "target", "budget"],
        "result_columns": ["steps", "responsible", "period", "done", "problems", "remarks", "status", "percent"]})
    plan = build_plan(org, 2570, measures=1, units=())
    measure = plan.measures.get()
    services.measure_save(plan=plan, actor=user(EDITOR), measure=measure, expected_version=measure.version,
                          data={"steps": "", "monitoring_rounds": []})
    plan = MeasurePlan.objects.select_related("org", "org__province").get(pk=plan.pk)
    context = builders.build_measures(plan)
    html = render.render_html(context, draft=True, for_pdf=False)
    row = html.split("<tbody>")[1].split("</tr>")[0]
    cells = row.count("<td")
    assert cells == 11  # ที่, ตัวชี้วัด, มาตรการ, แนวทาง, วิเคราะห์, ขั้นตอน, ระยะเวลา, ผู้รับผิดชอบ, กำกับ, เป้าหมาย, งบ
    assert row.count(">–</td>") == cells - 2  # all but the number and the title
    assert "<td></td>" not in html and '<td class="pre"></td>' not in html and "<ol></ol>" not in html
    text = pdf_text(render.render_pdf(context, draft=True).data)
    assert text.count("–") >= cells - 2
    round6 = plan.rounds.get(months=6)
    round6.plan = plan
    results = render.render_html(builders.build_results(round6), draft=True, for_pdf=False)
    row = results.split("<tbody>")[1].split("</tr>")[0]
    assert row.count(">–</td>") == row.count("<td") - 3  # the number, the title and "ยังไม่ได้รายงาน"
    assert "ยังไม่ได้รายงาน" in row


# ---------------------------------------------------------------- the pages keep their query counts


def test_the_plan_and_round_pages_of_a_recorded_after_plan_run_as_many_queries_as_any_other(client, org):
    ordinary = build_plan(org, 2567, measures=3, units=())
    recorded = build_plan(org, 2566, measures=3, units=())
    services.plan_set_recorded_after(plan=recorded, actor=user(APPROVER), recorded_after=True, reason="ก")
    login(client, EDITOR)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert count(plan_url(ANGTHONG, 2566)) == count(plan_url(ANGTHONG, 2567))
    assert count(plan_url(ANGTHONG, 2566).replace("plan/", "rounds/6/")) == count(
        plan_url(ANGTHONG, 2567).replace("plan/", "rounds/6/"))
    assert ordinary.pk != recorded.pk
