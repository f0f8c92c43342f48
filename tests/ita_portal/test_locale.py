"""locale/th: Thai for Django's own messages. The compiled .mo is committed (no gettext tools on
a fresh machine), so it must say what the .po says; `make messages` compiles it again."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "th" / "LC_MESSAGES"


def po_entries(path):
    """(msgid, msgid_plural or None, msgstr) of every entry of a .po file (msgstr[0] for plurals)."""
    entries, current, field = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            pytest.fail(f"fuzzy entry in {path}: {line}")
        if not line.strip():
            if current.get("msgid"):
                entries.append((current["msgid"], current.get("msgid_plural"),
                                current.get("msgstr") or current.get("msgstr[0]", "")))
            current, field = {}, None
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
        else:
            field, _space, value = line.partition(" ")
            current[field] = ast.literal_eval(value)
    return entries


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_it_ships_a_compiled_catalog_that_matches_the_po_file(domain):
    catalog = gettext.GNUTranslations((LC_MESSAGES / f"{domain}.mo").open("rb"))
    entries = po_entries(LC_MESSAGES / f"{domain}.po")
    assert entries
    for msgid, plural, msgstr in entries:
        assert msgstr, f"untranslated: {msgid}"
        compiled = catalog.ngettext(msgid, plural, 1) if plural else catalog.gettext(msgid)
        assert compiled == msgstr, f"{domain}.mo is older than {domain}.po (make messages): {msgid}"
    assert len(catalog._catalog) == len(entries) + 1  # + the header; nothing removed from the .po stays


@pytest.mark.parametrize("msgid", ["Null characters are not allowed.", "Enter a valid integer.",
                                   "Enter a complete value."])
def test_it_answers_djangos_own_messages_in_thai(msgid):
    with translation.override("th"):
        assert translation.gettext(msgid) != msgid


def test_it_words_the_nul_character_message_in_thai():
    with translation.override("th"), pytest.raises(ValidationError) as error:
        ProhibitNullCharactersValidator()("ก\x00")
    assert error.value.messages == ["ข้อความมีอักขระที่มองไม่เห็น (NUL) ซึ่งบันทึกไม่ได้ กรุณาลบหรือพิมพ์ข้อความส่วนนั้นใหม่"]
