"""The measure library's rows (library/index.py) and the Thai tokeniser (common/thai_search.py):
only the latest published, approved version is searchable, and the rows stay in step with
publishing, new versions, renames, score imports and erasures, in the same transaction."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from assessments import services as assessment_services
from assessments.models import Organization
from common.thai_search import highlight, index_terms, query_words, tokens
from library import index as library
from library.models import LibraryEntry, LibraryIndicator
from measures import services as measure_services
from measures.models import MeasurePlan
from ops.privacy import erase_personal_data
from tests.factories import ANGTHONG, APPROVER, EDITOR, build_plan, import_records, user

DONGKHWANG = "abt-dong-khwang"


def step(plan, action, who, comment=""):
    return measure_services.document_transition(plan=plan, actor=user(who), action=action, comment=comment)


def publish(plan):
    step(plan, "submit", EDITOR)
    step(plan, "approve", APPROVER)
    step(plan, "publish", APPROVER)
    plan.refresh_from_db()
    return plan


def titles(q="", **filters):
    rows, _words = library.search(q=q, **filters)
    return [entry.title for entry in rows]


def retitle(plan, title, position=0):
    measure = plan.measures.order_by("order")[position]
    return measure_services.measure_save(plan=plan, actor=user(EDITOR), measure=measure, data={"title": title},
                                         expected_version=measure.version)


@pytest.fixture
def angthong_2570(angthong):
    return build_plan(angthong, 2570, measures=2)


# ---------------------------------------------------------------- the tokeniser


def test_it_tokenises_stored_text_and_queries_the_same_way():
    assert tokens("มาตรการส่งเสริมความโปร่งใส") == ["มาตรการ", "ส่งเสริม", "โปร่งใส"]  # stop-words dropped
    assert tokens("Score Retention (ITA) ๒๕๖๘") == ["score", "retention", "ita", "2568"]
    assert tokens("ดำเนินการ") == tokens("ดําเนินการ")  # ํ + า read as ำ
    assert query_words("การ และ ใน") == []


def test_it_stores_the_words_inside_a_compound_newmm_keeps_whole():
    # newmm keeps the seed's จัดซื้อจัดจ้าง (อบต.ดงขวาง, measure 4) as one word ...
    assert tokens("ในการจัดซื้อจัดจ้าง") == ["จัดซื้อจัดจ้าง"]
    # ... so the stored terms carry the words inside it, and only real words.
    terms = index_terms("ในการจัดซื้อจัดจ้าง")
    assert {"จัดซื้อจัดจ้าง", "จัดซื้อ", "จัดจ้าง"} <= set(terms)
    assert "การ" not in terms and "ใน" not in terms


def test_highlighting_escapes_the_text_and_marks_words_inside_longer_words():
    html = highlight("<script>alert(1)</script> การจัดซื้อจัดจ้าง & ITA", ["จัดซื้อ", "ita"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert "การ<mark>จัดซื้อ</mark>จัดจ้าง" in html and "<mark>ITA</mark>" in html


# ---------------------------------------------------------------- what is searchable


def test_a_word_inside_a_longer_word_of_a_published_seed_measure_is_found(db):
    found = titles("จัดซื้อ")
    assert "มาตรการส่งเสริมความโปร่งใสในการจัดซื้อจัดจ้าง" in found
    entry = LibraryEntry.objects.get(org__slug=DONGKHWANG, title="มาตรการส่งเสริมความโปร่งใสในการจัดซื้อจัดจ้าง")
    assert entry.document.version == 1 and entry.fiscal_year == 2568


def test_a_draft_plan_is_never_found(db):
    # Angthong's FY 2569 plan is a draft in the demo; its measure 2 is "… (Score Retention Plan)".
    assert MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569).status == "draft"
    assert titles("retention") == []
    assert not LibraryEntry.objects.filter(org__slug=ANGTHONG).exists()


def test_a_submitted_returned_or_approved_plan_is_never_found(angthong_2570):
    retitle(angthong_2570, "มาตรการจัดทำกระดานดำประชาสัมพันธ์")
    step(angthong_2570, "submit", EDITOR)
    assert titles("กระดานดำ") == []
    step(angthong_2570, "return", APPROVER, comment="แก้ไขชื่อ")
    assert titles("กระดานดำ") == []
    step(angthong_2570, "submit", EDITOR)
    step(angthong_2570, "approve", APPROVER)
    assert titles("กระดานดำ") == []
    step(angthong_2570, "publish", APPROVER)
    assert titles("กระดานดำ") == ["มาตรการจัดทำกระดานดำประชาสัมพันธ์"]


def test_a_new_version_replaces_the_old_and_a_correction_keeps_the_published_one(angthong_2570):
    retitle(angthong_2570, "มาตรการจัดทำกระดานดำประชาสัมพันธ์")
    publish(angthong_2570)
    first = LibraryEntry.objects.get(org__slug=ANGTHONG, fiscal_year=2570, position=1)
    step(angthong_2570, "revise", EDITOR)  # a correction: draft again, the published version stays public
    retitle(angthong_2570, "มาตรการจัดทำกระดานขาวประชาสัมพันธ์")
    assert titles("กระดานดำ") == ["มาตรการจัดทำกระดานดำประชาสัมพันธ์"]
    assert titles("กระดานขาว") == []  # the draft's words are never found
    publish(angthong_2570)
    assert titles("กระดานดำ") == []  # superseded
    assert titles("กระดานขาว") == ["มาตรการจัดทำกระดานขาวประชาสัมพันธ์"]
    rows = LibraryEntry.objects.filter(org__slug=ANGTHONG, fiscal_year=2570)
    assert rows.count() == 2 and {e.document.version for e in rows} == {2}
    assert not LibraryEntry.objects.filter(pk=first.pk).exists()


def test_rows_come_from_the_approval_not_the_live_measures(angthong_2570):
    retitle(angthong_2570, "มาตรการจัดทำกระดานดำประชาสัมพันธ์")
    publish(angthong_2570)
    entry = LibraryEntry.objects.get(org__slug=ANGTHONG, fiscal_year=2570, position=1)
    assert entry.content["steps"] == ["ขั้นที่หนึ่ง", "ขั้นที่สอง"]
    assert entry.content["monitoring_rounds"] == [6, 12]
    step(angthong_2570, "revise", EDITOR)
    measure = angthong_2570.measures.order_by("order").first()
    measure_services.measure_save(plan=angthong_2570, actor=user(EDITOR), measure=measure,
                                  data={"steps": "ขั้นตอนที่ยังไม่เห็นชอบ"}, expected_version=measure.version)
    library.rebuild(org_ids=[angthong_2570.org_id])  # built again from what was published
    entry = LibraryEntry.objects.get(org__slug=ANGTHONG, fiscal_year=2570, position=1)
    assert entry.content["steps"] == ["ขั้นที่หนึ่ง", "ขั้นที่สอง"]
    assert titles("ยังไม่เห็นชอบ") == []


def test_a_word_of_the_steps_is_found_but_a_title_match_ranks_first(angthong_2570):
    retitle(angthong_2570, "มาตรการทดสอบที่หนึ่ง")
    retitle(angthong_2570, "มาตรการติดตั้งกระดานดำ", position=1)
    measure = angthong_2570.measures.order_by("order").first()
    measure_services.measure_save(plan=angthong_2570, actor=user(EDITOR), measure=measure,
                                  data={"steps": "ซื้อกระดานดำ\nติดประกาศ"}, expected_version=measure.version)
    publish(angthong_2570)
    assert titles("กระดานดำ") == ["มาตรการติดตั้งกระดานดำ", "มาตรการทดสอบที่หนึ่ง"]


# ---------------------------------------------------------------- filters and the scores


@pytest.fixture
def angthong_2569(angthong):
    """Angthong's FY 2569 plan (one measure per indicator, based on the FY 2568 result), published."""
    return publish(MeasurePlan.objects.get(org=angthong, fiscal_year=2569))


def test_rows_carry_the_indicator_and_its_score_of_the_year_analysed(angthong_2569):
    entry = LibraryEntry.objects.get(org__slug=ANGTHONG, fiscal_year=2569, position=9)
    [indicator] = entry.indicators
    assert indicator["number"] == 9 and indicator["name"]
    assert indicator["score"] is not None and indicator["change"] is None  # no FY 2569 result yet
    assert entry.org_kind == "town_municipality" and entry.province_name == "อ่างทอง"


def test_a_score_import_fills_the_next_years_change_in_the_same_transaction(angthong_2569):
    entry = LibraryEntry.objects.get(org__slug=ANGTHONG, fiscal_year=2569, position=9)
    before = Decimal(entry.indicators[0]["score"])
    with transaction.atomic():
        import_records([{"org": ANGTHONG, "fiscal_year": "2569", "scope": "indicator", "code": "9",
                         "value": str(min(Decimal("100"), before + 5))},
                        {"org": ANGTHONG, "fiscal_year": "2569", "scope": "indicator", "code": "1", "value": "10.00"}])
        entry.refresh_from_db()
        assert Decimal(entry.indicators[0]["change"]) > 0
    assert LibraryIndicator.objects.get(entry=entry, number=9).change > 0
    assert titles(rose=True) == [entry.title]
    assert titles(indicator=9, rose=True) == [entry.title]
    assert titles(indicator=1, rose=True) == []  # indicator 1 fell
    assert titles(indicator=1, fiscal_year=2569) == [
        LibraryEntry.objects.get(org__slug=ANGTHONG, fiscal_year=2569, position=1).title]


def test_filters_by_year_province_and_kind(angthong_2569):
    assert set(titles(fiscal_year=2564)) == set(
        LibraryEntry.objects.filter(org__slug="thesaban-tambon-phok-noi").values_list("title", flat=True))
    angthong_rows = set(LibraryEntry.objects.filter(org__slug=ANGTHONG).values_list("title", flat=True))
    assert set(titles(province_id=Organization.objects.get(slug=ANGTHONG).province_id)) == angthong_rows
    assert set(titles(kind="town_municipality")) == angthong_rows
    assert "มาตรการส่งเสริมความโปร่งใสในการจัดซื้อจัดจ้าง" in titles("จัดซื้อ", kind="sao")
    assert "มาตรการส่งเสริมความโปร่งใสในการจัดซื้อจัดจ้าง" not in titles("จัดซื้อ", kind="town_municipality")


def test_improvement_orders_equally_relevant_results(angthong_2569):
    import_records([{"org": ANGTHONG, "fiscal_year": "2569", "scope": "indicator", "code": str(n),
                     "value": "100.00" if n == 7 else "1.00"} for n in range(1, 11)])
    rows, _words = library.search(q="มาตรการ", fiscal_year=2569)
    assert rows[0].position == 7  # the one whose indicator rose most comes first


# ---------------------------------------------------------------- in step with the body and people


def test_a_rename_shows_the_new_name_in_the_same_transaction(db):
    org = Organization.objects.get(slug=DONGKHWANG)
    with transaction.atomic():
        assessment_services.organization_upsert(slug=org.slug, name="เทศบาลตำบลดงขวาง", kind="subdistrict_municipality",
                                                province=org.province, district=org.district)
        assert set(LibraryEntry.objects.filter(org=org).values_list("org_name", "org_kind")) == {
            ("เทศบาลตำบลดงขวาง", "subdistrict_municipality")}
    rows, _words = library.search(q="จัดซื้อ", kind="subdistrict_municipality")
    assert [e.org_name for e in rows] == ["เทศบาลตำบลดงขวาง"]


def test_a_renamed_bodys_rows_link_to_its_new_address(db):
    org = Organization.objects.get(slug=DONGKHWANG)
    org.name = "องค์การบริหารส่วนตำบลดงขวางใต้"
    with transaction.atomic():
        assessment_services.organization_save(org=org)
        assert org.slug != DONGKHWANG  # a new name, a new address
        assert set(LibraryEntry.objects.filter(org=org).values_list("org_slug", flat=True)) == {org.slug}


def test_an_erased_persons_name_is_no_longer_a_search_term(angthong_2570, admin_user):
    person = get_user_model().objects.create_user("somchai", first_name="สมชาย", last_name="ใจงาม")
    retitle(angthong_2570, "มาตรการติดตามงานโดยนายสมชาย ใจงาม")
    publish(angthong_2570)
    assert titles("สมชาย") == ["มาตรการติดตามงานโดยนายสมชาย ใจงาม"]
    with transaction.atomic():
        erase_personal_data(user=person, actor=admin_user)
        assert titles("สมชาย") == []  # in the erasure's own transaction
    assert "มาตรการติดตามงานโดยนายสมชาย ใจงาม" in titles("ติดตามงาน")  # the published words stay


def test_rebuild_makes_the_same_rows_again(db):
    before = sorted(LibraryEntry.objects.values_list("org_id", "fiscal_year", "position", "title", "terms"))
    LibraryEntry.objects.all().delete()
    assert library.rebuild() == len(before)
    assert sorted(LibraryEntry.objects.values_list("org_id", "fiscal_year", "position", "title", "terms")) == before


def test_every_published_seed_measure_is_in_the_library(db):
    from reports.models import PublishedDocument

    published = {(d.org_id, d.fiscal_year): len(d.snapshot["rows"])
                 for d in PublishedDocument.objects.filter(doc="measures").order_by("version")}
    counted = {}
    for org_id, year in LibraryEntry.objects.values_list("org_id", "fiscal_year"):
        counted[(org_id, year)] = counted.get((org_id, year), 0) + 1
    assert counted == published and sum(counted.values()) >= 18


# ---------------------------------------------------------------- a broad search (more rows than the cap)


def test_a_broad_search_is_counted_up_to_the_cap_and_ranked_as_a_narrow_one(angthong, monkeypatch):
    # Titles 1, 3, 5 have the word; 2, 4, 6 have it in their steps only.
    plan = build_plan(angthong, 2570, measures=6)
    for position, measure in enumerate(plan.measures.order_by("order"), start=1):
        data = {"title": f"มาตรการกระดานดำที่ {position}"} if position % 2 else {
            "title": f"มาตรการทดสอบที่ {position}", "steps": "ซื้อกระดานดำ\nติดประกาศ"}
        measure_services.measure_save(plan=plan, actor=user(EDITOR), measure=measure, data=data,
                                      expected_version=measure.version)
    publish(plan)
    ranked = titles("กระดานดำ")
    assert ranked == ["มาตรการกระดานดำที่ 1", "มาตรการกระดานดำที่ 3", "มาตรการกระดานดำที่ 5",
                      "มาตรการทดสอบที่ 2", "มาตรการทดสอบที่ 4", "มาตรการทดสอบที่ 6"]
    for cap in (2, 4, 5):  # the page within the title rows, across both, within the others
        monkeypatch.setattr(library, "CAP", cap)
        rows, _words = library.search(q="กระดานดำ")
        assert rows.count() == cap and rows.more
        assert [e.title for e in rows] == ranked[:cap]
        assert [e.title for e in rows[cap - 2:cap]] == ranked[cap - 2:cap]
        assert [e.title for e in rows[cap:cap + 5]] == []  # nothing beyond the cap
    monkeypatch.setattr(library, "CAP", 6)
    rows, _words = library.search(q="กระดานดำ")
    assert rows.count() == 6 and not rows.more  # exactly the cap: an exact count
