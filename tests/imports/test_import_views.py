"""The import pages: upload or paste, the preview (each cell where it lands, a select per column,
a skip box per row), then the import; nothing written before the editor confirms."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.models import Measure, MeasurePlan, ProgressEntry
from tests.factories import ANGTHONG, EDITOR, OTHER_EDITOR, login

from .docx_tables import docx_bytes

PLAN = f"/app/orgs/{ANGTHONG}/2569"
HEADER = ["ที่", "มาตรการ/โครงการ/กิจกรรม", "ขั้นตอนหรือวิธีการปฏิบัติ", "ผู้รับผิดชอบ", "หมายเหตุ"]


def rows(n):
    return [HEADER, *[[str(k), f"มาตรการนำเข้าที่ {k}", [f"๑. ขั้นที่หนึ่ง {k}", "๒. ขั้นที่สอง"], "กองคลัง", f"หมายเหตุ {k}"]
                      for k in range(1, n + 1)]]


def upload(client, data, name="มาตรการ.docx", url=f"{PLAN}/plan/import/"):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def payload(response):
    return re.search(r'name="payload" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def editor_client(client, db):
    login(client, EDITOR)
    return client


def plan():
    return MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569)


def test_the_preview_shows_each_cell_where_it_will_land_and_writes_nothing(editor_client):
    before = Measure.objects.count()
    response = upload(editor_client, docx_bytes(rows(2), after=["ลงชื่อ ....... ผู้จัดทำ"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-field="title"' in page and "มาตรการนำเข้าที่ 2" in page
    assert '<option value="steps" selected>' in page and '<option value="skip" selected>' in page  # หมายเหตุ: a result
    assert "เพิ่มมาตรการใหม่" in page
    assert Measure.objects.count() == before


def query_count(client, n):
    with CaptureQueriesContext(connection) as queries:
        response = upload(client, docx_bytes(rows(n)))
    assert response.status_code == 200
    return len(queries)


def test_the_preview_costs_the_same_queries_for_3_or_30_rows(editor_client):
    query_count(editor_client, 1)  # the session and the process's caches, read once
    few, many = query_count(editor_client, 3), query_count(editor_client, 30)
    assert few == many <= 10


def test_the_editor_changes_a_columns_field_skips_a_row_and_imports(editor_client):
    response = upload(editor_client, docx_bytes(rows(3)))
    before = plan().measures.count()
    response = editor_client.post(f"{PLAN}/plan/import/preview/", {
        "payload": payload(response), "table": "0", "shown_table": "0", "col-0": "no", "col-1": "title",
        "col-2": "steps", "col-3": "responsible", "col-4": "target", "skip": ["3"], "action": "import"})
    assert response.status_code == 302 and response["Location"] == f"{PLAN}/plan/"
    added = list(plan().measures.order_by("order")[before:])
    assert [m.title for m in added] == ["มาตรการนำเข้าที่ 1", "มาตรการนำเข้าที่ 3"]
    assert added[0].target == "หมายเหตุ 1" and added[0].step_list == ["ขั้นที่หนึ่ง 1", "ขั้นที่สอง"]


def test_a_cell_over_its_limit_is_shown_by_row_and_column_and_nothing_is_imported(editor_client):
    data = docx_bytes([HEADER[1:3], ["ก", "ข" * 3001]])
    response = upload(editor_client, data)
    assert "แถวที่ 2 คอลัมน์ “ขั้นตอนหรือวิธีการปฏิบัติ”" in response.content.decode()
    response = editor_client.post(f"{PLAN}/plan/import/preview/", {
        "payload": payload(response), "table": "0", "shown_table": "0", "col-0": "title", "col-1": "steps",
        "action": "import"})
    assert response.status_code == 400
    assert not plan().measures.filter(title="ก").exists()


@pytest.mark.parametrize("data, message", [
    (b"plain text", "ไม่ใช่ไฟล์ Word"),
    (None, "ไม่พบตารางที่มีหัวคอลัมน์ที่ระบบรู้จัก"),
])
def test_a_bad_file_gets_a_thai_message_and_a_400(editor_client, data, message):
    data = data or docx_bytes([["ตัวชี้วัด", "คะแนน"], ["1", "99.11"]])
    response = upload(editor_client, data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_payload_changed_or_from_someone_else_is_refused(editor_client, client):
    token = payload(upload(editor_client, docx_bytes(rows(1))))
    response = editor_client.post(f"{PLAN}/plan/import/preview/", {"payload": token[:-3] + "abc", "action": "import"})
    assert response.status_code == 302 and response["Location"].endswith("/plan/import/")
    # Another body's editor cannot even reach this plan's import.
    login(client, OTHER_EDITOR)
    assert client.post(f"{PLAN}/plan/import/preview/", {"payload": token, "action": "import"}).status_code == 404


def test_a_payload_for_the_plan_cannot_be_confirmed_on_a_round(editor_client):
    token = payload(upload(editor_client, docx_bytes(rows(1))))
    response = editor_client.post(f"{PLAN}/rounds/6/import/preview/", {"payload": token, "action": "import"})
    assert response.status_code == 302
    assert not ProgressEntry.objects.filter(round__plan=plan(), measure__title="มาตรการนำเข้าที่ 1").exists()


def test_a_plan_in_review_sends_the_editor_back_with_the_reason(editor_client):
    MeasurePlan.objects.filter(pk=plan().pk).update(status="submitted")
    response = editor_client.get(f"{PLAN}/plan/import/", follow=True)
    assert "อยู่ระหว่างการพิจารณา" in response.content.decode()


def test_a_pasted_table_from_word_is_read_from_its_html(editor_client):
    html = ("<table><tr><td><p>มาตรการ</p></td><td><p>ขั้นตอน/วิธีการปฏิบัติ</p></td></tr>"
            "<tr><td>มาตรการที่วาง</td><td><p>1. หนึ่ง</p><p>2. สอง</p></td></tr></table>")
    response = editor_client.post(f"{PLAN}/plan/import/", {"paste_html": html, "paste_text": "มาตรการที่วาง"})
    assert response.status_code == 200
    response = editor_client.post(f"{PLAN}/plan/import/preview/", {
        "payload": payload(response), "table": "0", "shown_table": "0", "col-0": "title", "col-1": "steps",
        "action": "import"})
    assert plan().measures.get(title="มาตรการที่วาง").step_list == ["หนึ่ง", "สอง"]


def test_a_round_import_writes_the_results_of_the_plans_measures(editor_client):
    existing = plan().measures.order_by("order").first()
    data = docx_bytes([["มาตรการ", "ผลผลิต", "ผลลัพธ์"], [existing.title, "ผลผลิตที่นำเข้า", "ผลลัพธ์ที่นำเข้า"]])
    response = upload(editor_client, data, url=f"{PLAN}/rounds/6/import/")
    assert "บันทึกผลของมาตรการเดิมในแผน" in response.content.decode()
    response = editor_client.post(f"{PLAN}/rounds/6/import/preview/", {
        "payload": payload(response), "table": "0", "shown_table": "0", "col-0": "title", "col-1": "output",
        "col-2": "outcome", "action": "import"})
    assert response.status_code == 302 and response["Location"] == f"{PLAN}/rounds/6/"
    entry = ProgressEntry.objects.get(round__plan=plan(), round__months=6, measure=existing)
    assert (entry.output, entry.outcome) == ("ผลผลิตที่นำเข้า", "ผลลัพธ์ที่นำเข้า")


def test_the_plan_and_round_pages_link_to_the_import(editor_client):
    assert f'href="{PLAN}/plan/import/"' in editor_client.get(f"{PLAN}/plan/").content.decode()
    assert f'href="{PLAN}/rounds/6/import/"' in editor_client.get(f"{PLAN}/rounds/6/").content.decode()


def test_it_shows_a_read_period_in_the_buddhist_era(editor_client):
    header = [*HEADER[:4], "ระยะเวลาดำเนินการ"]
    data = docx_bytes([header, ["1", "มาตรการมีช่วงเวลา", "๑. ขั้นเดียว", "กองคลัง", "1 ตุลาคม 2568 - 30 กันยายน 2569"]])
    page = upload(editor_client, data).content.decode()
    assert "1 ตุลาคม 2568 – 30 กันยายน 2569" in page
    assert "2025" not in page and "ค.ศ." not in page
