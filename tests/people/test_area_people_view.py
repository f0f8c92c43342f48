"""/app/area/people/: a supervisor's bodies with their approvers and pending invitations."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from people import services
from tests.factories import (
    ADMIN,
    ANGTHONG,
    DISTRICT_SUPERVISOR,
    EDITOR,
    OTHER_DISTRICT_BODY,
    OUTSIDE_SUPERVISOR,
    SUPERVISOR,
    login,
    make_body,
    user,
)

URL = "/app/area/people/"


def rows(html):
    return [part.split('"', 1)[0] for part in html.split('data-org="')[1:]]


def test_a_supervisor_sees_the_bodies_of_their_area_with_their_approvers(client, db):
    login(client, SUPERVISOR)
    html = client.get(URL).content.decode()
    assert rows(html) == ["thesaban-mueang-ang-thong"]
    assert "ปลัดเทศบาลเมืองอ่างทอง" in html


def test_bodies_without_an_approver_are_marked_and_filterable(client, db):
    body = make_body("test-korat-people")
    services.invitation_create(org=body, email="palad@example.go.th", role="approver", actor=user(OUTSIDE_SUPERVISOR))
    login(client, OUTSIDE_SUPERVISOR)
    html = client.get(URL, {"missing": "1"}).content.decode()
    assert rows(html) == ["test-korat-people"]
    assert "ยังไม่มีผู้บริหาร" in html and "palad@example.go.th" in html


def test_it_runs_the_same_queries_for_few_or_many_bodies(client, db):
    login(client, OUTSIDE_SUPERVISOR)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(20):
        body = make_body(f"test-area-{n}")
        services.invitation_create(org=body, email=f"p{n}@example.go.th", role="approver", actor=user(ADMIN))
    assert count() == few


def test_an_editor_is_refused(client, db):
    login(client, EDITOR)
    assert client.get(URL).status_code == 403


def test_it_lets_a_district_supervisor_manage_only_their_districts_people(client, district_supervisor,
                                                                        other_district_body):
    login(client, DISTRICT_SUPERVISOR)
    assert rows(client.get(URL).content.decode()) == ["thesaban-mueang-ang-thong"]
    assert client.get(f"/app/orgs/{ANGTHONG}/people/").status_code == 200
    assert client.get(f"/app/orgs/{OTHER_DISTRICT_BODY}/people/").status_code == 404
    response = client.post(f"/app/orgs/{OTHER_DISTRICT_BODY}/people/invite/",
                           {"email": "palad@example.go.th", "role": "approver"})
    assert response.status_code == 404 and not other_district_body.invitations.exists()
