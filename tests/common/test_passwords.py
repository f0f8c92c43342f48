"""The password rules (settings.AUTH_PASSWORD_VALIDATORS, common/passwords.py) on every form that
sets a password: accepting an invitation, the password-reset link and the password change. Each
rule refuses with its own Thai sentence, nothing is saved, and a password that passes them all is
taken; the breached list is read from the repository (no network)."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from common import passwords
from tests.factories import APPROVER, EDITOR, login, user
from tests.people.test_invitation_view import NEWCOMER, accept, invite, link_path

GOOD = "ครัวไทย-ริมน้ำ-2569"
SHORT = "ทดสอบ-ยาว11"  # 11 characters
BREACHED = "iseedeadpeople"  # on the offline list (the RockYou breach)
DIGITS = "583920174629301"
OLD = "ita-demo-2568"

# (password, the Thai sentence it gets); the similar one is built from the person's user name.
RULES = {
    "short": (SHORT, "รหัสผ่านสั้นเกินไป ต้องยาวอย่างน้อย 12 ตัวอักษร"),
    "breached": (BREACHED, "รหัสผ่านนี้อยู่ในรายการรหัสผ่านที่รั่วไหล"),
    "digits": (DIGITS, "รหัสผ่านต้องไม่เป็นตัวเลขทั้งหมด"),
}


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.OTP_REQUIRED = False  # the forms themselves, not the second factor (signin/)


def reset_form(client, person):
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    page = client.get(f"/accounts/reset/{uid}/{default_token_generator.make_token(person)}/", follow=True)
    assert page.status_code == 200
    return page.wsgi_request.path


def set_by_reset(client, person, password):
    return client.post(reset_form(client, person), {"new_password1": password, "new_password2": password})


def set_by_change(client, person, password):
    login(client, person.get_username())
    return client.post("/accounts/password_change/", {"old_password": OLD, "new_password1": password,
                                                      "new_password2": password})


def test_it_asks_for_twelve_characters_and_the_offline_breached_list():
    names = [rule["NAME"] for rule in django_settings.AUTH_PASSWORD_VALIDATORS]
    assert names == ["common.passwords.UserAttributeSimilarityValidator", "common.passwords.MinimumLengthValidator",
                     "common.passwords.BreachedPasswordValidator", "common.passwords.NumericPasswordValidator"]
    breached = passwords.BreachedPasswordValidator()
    assert len(breached.passwords) > 60_000 and BREACHED in breached.passwords and "password" in breached.passwords
    assert passwords.BREACHED_LIST.is_file()


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("setter", [set_by_reset, set_by_change])
def test_it_refuses_each_rule_in_thai_on_reset_and_change(client, db, setter, rule):
    person = user(EDITOR)
    password, sentence = RULES[rule]
    response = setter(client, person, password)
    html = response.content.decode()
    assert response.status_code == 200 and sentence in html and "This password" not in html
    person.refresh_from_db()
    assert not person.check_password(password) and person.check_password(OLD)


@pytest.mark.parametrize("setter", [set_by_reset, set_by_change])
def test_it_refuses_a_password_like_ones_own_user_name(client, db, setter):
    person = user(APPROVER)
    response = setter(client, person, f"{person.get_username()}1")
    assert "รหัสผ่านคล้ายกับชื่อผู้ใช้ ชื่อ หรืออีเมลของท่านมากเกินไป" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(OLD)


@pytest.mark.parametrize("setter", [set_by_reset, set_by_change])
def test_it_takes_a_long_uncommon_password(client, db, setter):
    person = user(EDITOR)
    assert setter(client, person, GOOD).status_code == 302
    person.refresh_from_db()
    assert person.check_password(GOOD)


@pytest.mark.parametrize("rule", sorted(RULES) + ["similar"])
def test_it_refuses_each_rule_in_thai_when_an_invitation_is_accepted(client, smtp_server, db, rule):
    path = link_path(smtp_server, invite(client, smtp_server))
    client.logout()
    password, sentence = RULES.get(rule) or ("somsri.jaidee@example", "รหัสผ่านคล้ายกับชื่อผู้ใช้")
    response = accept(client, path, password1=password, password2=password)
    html = response.content.decode()
    assert response.status_code == 400 and sentence in html and "This password" not in html
    assert not get_user_model().objects.filter(email=NEWCOMER).exists()
    assert accept(client, path, password1=GOOD, password2=GOOD).status_code == 302
    assert get_user_model().objects.get(email=NEWCOMER).check_password(GOOD)
