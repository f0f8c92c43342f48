"""The editors' upload page and the export download."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import score_io
from assessments.models import AuditEvent, IndicatorScore
from tests.factories import ANGTHONG, APPROVER, EDITOR, OTHER_EDITOR, SUPERVISOR, login

URL = "/app/scores/import/"
HEADER = "org,fiscal_year,scope,code,part,value\n"


def upload(client, text, name="scores.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def angthong_indicator_1():
    return IndicatorScore.objects.get(assessment__org__slug=ANGTHONG, assessment__framework__fiscal_year=2568,
                                      indicator__number=1, part=0).score


def test_an_editor_imports_scores_for_their_body(client, db):
    user = login(client, EDITOR)
    response = upload(client, HEADER + f"{ANGTHONG},2568,indicator,1,0,99.50\n")
    assert response.status_code == 302
    assert angthong_indicator_1() == Decimal("99.50")
    follow = client.get(response["Location"])
    assert ("นำเข้าคะแนน 1 รายการของ 1 หน่วยงาน: เพิ่มใหม่ 0 รายการ แก้ไข 1 รายการ "
            "และตรงกับที่บันทึกไว้แล้ว 0 รายการ") in follow.content.decode()
    assert AuditEvent.objects.filter(action="scores.import", actor=user).exists()


def test_a_reimport_that_changes_nothing_says_so_on_the_page(client, db):
    login(client, EDITOR)
    imports = AuditEvent.objects.filter(action="scores.import").count()
    response = upload(client, HEADER + f"{ANGTHONG},2568,indicator,1,0,100.00\n{ANGTHONG},2568,overall,,0,\"95,08\"\n")
    page = client.get(response["Location"]).content.decode()
    assert "ไฟล์มีคะแนน 2 รายการของ 1 หน่วยงาน ตรงกับที่บันทึกไว้แล้วทุกรายการ จึงไม่มีการเปลี่ยนแปลง" in page
    assert AuditEvent.objects.filter(action="scores.import").count() == imports


def test_a_thousands_separator_in_the_file_is_named_on_the_page(client, db):
    login(client, EDITOR)
    response = upload(client, HEADER + f'{ANGTHONG},2568,indicator,1,0,"1,000"\n')
    assert response.status_code == 400
    assert "แถวที่ 2: คะแนน “1,000” มีจุลภาคคั่นหลักพัน แต่คะแนนไม่มีหลักพัน" in response.content.decode()
    assert angthong_indicator_1() == Decimal("100.00")


def test_the_page_lists_every_scope_with_an_example_row(client, db):
    login(client, EDITOR)
    html = client.get(URL).content.decode()
    for scope in score_io.SCOPES:
        assert f"<td><code>{scope}</code></td>" in html
        assert f",{scope}," in html  # its example row
    assert "(ผ่าน) ระดับ AA" in html and "97,90" in html


def test_an_editor_cannot_import_another_bodys_scores_and_nothing_changes(client, db):
    login(client, OTHER_EDITOR)
    response = upload(client, HEADER + f"abt-bo-kaeo,2568,indicator,1,0,90\n{ANGTHONG},2568,indicator,1,0,1\n")
    html = response.content.decode()
    assert response.status_code == 400
    assert "แถวที่ 3: คุณไม่มีสิทธิ์นำเข้าคะแนนของเทศบาลเมืองอ่างทอง" in html
    assert angthong_indicator_1() == Decimal("100.00")
    assert not IndicatorScore.objects.filter(assessment__org__slug="abt-bo-kaeo").exists()


def test_a_bad_row_is_named_on_the_page_and_nothing_changes(client, db):
    login(client, EDITOR)
    response = upload(client, HEADER + f"{ANGTHONG},2568,indicator,1,0,50\n{ANGTHONG},2568,indicator,2,0,101\n")
    html = response.content.decode()
    assert "ไม่ได้นำเข้าข้อมูลใด ๆ" in html
    assert "แถวที่ 3: คะแนน 101 อยู่นอกช่วง 0–100" in html
    assert angthong_indicator_1() == Decimal("100.00")


def test_an_oversized_upload_is_refused_with_a_thai_message(client, db, settings):
    settings.SCORE_IMPORT_MAX_BYTES = 1000
    login(client, EDITOR)
    response = upload(client, HEADER + "x" * 2000)
    assert "ไฟล์มีขนาดเกิน" in response.content.decode()


def test_the_upload_page_escapes_what_the_file_contained(client, db):
    login(client, EDITOR)
    html = upload(client, HEADER + "<script>alert(1)</script>,2568,overall,,0,1\n").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_approvers_and_supervisors_may_not_import(client, db):
    for username in (APPROVER, SUPERVISOR):
        login(client, username)
        assert client.get(URL).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_members_download_their_bodys_scores_in_the_import_format(client, db):
    login(client, APPROVER)
    response = client.get("/app/scores/export/", {"org": ANGTHONG, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    records = score_io.read_table(response.content)
    assert {r["org"] for _, r in records} == {ANGTHONG}
    xlsx = client.get("/app/scores/export/", {"org": ANGTHONG, "format": "xlsx"})
    assert score_io.read_table(xlsx.content) == records


def test_export_of_another_bodys_scores_is_404(client, db):
    login(client, OTHER_EDITOR)
    assert client.get("/app/scores/export/", {"org": ANGTHONG, "format": "csv"}).status_code == 404


def test_it_answers_400_to_an_empty_score_file(client, db):
    login(client, EDITOR)
    response = upload(client, b"")
    assert response.status_code == 400
    assert "ไฟล์ที่ส่งว่างเปล่า" in response.content.decode()


def test_it_answers_413_to_a_score_file_over_5_mb(client, db):
    login(client, EDITOR)
    response = upload(client, HEADER + "x" * (6 * 1024 * 1024))
    assert response.status_code == 413
    assert "ไฟล์มีขนาดเกิน 5 MB" in response.content.decode()
