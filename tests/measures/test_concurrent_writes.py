"""Two people saving at once, with real threads on the real database (a file on SQLite, as
`make run` uses; PostgreSQL in CI's second run): the second writer gets the Thai conflict
message and keeps what they typed, never a 500 "database is locked"; a double click of a
create form makes one thing."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from assessments import services as assessment_services
from assessments.models import Membership, Province
from measures import services
from measures.models import Evidence, Measure, ProgressEntry, Transition
from tests.factories import build_plan

SLUG = "abt-concurrent"
PLAN = f"/app/orgs/{SLUG}/2570"
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def body(transactional_db, monkeypatch):
    """A body with two editors and two approver sessions, and a plan; every audited write
    holds its transaction a little longer, so two requests really overlap."""
    province, _created = Province.objects.get_or_create(code="TCW", defaults={"name": "จังหวัดทดสอบ",
                                                                              "name_en": "Test"})
    org = assessment_services.organization_upsert(slug=SLUG, name="องค์การบริหารส่วนตำบลทดสอบพร้อมกัน", kind="sao",
                                                  province=province)
    people = {}
    for name, role in (("ed1", "editor"), ("ed2", "editor"), ("ap1", "approver"), ("ap2", "approver")):
        people[name] = get_user_model().objects.create_user(f"cw_{name}", first_name=name)
        Membership.objects.create(user=people[name], org=org, role=role)
    plan = build_plan(org, 2570, measures=2, editor="cw_ed1")
    real_audit = services.audit

    def slow_audit(**kwargs):
        time.sleep(0.3)
        return real_audit(**kwargs)

    monkeypatch.setattr(services, "audit", slow_audit)
    return {"org": org, "plan": plan, "people": people}


def client_for(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def at_once(*calls):
    """Run the calls in threads released together; their responses, in call order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


CONFLICT = "มีผู้อื่นแก้ไขรายการนี้ไปแล้วระหว่างที่คุณกำลังแก้ไข"


def test_it_keeps_one_save_and_tells_the_other_editor_when_two_save_a_measure_at_once(body):
    measure = body["plan"].measures.order_by("order").first()
    one, two = client_for(body["people"]["ed1"]), client_for(body["people"]["ed2"])

    def save(client, title):
        return lambda: client.post(f"{PLAN}/measures/{measure.pk}/", {
            "title": title, "steps": "ขั้นที่หนึ่ง", "new_units": "กองคลัง", "monitoring_rounds": [6, 12],
            "version": measure.version})

    responses = at_once(save(one, "ชื่อของคนที่หนึ่ง"), save(two, "ชื่อของคนที่สอง"))
    codes = sorted(r.status_code for r in responses)
    assert codes == [302, 409], codes
    loser = next(r for r in responses if r.status_code == 409).content.decode()
    assert CONFLICT in loser
    saved = Measure.objects.get(pk=measure.pk).title
    other = "ชื่อของคนที่สอง" if saved == "ชื่อของคนที่หนึ่ง" else "ชื่อของคนที่หนึ่ง"
    assert other in loser  # the loser's text is still in their form


def test_it_keeps_one_save_when_two_save_a_progress_entry_at_once(body):
    measure = body["plan"].measures.order_by("order").first()
    one, two = client_for(body["people"]["ed1"]), client_for(body["people"]["ed2"])

    def save(client, text):
        return lambda: client.post(f"{PLAN}/rounds/6/measures/{measure.pk}/", {
            "state": "in_progress", "percent": "30", "done_text": text, "version": "0"})

    responses = at_once(save(one, "ผลของคนที่หนึ่ง"), save(two, "ผลของคนที่สอง"))
    assert sorted(r.status_code for r in responses) == [302, 409]
    assert "ผลของคนที่" in next(r for r in responses if r.status_code == 409).content.decode()
    assert ProgressEntry.objects.filter(round__plan=body["plan"], measure=measure).count() == 1


def test_it_keeps_one_save_and_answers_409_when_two_save_the_analysis_at_once(body):
    plan = body["plan"]
    one, two = client_for(body["people"]["ed1"]), client_for(body["people"]["ed2"])

    def save(client, text):
        return lambda: client.post(f"{PLAN}/plan/analysis/", {"analysis_summary": text, "recommendations": "",
                                                             "version": plan.version})

    responses = at_once(save(one, "สรุปของคนที่หนึ่ง"), save(two, "สรุปของคนที่สอง"))
    assert sorted(r.status_code for r in responses) == [302, 409]  # as measures do
    kept = next(r for r in responses if r.status_code == 409).content.decode()
    assert CONFLICT in kept and "สรุปของคนที่" in kept


def test_an_approval_racing_a_return_does_one_of_them(body):
    plan = body["plan"]
    services.document_transition(plan=plan, actor=body["people"]["ed1"], action="submit")
    one, two = client_for(body["people"]["ap1"]), client_for(body["people"]["ap2"])
    responses = at_once(lambda: one.post(f"{PLAN}/plan/transition/", {"action": "approve"}),
                        lambda: two.post(f"{PLAN}/plan/transition/", {"action": "return", "comment": "แก้ขั้นตอน"}))
    assert [r.status_code for r in responses] == [302, 302]
    plan.refresh_from_db()
    assert plan.status in ("approved", "returned")
    assert Transition.objects.filter(plan=plan, action__in=["approve", "return"]).count() == 1


def test_a_double_click_on_the_new_measure_form_creates_one_measure(body):
    editor = client_for(body["people"]["ed1"])
    form = editor.get(f"{PLAN}/measures/new/").context["form"]
    token = form["create_token"].value()
    before = Measure.objects.filter(plan=body["plan"]).count()

    def post():
        return editor.post(f"{PLAN}/measures/new/", {
            "title": "มาตรการใหม่", "steps": "ขั้นที่หนึ่ง", "new_units": "กองคลัง", "monitoring_rounds": [6, 12],
            "version": "", "create_token": token})

    responses = at_once(post, post)
    assert [r.status_code for r in responses] == [302, 302]
    assert Measure.objects.filter(plan=body["plan"]).count() == before + 1
    assert editor.post(f"{PLAN}/measures/new/", {"title": "มาตรการใหม่", "steps": "ขั้น", "new_units": "กองคลัง",
                                                 "version": "", "create_token": token}).status_code == 302
    assert Measure.objects.filter(plan=body["plan"]).count() == before + 1  # a resent form too


def test_a_double_tap_on_save_saves_the_results_and_evidence_once_with_no_conflict_message(body):
    """The same form sent twice at once (a double tap over a slow connection) is one save, and the
    second answer is the same success, never "someone else edited this"."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    editor = client_for(body["people"]["ed1"])
    measure = body["plan"].measures.order_by("order").first()
    page = editor.get(f"{PLAN}/rounds/6/measures/{measure.pk}/")
    token = page.context["form"]["save_token"].value()

    def post():
        return editor.post(f"{PLAN}/rounds/6/measures/{measure.pk}/", {
            "state": "in_progress", "percent": "50", "output": "ประชุม 2 ครั้ง", "version": "0", "save_token": token,
            "links": "https://example.go.th/ita/report",
            "files": SimpleUploadedFile("หลักฐาน.pdf", PDF, content_type="application/pdf")})

    responses = at_once(post, post)
    assert [r.status_code for r in responses] == [302, 302]
    assert Evidence.objects.filter(entry__measure=measure).count() == 2  # one link, one file
    entry = ProgressEntry.objects.get(measure=measure, round__months=6)
    assert entry.version == 1 and entry.output == "ประชุม 2 ครั้ง"


# ---------------------------------------------------------------- issue 21: one thing per form, no 500


def test_it_lands_two_simultaneous_plan_creates_on_the_one_plan_the_first_made(body):
    """On PostgreSQL both requests passed the "no plan yet" check and the second met the unique
    constraint: a 500. Now the second lands on the plan the first made (both databases)."""
    from assessments.models import AuditEvent
    from measures.models import MeasurePlan

    other = assessment_services.organization_upsert(slug="abt-concurrent-two", name="องค์การบริหารส่วนตำบลทดสอบสอง",
                                                    kind="sao", province=body["org"].province)
    for name in ("ed1", "ed2"):
        Membership.objects.create(user=body["people"][name], org=other, role="editor")
    one, two = client_for(body["people"]["ed1"]), client_for(body["people"]["ed2"])
    url = "/app/orgs/abt-concurrent-two/2570/plan/create/"
    responses = at_once(lambda: one.post(url), lambda: two.post(url))
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {"/app/orgs/abt-concurrent-two/2570/plan/"}
    plan = MeasurePlan.objects.get(org=other, fiscal_year=2570)
    assert plan.rounds.count() == 2
    assert AuditEvent.objects.filter(action="plan.create", detail__plan=plan.pk).count() == 1


def test_it_adds_one_comment_and_tells_people_once_when_a_comment_is_sent_twice_at_once(body):
    from measures.models import Comment
    from notifications.models import Kind, Notification

    approver = client_for(body["people"]["ap1"])
    token = approver.get(f"{PLAN}/plan/").context["comment_form"]["create_token"].value()

    def post():
        return approver.post(f"{PLAN}/comments/", {"text": "กรุณาเพิ่มตัวชี้วัดที่ 9", "create_token": token})

    responses = at_once(post, post)
    assert [r.status_code for r in responses] == [302, 302]
    [comment] = Comment.objects.filter(plan=body["plan"])
    told = Notification.objects.filter(kind=Kind.COMMENT, plan=body["plan"])
    assert sorted(told.values_list("recipient__username", flat=True)) == ["cw_ap2", "cw_ed1", "cw_ed2"]
    assert set(told.values_list("key", flat=True)) == {f"comment:{comment.pk}"}
    approver.post(f"{PLAN}/comments/", {"text": "กรุณาเพิ่มตัวชี้วัดที่ 9", "create_token": token})
    assert Comment.objects.filter(plan=body["plan"]).count() == 1  # a resent form too


def test_it_makes_one_copy_when_copy_into_my_plan_is_sent_twice_at_once(body):
    """measure_copy_from_library with the form's one-time token, twice at once (the page itself:
    tests/measures/test_copy_measure.py)."""
    from measures.models import new_token

    source = {"title": "มาตรการต้นแบบ", "steps": ["ขั้นที่หนึ่ง"], "fiscal_year": 2569, "org_name": "อบต.ต้นแบบ",
              "version": 1, "url": "/orgs/x/2569/measures/v1.pdf", "period_end": "2569-09-30"}
    token = new_token()
    before = body["plan"].measures.count()

    def copy():
        return services.measure_copy_from_library(plan=body["plan"], indicator=None, source=source,
                                                  actor=body["people"]["ed1"], create_token=token).pk

    first, second = at_once(copy, copy)
    assert first == second
    assert body["plan"].measures.count() == before + 1


def test_it_copies_last_years_measures_once_when_the_button_is_clicked_twice_at_once(body):
    from measures.models import MeasurePlan

    previous = MeasurePlan.objects.create(org=body["org"], fiscal_year=2569)
    for order in (1, 2):
        Measure.objects.create(plan=previous, order=order, title=f"มาตรการปีที่แล้วที่ {order}")
    editor = client_for(body["people"]["ed1"])
    body["plan"].refresh_from_db()
    before = body["plan"].measures.count()

    def post():
        return editor.post(f"{PLAN}/plan/duplicate/", {"version": body["plan"].version})

    responses = at_once(post, post)
    assert [r.status_code for r in responses] == [302, 302]
    assert body["plan"].measures.count() == before + 2
