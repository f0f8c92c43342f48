"""Django's auth views, in Thai, rate-limited by django-axes."""

from django.contrib.auth import get_user_model

from tests.factories import DEMO_PASSWORD, EDITOR

LOGIN = "/accounts/login/"


def test_the_sign_in_page_is_in_thai(client, db):
    html = client.get(LOGIN).content.decode()
    assert "เข้าสู่ระบบสำหรับเจ้าหน้าที่" in html
    assert "ชื่อผู้ใช้" in html and "รหัสผ่าน" in html


def test_a_demo_editor_signs_in_and_lands_on_their_tasks(client, db):
    response = client.post(LOGIN, {"username": EDITOR, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/app/"
    html = client.get("/app/").content.decode()
    assert "เทศบาลเมืองอ่างทอง" in html and "นำเข้าคะแนน ITA จากไฟล์" in html


def test_a_wrong_password_gets_a_thai_message(client, db):
    html = client.post(LOGIN, {"username": EDITOR, "password": "wrong"}).content.decode()
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in html


def test_five_failures_lock_the_account_out_even_with_the_right_password(client, db):
    for _ in range(5):
        client.post(LOGIN, {"username": EDITOR, "password": "wrong"})
    response = client.post(LOGIN, {"username": EDITOR, "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_and_ends_the_session(client, db):
    client.post(LOGIN, {"username": EDITOR, "password": DEMO_PASSWORD})
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_user_without_a_body_is_told_what_to_do(client, db):
    get_user_model().objects.create_user("lonely", password="x-long-password-1")
    client.post(LOGIN, {"username": "lonely", "password": "x-long-password-1"})
    assert "บัญชีนี้ยังไม่ได้ผูกกับหน่วยงานใด" in client.get("/app/").content.decode()


def test_a_deactivated_person_with_an_open_session_reaches_nothing_and_cannot_sign_in_again(deactivated):
    client, person = deactivated
    for url in ("/app/", "/app/orgs/abt-bo-kaeo/2568/plan/", "/app/dashboard/", "/app/profile/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert client.post("/app/orgs/abt-bo-kaeo/2568/plan/transition/", {"action": "revise"}).status_code == 302
    response = client.post("/accounts/login/", {"username": person.username, "password": "ita-demo-2568"})
    assert response.status_code == 200  # the sign-in page again, never in (one failure: no lockout)
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in response.content.decode()  # as for a wrong password: nothing told
    assert "/accounts/login/" in client.get("/app/")["Location"]
