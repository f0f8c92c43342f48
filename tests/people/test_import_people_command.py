"""python manage.py import_people FILE: invitations (to new addresses and existing accounts alike) in bulk,
all or nothing with row-numbered Thai errors, idempotent, the invitations mailed."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from assessments.models import Organization
from people.models import Invitation
from tests.factories import ANGTHONG

HEADER = "name,position,email,body,role\n"


def write(tmp_path, text, name="people.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_people", path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def dla(db):
    org = Organization.objects.get(slug=ANGTHONG)
    org.dla_code = "5150101"
    org.save(update_fields=["dla_code"])
    return org


def test_it_invites_everyone_and_mails_them(tmp_path, smtp_server, dla):
    path = write(tmp_path, HEADER + "นายสมชาย ใจดี,ปลัดเทศบาล,somchai@example.go.th,5150101,approver\n"
                 f"นางสาวสมศรี มีสุข,นักวิเคราะห์นโยบายและแผน,somsri@example.go.th,{ANGTHONG},เจ้าหน้าที่ผู้จัดทำ\n")
    out, _err = run(path)
    assert "เชิญใหม่ 2 คน" in out
    invitations = {i.email: i for i in Invitation.objects.all()}
    assert invitations["somchai@example.go.th"].role == "approver" and invitations["somchai@example.go.th"].sent_at
    assert invitations["somsri@example.go.th"].name == "นางสาวสมศรี มีสุข"
    [message] = smtp_server.to("somchai@example.go.th")
    assert "คำเชิญเป็นผู้บริหารผู้รับรองของเทศบาลเมืองอ่างทอง" in smtp_server.subject(message)
    assert "http://127.0.0.1:8000/invite/" in smtp_server.text(message)


def test_running_it_again_invites_nobody_twice(tmp_path, smtp_server, dla):
    existing = get_user_model().objects.create_user("old", email="old@example.go.th")
    path = write(tmp_path, HEADER + ",,new@example.go.th,5150101,editor\n"
                 "คนเดิม มีบัญชี,,old@example.go.th,5150101,editor\n")
    first, _ = run(path)
    assert "เชิญใหม่ 2 คน" in first
    # An address that has an account is invited too: the role waits for that account to accept.
    assert not existing.memberships.exists()
    second, _ = run(path)
    assert "เชิญใหม่ 0 คน" in second and "ไม่เปลี่ยนแปลง 2 แถว" in second
    assert Invitation.objects.count() == 2 and Invitation.objects.get(email="old@example.go.th").name == "คนเดิม มีบัญชี"
    assert len(smtp_server.messages) == 2  # two invitations
    assert "คุณมีบัญชี ITA Portal ที่ใช้อีเมลนี้อยู่แล้ว" in smtp_server.text(smtp_server.to("old@example.go.th")[0])


def test_a_bad_row_refuses_the_whole_file_with_row_numbers(tmp_path, dla):
    path = write(tmp_path, HEADER + ",,good@example.go.th,5150101,editor\n"
                 ",,not-an-address,5150101,editor\n"
                 ",,x@example.go.th,no-such-body,editor\n"
                 ",,y@example.go.th,5150101,boss\n"
                 ",,good@example.go.th,5150101,editor\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="ไม่ได้นำเข้าข้อมูลใด ๆ"):
        call_command("import_people", path, stdout=io.StringIO(), stderr=err)
    errors = err.getvalue()
    assert "แถวที่ 3: อีเมล “not-an-address” ไม่ถูกต้อง" in errors
    assert "แถวที่ 4: ไม่พบหน่วยงาน “no-such-body”" in errors
    assert "แถวที่ 5: บทบาท “boss” ไม่ถูกต้อง" in errors
    assert "แถวที่ 6: ซ้ำกับแถวที่ 2" in errors
    assert not Invitation.objects.exists()


def test_a_missing_column_is_named(tmp_path, db):
    with pytest.raises(CommandError):
        call_command("import_people", write(tmp_path, "name,email\nก,a@example.go.th\n"), stdout=io.StringIO(),
                     stderr=io.StringIO())


def test_it_reads_xlsx_with_thai_headers(tmp_path, smtp_server, dla):
    book = Workbook()
    sheet = book.active
    sheet.append(["ชื่อ-นามสกุล", "ตำแหน่ง", "อีเมล", "หน่วยงาน", "บทบาท"])
    sheet.append(["นายทดสอบ ระบบ", "นายกเทศมนตรี", "mayor@example.go.th", 5150101, "ผู้บริหาร"])
    path = tmp_path / "people.xlsx"
    book.save(path)
    out, _ = run(str(path))
    assert "เชิญใหม่ 1 คน" in out
    assert Invitation.objects.get().position == "นายกเทศมนตรี"


def test_a_mail_server_that_is_down_keeps_the_invitations_to_send_again(tmp_path, closed_smtp_port, dla, settings):
    path = write(tmp_path, HEADER + ",,later@example.go.th,5150101,editor\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="ส่งอีเมลไม่สำเร็จ 1 ฉบับ"):
        call_command("import_people", path, stdout=io.StringIO(), stderr=err)
    assert "แถวที่ 2: ส่งอีเมลถึง later@example.go.th ไม่สำเร็จ" in err.getvalue()
    assert Invitation.objects.get().sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out, _ = run(path)
    assert "ส่งคำเชิญที่ยังส่งไม่สำเร็จอีกครั้ง 1 คน" in out
    assert Invitation.objects.get().sent_at is not None
