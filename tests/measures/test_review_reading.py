"""The executive reads before deciding (issue 22, point 9): every measure's results and evidence on
the round page, one comment box after the content, and on a resubmission what changed since the return."""

import pytest

from assessments.models import Organization
from measures import services
from measures.models import Measure
from tests.factories import ANGTHONG, APPROVER, EDITOR, SUPERVISOR, build_plan, login, user
from tests.queries import cold_page_queries

ROUND = f"/app/orgs/{ANGTHONG}/2570/rounds/6/"
PLAN = f"/app/orgs/{ANGTHONG}/2570/plan/"


@pytest.fixture
def plan(db):
    return build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=3)


def report(plan, measure, **data):
    round6 = plan.rounds.get(months=6)
    entry = round6.entries.filter(measure=measure).first()
    return services.entry_save(progress_round=round6, measure=measure, actor=user(EDITOR),
                               data={"state": "in_progress", "percent": 50, **data},
                               expected_version=entry.version if entry else None)


def move(plan, action, progress_round=None, comment=""):
    who = EDITOR if action == "submit" else APPROVER
    confirmed = [f.key for f in services.findings_for(plan, progress_round) if f.needs_confirmation]
    plan.refresh_from_db()
    if progress_round is not None:
        progress_round.refresh_from_db()
    services.document_transition(plan=plan, actor=user(who), action=action, comment=comment,
                                 progress_round=progress_round, confirmed=confirmed)


def test_the_approver_reads_every_measures_results_and_evidence_on_the_round_page(client, plan):
    first, second, third = plan.measures.order_by("order", "pk")
    report(plan, first, output="อบรมเจ้าหน้าที่ 40 คน", outcome="เจ้าหน้าที่เข้าใจขั้นตอนร้องเรียน")
    report(plan, second, output="ประกาศบนเว็บไซต์ 3 ครั้ง")
    round6 = plan.rounds.get(months=6)
    services.evidence_add(progress_round=round6, measure=second, actor=user(EDITOR),
                          url="https://www.angthongcity.go.th/news/7")
    move(plan, "submit", round6)
    login(client, APPROVER)
    html = client.get(ROUND).content.decode()
    results = html.split('data-testid="round-results"')[1].split("</ol>")[0]
    assert "อบรมเจ้าหน้าที่ 40 คน" in results and "เจ้าหน้าที่เข้าใจขั้นตอนร้องเรียน" in results
    assert "ประกาศบนเว็บไซต์ 3 ครั้ง" in results and "www.angthongcity.go.th/news/7" in results
    assert third.title in results and "ยังไม่ได้รายงาน" in results
    # No step into each measure's form: the results are read here.
    assert f"/rounds/6/measures/{first.pk}/" not in html
    # One comment box, after the content: the decision's (the separate comment form is not offered).
    assert html.count("<textarea") == 1 and html.index('id="wf-comment"') > html.index("round-results")
    assert "/comments/" not in html


def test_the_supervisor_reads_the_results_too_and_comments_after_them(client, plan):
    report(plan, plan.measures.first(), output="ผลผลิตที่ผู้กำกับอ่าน")
    login(client, SUPERVISOR)
    html = client.get(ROUND).content.decode()
    assert "ผลผลิตที่ผู้กำกับอ่าน" in html.split('data-testid="round-results"')[1]
    assert html.index("/comments/") > html.index("round-results")


def test_the_editor_still_opens_each_measure_from_the_round_page_while_writing(client, plan):
    login(client, EDITOR)
    html = client.get(ROUND).content.decode()
    assert 'data-testid="round-results"' not in html
    assert f"/rounds/6/measures/{plan.measures.first().pk}/" in html


def test_a_resubmitted_round_says_what_changed_since_the_return(client, plan):
    first, second, _third = plan.measures.order_by("order", "pk")
    report(plan, first, output="ผลผลิตเดิม")
    report(plan, second, output="ไม่แก้ไข")
    round6 = plan.rounds.get(months=6)
    move(plan, "submit", round6)
    login(client, APPROVER)
    assert 'data-testid="revisions"' not in client.get(ROUND).content.decode()  # a first submission
    move(plan, "return", round6, comment="กรุณาเพิ่มจำนวนผู้เข้าร่วมและภาพกิจกรรม")
    report(plan, first, output="ผลผลิตใหม่ ผู้เข้าร่วม 45 คน", percent=80)
    services.evidence_add(progress_round=round6, measure=first, actor=user(EDITOR),
                          url="https://www.angthongcity.go.th/gallery/9")
    move(plan, "submit", round6)
    html = client.get(ROUND).content.decode()
    changes = html.split('data-testid="revisions"')[1].split("</section>")[0]
    assert first.title in changes and second.title not in changes
    assert '<span class="old">ผลผลิตเดิม</span> → <span class="new">ผลผลิตใหม่ ผู้เข้าร่วม 45 คน</span>' in changes
    assert '<span class="old">50</span> → <span class="new">80</span>' in changes
    assert "www.angthongcity.go.th/gallery/9" in changes
    assert html.index('data-testid="revisions"') < html.index('data-testid="round-results"')


def test_a_resubmitted_plan_says_which_measures_changed_since_the_return(client, plan):
    first, second, third = plan.measures.order_by("order", "pk")
    move(plan, "submit")
    move(plan, "return", comment="มาตรการที่ 1 ควรมีเป้าหมาย")
    services.measure_save(plan=plan, actor=user(EDITOR), measure=Measure.objects.get(pk=first.pk),
                          data={"title": first.title, "steps": first.steps, "target": "ผู้เข้าร่วมร้อยละ 80",
                                "monitoring_rounds": [6, 12]})
    services.measure_delete(measure=Measure.objects.get(pk=third.pk), actor=user(EDITOR))
    added = services.measure_save(plan=plan, actor=user(EDITOR), data={"title": "มาตรการที่เพิ่มหลังส่งกลับ",
                                                                       "steps": "ขั้นเดียว"})
    move(plan, "submit")
    login(client, APPROVER)
    html = client.get(PLAN).content.decode()
    changes = html.split('data-testid="revisions"')[1].split("</section>")[0]
    assert first.title in changes and "ผู้เข้าร่วมร้อยละ 80" in changes
    assert third.title in changes and added.title in changes and second.title not in changes
    assert html.index('data-testid="revisions"') < html.index(f'id="measure-{second.pk}"')


def test_the_round_page_reads_the_same_number_of_queries_for_5_or_50_measures_with_a_resubmission(client, plan):
    round6 = plan.rounds.get(months=6)
    for measure in plan.measures.all():
        report(plan, measure, output="ก")
    move(plan, "submit", round6)
    move(plan, "return", round6, comment="แก้")
    for measure in plan.measures.all():
        report(plan, measure, output="ข")
    move(plan, "submit", round6)
    login(client, APPROVER)


    three = cold_page_queries(client, ROUND)
    move(plan, "return", round6, comment="แก้อีก")
    editor = user(EDITOR)
    for n in range(47):
        measure = services.measure_save(plan=plan, actor=editor, data={"title": f"ม{n}", "steps": "ก"})
        services.entry_save(progress_round=round6, measure=measure, actor=editor, data={"state": "done"})
        services.evidence_add(progress_round=round6, measure=measure, actor=editor, url=f"https://e.go.th/{n}")
    move(plan, "submit", round6)
    assert "ม46" in client.get(ROUND).content.decode().split('data-testid="revisions"')[1]
    assert cold_page_queries(client, ROUND) == three
