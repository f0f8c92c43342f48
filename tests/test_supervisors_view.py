"""/app/supervisors/: the administrator appoints supervisors of a province or a district."""

from assessments.models import Province, SupervisorScope
from people.models import Invitation

from .factories import ADMIN, SUPERVISOR, login, user

URL = "/app/supervisors/"


def test_the_administrator_invites_a_new_supervisor_by_email(client, smtp_server, db):
    login(client, ADMIN)
    province = Province.objects.get(name="อ่างทอง")
    response = client.post(URL, {"email": "amphoe@example.go.th", "province": province.pk,
                                 "district": "เมืองอ่างทอง"}, follow=True)
    assert "ส่งอีเมลคำเชิญถึง amphoe@example.go.th แล้ว" in response.content.decode()
    invitation = Invitation.objects.get()
    assert (invitation.province, invitation.district, invitation.role) == (province, "เมืองอ่างทอง", "supervisor")
    [message] = smtp_server.to("amphoe@example.go.th")
    assert "ผู้กำกับดูแลพื้นที่ อ่างทอง เมืองอ่างทอง" in smtp_server.subject(message)


def test_an_existing_account_gets_the_area_at_once(client, smtp_server, db):
    person = user(SUPERVISOR)
    person.email = "sup@angthong.go.th"
    person.save()
    login(client, ADMIN)
    province = Province.objects.get(name="สกลนคร")
    client.post(URL, {"email": "sup@angthong.go.th", "province": province.pk, "district": ""})
    assert SupervisorScope.objects.filter(user=person, province=province).exists()
    assert len(smtp_server.to("sup@angthong.go.th")) == 1
    html = client.get(URL).content.decode()
    assert "จังหวัดสกลนคร" in html and "แต่งตั้ง" in html


def test_a_bad_district_is_a_thai_error(client, db):
    login(client, ADMIN)
    province = Province.objects.get(name="อ่างทอง")
    response = client.post(URL, {"email": "x@example.go.th", "province": province.pk, "district": "ไม่มีอำเภอนี้"})
    assert response.status_code == 400 and "ไม่พบอำเภอ" in response.content.decode()
    assert not Invitation.objects.exists()


def test_removing_a_supervisor(client, db):
    login(client, ADMIN)
    scope = user(SUPERVISOR).supervisor_scopes.get()
    client.post(f"/app/supervisors/{scope.pk}/remove/")
    assert not SupervisorScope.objects.filter(pk=scope.pk).exists()


def test_only_the_administrator(client, db):
    login(client, SUPERVISOR)
    assert client.get(URL).status_code == 403
