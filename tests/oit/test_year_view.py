"""The staff page of a body's OIT year and an item's page (/app/orgs/<slug>/<fy>/ita/)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oit.models import ItemAnswer
from tests.factories import ANGTHONG, APPROVER, EDITOR, SUPERVISOR, login

from .helpers import item, pdf, publish, save_url

YEAR = f"/app/orgs/{ANGTHONG}/2569/ita/"


def test_it_lists_every_item_of_the_year_for_the_body_and_its_supervisor(client, db):
    for who in (EDITOR, APPROVER, SUPERVISOR):
        login(client, who)
        response = client.get(YEAR)
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="row-o') == 26
    assert "0/26" in response.content.decode()


def test_it_reads_the_year_in_a_fixed_number_of_queries(client, db):
    login(client, EDITOR)
    client.get(YEAR)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(YEAR).status_code == 200
        return len(queries)

    few = count()
    for code in ("o1", "o3", "o4", "o8", "o9", "o10", "o13", "o15"):
        save_url(code, f"https://www.angthong.go.th/{code}")
    publish()
    assert count() == few


def test_an_editor_saves_an_address_and_the_approver_publishes_it(client, db):
    login(client, EDITOR)
    response = client.post(YEAR + "o1/", {"kind": "url", "url": "https://www.angthong.go.th/structure"})
    assert response.status_code == 302
    assert client.post(YEAR + "transition/", {"action": "submit"}).status_code == 302
    login(client, APPROVER)
    client.post(YEAR + "o1/transition/", {"action": "approve"})
    client.post(YEAR + "transition/", {"action": "publish"})
    answer = ItemAnswer.objects.get(item=item("o1"))
    assert (answer.state, answer.published_url) == ("published", "https://www.angthong.go.th/structure")
    assert "1/26" in client.get(YEAR).content.decode()


def test_an_editor_uploads_a_file(client, db):
    login(client, EDITOR)
    assert client.post(YEAR + "o8/", {"kind": "file", "file": pdf()}).status_code == 302
    assert ItemAnswer.objects.get(item=item("o8")).file.version == 1


@pytest.mark.parametrize(("data", "status"), [
    ({"kind": "url", "url": "ftp://files.example/x"}, 400),
    ({"kind": "url", "url": "https://a.go.th/x", "version": "999"}, 409),
    ({"kind": "nonsense"}, 400),
])
def test_bad_input_is_a_thai_message_and_nothing_is_written(client, db, data, status):
    save_url("o1", "https://www.angthong.go.th/first")
    login(client, EDITOR)
    response = client.post(YEAR + "o1/", data)
    assert response.status_code == status
    assert ItemAnswer.objects.get(item=item("o1")).url == "https://www.angthong.go.th/first"


def test_the_approver_may_not_save_and_the_editor_may_not_publish(client, db):
    save_url("o1", "https://www.angthong.go.th/first")
    login(client, APPROVER)
    assert client.post(YEAR + "o1/", {"kind": "url", "url": "https://a.go.th/"}).status_code == 403
    login(client, EDITOR)
    assert client.post(YEAR + "transition/", {"action": "publish"}).status_code == 403


def test_an_item_filled_by_publishing_says_so(client, db):
    login(client, EDITOR)
    response = client.get(YEAR + "o25/")
    assert 'data-testid="auto"' in response.content.decode()
    assert client.get(f"/app/orgs/{ANGTHONG}/2569/ita/o99/").status_code == 404
    assert client.get(f"/app/orgs/{ANGTHONG}/2566/ita/").status_code == 404  # no item catalogue that year
