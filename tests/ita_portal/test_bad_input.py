"""Bad input gets a Thai 4xx, never a 500 and never a silent accept (issue 10, point 6).

Run on PostgreSQL too: a NUL byte in a filter value is a DataError there, not on SQLite."""

import datetime
import re
from urllib.parse import quote

import pytest

from assessments import fiscal_years
from assessments.models import Province
from measures.models import Evidence, Measure, MeasurePlan
from reports.models import RepublishJob
from tests.factories import ADMIN, ANGTHONG, EDITOR, SUPERVISOR, login

PLAN = f"/app/orgs/{ANGTHONG}/2569"
THAI = re.compile("[\u0e00-\u0e7f]")


def is_thai(response):
    """The portal's page (templates/400.html, 404.html), not Django's bare English one."""
    return bool(THAI.search(response.content.decode()))


@pytest.fixture(autouse=True)
def _in_fiscal_year_2569(monkeypatch):
    """The current fiscal year always has pages (assessments/fiscal_years.py): fix it."""
    monkeypatch.setattr(fiscal_years, "_today", lambda: datetime.date(2025, 12, 1))


@pytest.fixture
def measure(db):
    plan = MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569)
    return plan.measures.order_by("order").first()


# ---------------------------------------------------------------- parameters read by views


@pytest.mark.parametrize("username", [SUPERVISOR, ADMIN])
@pytest.mark.parametrize("province", ["abc", "1\x00", "\x00", "1.5", "-", "1" * 300])
def test_it_answers_400_to_a_republish_request_for_a_province_that_is_not_a_number(client, db, username, province):
    login(client, username)
    response = client.post("/app/republish/", {"province": province})
    assert response.status_code == 400 and is_thai(response)
    assert not RepublishJob.objects.exists()


def test_it_still_answers_404_to_a_republish_request_for_a_province_that_does_not_exist(client, db):
    login(client, ADMIN)
    assert client.post("/app/republish/", {"province": "99999999999999999999"}).status_code == 404
    assert client.post("/app/republish/", {}).status_code == 404
    assert not RepublishJob.objects.exists()


@pytest.mark.parametrize("name", ["fy", "district", "status", "sort", "page"])
@pytest.mark.parametrize("value", ["\x00", "อ่างทอง\x00", "x" * 3000])  # longer addresses: 414 (test_error_pages)
def test_it_answers_400_to_a_dashboard_filter_with_a_nul_byte_or_an_overlong_value(client, db, name, value):
    login(client, SUPERVISOR)
    response = client.get("/app/dashboard/", {name: value})
    assert response.status_code == 400 and is_thai(response)


def test_it_keeps_the_dashboard_filters_that_are_well_formed(client, db):
    login(client, SUPERVISOR)
    response = client.get("/app/dashboard/", {"fy": "2569", "district": "เมืองอ่างทอง", "status": "draft",
                                              "sort": "-late", "page": "last"})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["\x00", "x" * 3000])
def test_it_answers_400_to_a_home_search_page_number_with_a_nul_byte_or_an_overlong_value(client, db, value):
    response = client.get("/", {"q": "อ่างทอง", "page": value})
    assert response.status_code == 400 and is_thai(response)


@pytest.mark.parametrize("params", [{"q": "อ่าง\x00ทอง"}, {"district": "\x00"}, {"province": "abc"},
                                    {"q": "ก" * 101}])
def test_it_answers_a_bad_home_search_with_a_thai_message_beside_the_field(client, db, params):
    response = client.get("/", params)
    assert response.status_code == 200  # the form is shown again (tests/publicsite/test_public_pages.py)
    html = response.content.decode()
    assert "is-invalid" in html
    assert "Null characters" not in html and "Select a valid choice" not in html and "Ensure this value" not in html


# ---------------------------------------------------------------- ids and years in the path


def test_it_answers_404_to_measure_0_instead_of_opening_the_new_measure_form(client, measure):
    login(client, EDITOR)
    assert client.get(f"{PLAN}/measures/0/").status_code == 404
    before = Measure.objects.count()
    response = client.post(f"{PLAN}/measures/0/", {"title": "มาตรการใหม่", "steps": "ก", "version": ""})
    assert response.status_code == 404
    assert Measure.objects.count() == before


@pytest.mark.parametrize("fy", [2500, 2562, 2571, 2699])
@pytest.mark.parametrize("rest", ["plan/", "plan/create/"])
def test_it_answers_404_to_a_plan_year_outside_the_frameworks_on_record(client, db, fy, rest):
    login(client, EDITOR)
    url = f"/app/orgs/{ANGTHONG}/{fy}/{rest}"
    response = client.post(url) if rest.endswith("create/") else client.get(url)
    assert response.status_code == 404 and is_thai(response)
    assert not MeasurePlan.objects.filter(fiscal_year=fy).exists()


@pytest.mark.parametrize("fy", [2563, 2569, 2570])
def test_it_opens_the_plan_pages_of_every_framework_year_and_the_year_after(client, db, fy):
    login(client, EDITOR)
    assert client.get(f"/app/orgs/{ANGTHONG}/{fy}/plan/").status_code == 200


@pytest.mark.parametrize("path", ["/orgs/{slug}/{fy}/", "/orgs/{slug}/{fy}/measures.pdf",
                                  "/data/orgs/{slug}/{fy}.json", "/data/orgs/{slug}/{fy}.csv"])
@pytest.mark.parametrize("fy", [2500, 2571, 2699])
def test_it_answers_404_to_a_public_year_outside_the_frameworks_on_record(client, db, path, fy):
    assert client.get(path.format(slug=ANGTHONG, fy=fy)).status_code == 404


# ---------------------------------------------------------------- form messages and uploads


@pytest.mark.parametrize("title", ["abc\x00def", "\x00"])
def test_it_answers_a_nul_byte_in_a_measure_title_in_thai(client, measure, title):
    login(client, EDITOR)
    before = Measure.objects.count()
    response = client.post(f"{PLAN}/measures/new/", {"title": title, "steps": "ก", "version": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Null characters are not allowed." not in html
    assert "ข้อความมีอักขระที่มองไม่เห็น (NUL) ซึ่งบันทึกไม่ได้" in html
    assert Measure.objects.count() == before


def upload(client, measure, filename, *, percent_encoded=False, content=b"%PDF-1.4\n" + b"0" * 200):
    """The file as a client sends it with the entry form: the whole name in the part's header, as
    UTF-8 (browsers) or percent-encoded (RFC 2231, some HTTP libraries). The test client's
    SimpleUploadedFile would cut the name to 255 characters first."""
    boundary = "ita-test-boundary"
    name = f"filename*=utf-8''{quote(filename)}" if percent_encoded else f'filename="{filename}"'
    fields = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
                     for key, value in (("state", "done"), ("version", "")))
    body = (f'{fields}--{boundary}\r\nContent-Disposition: form-data; name="files"; {name}\r\n'
            f"Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.post(f"{PLAN}/rounds/6/measures/{measure.pk}/", body,
                       content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("name, percent_encoded", [
    ("ก" * 300 + ".pdf", True), ("ก" * 300 + ".pdf", False), ("ก" * 400 + ".pdf", False), ("x" * 1000 + ".pdf", False),
    ("C:\\Users\\เจ้าหน้าที่\\" + "เอกสาร" * 50 + "\\หลักฐาน.pdf", False),  # browsers that send the whole path
])
def test_it_accepts_evidence_with_a_very_long_thai_file_name(client, measure, name, percent_encoded):
    login(client, EDITOR)
    response = upload(client, measure, name, percent_encoded=percent_encoded)
    assert response.status_code == 302
    evidence = Evidence.objects.get(entry__measure=measure, content_type="application/pdf")
    stem = name.rsplit("\\", 1)[-1]
    assert evidence.original_name.startswith(stem[:100])


def test_it_keeps_the_extension_of_a_long_evidence_file_name(client, measure):
    login(client, EDITOR)
    upload(client, measure, "ก" * 300 + ".pdf")
    assert Evidence.objects.get(entry__measure=measure, content_type="application/pdf").original_name.endswith(".pdf")


def test_it_answers_400_to_an_upload_whose_part_header_is_absurdly_long(client, measure):
    login(client, EDITOR)
    response = upload(client, measure, "ก" * 5000 + ".pdf")
    assert response.status_code == 400 and is_thai(response)
    assert not Evidence.objects.filter(entry__measure=measure, content_type="application/pdf").exists()


def test_it_republishes_a_province_given_as_a_number(client, db):
    login(client, SUPERVISOR)
    province = Province.objects.get(name="อ่างทอง")
    assert client.post("/app/republish/", {"province": str(province.pk)}).status_code == 302
