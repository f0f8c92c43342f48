"""The second factor on other apps' pages (people/ never imports signin: docs/ARCHITECTURE.md,
"Layers"): which of a page's people have one, asked once for the page."""

from django import template
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

register = template.Library()


@register.simple_tag
def second_factor_users(memberships) -> set[int]:
    """The ids of the users of ``memberships`` who have a second factor (an app, confirmed or being
    set up, recovery codes or a passkey): one query for the page."""
    ids = {m.user_id for m in memberships}
    if not ids:
        return set()
    found = TOTPDevice.objects.filter(user_id__in=ids).values_list("user_id", flat=True).union(
        StaticDevice.objects.filter(user_id__in=ids).values_list("user_id", flat=True),
        WebAuthnCredential.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    return set(found)
