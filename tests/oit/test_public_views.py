"""The public OIT page, its JSON and CSV, the files' stable addresses and /verify/ (issue 25 point 3)."""

import csv
import hashlib
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from oit import services
from tests.factories import ANGTHONG, EDITOR, login, user

from .helpers import PDF, angthong, docx, item, pdf, publish, publish_measures, save_url

PAGE = f"/orgs/{ANGTHONG}/2569/ita/"


def test_it_lists_26_items_and_o25_links_to_the_published_measures(client, db):
    publish_measures(2569)
    save_url("o1", "https://www.angthong.go.th/structure")
    publish()
    response = client.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-testid="item-o') == 26
    measures = f"http://testserver/orgs/{ANGTHONG}/2569/measures.pdf"
    assert measures in page and "คัดลอกลิงก์ทั้งหมดสำหรับ ITAS" in page
    lines = response.context["itas_text"].split("\n")
    assert len(lines) == 26 and lines[0] == "https://www.angthong.go.th/structure" and lines[24] == measures
    assert client.get(measures).status_code == 200
    data = client.get(f"/data/orgs/{ANGTHONG}/2569/ita.json").json()
    assert data["items_count"] == 26 and data["answered"] == 2
    o25 = data["items"][24]
    assert (o25["item"], o25["url"], o25["document"]["doc"], o25["confirmed"]) == ("O25", measures, "measures", False)
    rows = list(csv.reader(io.StringIO(client.get(f"/data/orgs/{ANGTHONG}/2569/ita.csv").content.decode("utf-8-sig"))))
    assert len(rows) == 27 and rows[1][2] == "O1" and rows[1][8] == "https://www.angthong.go.th/structure"


def test_a_draft_is_not_public(client, db):
    save_url("o1", "https://www.angthong.go.th/draft")
    assert "https://www.angthong.go.th/draft" not in client.get(PAGE).content.decode()


def test_an_upload_gets_stable_addresses_that_verify_recognises(client, db):
    services.answer_save(org=angthong(), item=item("o8"), actor=user(EDITOR), kind="file", upload=pdf())
    latest = f"/orgs/{ANGTHONG}/2569/ita/o8.pdf"
    assert client.get(latest).status_code == 404  # not published yet
    publish()
    response = client.get(latest)
    assert response.status_code == 200 and response.content == PDF
    assert response["ETag"] == f'"{hashlib.sha256(PDF).hexdigest()}"'
    assert client.get(f"/orgs/{ANGTHONG}/2569/ita/o8/v1.pdf").content == PDF
    page = client.get("/verify/", {"sha256": hashlib.sha256(PDF).hexdigest()}).content.decode()
    assert "หลักฐาน OIT ข้อ O8" in page and f"/orgs/{ANGTHONG}/2569/ita/o8/v1.pdf" in page
    # A new version as DOCX: the latest address moves to it, the first version stays where it was.
    services.answer_save(org=angthong(), item=item("o8"), actor=user(EDITOR), kind="file", upload=docx())
    publish()
    assert client.get(latest)["Location"] == f"/orgs/{ANGTHONG}/2569/ita/o8.docx"
    assert client.get(f"/orgs/{ANGTHONG}/2569/ita/o8.docx")["Content-Disposition"].startswith("attachment")
    assert client.get(f"/orgs/{ANGTHONG}/2569/ita/o8/v1.pdf").content == PDF
    assert client.get(f"/orgs/{ANGTHONG}/2569/ita/o8/v2.pdf").status_code == 404
    assert "มีฉบับใหม่กว่า" in client.get("/verify/", {"sha256": hashlib.sha256(PDF).hexdigest()}).content.decode()


def test_the_public_page_reads_in_a_fixed_number_of_queries(client, db):
    login(client, EDITOR)  # a signed-in visitor is never served from the public cache

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries)

    client.get(PAGE)
    few = count()
    for code in ("o1", "o3", "o4", "o9", "o10"):
        save_url(code, f"https://www.angthong.go.th/{code}")
    services.answer_save(org=angthong(), item=item("o8"), actor=user(EDITOR), kind="file", upload=pdf())
    publish()
    assert count() == few


def test_a_year_without_items_is_not_found(client, db):
    assert client.get(f"/orgs/{ANGTHONG}/2566/ita/").status_code == 404
    assert client.get(f"/data/orgs/{ANGTHONG}/2566/ita.json").status_code == 404
