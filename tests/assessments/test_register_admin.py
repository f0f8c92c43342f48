"""The register upload in the Django admin (Organization changelist → นำเข้าทะเบียนหน่วยงานจากไฟล์),
the export, and the body form that never asks for a slug."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import AuditEvent, Organization, OrganizationSlug
from tests.factories import ADMIN, ANGTHONG, EDITOR, login
from tests.register_files import angthong_rows, to_csv, to_xlsx

URL = "/admin/assessments/organization/import/"


def upload(client, data, name="register.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data)})


def test_the_changelist_links_to_the_upload_and_the_export(client, db):
    login(client, ADMIN)
    page = client.get("/admin/assessments/organization/").content.decode()
    assert URL in page and "นำเข้าทะเบียนหน่วยงานจากไฟล์" in page
    assert "/admin/assessments/organization/export/" in page


def test_the_upload_page_opens_in_thai_with_a_fixed_number_of_queries(client, db, django_assert_max_num_queries):
    login(client, ADMIN)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "นำเข้าทะเบียนหน่วยงานจากไฟล์" in page and "ไฟล์ทะเบียนหน่วยงาน (CSV หรือ XLSX)" in page


def test_the_admin_imports_a_province_and_sees_a_summary(client, db):
    login(client, ADMIN)
    response = upload(client, to_xlsx(angthong_rows()), "register.xlsx")
    assert response.status_code == 200
    page = response.content.decode()
    assert "เพิ่มหน่วยงาน 19 แห่ง แก้ไข 1 แห่ง ไม่เปลี่ยนแปลง 0 แห่ง" in page
    assert "/orgs/abt-pho-sa/" in page
    assert Organization.objects.filter(province__name="อ่างทอง").count() == 20
    event = AuditEvent.objects.get(action="orgs.import")
    assert event.actor.username == ADMIN
    again = upload(client, to_xlsx(angthong_rows()), "register.xlsx").content.decode()
    assert "เพิ่มหน่วยงาน 0 แห่ง แก้ไข 0 แห่ง ไม่เปลี่ยนแปลง 20 แห่ง" in again
    assert AuditEvent.objects.filter(action="orgs.import").count() == 1


def test_the_admin_sees_every_error_by_row_and_nothing_is_written(client, db):
    login(client, ADMIN)
    before = Organization.objects.count()
    rows = angthong_rows(**{"5150101": {"province": "อ่างทองใต้"}, "7150103": {"dla_code": "71 50103"}})
    response = upload(client, to_csv(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert "ไม่ได้นำเข้าข้อมูลใด ๆ" in page and "พบข้อผิดพลาด 2 รายการ" in page
    assert "แถวที่ 4: ไม่พบจังหวัด “อ่างทองใต้”" in page
    assert "แถวที่ 6: รหัส อปท. “71 50103” ไม่ถูกต้อง" in page
    assert Organization.objects.count() == before


def test_the_changes_of_an_update_are_listed_in_thai(client, db):
    login(client, ADMIN)
    upload(client, to_csv(angthong_rows()))
    page = upload(client, to_csv(angthong_rows(**{"7150302": {"district": "ไชโย"},
                                                  "7150104": {"name": "เทศบาลตำบลโพสะ"}}))).content.decode()
    assert "อำเภอ: “ป่าโมก” → “ไชโย”" in page
    assert "ประเภท: “องค์การบริหารส่วนตำบล” → “เทศบาลตำบล”" in page
    assert "ชื่อหน่วยงาน: “องค์การบริหารส่วนตำบลโพสะ” → “เทศบาลตำบลโพสะ”" in page


@pytest.mark.parametrize("who", ["anonymous", "editor", "staff without rights"])
def test_the_upload_and_the_export_are_refused_to_others(client, db, who):
    if who == "editor":
        login(client, EDITOR)
    elif who == "staff without rights":
        staff = get_user_model().objects.create_user("test-staff", is_staff=True)
        staff.user_permissions.add(Permission.objects.get(codename="view_organization"))
        client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    before = Organization.objects.count()
    response = upload(client, to_csv(angthong_rows()))
    if who == "staff without rights":
        assert response.status_code == 403
        assert client.get("/admin/assessments/organization/export/").status_code == 200  # may view
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert client.get("/admin/assessments/organization/export/").status_code == 302
    assert Organization.objects.count() == before


def test_the_export_downloads_the_register(client, db):
    login(client, ADMIN)
    upload(client, to_csv(angthong_rows()))
    response = client.get("/admin/assessments/organization/export/?format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="register.csv"'
    text = response.content.decode("utf-8-sig")
    assert text.startswith("dla_code,name,kind,province,district,itas_code,names,website")
    assert "7150104,องค์การบริหารส่วนตำบลโพสะ,sao,อ่างทอง,เมืองอ่างทอง" in text
    assert client.get("/admin/assessments/organization/export/")["Content-Type"].startswith(
        "application/vnd.openxmlformats")


def test_the_body_form_never_shows_a_slug_input(client, db):
    login(client, ADMIN)
    body = Organization.objects.get(slug=ANGTHONG)
    for path in ("/admin/assessments/organization/add/", f"/admin/assessments/organization/{body.pk}/change/"):
        page = client.get(path).content.decode()
        assert 'name="slug"' not in page
    assert ANGTHONG in client.get(f"/admin/assessments/organization/{body.pk}/change/").content.decode()


def form_data(body=None, **values):
    data = {"name": "", "kind": "sao", "province": "", "district": "", "dla_code": "", "itas_code": "",
            "website": "", "thai_numerals": "on"}
    for prefix in ("names", "units", "memberships"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    if body is not None:
        data.update(name=body.name, kind=body.kind, province=str(body.province_id or ""), district=body.district,
                    dla_code=body.dla_code or "")
    data.update(values)
    return data


def test_adding_a_body_in_the_admin_makes_its_slug(client, db):
    login(client, ADMIN)
    response = client.post("/admin/assessments/organization/add/", form_data(name="องค์การบริหารส่วนตำบลหัวตะพาน"))
    assert response.status_code == 302, response.content.decode()[:2000]
    body = Organization.objects.get(name="องค์การบริหารส่วนตำบลหัวตะพาน")
    assert body.slug == "abt-hua-ta-phan"
    assert AuditEvent.objects.filter(action="org.create", org=body).exists()


def test_renaming_a_body_in_the_admin_keeps_the_old_address(client, db):
    login(client, ADMIN)
    body = Organization.objects.get(slug=ANGTHONG)
    response = client.post(f"/admin/assessments/organization/{body.pk}/change/",
                           form_data(body, name="เทศบาลนครอ่างทอง", kind="city_municipality"))
    assert response.status_code == 302, response.content.decode()[:2000]
    body.refresh_from_db()
    assert body.slug == "thesaban-nakhon-ang-thong"
    assert OrganizationSlug.objects.get(slug=ANGTHONG).org == body
    assert "เทศบาลเมืองอ่างทอง" in body.names.values_list("name", flat=True)
    assert AuditEvent.objects.filter(action="org.rename", org=body).exists()
    assert client.get(f"/orgs/{ANGTHONG}/")["Location"] == "/orgs/thesaban-nakhon-ang-thong/"
    page = client.get(f"/admin/assessments/organization/{body.pk}/change/").content.decode()
    assert ANGTHONG in page and 'name="slug"' not in page  # the former address, shown read-only


def test_it_imports_a_row_without_a_code_and_a_later_upload_adds_the_code_to_that_body(client, db):
    login(client, ADMIN)
    row = {"dla_code": "", "name": "องค์การบริหารส่วนตำบลบ้านใหม่", "province": "อ่างทอง", "district": "โพธิ์ทอง"}
    page = upload(client, to_csv([row])).content.decode()
    assert "เพิ่มหน่วยงาน 1 แห่ง แก้ไข 0 แห่ง ไม่เปลี่ยนแปลง 0 แห่ง" in page
    body = Organization.objects.get(name=row["name"])
    assert body.dla_code is None
    count = Organization.objects.count()
    page = upload(client, to_csv([{**row, "dla_code": "7150405"}])).content.decode()
    assert "เพิ่มหน่วยงาน 0 แห่ง แก้ไข 1 แห่ง" in page
    assert "รหัส อปท. (สถ.): “” → “7150405”" in page
    body.refresh_from_db()
    assert body.dla_code == "7150405" and Organization.objects.count() == count


def test_it_shows_an_ambiguous_row_with_its_candidates_and_writes_nothing(client, db):
    login(client, ADMIN)
    upload(client, to_csv(angthong_rows()))
    before = Organization.objects.count()
    response = upload(client, "ชื่อหน่วยงาน,จังหวัด\nองค์การบริหารส่วนตำบลโพธิ์ทอง,อ่างทอง\n".encode())
    assert response.status_code == 400
    page = response.content.decode()
    assert "แถวที่ 2: “องค์การบริหารส่วนตำบลโพธิ์ทอง” ตรงกับหน่วยงานมากกว่าหนึ่งแห่ง" in page
    assert "7150105" in page and "7150402" in page
    assert Organization.objects.count() == before
