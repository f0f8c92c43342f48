"""Error pages with DEBUG off: Thai, with the portal's header and a way back, never Django's bare English."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from assessments import selectors
from tests.factories import ANGTHONG, APPROVER, DEMO_PASSWORD, EDITOR, login

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


# ---------------------------------------------------------------- refusals before any view (issue 21)


def _anonymous_with_csrf_cookie():
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    return client, client.cookies["csrftoken"].value


@pytest.mark.parametrize("charset", ["cp874", "utf-16", "utf8", "x-no-such-charset"])
def test_it_answers_a_form_declared_in_another_charset_with_a_thai_400(db, charset):
    client, token = _anonymous_with_csrf_cookie()
    body = f"csrfmiddlewaretoken={token}&username=%E0%B8%81&password=x".encode()
    # generic(): the body as given (post() would re-encode it in the declared charset)
    response = client.generic("POST", "/accounts/login/", body.decode().encode(charset, "ignore")
                              if charset != "x-no-such-charset" else body,
                              content_type=f"application/x-www-form-urlencoded; charset={charset}")
    html = response.content.decode()
    assert response.status_code == 400
    assert_thai_error_page(html, "คำขอไม่ถูกต้อง")
    assert "ระบบรับข้อมูลจากแบบฟอร์มเฉพาะที่เข้ารหัสอักขระแบบ UTF-8" in html


def test_it_still_takes_a_form_that_declares_utf_8(db):
    client, token = _anonymous_with_csrf_cookie()
    body = f"csrfmiddlewaretoken={token}&username={EDITOR}&password={DEMO_PASSWORD}".encode()
    response = client.post("/accounts/login/", body, content_type="application/x-www-form-urlencoded; charset=UTF-8")
    assert response.status_code == 302


def test_it_answers_a_body_it_cannot_read_with_the_thai_400_page_not_a_500(db, settings):
    # Too many fields: Django refuses the body inside the CSRF check; its own 400 view read it again.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client, token = _anonymous_with_csrf_cookie()
    response = Client(enforce_csrf_checks=True, raise_request_exception=False,
                      HTTP_COOKIE=f"csrftoken={token}").post(
        "/accounts/login/", {"csrfmiddlewaretoken": token, **{f"f{i}": "x" for i in range(20)}})
    assert response.status_code == 400
    assert_thai_error_page(response.content.decode(), "คำขอไม่ถูกต้อง")


@pytest.mark.parametrize("url", ["/", "/measures/", f"/orgs/{ANGTHONG}/", "/app/dashboard/"])
def test_it_answers_an_over_long_address_with_a_thai_414(client, db, url):
    response = client.get(url, {"q": "ก" * 500})  # 4,500 bytes once percent-encoded
    html = response.content.decode()
    assert response.status_code == 414
    assert_thai_error_page(html, "ที่อยู่เว็บยาวเกินไป")
    assert "ไม่เกิน 4,096 ไบต์" in html


def test_it_still_answers_an_address_just_under_the_limit(client, db):
    assert client.get("/measures/", {"q": "ก" * 20, "x": "a" * 3_500}).status_code == 200


def test_it_answers_a_get_on_a_post_only_address_with_a_thai_405(client, db):
    login(client, EDITOR)
    response = client.get("/app/notifications/read-all/")
    html = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert_thai_error_page(html, "เปิดที่อยู่นี้ด้วยวิธีนี้ไม่ได้")
    assert "ที่อยู่นี้ใช้ได้เฉพาะผ่านปุ่มหรือแบบฟอร์มในหน้าของระบบ" in html
    assert ">ออกจากระบบ</button>" in html  # the signed-in header


def test_it_answers_a_post_on_a_get_only_address_with_a_thai_405(client, db):
    response = client.post("/measures/", {"q": "x"})
    assert response.status_code == 405 and "GET" in response["Allow"]
    assert_thai_error_page(response.content.decode(), "เปิดที่อยู่นี้ด้วยวิธีนี้ไม่ได้")


@pytest.fixture(scope="module")
def gunicorn_server(tmp_path_factory):
    """The portal behind a real gunicorn with gunicorn.conf.py and DEBUG off, as `make serve-prod`
    runs it (its own empty SQLite file: these refusals come before any query)."""
    import os
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    from tests.smtp import free_port

    root = Path(__file__).resolve().parents[2]
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ita_portal.settings", "DEBUG": "0",
           "SECRET_KEY": "gunicorn-test-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
           "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('gunicorn') / 'empty.sqlite3'}",
           "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "ita_portal.wsgi", "-c",
                               "gunicorn.conf.py"], cwd=root, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(10)


def _raw(port, method, target, body=b"", content_type=None, cookie=None):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"Content-Type": content_type} if content_type else {}
    if cookie:
        headers["Cookie"] = cookie
    connection.request(method, target, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


@pytest.mark.parametrize("query_bytes", [4_200, 8_000])
def test_it_answers_a_long_query_in_thai_behind_gunicorn(gunicorn_server, query_bytes):
    status, html = _raw(gunicorn_server, "GET", "/measures/?q=" + "a" * query_bytes)
    assert status == 414
    assert "ที่อยู่เว็บยาวเกินไป" in html and "URI Too Long" not in html


@pytest.mark.parametrize("charset", ["cp874", "utf-16"])
def test_it_answers_a_form_in_another_charset_in_thai_behind_gunicorn(gunicorn_server, charset):
    token = "a" * 32  # an anonymous visitor's CSRF cookie, sent back in the form: the check reads the body
    body = f"csrfmiddlewaretoken={token}&username=ก&password=x".encode(charset)
    status, html = _raw(gunicorn_server, "POST", "/accounts/login/", body,
                        f"application/x-www-form-urlencoded; charset={charset}", cookie=f"csrftoken={token}")
    assert status == 400
    assert "ระบบรับข้อมูลจากแบบฟอร์มเฉพาะที่เข้ารหัสอักขระแบบ UTF-8" in html and "Internal Server Error" not in html
