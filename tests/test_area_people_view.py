"""/app/area/people/: a supervisor's bodies with their approvers and pending invitations."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from people import services

from .factories import ADMIN, EDITOR, OUTSIDE_SUPERVISOR, SUPERVISOR, login, make_body, user

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
