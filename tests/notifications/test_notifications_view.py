"""The bell, the list behind it, opening one (marked read), a person's settings and following a
body."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures import services as measure_services
from notifications.models import Follow, Kind, MailState, Notification, Preference
from tests.factories import ANGTHONG, APPROVER, EDITOR, OTHER_EDITOR, SUPERVISOR, build_plan, login, user
from tests.notifying import give_emails


@pytest.fixture
def plan(angthong):
    give_emails(EDITOR, APPROVER)
    return build_plan(angthong, 2570, measures=1)


def comments(plan, count):
    for n in range(count):
        measure_services.comment_add(plan=plan, actor=user(SUPERVISOR), text=f"ความเห็นที่ {n + 1}")


def mine(username):
    return Notification.objects.filter(recipient__username=username)


def test_the_bell_shows_the_unread_count_and_the_list_links_each_one(client, plan):
    Notification.objects.filter(recipient__username=EDITOR).update(read_at="2026-01-01T00:00:00Z")
    comments(plan, 3)
    login(client, EDITOR)
    page = client.get("/app/notifications/").content.decode()
    assert 'data-testid="bell"' in page and '>3<span class="visually-hidden"> รายการที่ยังไม่อ่าน' in page
    assert page.count('data-testid="notification"') == mine(EDITOR).count()
    assert "แสดงความเห็นต่อมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ปี 2570" in page
    assert "“ความเห็นที่ 2”" in page


def test_opening_one_marks_it_read_and_goes_to_its_page(client, plan):
    comments(plan, 1)
    row = mine(EDITOR).get(kind=Kind.COMMENT, plan=plan)
    login(client, EDITOR)
    response = client.get(f"/app/notifications/{row.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/app/orgs/{ANGTHONG}/2570/plan/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_someone_elses_notification_does_not_exist_for_you(client, plan):
    comments(plan, 1)
    row = mine(EDITOR).get(kind=Kind.COMMENT, plan=plan)
    login(client, OTHER_EDITOR)
    assert client.get(f"/app/notifications/{row.pk}/").status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_read_all_clears_the_bell(client, plan):
    comments(plan, 2)
    login(client, EDITOR)
    assert client.post("/app/notifications/read-all/").status_code == 302
    assert not mine(EDITOR).filter(read_at__isnull=True).exists()
    assert "รายการที่ยังไม่อ่าน" not in client.get("/app/notifications/").content.decode()  # no badge


def test_the_bell_costs_one_query_whatever_the_number_of_notifications(rf, plan):
    from django.contrib.auth.models import AnonymousUser

    from notifications.context_processors import bell

    request = rf.get("/")
    request.user = user(EDITOR)
    counts = []
    for extra in (0, 40):
        comments(plan, extra)
        context = bell(request)
        with CaptureQueriesContext(connection) as queries:
            value = context["notification_bell"]["count"]
            assert context["notification_bell"]["label"] == str(value)  # read twice, queried once
        counts.append(len(queries))
        assert value == mine(EDITOR).filter(read_at__isnull=True).count()
    assert counts == [1, 1]
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        assert bell(request)["notification_bell"]["count"] == 0
    assert len(queries) == 0


def test_a_page_costs_the_same_queries_with_few_or_many_notifications(client, plan):
    login(client, EDITOR)
    counts = []
    for extra in (1, 60):
        comments(plan, extra)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/app/notifications/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[0] <= 8


def test_the_bell_caps_its_count(client, plan):
    comments(plan, 101)
    login(client, EDITOR)
    assert ">99+<span" in client.get("/app/notifications/").content.decode()


def test_settings_turn_kinds_and_email_off(client, plan, editor):
    login(client, EDITOR)
    page = client.get("/app/notifications/settings/")
    assert page.status_code == 200 and "ตั้งค่าการแจ้งเตือน" in page.content.decode()
    on_all = {f"on_{k}": "on" for k in Kind.values if k != Kind.COMMENT}
    by_email = {f"channel_{k}": "email" if k != Kind.RETURNED else "none" for k in Kind.values}
    response = client.post("/app/notifications/settings/", {"email_enabled": "on", **on_all, **by_email})
    assert response.status_code == 302
    preference = Preference.objects.get(user=editor)
    assert preference.off_kinds == [Kind.COMMENT] and preference.email_off_kinds == [Kind.RETURNED]
    comments(plan, 1)
    assert not mine(EDITOR).filter(kind=Kind.COMMENT, plan=plan).exists()
    assert mine(APPROVER).filter(kind=Kind.COMMENT, plan=plan).exists()
    measure_services.document_transition(plan=plan, actor=editor, action="submit")
    measure_services.document_transition(plan=plan, actor=user(APPROVER), action="return", comment="แก้ไข")
    assert mine(EDITOR).get(kind=Kind.RETURNED).state == MailState.SKIPPED
    client.post("/app/notifications/settings/", {})
    assert Preference.objects.get(user=editor).email_enabled is False


def test_a_signed_in_person_follows_and_unfollows_a_body(client, angthong):
    person = login(client, OTHER_EDITOR)
    response = client.post(f"/app/notifications/follow/{ANGTHONG}/", {"next": f"/orgs/{ANGTHONG}/"})
    assert response.status_code == 302 and response["Location"] == f"/orgs/{ANGTHONG}/"
    assert Follow.objects.filter(user=person, org=angthong).exists()
    assert "เทศบาลเมืองอ่างทอง" in client.get("/app/notifications/settings/").content.decode()
    client.post(f"/app/notifications/follow/{ANGTHONG}/", {"follow": "0", "next": "https://evil.example/"})
    assert not Follow.objects.filter(user=person, org=angthong).exists()
    assert client.post("/app/notifications/follow/no-such-body/").status_code == 404


def test_the_public_body_page_offers_signed_in_people_a_follow_button_and_anonymous_visitors_none(
        client, anonymous, angthong):
    assert 'data-testid="follow"' not in anonymous.get(f"/orgs/{ANGTHONG}/").content.decode()
    person = login(client, OTHER_EDITOR)
    page = client.get(f"/orgs/{ANGTHONG}/").content.decode()
    assert "ติดตาม (แจ้งเมื่อเผยแพร่เอกสารฉบับใหม่)" in page
    Follow.objects.create(user=person, org=angthong)
    assert "กำลังติดตาม · เลิกติดตาม" in client.get(f"/orgs/{ANGTHONG}/").content.decode()


@pytest.mark.parametrize("back", ["x", "notifications", "?a=1", "//evil.example/", "/\\evil.example"])
def test_it_goes_to_the_settings_after_following_when_next_is_not_an_address_here(client, angthong, back):
    """A bare word was looked up as a URL name (NoReverseMatch, a 500)."""
    login(client, OTHER_EDITOR)
    response = client.post(f"/app/notifications/follow/{ANGTHONG}/", {"next": back})
    assert response.status_code == 302 and response["Location"] == "/app/notifications/settings/"
