"""Text people type, made fit for an official document before it is saved, and checked
against the limits the models declare. Imports no app."""

import re
import unicodedata

from django.db import models
from django.utils.translation import gettext as _

# Invisible characters that change how text reads or sorts without showing: bidi embeddings,
# overrides and isolates, left/right marks, joiners, the word joiner and the byte-order mark.
# U+200B (zero-width space) stays: Thai uses it to mark a word break inside a line.
INVISIBLE = re.compile("[\u061c\u200c-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Control characters other than tab and new line (NUL is refused earlier, by the forms).
CONTROL = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f]")


def clean_text(value: str) -> str:
    """NFC, one kind of new line, no invisible direction or joining characters, and sara am
    typed as nikhahit + sara aa (ํ + า, which looks the same) stored as ำ."""
    if not value:
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = unicodedata.normalize("NFC", value).replace("\u0e4d\u0e32", "\u0e33")
    return CONTROL.sub("", INVISIBLE.sub("", value))


def clean_fields(obj) -> None:
    """clean_text() on every text field of a model instance."""
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField) and isinstance(getattr(obj, field.attname), str):
            setattr(obj, field.attname, clean_text(getattr(obj, field.attname)))


def too_long(label, length: int, limit: int) -> str:
    return _("“%(field)s” ยาว %(length)s ตัวอักษร เกินกำหนด %(limit)s ตัวอักษร กรุณาย่อให้สั้นลง") % {
        "field": label, "length": f"{length:,}", "limit": f"{limit:,}"}


def length_errors(obj) -> list[str]:
    """A Thai sentence for each text field of ``obj`` longer than its model's max_length."""
    errors = []
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if field.max_length and isinstance(field, models.CharField | models.TextField) and isinstance(value, str) \
                and len(value) > field.max_length:
            errors.append(too_long(field.verbose_name, len(value), field.max_length))
    return errors


def readable_url(url: str) -> str:
    """An address as a person reads it: percent-encoded Thai decoded (the link itself keeps the
    address as stored). An address whose bytes are not UTF-8 is shown as stored."""
    from urllib.parse import unquote

    try:
        decoded = unquote(url or "", errors="strict")
    except UnicodeDecodeError:
        return url or ""
    # A decoded control, format (bidi override, zero-width) or separator character could make the
    # text read as another address: such an address is shown as stored.
    if any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in decoded):
        return url or ""
    return decoded
