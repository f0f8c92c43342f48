"""Recovery codes kept hashed (issue 27 point 1): the database holds a keyed hash of each code,
never the code as typed; a code is checked by its hash and works once; the data migration hashes
the codes stored as typed before it, and those keep working."""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from signin import otp
from tests.factories import ADMIN, DEMO_PASSWORD, EDITOR, user
from tests.otp_codes import enrol

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/otp/"
migration = importlib.import_module("signin.migrations.0001_hash_recovery_codes")


def signed_in(username):
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    return client


def stored():
    return list(StaticToken.objects.values_list("token", flat=True))


def test_it_keeps_no_recovery_code_as_typed(db):
    _device, codes = enrol(user(EDITOR))
    tokens = stored()
    assert len(tokens) == 10
    for code in codes:
        printed = f"{code[:4]}-{code[4:]}"
        assert not any(code in token or printed in token or code.upper() in token for token in tokens)
    assert sorted(tokens) == sorted(otp.recovery_digest(code) for code in codes)
    assert all(len(token) == 16 for token in tokens)


def test_it_takes_a_recovery_code_once_by_its_hash(required):
    _device, codes = enrol(user(ADMIN))
    client = signed_in(ADMIN)
    assert client.post(VERIFY, {"code": f"{codes[3][:4]}-{codes[3][4:]}".upper()}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert otp.recovery_codes_left(user(ADMIN)) == 9
    assert otp.recovery_digest(codes[3]) not in stored()
    again = signed_in(ADMIN)
    assert again.post(VERIFY, {"code": codes[3]}).status_code == 400
    assert again.get("/admin/").status_code == 302


def test_it_does_not_take_the_stored_hash_as_a_code(required):
    _device, codes = enrol(user(EDITOR))
    client = signed_in(EDITOR)
    assert client.post(VERIFY, {"code": otp.recovery_digest(codes[0])}).status_code == 400
    assert otp.recovery_codes_left(user(EDITOR)) == 10


def test_the_codes_still_work_after_the_secret_key_is_rotated(required):
    _device, codes = enrol(user(EDITOR))
    required.SECRET_KEY_FALLBACKS = [required.SECRET_KEY]
    required.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    checked = otp.code_check(user=user(EDITOR), code=codes[0])
    assert checked.device is not None and checked.recovery_left == 9


def test_the_migration_hashes_codes_stored_as_typed_and_they_keep_working(required):
    person = user(EDITOR)
    enrol(person)
    device = StaticDevice.objects.get(user=person)
    device.token_set.all().delete()
    typed = ["abcd2345", "wxyz7654"]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in typed])

    migration.hash_codes(apps, None)

    assert not set(stored()) & set(typed)
    assert sorted(stored()) == sorted(otp.recovery_digest(code) for code in typed)
    client = signed_in(EDITOR)
    assert client.post(VERIFY, {"code": "ABCD-2345"}).status_code == 302
    assert otp.recovery_codes_left(person) == 1
