"""/app/profile/: a person's Thai name, e-mail and position in each of their bodies."""

from assessments.models import AuditEvent, Membership

from .factories import ANGTHONG, EDITOR, SUPERVISOR, login, user

URL = "/app/profile/"


def test_it_saves_the_name_email_and_position(client, db):
    person = login(client, EDITOR)
    org_id = Membership.objects.get(user=person).org_id
    response = client.post(URL, {"first_name": "สมหญิง", "last_name": "รักงาน", "email": "somying@example.go.th",
                                 f"position_{org_id}": "นักวิเคราะห์นโยบายและแผนชำนาญการ"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.email) == ("สมหญิง", "รักงาน", "somying@example.go.th")
    assert Membership.objects.get(user=person).position == "นักวิเคราะห์นโยบายและแผนชำนาญการ"
    assert AuditEvent.objects.filter(action="people.profile", actor=person).exists()


def test_it_shows_the_current_values_and_the_login_name(client, db):
    login(client, EDITOR)
    html = client.get(URL).content.decode()
    assert "เจ้าหน้าที่เทศบาลเมืองอ่างทอง" in html and "นักวิเคราะห์นโยบายและแผน" in html
    assert EDITOR in html and "ไม่พิมพ์ชื่อผู้ใช้" in html


def test_a_missing_last_name_or_a_taken_email_is_a_thai_error(client, db):
    login(client, SUPERVISOR)
    other = user(EDITOR)
    other.email = "taken@example.go.th"
    other.save()
    missing = client.post(URL, {"first_name": "สมชาย", "last_name": ""})
    assert missing.status_code == 400 and "นามสกุล" in missing.content.decode()
    taken = client.post(URL, {"first_name": "สมชาย", "last_name": "ดี", "email": "TAKEN@example.go.th"})
    assert taken.status_code == 400 and "เป็นของบัญชีอื่นแล้ว" in taken.content.decode()
    assert user(SUPERVISOR).last_name == ""


def test_it_returns_to_the_page_that_asked_for_the_name_and_nowhere_else(client, db):
    login(client, SUPERVISOR)
    data = {"first_name": "สมชาย", "last_name": "ดี"}
    back = client.post(URL, {**data, "next": f"/app/orgs/{ANGTHONG}/2569/plan/"})
    assert back["Location"] == f"/app/orgs/{ANGTHONG}/2569/plan/"
    elsewhere = client.post(URL, {**data, "next": "https://evil.example/"})
    assert elsewhere["Location"] == URL


def test_the_page_needs_a_sign_in(client, db):
    assert client.get(URL)["Location"].startswith("/accounts/login/")
