"""Recovery codes kept hashed (issue 27 point 1): django-otp's StaticToken held each code as typed;
this replaces every stored code by its keyed hash (signin/otp.py recovery_digest, written out
here so that the migration does not change when the code does). The printed codes keep working.
Backwards it does nothing: a hash cannot be turned back into a code."""

from base64 import urlsafe_b64encode

from django.conf import settings
from django.db import migrations
from django.utils.crypto import salted_hmac

SALT = "signin.otp.recovery_code"  # signin/otp.py RECOVERY_SALT


def digest(code: str) -> str:
    normalised = "".join(code.split()).replace("-", "").lower()
    mac = salted_hmac(SALT, normalised, secret=settings.SECRET_KEY, algorithm="sha256").digest()
    return urlsafe_b64encode(mac).decode()[:16]


def hash_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    tokens = list(StaticToken.objects.all())
    for token in tokens:
        token.token = digest(token.token)
    StaticToken.objects.bulk_update(tokens, ["token"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("otp_static", "0003_add_timestamps")]

    operations = [migrations.RunPython(hash_codes, migrations.RunPython.noop, elidable=False)]
