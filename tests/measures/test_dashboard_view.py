"""The supervisor dashboard and the approver's review queue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Organization
from measures import services
from measures.models import ProgressEntry, ProgressRound
from tests.factories import (
    APPROVER,
    CHOHO_EDITOR,
    DISTRICT_SUPERVISOR,
    EDITOR,
    OTHER_DISTRICT_BODY,
    OUTSIDE_SUPERVISOR,
    SUPERVISOR,
    build_plan,
    login,
    make_body,
    user,
)

URL = "/app/dashboard/"


def rows(html):
    return [part.split('"', 1)[0] for part in html.split('data-org="')[1:]]


def test_a_supervisor_sees_the_bodies_of_their_province_only(client, db):
    make_body("test-korat-1")
    login(client, OUTSIDE_SUPERVISOR)
    html = client.get(URL, {"fy": 2566}).content.decode()
    assert set(rows(html)) == {"abt-cho-ho", "test-korat-1"}
    assert "abt-dong-khwang" not in html


def test_it_shows_plan_and_round_status_percent_done_and_days_late(client, db):
    login(client, OUTSIDE_SUPERVISOR)
    html = client.get(URL, {"fy": 2566}).content.decode()
    row = html.split('data-org="abt-cho-ho"')[1].split("</tr>")[0]
    assert "ฉบับร่าง" in row  # the plan (its measures name no responsible unit, so it was not submitted)
    assert "เผยแพร่แล้ว" in row  # the 12-month results, as the seed body published them
    done = ProgressEntry.objects.filter(round__plan__org__slug="abt-cho-ho", round__months=12, state="done").count()
    assert f"{round(100 * done / 11)}%" in row
    due = ProgressRound.objects.get(plan__org__slug="abt-cho-ho", months=6).due_date
    assert f">{(timezone.localdate() - due).days}<" in row.replace(" ", "")


def test_sorting_and_filtering(client, db):
    for n, district in enumerate(["ปักธงชัย", "สีคิ้ว", "ปักธงชัย"]):
        make_body(f"test-k{n}", district=district, name=f"องค์การบริหารส่วนตำบลทดสอบ{n}")
    login(client, OUTSIDE_SUPERVISOR)
    html = client.get(URL, {"sort": "-name"}).content.decode()
    assert rows(html)[0] == "test-k2"
    html = client.get(URL, {"district": "ปักธงชัย"}).content.decode()
    assert set(rows(html)) == {"test-k0", "test-k2"}
    html = client.get(URL, {"status": "none"}).content.decode()
    assert "abt-cho-ho" not in rows(html)


def test_a_descending_sort_keeps_names_a_to_z_among_equal_values(client, db):
    for n in (2, 0, 1):
        make_body(f"test-d{n}", district="ปักธงชัย", name=f"องค์การบริหารส่วนตำบลทดสอบ{n}")
    login(client, OUTSIDE_SUPERVISOR)
    html = client.get(URL, {"sort": "-district", "district": "ปักธงชัย"}).content.decode()
    assert rows(html) == ["test-d0", "test-d1", "test-d2"]


def test_the_dashboard_runs_the_same_queries_for_3_or_40_bodies(client, db):
    login(client, OUTSIDE_SUPERVISOR)
    for n in range(2):
        build_plan(make_body(f"test-q{n}"), 2566, measures=2, editor=CHOHO_EDITOR)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"fy": 2566}).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(2, 40):
        build_plan(make_body(f"test-q{n}"), 2566, measures=2, editor=CHOHO_EDITOR)
    assert count() == few


def test_an_approver_sees_their_body_with_a_review_queue(client, db):
    org = Organization.objects.get(slug="thesaban-mueang-ang-thong")
    plan = build_plan(org, 2570, measures=1)
    services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    login(client, APPROVER)
    html = client.get(URL, {"fy": 2570}).content.decode()
    assert rows(html) == ["thesaban-mueang-ang-thong"]
    assert "รอการพิจารณาของท่าน" in html and "มาตรการปี 2570" in html


def test_a_supervisor_leaves_a_comment_the_editor_can_read(client, db):
    login(client, SUPERVISOR)
    client.post("/app/orgs/thesaban-mueang-ang-thong/2569/comments/", {"text": "กรุณาเพิ่มหลักฐาน"})
    login(client, EDITOR)
    assert "กรุณาเพิ่มหลักฐาน" in client.get("/app/orgs/thesaban-mueang-ang-thong/2569/plan/").content.decode()


@pytest.mark.parametrize("fy", ["abc", "1999", ""])
def test_odd_parameters_are_not_errors(client, db, fy):
    login(client, SUPERVISOR)
    assert client.get(URL, {"fy": fy, "sort": "nonsense", "status": "x"}).status_code == 200


def test_names_sort_in_thai_dictionary_order_not_by_code_point(client, db):
    make_body("test-kha", district="ปักธงชัย", name="องค์การบริหารส่วนตำบลขาม")
    make_body("test-kai", district="ปักธงชัย", name="องค์การบริหารส่วนตำบลไก่ป่า")  # ไ comes after ข in Unicode
    login(client, OUTSIDE_SUPERVISOR)
    assert rows(client.get(URL, {"district": "ปักธงชัย"}).content.decode()) == ["test-kai", "test-kha"]
    assert rows(client.get(URL, {"district": "ปักธงชัย", "sort": "-name"}).content.decode()) == ["test-kha", "test-kai"]


def test_the_district_filter_lists_districts_in_thai_dictionary_order(client, db):
    make_body("test-d-kham", district="ขามสะแกแสง")
    make_body("test-d-kaeng", district="แก้งสนามนาง")  # แ comes after ข in Unicode
    login(client, OUTSIDE_SUPERVISOR)
    html = client.get(URL).content.decode()
    assert html.index(">แก้งสนามนาง<") < html.index(">ขามสะแกแสง<")


def test_it_lists_only_a_district_supervisors_district(client, district_supervisor,
                                                                     other_district_body):
    login(client, DISTRICT_SUPERVISOR)
    html = client.get(URL).content.decode()
    assert rows(html) == ["thesaban-mueang-ang-thong"]
    assert OTHER_DISTRICT_BODY not in html and "วิเศษชัยชาญ" not in html  # nor in the district filter
    login(client, SUPERVISOR)
    assert set(rows(client.get(URL).content.decode())) == {"thesaban-mueang-ang-thong", OTHER_DISTRICT_BODY}
