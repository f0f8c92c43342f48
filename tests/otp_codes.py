"""Real one-time passwords for the tests: computed from a device's key as the phone's app does."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from signin import otp


def code_for(device: TOTPDevice, *, ahead: int = 0) -> str:
    """The code the app shows now; ahead=n: the one n steps of 30 s later. The portal takes each step's
    code once and a step either side of its clock, so a second sign-in in the same test uses ahead=1."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=ahead):06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """Turn the second factor on through the real service: the app's device and the ten recovery codes."""
    device = otp.otp_enrol_start(user=user)
    codes = otp.otp_enrol_confirm(user=user, device=device, code=code_for(device))
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that are none of the codes the device accepts now."""
    accepted = {code_for(device, ahead=n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)
