"""The analysis document tells the truth about partial data (issue 11 point 5): its sections are
numbered as printed, the chart is printed once with its title and compares every year on record,
the highest and lowest indicators are said once when there is one score and not at all when
there is none, and a year without item figures prints no empty item rows. Built from real data
through the score import, and from the seed documents."""

import json
import re

import pytest

from assessments.models import Organization
from measures.models import MeasurePlan
from reports import builders, charts, render, services
from tests.factories import ANGTHONG, add_indicator_year, build_plan, import_records, make_body
from tests.pdfs import pdf_text, skeleton

SECTIONS = ["ผลการประเมินภาพรวม", "ผลการประเมินรายตัวชี้วัด", "ผลการประเมินรายข้อ", "ผลการวิเคราะห์", "ข้อเสนอแนะ"]
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
A4_TEXT_WIDTH_PT = (210 - 12 - 12) / 25.4 * 72  # _base.html: A4 portrait, 12 mm side margins
PX_PT = 0.75  # a CSS px in points


def thai(value) -> str:
    return str(value).translate(THAI_DIGITS)


def render_analysis(plan, context=None):
    """The analysis as built now (or ``context``), checked to be plain JSON (it is stored at
    approval), and its PDF's text, page by page."""
    context = builders.build(plan, "analysis") if context is None else context
    assert json.loads(json.dumps(context)) == context
    pdf = render.render_pdf(context, draft=False)
    return context, pdf_text(pdf.data).split("\f")[:pdf.pages]


def numbered_sections(pages) -> list[tuple[str, str]]:
    """(number, section) for each section heading printed, in order."""
    found = []
    for line in "\n".join(pages).splitlines():
        match = re.fullmatch(r"([0-9๐-๙]+)\. (.+)", line.strip())
        if match:
            title = next((s for s in SECTIONS if skeleton(s) == skeleton(match.group(2))), None)
            if title:
                found.append((match.group(1), title))
    return found


def page_of(pages, text) -> list[int]:
    return [n for n, page in enumerate(pages) if skeleton(text) in skeleton(page)]


def body_with(slug, records=(), *, years=None, plan_year=2569):
    """A body whose scores come through the import (``records``, and ``years``: {year: score of
    every indicator}), and its plan for ``plan_year``, based on the year before."""
    org = make_body(slug)
    if records:
        import_records([{"org": slug, **r} for r in records])
    for year, score in (years or {}).items():
        add_indicator_year(org, year, score)
    return org, build_plan(org, plan_year, measures=1)


def indicator_rows(year, scores):
    return [{"fiscal_year": str(year), "scope": "indicator", "code": str(n), "value": value}
            for n, value in scores.items()]


def svg_boxes(context):
    """(page index, laid-out width in pt) of every SVG the document prints, and the page of the
    chart's title."""
    from weasyprint import HTML

    html = render.render_html(context, draft=False, for_pdf=True)
    document = HTML(string=html, base_url=render.asset_base(True), url_fetcher=render.url_fetcher).render()
    svgs, titles = [], []

    def walk(box):
        yield box
        for child in getattr(box, "children", []):
            yield from walk(child)

    for n, page in enumerate(document.pages):
        for box in walk(page._page_box):
            tag = getattr(box, "element_tag", "") or ""
            element = getattr(box, "element", None)
            if tag.endswith("svg"):
                svgs.append((n, box.width * PX_PT))
            elif (tag == "p" and type(box).__name__ == "BlockBox" and element is not None
                  and element.get("class") == "chart-title"):
                titles.append(n)
    return svgs, titles


def test_it_prints_the_angthong_chart_once_with_its_title_and_numbers_every_section(db):
    plan = MeasurePlan.objects.select_related("org").get(org__slug=ANGTHONG, fiscal_year=2569)
    context, pages = render_analysis(plan)
    text = skeleton("".join(pages))
    assert text.count(skeleton("คะแนนรายตัวชี้วัด")) == 1  # the chart's title, once (it was printed twice)
    assert skeleton("คะแนนรายตัวชี้วัดในปีที่มีข้อมูล") not in text
    assert numbered_sections(pages) == [(thai(n), s) for n, s in enumerate(SECTIONS, start=1)]
    assert context["chart_title"] == "คะแนนรายตัวชี้วัด ปีงบประมาณ พ.ศ. ๒๕๖๘"
    # The title and the chart on one page (the title was left alone at the foot of page 1).
    svgs, titles = svg_boxes(context)
    assert len(svgs) == 1 and titles == [svgs[0][0]]
    assert page_of(pages, context["chart_title"]) == page_of(pages, "เกณฑ์ผ่าน ๘๕ คะแนน") == [svgs[0][0]]
    # Full data: highest and lowest as before, every item row.
    assert skeleton("คะแนนสูงสุด: ตัวชี้วัดที่ ๑ การปฏิบัติหน้าที่ (๑๐๐.๐๐)") in text
    assert skeleton("คะแนนต่ำสุด: ตัวชี้วัดที่ ๘ การปรับปรุงการทำงาน (๘๘.๐๖)") in text
    assert all(code in "".join(pages) for code in ("i1", "e9", "o28"))
    assert skeleton("ไม่มีคะแนนรายข้อ") not in text


@pytest.mark.parametrize("slug, fy, year", [("abt-dong-khwang", 2568, 2567), ("thesaban-tambon-phok-noi", 2564, 2563)])
def test_it_numbers_the_seed_analyses_without_item_scores_one_to_four(db, slug, fy, year):
    plan = MeasurePlan.objects.select_related("org").get(org__slug=slug, fiscal_year=fy)
    _context, published = services.render_document(plan, "analysis", draft=False)  # as approved at the seed
    for context, pages in (render_analysis(plan), (_context, pdf_text(published.data).split("\f"))):
        # Their years have no item catalogue: no item section, and the numbers run on (they jumped ๒ → ๔).
        assert numbered_sections(pages) == [("๑", SECTIONS[0]), ("๒", SECTIONS[1]), ("๓", SECTIONS[3]),
                                            ("๔", SECTIONS[4])]
        assert page_of(pages, context["chart_title"]) == page_of(pages, "เกณฑ์ผ่าน ๘๕ คะแนน")
        assert skeleton("".join(pages)).count(skeleton("คะแนนรายตัวชี้วัด ปีงบประมาณ")) == 1
    assert thai(year) in context["chart_title"]


def test_it_renders_a_context_stored_before_these_keys_existed(db):
    """A context approved before this change (no chart title, summary sentences or notes on
    missing figures) still renders, with its sections numbered as printed and one title."""
    plan = MeasurePlan.objects.select_related("org").get(org__slug="abt-dong-khwang", fiscal_year=2568)
    context = builders.build(plan, "analysis")
    for key in ("chart_title", "indicator_summary", "no_indicator_scores", "item_note", "no_overall"):
        context.pop(key)
    context["chart_svg"] = charts.indicator_bars(["๒๕๖๗"], ["๑"], [[90.0]])  # any old chart
    _context, pages = render_analysis(plan, context)
    text = skeleton("".join(pages))
    assert text.count(skeleton("คะแนนรายตัวชี้วัดในปีที่มีข้อมูล")) == 1
    assert skeleton("คะแนนสูงสุด: ตัวชี้วัดที่ ๓ การใช้อำนาจ (๑๐๐.๐๐)") in text
    assert [n for n, _s in numbered_sections(pages)] == ["๑", "๒", "๓", "๔"]


def test_it_compares_every_year_on_record_with_a_colour_a_year_and_a_labelled_pass_mark(db):
    scores = {2563: "70.00", 2564: "75.50", 2565: "80.00", 2566: "84.25", 2567: "88.00", 2568: "92.50"}
    _org, plan = body_with("several-years", years=scores)
    context, pages = render_analysis(plan)
    svg = context["chart_svg"]
    shown = [thai(y) for y in range(2564, 2569)]  # the last five years, oldest first
    assert context["chart_title"] == "คะแนนรายตัวชี้วัด ปีงบประมาณ พ.ศ. ๒๕๖๔–๒๕๖๘"
    legend = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert [t for t in legend if t in shown + [thai(2563)]] == shown
    assert "เกณฑ์ผ่าน ๘๕ คะแนน" in legend and "๘๕" in legend
    fills = re.findall(r'<rect [^>]*height="(?!10")[^"]*" fill="(#[0-9a-f]{6})"', svg)
    assert len(fills) == 50 and len(set(fills)) == 5  # ten indicators × five years, one colour a year
    assert [fills[k] for k in range(5)] == charts.year_colours(5)
    # Readable on paper: the chart is laid out at its own size (1 unit = 1 pt), so its smallest text
    # prints at its font size, 9 pt or more.
    assert min(float(s) for s in re.findall(r'font-size="([0-9.]+)"', svg)) >= 9
    svgs, titles = svg_boxes(context)
    (page, width), = svgs
    view_width = float(re.search(r'viewBox="0 0 ([0-9.]+) ', svg).group(1))
    assert width == pytest.approx(view_width) and width <= A4_TEXT_WIDTH_PT and titles == [page]
    text = skeleton(pages[page])
    assert all(skeleton(y) in text for y in shown) and skeleton("เกณฑ์ผ่าน ๘๕ คะแนน") in text
    # Equal scores: said once, not as both highest and lowest.
    assert skeleton("ตัวชี้วัดทั้ง ๑๐ ตัวได้คะแนนเท่ากัน คือ ๙๒.๕๐ คะแนน") in skeleton("".join(pages))
    assert skeleton("คะแนนสูงสุด") not in skeleton("".join(pages))


def test_it_says_a_single_indicator_once(db):
    _org, plan = body_with("one-indicator", indicator_rows(2568, {9: "41.50"}))
    context, pages = render_analysis(plan)
    text = skeleton("".join(pages))
    assert skeleton("มีคะแนนรายตัวชี้วัดเพียงตัวเดียว: ตัวชี้วัดที่ ๙ การเปิดเผยข้อมูล (๔๑.๕๐)") in text
    assert skeleton("คะแนนสูงสุด") not in text and skeleton("คะแนนต่ำสุด") not in text
    assert text.count(skeleton("การเปิดเผยข้อมูล (๔๑.๕๐)")) == 1
    assert skeleton("ผลการประเมินไม่มีคะแนนของตัวชี้วัดที่ ๑, ๒, ๓, ๔, ๕, ๖, ๗, ๘, ๑๐") in text
    assert skeleton("ผลการประเมินประจำปีงบประมาณ พ.ศ. ๒๕๖๘ ไม่มีคะแนนรวม") in text  # not "คะแนนรวม – คะแนน"
    # One bar; the item section is one sentence, not 61 rows of dashes.
    assert len(re.findall(r'<rect [^>]*fill="#', context["chart_svg"])) == 1 + 1  # the bar and its legend swatch
    assert context["item_tables"] == []
    assert skeleton("ผลการประเมินปีงบประมาณ พ.ศ. ๒๕๖๘ ไม่มีคะแนนรายข้อ") in text
    assert "i1" not in "".join(pages) and "o28" not in "".join(pages)
    assert [n for n, _s in numbered_sections(pages)] == ["๑", "๒", "๓", "๔", "๕"]


def test_it_says_there_is_no_indicator_data_for_an_overall_score_only(db):
    _org, plan = body_with("overall-only", [{"fiscal_year": "2568", "scope": "overall", "value": "88.00"},
                                            {"fiscal_year": "2568", "scope": "level", "value": "ผ่าน"}])
    context, pages = render_analysis(plan)
    text = skeleton("".join(pages))
    assert skeleton("ได้คะแนนรวม ๘๘.๐๐ คะแนน อยู่ในระดับ “ผ่าน”") in text
    assert skeleton("ผลการประเมินปีงบประมาณ พ.ศ. ๒๕๖๘ ไม่มีคะแนนรายตัวชี้วัด") in text
    assert skeleton("ต่ำกว่าเกณฑ์") not in text and skeleton("คะแนนสูงสุด") not in text
    # No table of dashes, no empty chart, no item rows: the item section says why it is empty.
    assert context["no_indicator_scores"] and context["chart_svg"] == "" and context["item_tables"] == []
    assert skeleton("รายละเอียดตัวชี้วัด") not in text and skeleton("คะแนนรายตัวชี้วัด ปี") not in text
    assert skeleton("ผลการประเมินปีงบประมาณ พ.ศ. ๒๕๖๘ ไม่มีคะแนนรายข้อ") in text
    assert "i1" not in "".join(pages)
    assert len(pages) <= 2  # the 61 item rows of dashes took four pages more
    assert [n for n, _s in numbered_sections(pages)] == ["๑", "๒", "๓", "๔", "๕"]


def test_it_prints_the_item_rows_of_the_tools_and_indicators_the_result_scores(db):
    items = [{"fiscal_year": "2568", "scope": "item", "code": f"i{n}", "value": "90.00"} for n in (1, 2, 3)]
    _org, plan = body_with("iit-items", indicator_rows(2568, {n: "90.00" for n in range(1, 11)}) + items)
    context, pages = render_analysis(plan)
    text = skeleton("".join(pages))
    (table,) = context["item_tables"]  # the IIT only: the EIT and OIT are named in a sentence
    assert table["code"] == "IIT"
    assert context["item_note"] == ("ผลการประเมินปีงบประมาณ พ.ศ. ๒๕๖๘ ไม่มีคะแนนรายข้อของ "
                                    "EIT แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก, "
                                    "OIT แบบตรวจการเปิดเผยข้อมูลสาธารณะ")
    assert skeleton(context["item_note"]) in text
    first, *others = table["blocks"]
    assert [row["code"] for row in first["rows"]] == ["i1", "i2", "i3"] and not first["no_items"]
    assert all(block["no_items"] and block["rows"] == [] for block in others)  # indicators 2–5: a note each
    assert text.count(skeleton("ผลการประเมินไม่มีคะแนนรายข้อของตัวชี้วัดนี้")) == 4
    lines = [line.strip() for line in "\n".join(pages).splitlines()]
    assert not any(line.startswith(("i4", "e1", "o1")) for line in lines)


def test_it_numbers_in_arabic_digits_when_the_body_does(db):
    org, plan = body_with("arabic-digits", years={2567: "80.00", 2568: "90.00"})
    Organization.objects.filter(pk=org.pk).update(thai_numerals=False)
    plan = MeasurePlan.objects.select_related("org").get(pk=plan.pk)
    context, pages = render_analysis(plan)
    assert [n for n, _s in numbered_sections(pages)] == ["1", "2", "3", "4", "5"]
    assert context["chart_title"] == "คะแนนรายตัวชี้วัด ปีงบประมาณ พ.ศ. 2567–2568"
    assert "เกณฑ์ผ่าน 85 คะแนน" in context["chart_svg"] and ">2567<" in context["chart_svg"]
    assert skeleton("เกณฑ์ผ่าน 85 คะแนน") in skeleton(pages[page_of(pages, context["chart_title"])[0]])
