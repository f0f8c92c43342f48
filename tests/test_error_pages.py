"""Error pages with DEBUG off: Thai, with the portal's header and a way back, never Django's bare English."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from assessments import selectors

from .factories import ANGTHONG, APPROVER, DEMO_PASSWORD, EDITOR, login

DJANGO_ENGLISH = ["Not Found", "Forbidden", "Server Error", "Bad Request", "CSRF verification failed",
                  "No Organization matches"]


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def assert_thai_error_page(html, heading):
    assert f'<h1 class="h3 mb-3">{heading}</h1>' in html
    assert '<a class="navbar-brand" href="/">ITA Portal</a>' in html
    assert ">กลับหน้าแรก</a>" in html and "data-history-back hidden>ย้อนกลับ</a>" in html
    assert not [words for words in DJANGO_ENGLISH if words in html]
    assert all(chunk.lstrip().startswith("src=") for chunk in html.split("<script")[1:])  # CSP: no inline script


def test_it_shows_a_thai_404_page_for_an_unknown_body_without_djangos_english_message(client, db):
    response = client.get("/orgs/nope/")
    html = response.content.decode()
    assert response.status_code == 404
    assert_thai_error_page(html, "ไม่พบหน้าที่ต้องการ")
    assert "ที่อยู่เว็บอาจพิมพ์ไม่ถูกต้อง" in html and 'data-testid="error-message"' not in html
    assert ">เข้าสู่ระบบ</a>" in html


def test_the_404_page_shows_the_views_thai_message_to_a_signed_in_user(client, db):
    login(client, EDITOR)
    response = client.get("/orgs/abt-bo-kaeo/2568/nope.pdf")
    html = response.content.decode()
    assert response.status_code == 404
    assert_thai_error_page(html, "ไม่พบหน้าที่ต้องการ")
    assert '<p class="lead" data-testid="error-message">ไม่มีเอกสารชนิดนี้</p>' in html
    assert ">ออกจากระบบ</button>" in html


def test_an_unknown_address_is_a_thai_404_without_the_resolvers_details(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert_thai_error_page(response.content.decode(), "ไม่พบหน้าที่ต้องการ")
    assert "Resolver404" not in response.content.decode()


def test_the_403_page_shows_the_thai_permission_denied_message(client, db):
    login(client, APPROVER)  # an approver may not edit measures
    response = client.get(f"/app/orgs/{ANGTHONG}/2569/measures/new/")
    html = response.content.decode()
    assert response.status_code == 403
    assert_thai_error_page(html, "ไม่มีสิทธิ์เข้าถึงหน้านี้")
    assert '<p class="lead" data-testid="error-message">เฉพาะเจ้าหน้าที่ผู้จัดทำของหน่วยงานเท่านั้นที่แก้ไขได้</p>' in html
    assert "ติดต่อผู้ดูแลระบบของหน่วยงาน" in html


def test_a_403_without_a_message_shows_a_generic_thai_sentence(db):
    html = render_to_string("403.html", {"exception": ""})
    assert "บัญชีของคุณไม่มีสิทธิ์ดูหรือดำเนินการในหน้านี้" in html


def test_a_request_for_a_host_the_portal_does_not_serve_gets_a_thai_400_page(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert_thai_error_page(html, "คำขอไม่ถูกต้อง")
    assert "กรุณาตรวจสอบที่อยู่เว็บ" in html


def test_a_server_error_gets_a_thai_500_page(db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the search is broken")

    monkeypatch.setattr(selectors, "search_organizations", broken)
    response = Client(raise_request_exception=False).get("/", {"q": "อ่างทอง"})
    html = response.content.decode()
    assert response.status_code == 500
    assert_thai_error_page(html, "ระบบขัดข้อง")
    assert "กรุณาลองใหม่อีกครั้งในอีกสักครู่" in html and "the search is broken" not in html


def test_the_500_page_renders_without_the_database_or_a_request_context():
    # No `db` fixture: any query while rendering would fail this test.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert_thai_error_page(response.content.decode(), "ระบบขัดข้อง")


def test_a_form_sent_without_a_csrf_token_gets_a_thai_403_page_that_says_what_to_do(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": EDITOR, "password": DEMO_PASSWORD})
    html = response.content.decode()
    assert response.status_code == 403
    assert_thai_error_page(html, "ส่งแบบฟอร์มไม่สำเร็จ")
    assert "หน้านี้อาจเปิดค้างไว้นานเกินไป หรือเบราว์เซอร์ปิดกั้นคุกกี้ของเว็บไซต์นี้" in html
    assert "โหลดหน้านั้นใหม่ แล้วกรอกและส่งแบบฟอร์มอีกครั้ง" in html
    assert "_auth_user_id" not in client.session


def test_the_csrf_page_names_djangos_reason_only_with_debug_on(db, settings):
    def failed():
        return Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})

    assert "CSRF cookie not set" not in failed().content.decode()
    settings.DEBUG = True
    html = failed().content.decode()
    assert "รายละเอียดสำหรับผู้พัฒนา (DEBUG): CSRF cookie not set." in html and "ส่งแบบฟอร์มไม่สำเร็จ" in html
