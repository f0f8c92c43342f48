"""Real data as it is published: levels in either scale (or both) for any year, what the
portal computed marked as computed, the extra facts a source prints, bodies recorded with
what is known (no province), and bodies found by any name they are known by."""

import json

import pytest

from assessments import score_io
from assessments import services as assessment_services
from assessments.models import Assessment, Organization, OrganizationName
from assessments.scoring import parse_level
from common.thai import to_arabic_digits
from measures.models import MeasurePlan
from reports import builders, render
from tests.factories import import_records, make_body
from tests.pdfs import pdf_text, skeleton


def scores_of(body, year):
    return Assessment.objects.get(org=body, framework__fiscal_year=year)


def overall(body, year, value, **extra):
    return {"org": body.slug, "fiscal_year": str(year), "scope": "overall", "value": value, **extra}


def tools(body, year, iit, eit, oit):
    return [{"org": body.slug, "fiscal_year": str(year), "scope": "tool", "code": code, "value": value}
            for code, value in (("IIT", iit), ("EIT", eit), ("OIT", oit))]


@pytest.mark.parametrize("text, parsed", [
    ("AA", ("AA", "")), ("ระดับ A", ("A", "")), ("b", ("B", "")), ("ผ่านดี", ("", "ผ่านดี")),
    ("ผ่าน ดีเยี่ยม", ("", "ผ่านดีเยี่ยม")), ("(ผ่าน) ระดับ AA", ("AA", "ผ่าน")), ("ไม่ผ่าน", ("", "ไม่ผ่าน")),
    ("ต้องปรับปรุงเร่งด่วน", ("", "ต้องปรับปรุงโดยด่วน")), ("ระดับผลการประเมิน: ผ่านดี", ("", "ผ่านดี")),
    ("AAA", None), ("ดีมาก", None),
])
def test_it_reads_every_label_of_both_scales_with_common_spellings(text, parsed):
    assert parse_level(text) == parsed


def test_it_keeps_a_letter_grade_for_2566_and_leads_with_it_computing_no_pass_label(client, db):
    body = make_body("test-grade-2566")
    import_records([overall(body, 2566, "96.10"), *tools(body, 2566, "97.00", "96.00", "95.50"),
                    {"org": body.slug, "fiscal_year": "2566", "scope": "level", "value": "ระดับ AA"}])
    assessment = scores_of(body, 2566)
    assert (assessment.grade, assessment.pass_label) == ("AA", "")
    html = client.get(f"/orgs/{body.slug}/2566/").content.decode()
    assert 'data-testid="level">AA</span>' in html and "level-computed" not in html and "ผ่านดีเยี่ยม" not in html
    data = json.loads(client.get(f"/data/orgs/{body.slug}/2566.json").content)["scores"]
    assert (data["level_published"], data["level_computed"]) == ({"grade": "AA", "pass_label": None}, None)


def test_it_keeps_a_published_label_that_disagrees_and_shows_the_discrepancy(client, db):
    body = make_body("test-disagree")
    import_records([overall(body, 2567, "90.00"), *tools(body, 2567, "90.00", "90.00", "90.00"),
                    {"org": body.slug, "fiscal_year": "2567", "scope": "level", "value": "ผ่านดีเยี่ยม"}])
    assert scores_of(body, 2567).pass_label == "ผ่านดีเยี่ยม"  # never overwritten
    html = client.get(f"/orgs/{body.slug}/2567/").content.decode()
    assert 'data-testid="level">ผ่านดีเยี่ยม</span>' in html and "level-computed" not in html
    assert "ระดับที่ประกาศ “ผ่านดีเยี่ยม” ต่างจากระดับที่คำนวณตามเกณฑ์ “ผ่านดี”" in html


def test_a_bare_pass_flag_agrees_with_any_passing_label(client, db):
    body = make_body("test-flag")
    import_records([overall(body, 2566, "96.10"), *tools(body, 2566, "97.00", "96.00", "95.50"),
                    {"org": body.slug, "fiscal_year": "2566", "scope": "level", "value": "(ผ่าน) ระดับ AA"}])
    html = client.get(f"/orgs/{body.slug}/2566/").content.decode()
    assert "ตัวเลขที่ไม่ตรงกัน" not in html


def test_a_file_mixing_scales_over_the_years_loads_whole_and_round_trips(db):
    body, other = make_body("test-mix"), make_body("test-mix-2")
    records = [
        overall(body, 2563, "80.00"), {"org": body.slug, "fiscal_year": "2563", "scope": "level", "value": "B"},
        overall(body, 2566, "88.00"), {"org": body.slug, "fiscal_year": "2566", "scope": "level", "value": "A"},
        {"org": body.slug, "fiscal_year": "2567", "scope": "level", "value": "ผ่าน"},  # a level only
        {"org": body.slug, "fiscal_year": "2568", "scope": "indicator", "code": "9", "value": "41.50"},  # one only
        overall(other, 2568, "91.20"),  # an overall score only
        {"org": other.slug, "fiscal_year": "2568", "scope": "level", "value": "(ผ่าน) ระดับ A"},
    ]
    import_records(records)
    exported = score_io.export_rows(score_io.assessments_for_export(org_ids=[body.pk, other.pk]))
    before = {(a.org_id, a.framework_id, a.grade, a.pass_label, a.overall)
              for a in Assessment.objects.filter(org__in=[body, other])}
    Assessment.objects.filter(org__in=[body, other]).delete()
    numbered = [(n, dict(zip(exported[0], row, strict=True))) for n, row in enumerate(exported[1:], start=2)]
    assessment_services.scores_import(rows=score_io.check_rows(numbered))
    after = {(a.org_id, a.framework_id, a.grade, a.pass_label, a.overall)
             for a in Assessment.objects.filter(org__in=[body, other])}
    assert after == before and len(after) == 5
    assert scores_of(other, 2568).grade == "A" and scores_of(other, 2568).pass_label == "ผ่าน"


def test_the_analysis_pdf_says_a_computed_level_is_computed(db):
    org = Organization.objects.get(slug="thesaban-mueang-ang-thong")
    Assessment.objects.filter(org=org, framework__fiscal_year=2568).update(pass_label="")
    plan = MeasurePlan.objects.get(org=org, fiscal_year=2569)
    context = builders.build(plan, "analysis")
    text = skeleton(pdf_text(render.render_pdf(context, draft=True).data))
    assert skeleton("อยู่ในระดับ “ผ่านดี” (ระดับคำนวณโดยระบบ)") in text


def test_it_keeps_the_extra_facts_a_source_prints(client, db):
    body = make_body("test-facts")
    import_records([
        overall(body, 2567, "85.00"), overall(body, 2568, "90.50"),
        {"org": body.slug, "fiscal_year": "2568", "scope": "change", "value": "+5.00"},
        {"org": body.slug, "fiscal_year": "2568", "scope": "rank_district", "value": "อันดับที่ ๓ ของอำเภอ"},
        {"org": body.slug, "fiscal_year": "2568", "scope": "rank_province",
         "value": "อันดับที่ ๔๐ จาก ๑๘๐ แห่งของจังหวัด"},
        {"org": body.slug, "fiscal_year": "2568", "scope": "note", "value": "ได้รับรางวัลหน่วยงานโปร่งใส"},
        {"org": body.slug, "fiscal_year": "2568", "scope": "source_url", "value": "https://example.go.th/news/1"},
    ])
    html = client.get(f"/orgs/{body.slug}/2568/").content.decode()  # in the body's Thai digits (issue 22)
    assert "+5.00 คะแนน (ตามที่ประกาศ)" in to_arabic_digits(html)
    assert "+5.50 คะแนน (คำนวณโดยระบบจากคะแนนสองปี)" in to_arabic_digits(html)
    for shown in ("อันดับที่ ๓ ของอำเภอ", "อันดับที่ ๔๐ จาก ๑๘๐ แห่งของจังหวัด", "ได้รับรางวัลหน่วยงานโปร่งใส",
                  "ที่มาของข้อมูล", "https://example.go.th/news/1"):
        assert shown in html, shown
    data = json.loads(client.get(f"/data/orgs/{body.slug}/2568.json").content)["scores"]
    assert data["change_published"] == 5.0 and data["source_url"] == "https://example.go.th/news/1"
    exported = {",".join(r) for r in score_io.export_rows(score_io.assessments_for_export(org_ids=[body.pk]))}
    assert f"{body.slug},2568,rank_district,,0,อันดับที่ ๓ ของอำเภอ" in exported


def test_a_source_address_must_be_a_web_address(db):
    body = make_body("test-bad-url")
    with pytest.raises(score_io.ImportRejected, match="ไม่ถูกต้อง"):
        import_records([{"org": body.slug, "fiscal_year": "2568", "scope": "source_url",
                         "value": "javascript:alert(1)"}])


def test_a_body_may_be_recorded_without_province_or_district(client, db):
    body = assessment_services.organization_upsert(slug="test-nowhere", name="เทศบาลตำบลไม่ทราบที่ตั้ง",
                                                   kind="subdistrict_municipality", province=None)
    import_records([overall(body, 2568, "88.00")])
    html = client.get(f"/orgs/{body.slug}/2568/").content.decode()
    assert "ไม่ระบุจังหวัด" in html and "ไม่ระบุอำเภอ" in html
    assert json.loads(client.get(f"/data/orgs/{body.slug}/2568.json").content)["org"]["province"] is None
    assert "เทศบาลตำบลไม่ทราบที่ตั้ง" in client.get("/?q=ไม่ทราบที่ตั้ง").content.decode()


def test_home_search_finds_a_body_by_another_name_without_hyphens_or_spaces(client, db):
    body = make_body("test-variant", name="เทศบาลตำบลบ้าน-นาดี")
    OrganizationName.objects.create(org=body, name="องค์การบริหารส่วนตำบลบ้านนาดีเดิม")
    for typed in ("เทศบาลตำบลบ้านนาดี", "ทต.บ้านนาดี", "บ้านนาดีเดิม", "อบต.บ้านนาดีเดิม", "บ้าน นาดี"):
        assert "test-variant" in client.get("/", {"q": typed}).content.decode(), typed


def test_the_score_import_finds_a_body_by_its_thai_name_or_another_name(db):
    body = make_body("test-by-name", name="องค์การบริหารส่วนตำบลหนองแสงใหญ่")
    OrganizationName.objects.create(org=body, name="อบต.หนองแสงใหญ่")
    import_records([{"org": "องค์การบริหารส่วนตำบลหนองแสง ใหญ่", "fiscal_year": "2568", "scope": "overall",
                     "value": "90"},
                    {"org": "อบต.หนองแสงใหญ่", "fiscal_year": "2568", "scope": "level", "value": "ผ่าน"}])
    assert (str(scores_of(body, 2568).overall), scores_of(body, 2568).pass_label) == ("90.00", "ผ่าน")


def test_the_score_import_names_the_bodies_when_a_name_is_ambiguous(db):
    make_body("test-twin-1", name="องค์การบริหารส่วนตำบลโคกกลาง")
    make_body("test-twin-2", name="องค์การบริหารส่วนตำบลโคกกลาง", province="กาฬสินธุ์", district="")
    with pytest.raises(score_io.ImportRejected) as rejected:
        import_records([{"org": "องค์การบริหารส่วนตำบลโคกกลาง", "fiscal_year": "2568", "scope": "overall",
                         "value": "90"}])
    message = rejected.value.errors[0]
    assert "ตรงกับหลายหน่วยงาน" in message and "test-twin-1" in message and "test-twin-2" in message


def test_the_thai_header_ระดับ_is_the_level_column(db, tmp_path):
    body = make_body("test-level-column")
    rows = score_io.read_table(("หน่วยงาน,ปีงบประมาณ,ระดับ\n" + f"{body.slug},2566,ผ่านดี\n").encode(), "x.csv")
    assessment_services.scores_import(rows=score_io.check_rows(rows))
    assert scores_of(body, 2566).pass_label == "ผ่านดี"
