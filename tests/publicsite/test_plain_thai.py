"""Plain Thai for everyone (issue 22, point 8): a required field asks in Thai, the public pages explain
their abbreviations, one kind of digit per screen, fields the body's documents leave out are marked,
a body with nothing published says so, and the browser's favicon request is answered."""

import re

import pytest
from django import forms

from assessments.models import Organization
from common.thai import screen_digits
from measures.models import MeasurePlan
from reports.models import ReportSettings
from tests.factories import ANGTHONG, EDITOR, login

NOT_PRINTED = "ไม่พิมพ์ในเอกสารของหน่วยงาน"
THAI_DIGIT = re.compile("[๐-๙]")


def text_words(html):
    """The words the portal writes in the page's main content (no tags, codes, addresses, or what a
    person typed: the elements marked data-typed)."""
    main = html.split("<main", 1)[1].split("</main>")[0]
    main = re.sub(r"<([a-z0-9]+)\b[^>]*\bdata-typed\b[^>]*>.*?</\1>", " ", main, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", main)
    return [w for w in text.split() if not re.search("[A-Za-z&]", w)]


def test_a_required_field_asks_in_plain_thai():
    with pytest.raises(forms.ValidationError) as error:
        forms.CharField().clean("")
    assert error.value.messages == ["กรุณากรอกข้อมูลในช่องนี้"]


def test_a_required_field_on_a_page_says_so_in_thai(client, db):
    html = client.post("/accounts/password_reset/", {"email": ""}).content.decode()
    assert "กรุณากรอกข้อมูลในช่องนี้" in html and "ฟิลด์นี้จำเป็น" not in html


def test_the_public_pages_explain_their_abbreviations_in_thai(client, db):
    year = client.get(f"/orgs/{ANGTHONG}/2568/").content.decode()
    glossary = year.split('data-testid="glossary"')[1].split("</details>")[0]
    for term, words in (("IIT", "บุคลากรของหน่วยงาน"), ("EIT", "ประชาชน"), ("OIT", "เปิดเผยข้อมูลสาธารณะ"),
                        ("ITAS", "ระบบออนไลน์ของสำนักงาน ป.ป.ช."), ("JSON, CSV", "Excel"), ("i1 e5 o27", "เลขข้อ")):
        assert term in glossary and words in glossary, term
    body = client.get(f"/orgs/{ANGTHONG}/").content.decode()
    assert '<abbr title="แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน">IIT</abbr>' in body
    assert "ITAS" in body.split('data-testid="glossary"')[1]


def test_a_body_page_uses_the_digits_of_its_documents_throughout(client, db):
    body = Organization.objects.get(slug="abt-bo-kaeo")  # Thai digits (the default), documents published
    assert body.thai_numerals
    words = text_words(client.get(f"/orgs/{body.slug}/2568/").content.decode())
    assert any(THAI_DIGIT.search(w) for w in words)
    assert not [w for w in words if re.search("[0-9]", w)]
    Organization.objects.filter(pk=body.pk).update(thai_numerals=False)
    words = text_words(client.get(f"/orgs/{body.slug}/2568/").content.decode())
    assert any(re.search("[0-9]", w) for w in words)
    assert not [w for w in words if THAI_DIGIT.search(w)]


def test_screen_digits_change_the_text_never_a_tag_an_address_or_a_code():
    html = ('<a href="/orgs/x/2568/" data-n="95">ปี 2568 ข้อ o27 &#39;95.08&#39; 01:20</a>'
            " http://t.go.th/2568/m.pdf (๓๐)")
    assert screen_digits(html, True) == ('<a href="/orgs/x/2568/" data-n="95">ปี ๒๕๖๘ ข้อ o27 &#39;๙๕.๐๘&#39; '
                                         "๐๑:๒๐</a> http://t.go.th/2568/m.pdf (๓๐)")
    assert screen_digits("<p>ปี ๒๕๖๘ ข้อ o27</p>", False) == "<p>ปี 2568 ข้อ o27</p>"
    typed = '<p>ปี 2568 <span class="fw-bold" data-typed>โครงการที่ 1 ปี ๒๕๖๘</span> 3</p>'
    assert screen_digits(typed, True) == '<p>ปี ๒๕๖๘ <span class="fw-bold" data-typed>โครงการที่ 1 ปี ๒๕๖๘</span> ๓</p>'


def test_staff_pages_write_their_dates_in_arabic_digits(client, db):
    login(client, EDITOR)
    home = client.get("/app/").content.decode()
    assert not THAI_DIGIT.search(" ".join(text_words(home)))
    plan = MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569)
    round_page = client.get(f"/app/orgs/{ANGTHONG}/2569/rounds/6/").content.decode()
    assert "1 ตุลาคม 2568 – 31 มีนาคม 2569 · กำหนดส่ง 30 เมษายน 2569" in round_page
    assert "กำหนดส่ง 30 เมษายน 2569" in client.get(f"/app/orgs/{ANGTHONG}/{plan.fiscal_year}/plan/").content.decode()


def test_a_published_documents_item_is_written_in_arabic_digits_on_the_staff_page(client, db):
    login(client, "dongkhwang_editor")
    html = client.get("/app/orgs/abt-dong-khwang/2568/plan/").content.decode()
    published = html.split('id="published"')[1].split("</section>")[0]
    assert "ITA ปี 2568 ข้อ o27" in published and not THAI_DIGIT.search(published)


def test_the_measure_and_entry_forms_mark_the_fields_the_bodys_documents_leave_out(client, db):
    login(client, EDITOR)
    plan = MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569)
    measure = plan.measures.order_by("order", "pk").first()

    def marked(html, field):
        """The field's block (crispy's div_id_<field>, up to the next field's) says it is not printed."""
        block = html.split(f'id="div_id_{field}"')[1].split('id="div_id_')[0]
        return NOT_PRINTED in block

    # The defaults print the analysis and the period, not the guideline, target or budget.
    form = client.get(f"/app/orgs/{ANGTHONG}/2569/measures/{measure.pk}/").content.decode()
    assert marked(form, "guideline") and marked(form, "target") and marked(form, "budget")
    assert not marked(form, "analysis") and not marked(form, "title") and not marked(form, "steps")
    ReportSettings.objects.update_or_create(org=plan.org, defaults={
        "measure_columns": ["guideline", "target", "budget"], "result_columns": ["done", "problems"]})
    form = client.get(f"/app/orgs/{ANGTHONG}/2569/measures/{measure.pk}/").content.decode()
    assert not marked(form, "guideline") and marked(form, "analysis")
    entry = client.get(f"/app/orgs/{ANGTHONG}/2569/rounds/6/measures/{measure.pk}/").content.decode()
    assert marked(entry, "remarks") and not marked(entry, "done_text") and not marked(entry, "output")


def test_a_body_with_nothing_published_yet_says_so(client, db):
    html = client.get(f"/orgs/{ANGTHONG}/").content.decode()
    assert 'data-testid="nothing-published"' in html
    year = client.get(f"/orgs/{ANGTHONG}/2568/").content.decode()
    assert "ยังไม่ได้เผยแพร่มาตรการหรือรายงานผลการดำเนินการของปีงบประมาณนี้" in year
    assert 'data-testid="nothing-published"' not in client.get("/orgs/abt-bo-kaeo/").content.decode()


def test_the_favicon_is_answered_and_linked(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert '<link rel="icon" href="/static/favicon.ico"' in client.get("/").content.decode()
