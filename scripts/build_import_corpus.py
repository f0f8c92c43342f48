"""Build the import corpus (tests/fixtures/import_corpus/): Word files of the five seed bodies'
measures and results tables in the layouts their real documents use, the portal's own Word and
PDF exports, a pasted table (clipboard HTML and tab-separated text), and manifest.json: for each
file, the import it is for and the field values that must come out of it (the ground truth of
tests/imports/test_corpus.py and bench/import_docs.py).

    DEBUG=1 DATABASE_URL=sqlite:////tmp/corpus.sqlite3 MEDIA_ROOT=/tmp/corpus-media \\
        .venv/bin/python scripts/build_import_corpus.py

The seed layouts come from fixtures/seed_measures.json alone; the portal's exports need the demo
data, so the script migrates that database and runs setup_demo when it holds no seed plan. A PDF
exported from Word needs LibreOffice (soffice): without it that file is left out, and said so.
Files are written byte for byte the same on every run (fixed dates in the packages)."""

import datetime
import io
import json
import os
import re
import shutil
import subprocess  # nosec B404
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "import_corpus"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
MONTHS = ["ต.ค.", "พ.ย.", "ธ.ค.", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย."]
TICKS = ["✓", "/", "X", "sym"]  # "sym": Word's Wingdings tick (w:sym F0FC)


def thai(value) -> str:
    return str(value).translate(THAI)


# ---------------------------------------------------------------- Word building blocks


def new_document():
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    word = Document()
    section = word.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    word.core_properties.created = word.core_properties.modified = datetime.datetime(2025, 1, 1)
    word.core_properties.author = "ITA Portal corpus"
    return word


def table(word, columns: int):
    grid = word.add_table(rows=0, cols=columns)
    grid.style = "Table Grid"
    return grid


def row(grid, cells, header=False):
    """A row; each cell a list of paragraphs (or a string, one paragraph)."""
    from docx.oxml import OxmlElement

    added = grid.add_row()
    if header:
        tr_pr = added._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))
    for cell, value in zip(added.cells, cells, strict=True):
        fill(cell, value)
    return added


def fill(cell, value):
    paragraphs = value if isinstance(value, list) else [value]
    first = cell.paragraphs[0]
    for n, text in enumerate(paragraphs):
        paragraph = first if n == 0 else cell.add_paragraph()
        if text == "sym":
            tick(paragraph)
        elif text:
            paragraph.add_run(text)


def tick(paragraph):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    sym = OxmlElement("w:sym")
    sym.set(qn("w:font"), "Wingdings")
    sym.set(qn("w:char"), "F0FC")
    run._r.append(sym)


def merge_across(added, first, last, text):
    cell = added.cells[first].merge(added.cells[last])
    for paragraph in cell.paragraphs[1:]:
        paragraph._p.getparent().remove(paragraph._p)
    cell.paragraphs[0].text = ""
    fill(cell, text)
    return cell


def header_two_rows(grid, top, bottom):
    """Two header rows: ``top`` labels (None: continues the label to its left, merged across),
    ``bottom`` labels (None: the top label merged down)."""
    first = row(grid, [t or "" for t in top], header=True)
    second = row(grid, [b or "" for b in bottom], header=True)
    c = 0
    while c < len(top):
        end = c
        while end + 1 < len(top) and top[end + 1] is None:
            end += 1
        if end > c:
            merge_across(first, c, end, top[c])
        elif bottom[c] is None:
            merged = first.cells[c].merge(second.cells[c])
            for paragraph in merged.paragraphs[1:]:
                paragraph._p.getparent().remove(paragraph._p)
        c = end + 1


def heading_row(grid, text, columns):
    added = row(grid, [""] * columns)
    merge_across(added, 0, columns - 1, text)


def paragraphs(word, lines):
    for line in lines:
        word.add_paragraph(line)


def save(word, name) -> bytes:
    buffer = io.BytesIO()
    word.save(buffer)
    return fixed_zip(buffer.getvalue(), name)


def fixed_zip(data: bytes, name: str) -> bytes:
    """The package again with fixed member dates, so a rebuild writes the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    (OUT / name).write_bytes(out.getvalue())
    return out.getvalue()


# ---------------------------------------------------------------- what a measure holds


def stored_steps(steps):
    """A measure's steps as the portal keeps them from a Word cell: one a line, a bullet or number
    before a line not part of it (a seed step with sub-points is a line each)."""
    return [re.sub(r"^\s*[-–•]\s*", "", line).strip() for step in steps for line in step.split("\n") if line.strip()]


def steps_cell(steps, style):
    """A steps cell as bodies type it: ๑. / 1) / 1. / - before each step, one paragraph each, or
    all on one line ("1) … 2) …")."""
    if style == "thai":
        return [f"{thai(n)}. {s}" for n, s in enumerate(steps, 1)]
    if style == "paren":
        return [f"{n}) {s}" for n, s in enumerate(steps, 1)]
    if style == "inline":
        return [" ".join(f"{n}) {s}" for n, s in enumerate(steps, 1))] if len(steps) > 1 else list(steps)
    if style == "dash":
        return [f"- {s}" for s in steps]
    return [f"{n}. {s}" for n, s in enumerate(steps, 1)]


def monitoring_cell(rounds):
    return ["รายงานผลการดำเนินงานตามมาตรการ", *[f"- รอบ {thai(m)} เดือน" for m in rounds]]


def expected_measure(m, fields, *, entry=None, indicators=True):
    out = {"title": m["title"]}
    for key in fields:
        if key == "steps":
            out["steps"] = stored_steps(m["steps"])
        elif key == "responsible":
            out["responsible"] = m["responsible"]
        elif key == "monitoring_rounds":
            out["monitoring_rounds"] = m["monitoring_rounds"] or []
        elif key == "period":
            out["period_text"] = m["period_text"]
            out["period_start"], out["period_end"] = m["period_start"], m["period_end"]
        elif key in ("guideline", "analysis"):
            out[key] = m[key]
    if indicators:
        out["indicators"] = m["indicators"]
    if entry is not None:
        out["entry"] = entry
    return out


SIGNATURES = ["", "หมายเหตุ: ข้อมูล ณ วันที่รายงาน", "", "ลงชื่อ ........................................ ผู้จัดทำ",
              "(........................................)", "ตำแหน่ง ........................................"]


# ---------------------------------------------------------------- the seeds' layouts


def seed_000(seed):
    """อบต.ดงขวาง: the measures table (five columns) split in two with its header repeated, then the
    results table with a two-row header (ผลการดำเนินการ over ผลผลิต and ผลลัพธ์), notes below."""
    word = new_document()
    paragraphs(word, ["รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
                      "ประจำปีงบประมาณ พ.ศ. ๒๕๖๘", "องค์การบริหารส่วนตำบลดงขวาง อำเภอเมือง จังหวัดนครพนม", ""])
    head = ["มาตรการ", "แนวทางปฏิบัติ", "ขั้นตอน/วิธีการปฏิบัติ", "ผู้รับผิดชอบ", "การกำกับติดตาม"]
    measures = seed["measures"]
    for part in (measures[:1], measures[1:]):
        grid = table(word, 5)
        row(grid, head, header=True)
        for m in part:
            row(grid, [m["title"], m["guideline"].split("\n"), steps_cell(m["steps"], "thai"),
                       m["responsible"], monitoring_cell(m["monitoring_rounds"])])
        word.add_paragraph("")
    paragraphs(word, ["บัดนี้ องค์การบริหารส่วนตำบลดงขวาง ได้ดำเนินการตามมาตรการเรียบร้อยแล้ว รายละเอียดมีดังนี้", ""])
    grid = table(word, 6)
    header_two_rows(grid, ["มาตรการ", "รายละเอียดการดำเนินงาน", "ระยะเวลาการดำเนินงาน", "ผลการดำเนินการ", None,
                           "หมายเหตุ"],
                    [None, None, None, "ผลผลิต", "ผลลัพธ์", None])
    results = []
    for m in measures:
        r = m["results"][0]
        row(grid, [m["title"], r["done"].split("\n"), r["period_text"], r["output"], r["outcome"].split("\n"), ""])
        results.append(r)
    paragraphs(word, SIGNATURES)
    name = "000-dong-khwang-measures-and-results.docx"
    save(word, name)
    plan = [expected_measure(m, ["guideline", "steps", "responsible", "monitoring_rounds"]) for m in measures]
    for item in plan:
        item.pop("indicators")
    round_ = [{"title": m["title"], "entry": {"done_text": r["done"], "output": r["output"], "outcome": r["outcome"]},
               "period_text": r["period_text"]} for m, r in zip(measures, results, strict=True)]
    return [
        {"file": name, "target": "plan", "fiscal_year": 2568, "seed": "000",
         "layout": "two tables with the header repeated; bullets and ๑. steps in paragraphs; monitoring rounds",
         "measures": plan},
        {"file": name, "target": "round", "months": 12, "fiscal_year": 2568, "seed": "000",
         "layout": "results table: two-row header with merged cells (ผลการดำเนินการ over ผลผลิต/ผลลัพธ์)",
         "measures": round_},
    ]


def seed_001(seed):
    """อบต.บ่อแก้ว: the six-column results table, numbered titles (๑.), continued after the fourth
    measure with the header repeated; and the same measures with twelve month columns ticked."""
    word = new_document()
    head = ["มาตรการ/ โครงการ/กิจกรรม", "ขั้นตอนหรือวิธีการปฏิบัติ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ",
            "ผลการดำเนินงาน (output)", "ผลลัพธ์/ผลสัมฤทธิ์ในการดำเนินการ (outcome/result)"]
    measures = seed["measures"]
    styles = ["dash", "thai", "inline", "paren"]
    for part in (measures[:4], measures[4:]):
        paragraphs(word, ["รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในองค์การบริหารส่วนตำบลบ่อแก้ว "
                          "ประจำปีงบประมาณ พ.ศ. ๒๕๖๘"])
        grid = table(word, 6)
        row(grid, head, header=True)
        for m in part:
            r = m["results"][0]
            row(grid, [f"{thai(m['order'])}. {m['title']}", steps_cell(m["steps"], styles[m["order"] % 4]),
                       [f"-{u}" for u in m["responsible"]] if len(m["responsible"]) > 1 else m["responsible"],
                       m["period_text"].split("\n"), r["output"].split("\n"), r["outcome"].split("\n")])
    paragraphs(word, SIGNATURES)
    name = "001-bo-kaeo-results-6m.docx"
    save(word, name)
    entries = []
    for m in measures:
        r = m["results"][0]
        item = expected_measure(m, ["steps", "responsible", "period"], indicators=False)
        item["entry"] = {"output": r["output"], "outcome": r["outcome"]}
        entries.append(item)
    files = [{"file": name, "target": "round", "months": 6, "fiscal_year": 2568, "seed": "001",
              "layout": "six columns (output)/(outcome/result); numbered titles; steps as - / ๑. / 1) / one line "
                        "'1) … 2) …'; table continued with its header repeated; signatures below",
              "measures": entries}]

    # Twelve month columns under ระยะเวลาดำเนินการ, ticked ✓ / X or Word's Wingdings tick.
    word = new_document()
    grid = table(word, 15)
    header_two_rows(grid, ["มาตรการ/โครงการ/กิจกรรม", "ขั้นตอนการดำเนินงาน", "หน่วยงานที่รับผิดชอบ",
                           "ระยะเวลาดำเนินการ ปีงบประมาณ พ.ศ. ๒๕๖๘", *[None] * 11, ],
                    [None, None, None, *MONTHS])
    expected = []
    for m in measures:
        start = datetime.date.fromisoformat(m["period_start"]) if m["period_start"] else None
        end = datetime.date.fromisoformat(m["period_end"]) if m["period_end"] else None
        ticks = []
        for k in range(12):
            month = (9 + k) % 12 + 1
            year = 2024 if month >= 10 else 2025
            day = datetime.date(year, month, 1)
            ticks.append(TICKS[m["order"] % 4] if start and end and start <= day <= end else "")
        row(grid, [m["title"], steps_cell(m["steps"], "plain"), m["responsible"], *ticks])
        item = {"title": m["title"], "steps": stored_steps(m["steps"]), "responsible": m["responsible"],
                "period_start": m["period_start"], "period_end": m["period_end"]}
        expected.append(item)
    paragraphs(word, SIGNATURES)
    name = "001-bo-kaeo-months-ticked.docx"
    save(word, name)
    files.append({"file": name, "target": "plan", "fiscal_year": 2568, "seed": "001",
                  "layout": "twelve month columns under ระยะเวลาดำเนินการ (two-row header), ticked ✓ / X / / and "
                            "Word's Wingdings tick", "measures": expected})
    return files


def seed_002(seed):
    """เทศบาลเมืองอ่างทอง: one table per indicator with the header repeated (as the report prints
    it), the indicator cell with its score; and the same measures under indicator heading rows that
    span one table marked to repeat its header."""
    word = new_document()
    head = ["ตัวชี้วัด", "มาตรการ/โครงการ/กิจกรรม", "ผลการวิเคราะห์", "ขั้นตอนหรือวิธีปฏิบัติการ",
            "ช่วงระยะเวลาการดำเนินการ", "ผู้รับผิดชอบ"]
    names = {1: "การปฏิบัติหน้าที่", 2: "การใช้งบประมาณ", 3: "การใช้อำนาจ", 4: "การใช้ทรัพย์สินของทางราชการ",
             5: "การแก้ไขปัญหาการทุจริต", 6: "คุณภาพการดำเนินงาน", 7: "ประสิทธิภาพการสื่อสาร",
             8: "การปรับปรุงระบบการทำงาน", 9: "การเปิดเผยข้อมูล", 10: "การป้องกันการทุจริต"}
    measures = seed["measures"]
    for m in measures:
        n = m["indicators"][0]
        number = thai(n) if n % 2 else str(n)
        grid = table(word, 6)
        row(grid, head, header=True)
        row(grid, [f"ตัวชี้วัดที่ {number} {names[n]}", m["title"], m["analysis"].split("\n"),
                   steps_cell(m["steps"], "thai" if n % 2 else "plain"), m["period_text"], m["responsible"]])
        word.add_paragraph("")
    paragraphs(word, SIGNATURES)
    name = "002-ang-thong-tables-per-indicator.docx"
    save(word, name)
    fields = ["analysis", "steps", "period", "responsible"]
    files = [{"file": name, "target": "plan", "fiscal_year": 2569, "seed": "002",
              "layout": "ten tables, one per indicator, header repeated; indicator column with its score; Thai and "
                        "Arabic digits", "measures": [expected_measure(m, fields) for m in measures]}]
    word = new_document()
    grid = table(word, 5)
    row(grid, head[1:], header=True)
    for m in measures:
        n = m["indicators"][0]
        heading_row(grid, f"ตัวชี้วัดที่ {thai(n)} {names[n]}", 5)
        row(grid, [m["title"], m["analysis"].split("\n"), steps_cell(m["steps"], "paren"), m["period_text"],
                   m["responsible"]])
    paragraphs(word, SIGNATURES)
    name = "002-ang-thong-indicator-headings.docx"
    save(word, name)
    files.append({"file": name, "target": "plan", "fiscal_year": 2569, "seed": "002",
                  "layout": "one table, indicator heading rows merged across it, header marked to repeat",
                  "measures": [expected_measure(m, fields) for m in measures]})
    # The same table copied from Word: the clipboard's HTML (rowspan, colspan, a paragraph each line).
    html = ["<html><body><table border=1><thead><tr>",
            *[f"<th><p class=MsoNormal>{h}</p></th>" for h in head[1:]], "</tr></thead><tbody>"]
    for m in measures:
        n = m["indicators"][0]
        html.append(f"<tr><td colspan=5><p><b>ตัวชี้วัดที่ {thai(n)} {names[n]}</b></p></td></tr><tr>")
        for cell in [[m["title"]], m["analysis"].split("\n"), steps_cell(m["steps"], "thai"), [m["period_text"]],
                     m["responsible"]]:
            html.append("<td>" + "".join(f"<p class=MsoNormal>{escape(t)}</p>" for t in cell) + "</td>")
        html.append("</tr>")
    html.append("</tbody></table><p>ลงชื่อ ........................................ ผู้จัดทำ</p></body></html>")
    name = "002-ang-thong-clipboard.html"
    (OUT / name).write_text("\n".join(html), encoding="utf-8")
    files.append({"file": name, "target": "plan", "fiscal_year": 2569, "seed": "002",
                  "layout": "a table pasted from Word: the clipboard's HTML, colspan heading rows",
                  "measures": [expected_measure(m, fields) for m in measures]})
    return files


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def seed_003(seed):
    """อบต.จอหอ: results grouped by tool then indicator, heading rows across the table, each group
    its own table with the header repeated (มาตรการ/แนวทาง, วิธีการดำเนินการ, ผลการดำเนินการ,
    ความสำเร็จของการดำเนินการ)."""
    word = new_document()
    head = ["มาตรการ/แนวทาง", "วิธีการดำเนินการ", "ผลการดำเนินการ", "ความสำเร็จของการดำเนินการ"]
    groups = [("เครื่องมือการประเมิน External Integrity and Transparency Assessment : EIT", 7,
               "ตัวชี้วัดที่ ๗ ประสิทธิภาพการสื่อสาร"),
              (None, 8, "ตัวชี้วัดที่ ๘ การปรับปรุงการทำงาน"),
              ("เครื่องมือการประเมิน Internal Integrity and Transparency Assessment : IIT", 2,
               "ตัวชี้วัดที่ ๒ การใช้งบประมาณ")]
    grid = table(word, 4)
    row(grid, head, header=True)
    expected = []
    for tool, number, heading in groups:
        if tool:
            heading_row(grid, tool, 4)
        heading_row(grid, heading, 4)
        for m in [m for m in seed["measures"] if m["indicators"] == [number]]:
            r = m["results"][0]
            row(grid, [m["title"], steps_cell(m["steps"], "thai"), r["done"].split("\n"), r["success"].split("\n")])
            expected.append({"title": m["title"], "steps": stored_steps(m["steps"]), "indicators": m["indicators"],
                             "entry": {"done_text": r["done"], "outcome": r["success"]}})
        if number == 8:  # the report's header printed again where a page breaks
            row(grid, head)
    paragraphs(word, SIGNATURES)
    name = "003-cho-ho-results-by-indicator.docx"
    save(word, name)
    return [{"file": name, "target": "round", "months": 12, "fiscal_year": 2566, "seed": "003",
             "layout": "tool and indicator heading rows across the table; header printed again mid-table",
             "measures": expected}]


def seed_004(seed):
    """เทศบาลตำบลพอกน้อย: the measures table with ``1.`` steps and a signature block; and the same
    rows copied from Excel (tab-separated, a cell with line breaks in quotes)."""
    word = new_document()
    head = ["มาตรการ", "แนวทางการปฏิบัติ", "ขั้นตอน/วิธีการปฏิบัติ", "ผู้รับผิดชอบ", "การกำกับติดตาม"]
    grid = table(word, 5)
    row(grid, head, header=True)
    for m in seed["measures"]:
        row(grid, [m["title"], m["guideline"].split("\n"), steps_cell(m["steps"], "plain"), m["responsible"],
                   ["รายงานผลการดำเนินงานตามมาตรการ", *[f"-รอบ {r} เดือน" for r in m["monitoring_rounds"]]]])
    paragraphs(word, ["", "ลงชื่อ  ยุวดี   อุเทนสุต   ผู้จัดทำ", "(นางสาวยุวดี   อุเทนสุต)",
                      "ตำแหน่ง นักบริหารงานทั่วไป (หัวหน้าฝ่ายอำนวยการ)"])
    name = "004-phok-noi-measures.docx"
    save(word, name)
    fields = ["guideline", "steps", "responsible", "monitoring_rounds"]
    expected = [expected_measure(m, fields, indicators=False) for m in seed["measures"]]
    files = [{"file": name, "target": "plan", "fiscal_year": 2564, "seed": "004",
              "layout": "five columns, 1. steps, signature block below", "measures": expected}]
    lines = ["\t".join(head)]
    for m in seed["measures"]:
        cells = [m["title"], "\n".join(m["guideline"].split("\n")), "\n".join(steps_cell(m["steps"], "plain")),
                 "\n".join(m["responsible"]), "\n".join(f"รอบ {r} เดือน" for r in m["monitoring_rounds"])]
        lines.append("\t".join(f'"{c}"' if "\n" in c else c for c in cells))
    lines += ["", "ลงชื่อ ........................................ ผู้จัดทำ"]
    name = "004-phok-noi-excel.tsv"
    (OUT / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    files.append({"file": name, "target": "plan", "fiscal_year": 2564, "seed": "004",
                  "layout": "rows copied from Excel: tab-separated, cells with line breaks in quotes",
                  "measures": expected})
    return files


# ---------------------------------------------------------------- the portal's own exports


def portal_exports():
    import django

    django.setup()
    from django.core.management import call_command

    from measures.models import MeasurePlan
    from reports import builders, docx, render

    if not MeasurePlan.objects.filter(org__slug="abt-bo-kaeo").exists():
        call_command("migrate", verbosity=0)
        call_command("setup_demo", "--no-migrate", verbosity=0)
    files = []
    for slug, fy, seed in [("abt-dong-khwang", 2568, "000"), ("abt-bo-kaeo", 2568, "001"),
                           ("thesaban-mueang-ang-thong", 2569, "002"), ("thesaban-tambon-phok-noi", 2564, "004")]:
        plan = MeasurePlan.objects.select_related("org").get(org__slug=slug, fiscal_year=fy)
        context = builders.build_measures(plan)
        name = f"{seed}-portal-measures.docx"
        fixed_zip(docx.render_docx(context, draft=False, logo=None, signatures={}), name)
        files.append({"file": name, "target": "plan", "fiscal_year": fy, "seed": seed,
                      "layout": "the portal's own Word export of the measures (the body's chosen columns)",
                      "measures": printed_measures(plan, context)})
        if seed == "002":
            name = f"{seed}-portal-measures.pdf"
            (OUT / name).write_bytes(render.render_pdf(context, draft=True, signatures={}).data)
            files.append({"file": name, "target": "plan", "fiscal_year": fy, "seed": seed,
                          "layout": "the portal's own PDF of the measures (12 pages, header repeated, rows "
                                    "continued across pages)", "measures": printed_measures(plan, context)})
    plan = MeasurePlan.objects.select_related("org").get(org__slug="abt-bo-kaeo", fiscal_year=2568)
    progress_round = plan.rounds.get(months=6)
    context = builders.build_results(progress_round)
    name = "001-portal-results-6m.pdf"
    (OUT / name).write_bytes(render.render_pdf(context, draft=False, signatures={}).data)
    entries = {e.measure_id: e for e in progress_round.entries.all()}
    expected = []
    for measure in plan.measures.order_by("order", "pk").prefetch_related("responsible_units"):
        entry = entries.get(measure.pk)
        expected.append({"title": measure.title, "steps": measure.step_list,
                         "responsible": [u.name for u in measure.responsible_units.all()],
                         "period_text": measure.period_text,
                         "entry": {"output": entry.output, "outcome": entry.outcome}})
    files.append({"file": name, "target": "round", "months": 6, "fiscal_year": 2568, "seed": "001",
                  "layout": "the portal's own PDF of a 6-month results report (7 pages, rows cut by page ends)",
                  "measures": expected})
    files.extend(libreoffice_pdf())
    return files


def printed_measures(plan, context) -> list[dict]:
    """What the export prints of each measure, as the portal stores it."""
    shown = {"no", "title", "steps", "responsible", *context["columns"]}
    out = []
    for measure in plan.measures.order_by("order", "pk").prefetch_related("responsible_units", "indicators"):
        item = {"title": measure.title, "steps": measure.step_list,
                "responsible": [u.name for u in measure.responsible_units.all()]}
        if "indicator" in shown:
            item["indicators"] = sorted(i.number for i in measure.indicators.all())
        for key in ("guideline", "analysis", "target"):
            if key in shown:
                item[key] = getattr(measure, key)
        if "period" in shown:
            item["period_text"] = measure.period_text
            item["period_start"] = measure.period_start.isoformat() if measure.period_start else None
            item["period_end"] = measure.period_end.isoformat() if measure.period_end else None
        if "monitoring" in shown:
            item["monitoring_rounds"] = list(measure.monitoring_rounds)
        out.append(item)
    return out


def libreoffice_pdf() -> list[dict]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("LibreOffice (soffice) is not installed: the PDF exported from Word is left out of the corpus")
        return []
    source = OUT / "004-phok-noi-measures.docx"
    # LibreOffice on the corpus's own file, arguments as a list (no shell).
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", folder, str(source)],  # noqa: S603 # nosec B603
                       check=True, capture_output=True, timeout=120)
        shutil.copy(Path(folder) / "004-phok-noi-measures.pdf", OUT / "004-phok-noi-measures-word.pdf")
    manifest = json.loads((OUT / "manifest.json").read_text(encoding="utf-8")) if (OUT / "manifest.json").exists() \
        else {"files": []}
    expected = next((f["measures"] for f in manifest["files"] if f["file"] == source.name), [])
    return [{"file": "004-phok-noi-measures-word.pdf", "target": "plan", "fiscal_year": 2564, "seed": "004",
             "layout": "a PDF exported from the Word file by LibreOffice", "measures": expected}]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    seeds = {s["seed"]: s for s in json.loads((ROOT / "fixtures" / "seed_measures.json").read_text(encoding="utf-8"))}
    files = [*seed_000(seeds["000"]), *seed_001(seeds["001"]), *seed_002(seeds["002"]), *seed_003(seeds["003"]),
             *seed_004(seeds["004"])]
    (OUT / "manifest.json").write_text(json.dumps({"files": files}, ensure_ascii=False, indent=1), encoding="utf-8")
    files += portal_exports()
    manifest = {"about": "Import corpus: each file, the import it is for (a plan, or a round of N months), the "
                         "layout it shows, and the field values that must come out of it (the ground truth). "
                         "Built by scripts/build_import_corpus.py from fixtures/seed_measures.json and the "
                         "portal's own exports of the demo data.",
                "files": files}
    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(files)} imports over {len({f['file'] for f in files})} files in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
