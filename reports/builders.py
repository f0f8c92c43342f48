"""Data -> document context. Every builder returns plain JSON-able data: the same dict is
rendered to PDF, previewed in the browser, stored with each published version, and served
as open data. Numbers the portal generates follow the body's Thai-numeral setting; the
text people typed is kept as typed."""

from django.utils.translation import gettext as _

from assessments.models import Membership
from assessments.selectors import org_scorecards
from common import thai
from measures import selectors as measure_selectors
from measures.models import ProgressEntry, Transition

from . import charts, documents
from .documents import DEFAULT_MEASURE_COLUMNS, DEFAULT_RESULT_COLUMNS, MEASURE_TABLE, RESULT_TABLE, Doc
from .models import ReportSettings

STATE_LABELS = dict(ProgressEntry.State.choices)


class Numbers:
    """Formats the numbers a document prints, in Thai or Arabic digits."""

    def __init__(self, thai_digits: bool):
        self.thai = thai_digits

    def text(self, value) -> str:
        return thai.format_number(str(value), self.thai)

    def score(self, value) -> str:
        return thai.format_score(value, self.thai) if value is not None else "–"

    def date(self, day) -> str:
        return thai.format_date(day, self.thai) if day else ""

    def money(self, value) -> str:
        return _("%(amount)s บาท") % {"amount": self.text(f"{value:,.2f}")}


def _settings(org) -> ReportSettings:
    return ReportSettings.objects.filter(org=org).first() or ReportSettings(org=org)


def _header(org, fiscal_year, doc, numbers, settings_, approval=None):
    return {
        "doc": doc, "doc_title": numbers.text(Doc(doc).label), "fiscal_year": fiscal_year,
        "fiscal_year_text": numbers.text(fiscal_year), "thai_numerals": numbers.thai,
        "org": {"name": org.name, "kind": org.get_kind_display(), "district": org.district,
                "province": org.province.name, "slug": org.slug},
        "signature": _signature(org, settings_, approval),
        "approved_on": numbers.date(approval.created_at.date()) if approval else "",
    }


def _signature(org, settings_, approval):
    """Names from the report settings, else from the people who submitted and approved."""
    preparer = {"name": settings_.preparer_name, "position": settings_.preparer_position}
    approver = {"name": settings_.approver_name, "position": settings_.approver_position}
    if approval is not None:
        submit = Transition.objects.filter(plan=approval.plan, round=approval.round, action="submit",
                                           created_at__lte=approval.created_at).select_related("actor").last()
        for person, transition in ((preparer, submit), (approver, approval)):
            if transition is not None and not person["name"]:
                person["name"] = transition.actor.get_full_name() or transition.actor.get_username()
                person["position"] = person["position"] or _position(org, transition.actor)
    return {"preparer": preparer, "approver": approver}


def _position(org, user) -> str:
    membership = Membership.objects.filter(org=org, user=user).exclude(position="").first()
    return membership.position if membership else ""


def _approval(plan, progress_round=None):
    return Transition.objects.filter(plan=plan, round=progress_round, action="approve").select_related(
        "plan", "round", "actor").last()


def _period(measure, numbers) -> str:
    if measure.period_text:
        return measure.period_text
    if measure.period_start and measure.period_end:
        return f"{numbers.date(measure.period_start)} – {numbers.date(measure.period_end)}"
    return numbers.date(measure.period_start or measure.period_end)


def _monitoring(rounds, numbers) -> str:
    return " / ".join(_("รอบ %(m)s เดือน") % {"m": numbers.text(m)} for m in rounds)


def build_measures(plan) -> dict:
    org = plan.org
    numbers = Numbers(org.thai_numerals)
    settings_ = _settings(org)
    scorecard = measure_selectors.plan_scorecard(plan)
    context = _header(org, plan.fiscal_year, Doc.MEASURES, numbers, settings_, _approval(plan))
    context["columns"] = documents.chosen_columns(settings_.measure_columns, MEASURE_TABLE, DEFAULT_MEASURE_COLUMNS)
    context["widths"] = documents.widths(MEASURE_TABLE, ["no", "title", "steps", "responsible", *context["columns"]])
    context["based_on_text"] = numbers.text(scorecard.fiscal_year) if scorecard else ""
    rows = []
    for measure in measure_selectors.plan_measures(plan):
        indicators = []
        for indicator in measure.indicators.all():
            figure = scorecard.result.indicator(indicator.number) if scorecard else None
            values = {"n": numbers.text(indicator.number), "name": indicator.name}
            if figure is not None and figure.value is not None:
                label = _("ตัวชี้วัดที่ %(n)s %(name)s (ผลการประเมิน %(s)s คะแนน)") % {
                    **values, "s": numbers.score(figure.value)}
            else:
                label = _("ตัวชี้วัดที่ %(n)s %(name)s") % values
            indicators.append(label)
        rows.append({
            "no": numbers.text(len(rows) + 1), "title": measure.title, "indicators": indicators,
            "guideline": measure.guideline,
            "analysis": measure.analysis, "steps": measure.step_list, "period": _period(measure, numbers),
            "responsible": [u.name for u in measure.responsible_units.all()],
            "monitoring": _monitoring(measure.monitoring_rounds, numbers), "target": measure.target,
            "budget": numbers.money(measure.budget) if measure.budget is not None else "",
        })
    context["rows"] = rows
    return context


def build_results(progress_round) -> dict:
    plan = progress_round.plan
    org = plan.org
    numbers = Numbers(org.thai_numerals)
    settings_ = _settings(org)
    context = _header(org, plan.fiscal_year, documents.round_doc(progress_round.months), numbers, settings_,
                      _approval(plan, progress_round))
    context["columns"] = documents.chosen_columns(settings_.result_columns, RESULT_TABLE, DEFAULT_RESULT_COLUMNS)
    context["widths"] = documents.widths(RESULT_TABLE, ["no", "title", "output", "outcome", *context["columns"]])
    context["months_text"] = numbers.text(progress_round.months)
    context["period_text"] = f"{numbers.date(progress_round.period_start)} – {numbers.date(progress_round.period_end)}"
    entries = {e.measure_id: e for e in progress_round.entries.all()}
    rows, done = [], 0
    for measure in measure_selectors.report_measures(plan):
        entry = entries.get(measure.pk)
        done += bool(entry and entry.state == ProgressEntry.State.DONE)
        rows.append({
            "no": numbers.text(len(rows) + 1), "title": measure.title, "steps": measure.step_list,
            "responsible": measure.unit_names, "period": _period(measure, numbers),
            "done": entry.done_text if entry else "", "output": entry.output if entry else "",
            "outcome": entry.outcome if entry else "", "problems": entry.problems if entry else "",
            "remarks": entry.remarks if entry else "",
            "status": str(STATE_LABELS[entry.state]) if entry else _("ยังไม่ได้รายงาน"),
            "percent": numbers.text(entry.percent) + "%" if entry else "",
        })
    context["rows"] = rows
    context["summary"] = _("ดำเนินการแล้วเสร็จ %(done)s จาก %(total)s มาตรการ") % {
        "done": numbers.text(done), "total": numbers.text(len(rows))}
    return context


def build_analysis(plan) -> dict:
    """The analysis of the year-N result that the plan for year N+1 is based on."""
    org = plan.org
    numbers = Numbers(org.thai_numerals)
    settings_ = _settings(org)
    cards = org_scorecards(org)
    card = next((c for c in cards if plan.based_on_id and c.assessment.pk == plan.based_on_id), None)
    context = _header(org, plan.fiscal_year, Doc.ANALYSIS, numbers, settings_, _approval(plan))
    if card is None:
        context["missing"] = True
        return context
    result, framework = card.result, card.framework
    context["assessed_year_text"] = numbers.text(framework.fiscal_year)
    context["overall"] = numbers.score(result.overall.value)
    context["level"] = result.level or "–"
    context["pass_mark"] = numbers.score(framework.pass_mark)
    tools = []
    for tool in framework.tools.all():
        parts = [{"label": _("ส่วนที่ %(p)s (%(name)s)") % {"p": numbers.text(p), "name": label},
                  "value": numbers.score(result.tool(tool.code, p).value)}
                 for p, label in zip(tool.parts, tool.part_labels, strict=True)]
        tools.append({"code": tool.code, "name": tool.name, "weight": numbers.text(f"{tool.weight:.0f}"),
                      "value": numbers.score(result.tool(tool.code).value), "parts": parts})
    context["tools"] = tools
    indicators = []
    for indicator in framework.indicators.all():
        value = result.indicator(indicator.number).value
        indicators.append({"number": numbers.text(indicator.number), "name": indicator.name,
                           "value": numbers.score(value), "raw": float(value) if value is not None else None,
                           "low": value is not None and value < framework.pass_mark})
    context["indicators"] = indicators
    scored = [i for i in indicators if i["raw"] is not None]
    if scored:
        top, bottom = max(i["raw"] for i in scored), min(i["raw"] for i in scored)
        context["highest"] = [i for i in scored if i["raw"] == top]
        context["lowest"] = [i for i in scored if i["raw"] == bottom]
    context["item_tables"] = _item_tables(framework, result, numbers)
    notes = {n.key: n.text for n in plan.notes.all() if n.text.strip()}
    context["notes"] = [{"label": f"{t.code} – {t.name}", "text": notes[t.code]}
                        for t in framework.tools.all() if t.code in notes]
    context["notes"] += [{"label": _("ตัวชี้วัดที่ %(n)s %(name)s") % {"n": numbers.text(i.number), "name": i.name},
                          "text": notes[str(i.number)]} for i in framework.indicators.all() if str(i.number) in notes]
    context["summary"] = plan.analysis_summary
    context["recommendations"] = plan.recommendations
    history = sorted(cards, key=lambda c: c.fiscal_year)[-5:]
    context["chart_svg"] = charts.indicator_bars(
        [numbers.text(c.fiscal_year) for c in history],
        [numbers.text(i.number) for i in framework.indicators.all()],
        [[_as_float(c.result.indicator(i.number).value) for i in framework.indicators.all()] for c in history],
        pass_mark=float(framework.pass_mark), tick=numbers.text,
    )
    return context


def _as_float(value):
    return float(value) if value is not None else None


def _item_tables(framework, result, numbers):
    tables = []
    for tool in framework.tools.all():
        parts = tool.parts or [0]
        blocks = []
        for indicator in framework.indicators.all():
            if indicator.tool_id != tool.pk:
                continue
            items = list(indicator.items.all())
            if not items:
                continue
            groups = list(indicator.groups.all()) or [None]
            rows = []
            for group in groups:
                if group is not None:
                    rows.append({"group": group.name, "values": [numbers.score(result.group(group.code).value)]})
                for item in items:
                    if group is None or item.group_id == group.pk:
                        rows.append({"code": item.code, "text": item.text,
                                     "values": [numbers.score(result.items.get((item.code, p))) for p in parts]})
            blocks.append({"title": _("ตัวชี้วัดที่ %(n)s %(name)s") % {"n": numbers.text(indicator.number),
                                                                       "name": indicator.name},
                           "values": [numbers.score(result.indicator(indicator.number, p).value) for p in parts],
                           "rows": rows})
        if blocks:
            tables.append({"code": tool.code, "name": tool.name, "part_labels": tool.part_labels or [_("คะแนน")],
                           "blocks": blocks})
    return tables


def approval_documents(*, plan, progress_round, approval) -> dict:
    """The measures workflow's approval hook: the contexts of the documents as approved,
    kept in the approval's snapshot; publishing renders exactly these."""
    return {"documents": {doc: build(plan, doc, progress_round)
                          for doc in documents.workflow_docs(plan, progress_round)}}


def build(plan, doc, progress_round=None) -> dict:
    if doc == Doc.MEASURES:
        return build_measures(plan)
    if doc == Doc.ANALYSIS:
        return build_analysis(plan)
    return build_results(progress_round)
