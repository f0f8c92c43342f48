"""The registry of documents and the catalogue of their table columns: the one place that says
how each document is built and printed (its template, its page, the progress round it reports,
its table's columns). Builders, templates, rendering, publishing, the views, the commands and
open data read it. The documents' names (``Doc``: the key stored with every published version and
used in the public addresses /orgs/<slug>/<fy>/<doc>.pdf, and the printed title) and the round each
reports are assessments/documents.py, the one list of them, low enough for every app; ``REGISTRY``
has one entry for each (checked below). docs/ARCHITECTURE.md says, file by file, how a kind of
document is added."""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Doc, ROUND_DOCS and round_doc are read from here by the modules of reports, beside the registry.
from assessments.documents import ROUND_DOCS, ROUND_MONTHS, Doc, round_doc  # noqa: F401
from common.memo import Memo
from common.thai import to_thai_digits

APPROVED_STATES = ("approved", "published")


@dataclass(frozen=True)
class Answers:
    """A document answering one ITA item: the item's code as that year's list writes it, the
    fiscal year of the document that answers it, and whether a source says so outright."""

    item: str
    fiscal_year: int
    confirmed: bool


# Which ITA item each document answers is data of each year's framework (Framework.documents,
# loaded with the framework: fixtures/frameworks.json, fixtures/framework-2569.json, or
# load_framework). The year a document is filed under is not always the ITA year it serves: a
# plan's measures serve the ITA of the plan's own year, but from ITA 2568 on the results report
# assessed is the previous fiscal year's whole-year (12-month) report. docs/DOMAIN.md, "The four
# documents and the ITA items they answer", gives the sources. A year without a framework shows
# no item (FY 2570: none published yet).
def _frameworks_token():
    from assessments import fiscal_years

    return fiscal_years.token()


_answers = Memo("ITA answers", version=_frameworks_token)  # "by year": {ITA year: {doc: Answers}}


def ita_answers() -> dict[int, dict[str, Answers]]:
    """{ITA year: {doc: Answers}}, kept per process until any framework changes (one query then)."""
    return _answers.get("by year", _read_answers)


def _read_answers() -> dict[int, dict[str, Answers]]:
    from assessments.models import Framework

    by_year = {}
    for year, rows in Framework.objects.values_list("fiscal_year", "documents"):
        by_year[year] = {row["doc"]: Answers(row["item"], int(row["fiscal_year"]),
                                             bool(row.get("confirmed", True))) for row in rows or []}
    return by_year


@dataclass(frozen=True)
class ItaItem:
    """An ITAS item a published document answers: item ``code`` of ITA ``assessment_year``."""

    assessment_year: int
    code: str
    confirmed: bool

    @property
    def label(self) -> str:
        return gettext("ใช้ประกอบการประเมิน ITA ปี %(year)s ข้อ %(code)s") % {
            "year": to_thai_digits(self.assessment_year), "code": self.code}

    @property
    def copy_label(self) -> str:
        return gettext("คัดลอกลิงก์สำหรับ ITAS ปี %(year)s ข้อ %(code)s") % {
            "year": to_thai_digits(self.assessment_year), "code": self.code}

    def as_data(self) -> dict:
        """For open data."""
        return {"assessment_year": self.assessment_year, "item": self.code, "confirmed": self.confirmed,
                "label": self.label}


def ita_items(doc: str, fiscal_year: int, answers: dict | None = None) -> list[ItaItem]:
    """The ITA items the ``doc`` filed under ``fiscal_year`` answers, oldest ITA year first
    (the FY 2568 results report: ITA 2569 O26)."""
    by_year = ita_answers() if answers is None else answers  # a page with many documents reads it once
    return [ItaItem(year, found.item, found.confirmed) for year, docs in sorted(by_year.items())
            if (found := docs.get(doc)) is not None and found.fiscal_year == fiscal_year]


@dataclass(frozen=True)
class Column:
    key: str  # the column's name: in the body's settings and in open data
    label: str  # its header in the printed table
    weight: int  # its share of the page width, against the other columns shown
    cell: str  # how a cell prints: num | plain | text | title | lines | steps (see report_text.cell)
    optional: bool = False  # a body may switch it off in its document settings
    field: str = ""  # the row's key, when not ``key``
    choice: str = ""  # its name in the settings form, when not ``label``

    @property
    def row_key(self) -> str:
        return self.field or self.key

    @property
    def choice_label(self) -> str:
        return self.choice or self.label


MEASURE_TABLE = [
    Column("no", _("ที่"), 3, "num"),
    Column("indicator", _("ตัวชี้วัด"), 12, "lines", optional=True, field="indicators"),
    Column("title", _("มาตรการ/โครงการ/กิจกรรม"), 15, "title"),
    Column("guideline", _("แนวทางปฏิบัติ"), 16, "text", optional=True),
    Column("analysis", _("ผลการวิเคราะห์"), 18, "text", optional=True),
    Column("steps", _("ขั้นตอนหรือวิธีการปฏิบัติ"), 23, "steps"),
    Column("period", _("ช่วงระยะเวลา"), 10, "plain", optional=True),
    Column("responsible", _("ผู้รับผิดชอบ"), 11, "lines"),
    Column("monitoring", _("การกำกับติดตาม"), 9, "plain", optional=True),
    Column("target", _("เป้าหมาย"), 12, "text", optional=True),
    Column("budget", _("งบประมาณ"), 9, "num", optional=True),
]
RESULT_TABLE = [
    Column("no", _("ที่"), 3, "num"),
    Column("title", _("มาตรการ/โครงการ/กิจกรรม"), 15, "title"),
    Column("steps", _("รายละเอียดการดำเนินงาน (ขั้นตอน)"), 23, "steps", optional=True),
    Column("responsible", _("ผู้รับผิดชอบ"), 11, "lines", optional=True),
    Column("period", _("ระยะเวลา"), 10, "plain", optional=True),
    Column("done", _("ผลการดำเนินงาน"), 16, "text", optional=True),
    Column("output", _("ผลผลิต (output)"), 15, "text"),
    Column("outcome", _("ผลลัพธ์ (outcome)"), 15, "text"),
    Column("problems", _("ปัญหา/อุปสรรค"), 12, "text", optional=True),
    Column("remarks", _("หมายเหตุ"), 10, "text", optional=True),
    Column("status", _("สถานะ"), 9, "plain", optional=True),
    Column("percent", "%", 6, "num", optional=True, choice=_("ร้อยละ")),
]
# The staff forms' fields each optional column prints: a field whose every column the body switched
# off is marked on its form as not printed in the body's documents (reports/templatetags/documents.py).
COLUMN_FIELDS = {
    "measures": {"indicator": ["indicators"], "guideline": ["guideline"], "analysis": ["analysis"],
                 "period": ["period_start", "period_end", "period_text"], "monitoring": ["monitoring_rounds"],
                 "target": ["target"], "budget": ["budget"]},
    "results": {"done": ["done_text"], "problems": ["problems"], "remarks": ["remarks"], "status": ["state"],
                "percent": ["percent"]},
}
DEFAULT_MEASURE_COLUMNS = ["indicator", "analysis", "period", "monitoring"]
DEFAULT_RESULT_COLUMNS = ["steps", "responsible", "period", "remarks", "status", "percent"]
# Open data (CSV): one row per measure and document, these row keys in this order.
OPEN_DATA_FIELDS = ["no", "title", "steps", "responsible", "period", "output", "outcome", "status", "percent"]


@dataclass(frozen=True)
class DocumentKind:
    doc: str
    template: str
    landscape: bool
    short: str = ""  # its name in a narrow column (the overviews' counts of published documents)
    table: tuple = ()  # its columns, when it prints a table of measures
    # Issued only when the body wrote it: the analysis of a plan based on a year-N result, once the
    # body wrote its analysis (a summary, recommendations or a note: ``analysis_written``).
    written_analysis: bool = False

    @property
    def label(self) -> str:
        return Doc(self.doc).label

    @property
    def months(self) -> int | None:
        """The progress round it reports (assessments/documents.py); None: one of the plan's documents."""
        return ROUND_MONTHS.get(self.doc)


REGISTRY = {kind.doc: kind for kind in [
    DocumentKind(Doc.ANALYSIS, "reports/analysis.html", landscape=False, short=_("รายงานการวิเคราะห์"),
                 written_analysis=True),
    DocumentKind(Doc.MEASURES, "reports/measures.html", landscape=True, short=_("มาตรการ"),
                 table=tuple(MEASURE_TABLE)),
    DocumentKind(Doc.RESULTS_6M, "reports/results.html", landscape=True, short=_("ผล 6 เดือน"),
                 table=tuple(RESULT_TABLE)),
    DocumentKind(Doc.RESULTS_12M, "reports/results.html", landscape=True, short=_("ผล 12 เดือน"),
                 table=tuple(RESULT_TABLE)),
]}
if list(REGISTRY) != list(Doc.values):  # one entry for each document, in the list's order
    raise ImportError(f"reports.documents.REGISTRY {list(REGISTRY)} is not assessments.documents.Doc {Doc.values}")


def kind_of(doc: str) -> DocumentKind | None:
    return REGISTRY.get(doc)


def doc_or_404(doc: str) -> str:
    """A document key from an address: one the registry knows, else a Thai 404."""
    if doc not in REGISTRY:
        raise Http404(gettext("ไม่มีเอกสารชนิดนี้"))
    return doc


def analysis_written(plan) -> bool:
    """The body wrote an analysis of the result its plan is based on: its summary, its
    recommendations or a note on a tool or indicator (one query at most). Scores alone are not
    an analysis: the portal never issues a document nobody wrote (docs/DOMAIN.md)."""
    if not plan.based_on_id:
        return False
    if plan.analysis_summary.strip() or plan.recommendations.strip():
        return True
    return plan.notes.exclude(text="").exists()


def workflow_docs(plan, progress_round=None) -> list[str]:
    """The documents one step of the workflow approves and publishes: a plan its measures and
    (when the body wrote it) the analysis; a 6- or 12-month round its results report."""
    if progress_round is None:
        return [k.doc for k in REGISTRY.values() if k.months is None
                and (not k.written_analysis or analysis_written(plan))]
    return [k.doc for k in REGISTRY.values() if k.months == progress_round.months]


def is_draft(plan, progress_round=None) -> bool:
    """A document not yet approved prints as a draft (watermarked ร่าง)."""
    return (progress_round or plan).status not in APPROVED_STATES


def chosen_columns(chosen, table, default) -> list[str]:
    """The optional columns a body chose, in the table's order."""
    chosen = chosen if isinstance(chosen, list) else default
    return [c.key for c in table if c.optional and c.key in chosen]


def widths(table, shown) -> dict[str, str]:
    """Each shown column's share of the page width, in per cent."""
    columns = [c for c in table if c.key in shown]
    total = sum(c.weight for c in columns)
    return {c.key: f"{100 * c.weight / total:.1f}" for c in columns}


def shown_columns(context) -> list[dict]:
    """The columns a document's context prints, with header and width, for the template (and
    the Word export): the fixed ones and the optional ones the body chose."""
    kind = REGISTRY[context["doc"]]
    chosen = set(context.get("columns", []))
    width = context.get("widths", {})
    return [{"key": c.key, "label": c.label, "cell": c.cell, "field": c.row_key, "width": width.get(c.key, "")}
            for c in kind.table if not c.optional or c.key in chosen]


def setting_choices(table) -> list[tuple[str, str]]:
    return [(c.key, c.choice_label) for c in table if c.optional]


def unprinted_fields(chosen, table: str) -> set[str]:
    """The form fields of ``table`` ("measures" or "results") that print in no column the body
    chose (``chosen``: its settings' list, or None for the defaults)."""
    columns, default = ((MEASURE_TABLE, DEFAULT_MEASURE_COLUMNS) if table == "measures"
                        else (RESULT_TABLE, DEFAULT_RESULT_COLUMNS))
    shown = set(chosen_columns(chosen, columns, default))
    return {name for key, names in COLUMN_FIELDS[table].items() if key not in shown for name in names}
