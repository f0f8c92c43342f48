"""Data -> document context. Every builder returns plain JSON-able data: the same dict is
rendered to PDF, previewed in the browser, stored with each published version, and served
as open data. Numbers the portal generates follow the body's Thai-numeral setting; the
text people typed is kept as typed."""

from django.utils.translation import gettext as _

from assessments.models import Assessment, Membership
from assessments.selectors import org_scorecards, scorecards
from common import thai
from common.text import readable_url
from measures import selectors as measure_selectors
from measures.models import Measure, ProgressEntry, Transition
from people.names import signing_name

from . import charts, documents
from .documents import DEFAULT_MEASURE_COLUMNS, DEFAULT_RESULT_COLUMNS, MEASURE_TABLE, RESULT_TABLE, Doc
from .models import LogoImage, ReportSettings, SignatureImage, UserSignature

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


def _header(org, fiscal_year, doc, numbers, settings_, approval=None, record=None):
    """The title block and signature block of a document. ``record``: the plan or round of a
    plan recorded after the fact, whose document says what its published source says and
    nothing else (``_record``)."""
    context = {
        "doc": doc, "doc_title": numbers.text(Doc(doc).label), "fiscal_year": fiscal_year,
        "fiscal_year_text": numbers.text(fiscal_year), "thai_numerals": numbers.thai,
        "org": {"name": org.name, "kind": org.get_kind_display(), "district": org.district,
                "province": org.province.name if org.province_id else "", "slug": org.slug},
        "signature": _signature(org, settings_, approval),
        "approved_on": numbers.date(approval.created_at.date()) if approval else "",
        "layout": _layout(settings_),
    }
    if record is not None:
        context.update(_record(record, numbers))
    return context


def _record(document, numbers) -> dict:
    """A record after the fact of a published source: the source's address, its approval date
    and its signers only when the source gives them; no signature line for a signer it does not
    name, and never the portal's date or users (they did not issue the document)."""
    source = document.record_source()
    signers = {role: source[role] for role in ("preparer", "approver") if source[role]["name"]}
    approved_on = document.source_approved_on
    return {
        "record": {"source_url": source["source_url"], "approved_on_iso": source["approved_on"]},
        "signature": signers,
        "approved_on": numbers.date(approved_on) if approved_on else "",
    }


def _layout(settings_) -> dict:
    """The body's layout options, kept with the document like its columns (templates/reports/
    _base.html; a context stored before these options prints with the defaults)."""
    return {"margins": settings_.margins, "header": settings_.header, "font_pt": settings_.body_font_pt}


def _signature(org, settings_, approval):
    """Names from the report settings, else from the people who submitted and approved.

    A person who submitted or approved the document and has uploaded a signature image signs
    it: their image (by its SHA-256: the copy kept with this approval, ``SignatureImage``) with
    the name and position of their signature, since the names in the settings may be someone
    else's. Only while the approval is the document's latest step (publishing aside): the
    approval itself, never a correction drafted after it."""
    preparer = {"name": settings_.preparer_name, "position": settings_.preparer_position}
    approver = {"name": settings_.approver_name, "position": settings_.approver_position}
    if approval is not None:
        submit = Transition.objects.filter(plan=approval.plan, round=approval.round, action="submit",
                                           created_at__lte=approval.created_at).select_related("actor").last()
        signatures = _signatures_at(approval, [t.actor_id for t in (submit, approval) if t is not None])
        for person, transition in ((preparer, submit), (approver, approval)):
            if transition is None:
                continue
            signature = signatures.get(transition.actor_id)
            digest = SignatureImage.objects.keep(signature) if signature is not None else None
            if digest:
                person["name"] = signature.name or _name(transition.actor)
                person["position"] = signature.position or _position(org, transition.actor) or person["position"]
                person["signature_sha256"] = digest
            elif not person["name"]:
                person["name"] = _name(transition.actor)
                person["position"] = person["position"] or _position(org, transition.actor)
    return {"preparer": preparer, "approver": approver}


def _signatures_at(approval, user_ids) -> dict:
    """{user id: UserSignature} of these people, if ``approval`` is the document's latest step
    but publishing; else {} (a draft or a resubmission after it is never signed)."""
    later = Transition.objects.filter(plan=approval.plan_id, round=approval.round_id, pk__gt=approval.pk).exclude(
        action="publish")
    if not user_ids or later.exists():
        return {}
    return {s.user_id: s for s in UserSignature.objects.filter(user_id__in=user_ids)}


def _name(user) -> str:
    """The person's Thai name, never their login name: "" prints a dotted line to sign over
    (submitting and approving ask for the name first: measures/services.py)."""
    return signing_name(user)


def _position(org, user) -> str:
    membership = Membership.objects.filter(org=org, user=user).exclude(position="").first()
    return membership.position if membership else ""


def _recorded(plan):
    return plan if plan.recorded_after else None


def _approval(plan, progress_round=None):
    return Transition.objects.filter(plan=plan, round=progress_round, action="approve").select_related(
        "plan", "round", "actor").last()


class Reads:
    """What the measures and results builders read about a plan, one plan at a time: the pages,
    the approval hook and publishing build this way. ``Preloaded`` gives the same answers for
    many plans from a few queries (``build_many``)."""

    def settings(self, org) -> ReportSettings:
        return _settings(org)

    def scorecard(self, plan):
        return measure_selectors.plan_scorecard(plan)

    def approval(self, plan, progress_round=None):
        return _approval(plan, progress_round)

    def measures(self, plan) -> list:
        return measure_selectors.plan_measures(plan)

    def report_measures(self, plan) -> list:
        return measure_selectors.report_measures(plan)

    def entries(self, progress_round) -> dict:
        return {e.measure_id: e for e in progress_round.entries.all()}


ONE_BY_ONE = Reads()


class Preloaded(Reads):
    """``Reads`` of many plans (with their org and province selected) and rounds at once: eight
    queries whatever their number (settings, assessments, their scores, approvals, measures with
    their units and indicators, entries), and the framework catalogue once per process. Each
    answer is the one ``Reads`` gives for that plan: the same rows in the same order (the approval
    is the plan's or round's last, as ``_approval``; the measures in ``plan_measures``' order,
    their units and indicators prefetched as it does). A document an approval signs still reads
    its signatures itself (``_signature``); the seed's never do."""

    def __init__(self, plans, rounds=()):
        plan_ids = [p.pk for p in plans]
        self._settings = {s.org_id: s for s in ReportSettings.objects.filter(org_id__in={p.org_id for p in plans})}
        based = list(Assessment.objects.filter(pk__in={p.based_on_id for p in plans if p.based_on_id}))
        self._cards = {card.assessment.pk: card for card in scorecards(based)}
        self._approvals = {}
        for transition in Transition.objects.filter(plan_id__in=plan_ids, action="approve").select_related(
                "plan", "round", "actor"):  # oldest first (Meta.ordering): the last one stays
            self._approvals[(transition.plan_id, transition.round_id)] = transition
        self._measures = {pk: [] for pk in plan_ids}
        for measure in Measure.objects.filter(plan_id__in=plan_ids).prefetch_related(
                "responsible_units", "indicators").order_by("plan_id", "order", "pk"):
            self._measures[measure.plan_id].append(measure)
        self._entries = {r.pk: {} for r in rounds}
        for entry in ProgressEntry.objects.filter(round_id__in=list(self._entries)):
            self._entries[entry.round_id][entry.measure_id] = entry

    def settings(self, org) -> ReportSettings:
        return self._settings.get(org.pk) or ReportSettings(org=org)

    def scorecard(self, plan):
        return self._cards[plan.based_on_id] if plan.based_on_id else None

    def approval(self, plan, progress_round=None):
        return self._approvals.get((plan.pk, progress_round.pk if progress_round is not None else None))

    def measures(self, plan) -> list:
        return self._measures[plan.pk]

    def report_measures(self, plan) -> list:
        approval = self._approvals.get((plan.pk, None))
        return measure_selectors.report_measures_from(approval.snapshot if approval else None,
                                                      lambda: self._measures[plan.pk])

    def entries(self, progress_round) -> dict:
        return self._entries[progress_round.pk]


def _period(measure, numbers) -> str:
    if measure.period_text:
        return measure.period_text
    if measure.period_start and measure.period_end:
        return f"{numbers.date(measure.period_start)} – {numbers.date(measure.period_end)}"
    return numbers.date(measure.period_start or measure.period_end)


def _monitoring(rounds, numbers) -> str:
    return " / ".join(_("รอบ %(m)s เดือน") % {"m": numbers.text(m)} for m in rounds)


def build_measures(plan, reads: Reads = ONE_BY_ONE) -> dict:
    org = plan.org
    numbers = Numbers(org.thai_numerals)
    settings_ = reads.settings(org)
    scorecard = reads.scorecard(plan)
    context = _header(org, plan.fiscal_year, Doc.MEASURES, numbers, settings_, reads.approval(plan),
                      _recorded(plan))
    context["columns"] = documents.chosen_columns(settings_.measure_columns, MEASURE_TABLE, DEFAULT_MEASURE_COLUMNS)
    context["widths"] = documents.widths(MEASURE_TABLE, ["no", "title", "steps", "responsible", *context["columns"]])
    context["based_on_text"] = numbers.text(scorecard.fiscal_year) if scorecard else ""
    rows = []
    for measure in reads.measures(plan):
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
            **({"source_url": measure.record_url} if measure.record_url else {}),
        })
    context["rows"] = rows
    return context


def build_results(progress_round, reads: Reads = ONE_BY_ONE) -> dict:
    plan = progress_round.plan
    org = plan.org
    numbers = Numbers(org.thai_numerals)
    settings_ = reads.settings(org)
    context = _header(org, plan.fiscal_year, documents.round_doc(progress_round.months), numbers, settings_,
                      reads.approval(plan, progress_round), progress_round if plan.recorded_after else None)
    context["columns"] = documents.chosen_columns(settings_.result_columns, RESULT_TABLE, DEFAULT_RESULT_COLUMNS)
    context["widths"] = documents.widths(RESULT_TABLE, ["no", "title", "output", "outcome", *context["columns"]])
    context["months_text"] = numbers.text(progress_round.months)
    context["period_text"] = f"{numbers.date(progress_round.period_start)} – {numbers.date(progress_round.period_end)}"
    entries = reads.entries(progress_round)
    rows, done = [], 0
    for measure in reads.report_measures(plan):
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
    """The analysis of the year-N result that the plan for year N+1 is based on.

    Tells the truth about partial data: the summary of the indicators says when there is one
    indicator score or none, the item tables print only what the result gives, and the chart
    shows every year on record that has indicator scores. Keys added since documents were first
    stored (``no_overall``, ``indicator_summary``, ``no_indicator_scores``, ``item_note``, ``chart_title``) are
    optional for the template: an old stored context renders as it did."""
    org = plan.org
    numbers = Numbers(org.thai_numerals)
    settings_ = _settings(org)
    cards = org_scorecards(org)
    card = next((c for c in cards if plan.based_on_id and c.assessment.pk == plan.based_on_id), None)
    context = _header(org, plan.fiscal_year, Doc.ANALYSIS, numbers, settings_, _approval(plan), _recorded(plan))
    if card is None:
        context["missing"] = True
        return context
    result, framework = card.result, card.framework
    year_text = numbers.text(framework.fiscal_year)
    context["assessed_year_text"] = year_text
    context["overall"] = numbers.score(result.overall.value)
    context["level"] = result.level or "–"
    # What the portal computed is said to be computed (a published figure never is).
    context["level_computed"] = result.level_is_computed
    context["overall_computed"] = result.overall.is_computed
    # The level is what the body published (its first label); a second published label is said too.
    context["published_levels"] = result.levels_published[1:]
    context["no_overall"] = result.overall.value is None and not result.level
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
    context["no_indicator_scores"] = not scored
    context["indicator_summary"] = _indicator_summary(indicators, year_text, numbers)
    context["item_tables"], context["item_note"] = _item_tables(framework, result, numbers, year_text)
    notes = {n.key: n.text for n in plan.notes.all() if n.text.strip()}
    context["notes"] = [{"label": f"{t.code} – {t.name}", "text": notes[t.code]}
                        for t in framework.tools.all() if t.code in notes]
    context["notes"] += [{"label": _("ตัวชี้วัดที่ %(n)s %(name)s") % {"n": numbers.text(i.number), "name": i.name},
                          "text": notes[str(i.number)]} for i in framework.indicators.all() if str(i.number) in notes]
    context["summary"] = plan.analysis_summary
    context["recommendations"] = plan.recommendations
    context["chart_title"], context["chart_svg"] = _indicator_chart(cards, framework, numbers)
    return context


CHART_YEARS = 5  # the latest years of indicator scores the chart compares


def _indicator_chart(cards, framework, numbers) -> tuple[str, str]:
    """Every year on record with indicator scores (the latest ``CHART_YEARS``), oldest first,
    on the indicators of the year analysed (matched by number, as every year numbers them 1–10).
    ("", "") when no year has an indicator score."""
    numbers_on_chart = [i.number for i in framework.indicators.all()]
    history = []
    for card in sorted(cards, key=lambda c: c.fiscal_year):
        scores = [_as_float(card.result.indicator(n).value) for n in numbers_on_chart]
        if any(score is not None for score in scores):
            history.append((card.fiscal_year, scores))
    history = history[-CHART_YEARS:]
    if not history:
        return "", ""
    years = [year for year, _scores in history]
    if len(years) == 1:
        title = _("คะแนนรายตัวชี้วัด ปีงบประมาณ พ.ศ. %(year)s") % {"year": numbers.text(years[0])}
    elif years == list(range(years[0], years[-1] + 1)):
        title = _("คะแนนรายตัวชี้วัด ปีงบประมาณ พ.ศ. %(first)s–%(last)s") % {
            "first": numbers.text(years[0]), "last": numbers.text(years[-1])}
    else:
        title = _("คะแนนรายตัวชี้วัด ปีงบประมาณ พ.ศ. %(years)s และ %(last)s") % {
            "years": ", ".join(numbers.text(y) for y in years[:-1]), "last": numbers.text(years[-1])}
    pass_mark = float(framework.pass_mark)
    svg = charts.indicator_bars(
        [numbers.text(y) for y in years], [numbers.text(n) for n in numbers_on_chart],
        [scores for _year, scores in history], pass_mark=pass_mark, tick=numbers.text,
        pass_label=_("เกณฑ์ผ่าน %(m)s คะแนน") % {"m": numbers.text(f"{pass_mark:g}")},
        axis_label=_("ตัวชี้วัดที่"), label=title,
    )
    return title, svg


def _indicator_summary(indicators, year_text, numbers) -> list[str]:
    """Sentences under the indicator table: the highest and lowest, said once when there is
    one score or all are equal, and which indicators have no score."""
    scored = [i for i in indicators if i["raw"] is not None]
    if not scored:
        return [_("ผลการประเมินปีงบประมาณ พ.ศ. %(year)s ไม่มีคะแนนรายตัวชี้วัด") % {"year": year_text}]

    def named(group):
        return ", ".join(_("ตัวชี้วัดที่ %(n)s %(name)s (%(s)s)") % {"n": i["number"], "name": i["name"],
                                                                   "s": i["value"]} for i in group)

    top, bottom = max(i["raw"] for i in scored), min(i["raw"] for i in scored)
    if len(scored) == 1:
        lines = [_("มีคะแนนรายตัวชี้วัดเพียงตัวเดียว: %(indicator)s") % {"indicator": named(scored)}]
    elif top == bottom:
        sentence = (_("ตัวชี้วัดทั้ง %(count)s ตัวได้คะแนนเท่ากัน คือ %(s)s คะแนน") if len(scored) == len(indicators)
                    else _("ตัวชี้วัดทั้ง %(count)s ตัวที่มีคะแนนได้คะแนนเท่ากัน คือ %(s)s คะแนน"))
        lines = [sentence % {"count": numbers.text(len(scored)), "s": scored[0]["value"]}]
    else:
        lines = [_("คะแนนสูงสุด: %(indicators)s") % {"indicators": named(i for i in scored if i["raw"] == top)},
                 _("คะแนนต่ำสุด: %(indicators)s") % {"indicators": named(i for i in scored if i["raw"] == bottom)}]
    unscored = [i["number"] for i in indicators if i["raw"] is None]
    if unscored:
        lines.append(_("ผลการประเมินไม่มีคะแนนของตัวชี้วัดที่ %(numbers)s") % {"numbers": ", ".join(unscored)})
    return lines


def _as_float(value):
    return float(value) if value is not None else None


def _item_tables(framework, result, numbers, year_text) -> tuple[list, str]:
    """The item tables of the tools whose items the result scores, and a sentence naming the
    tools it gives no item (or group) figure for ("" when there is none to name). Inside a
    table, an indicator whose items have no figure prints its title row only, with a note."""
    tables, unscored_tools = [], []
    for tool in framework.tools.all():
        parts = tool.parts or [0]
        blocks, known = [], False
        for indicator in framework.indicators.all():
            if indicator.tool_id != tool.pk:
                continue
            items = list(indicator.items.all())
            if not items:
                continue
            groups = list(indicator.groups.all()) or [None]
            items_known = any(result.items.get((item.code, p)) is not None for item in items for p in parts)
            groups_known = any(result.group(g.code).value is not None for g in groups if g is not None)
            rows = []
            for group in groups:
                if group is not None and (items_known or groups_known):
                    rows.append({"group": group.name, "values": [numbers.score(result.group(group.code).value)]})
                for item in items:
                    if items_known and (group is None or item.group_id == group.pk):
                        rows.append({"code": item.code, "text": item.text,
                                     "values": [numbers.score(result.items.get((item.code, p))) for p in parts]})
            known = known or items_known or groups_known
            blocks.append({"title": _("ตัวชี้วัดที่ %(n)s %(name)s") % {"n": numbers.text(indicator.number),
                                                                       "name": indicator.name},
                           "values": [numbers.score(result.indicator(indicator.number, p).value) for p in parts],
                           "rows": rows, "no_items": not rows})
        if not blocks:
            continue
        if known:
            tables.append({"code": tool.code, "name": tool.name, "part_labels": tool.part_labels or [_("คะแนน")],
                           "blocks": blocks})
        else:
            unscored_tools.append(f"{tool.code} {tool.name}")
    if not unscored_tools:
        return tables, ""
    if not tables:
        return tables, _("ผลการประเมินปีงบประมาณ พ.ศ. %(year)s ไม่มีคะแนนรายข้อ") % {"year": year_text}
    return tables, _("ผลการประเมินปีงบประมาณ พ.ศ. %(year)s ไม่มีคะแนนรายข้อของ %(tools)s") % {
        "year": year_text, "tools": ", ".join(unscored_tools)}


def approval_documents(*, plan, progress_round, approval) -> dict:
    """The measures workflow's approval hook: the contexts of the documents as approved,
    kept in the approval's snapshot; publishing renders exactly these. Their look goes with
    them: the layout options, Thai numerals and columns are in the context, and the body's logo
    as it is now is kept (``LogoImage``) and named by ``logo_sha256`` ("" for none)."""
    logo = LogoImage.objects.keep(plan.org)
    return {"documents": {doc: {**build(plan, doc, progress_round), "logo_sha256": logo}
                          for doc in documents.workflow_docs(plan, progress_round)}}


def build(plan, doc, progress_round=None, reads: Reads = ONE_BY_ONE) -> dict:
    if doc == Doc.MEASURES:
        return build_measures(plan, reads)
    if doc == Doc.ANALYSIS:
        return build_analysis(plan)
    return build_results(progress_round, reads)


def build_many(wanted) -> list[dict]:
    """``build`` of many documents at once, ``wanted`` being (plan, doc, progress round or None)
    with the org and province of each plan (and of each round's plan) selected: the same
    contexts, the measures and results documents from reads made for all of them together
    (``Preloaded``: a fixed number of queries rather than about ten per document; an analysis is
    built alone). ``seed_scale`` publishes thousands this way; tests/reports/test_build_many.py
    holds it equal to ``build``."""
    reads = Preloaded([plan for plan, _doc, _round in wanted],
                      [r for _plan, _doc, r in wanted if r is not None])
    return [build(plan, doc, progress_round, reads) for plan, doc, progress_round in wanted]


# ---------------------------------------------------------------- the words both writers print

DOTS = "........................................"  # a line to write on: a signature, a name, a position


def words(context: dict) -> dict:
    """Every sentence and label a document prints besides the data its builder stored, composed
    here once from its context (a fresh one or one stored years ago, which prints them as a new one
    would): the PDF template (render.render_html) and the Word writer (docx.render_docx) both lay
    out exactly these, neither composes a sentence of its own. tests/reports/test_documents_words.py
    compares the two files' words."""
    org = context.get("org") or {}
    place = org.get("name", "")
    if org.get("district"):
        place += " " + _("อำเภอ") + org["district"]
    if org.get("province"):
        place += " " + _("จังหวัด") + org["province"]
    found = {
        "subtitle": _subtitle(context),
        "place": place,
        "year_line": f"{_('ประจำปีงบประมาณ พ.ศ.')} {context.get('fiscal_year_text', '')}",
        "no_measures": _("ยังไม่มีมาตรการ"),
        "signers": _signers(context),
        "record_note": _record_note(context.get("record")),
        "approved_on_line": (_("วันที่ให้ความเห็นชอบ %(date)s") % {"date": context["approved_on"]}
                             if context.get("approved_on") else ""),
    }
    if context.get("doc") == Doc.ANALYSIS:
        found.update(_analysis_words(context))
    return found


def _subtitle(context) -> str:
    """The line under the title: the year analysed, the year the measures answer, or the round."""
    doc = context.get("doc")
    if doc == Doc.MEASURES:
        fy = context.get("based_on_text")
        return _("จากผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. %(fy)s") % {"fy": fy} if fy else ""
    if doc == Doc.ANALYSIS:
        fy = context.get("assessed_year_text")
        return _("ผลการประเมินประจำปีงบประมาณ พ.ศ. %(fy)s") % {"fy": fy} if fy else ""
    return f"{_('รอบ %(m)s เดือน') % {'m': context.get('months_text', '')}} ({context.get('period_text', '')})"


def _record_note(record) -> str:
    """What a record after the fact says under its text: where its published source is."""
    if not record:
        return ""
    url = readable_url(record.get("source_url") or "")
    if url:
        return _("บันทึกย้อนหลังในระบบจากเอกสารที่หน่วยงานเผยแพร่แล้ว ต้นฉบับ: %(url)s") % {"url": url}
    return _("บันทึกย้อนหลังในระบบจากเอกสารที่หน่วยงานเผยแพร่แล้ว")


def _signers(context) -> list[dict]:
    """The signature blocks, preparer then approver: only those the context names (a record after
    the fact names only the signers its source gives); the approver's carries the approval date."""
    signature = context.get("signature") or {}
    approved_on = context.get("approved_on", "")
    people = [("preparer", _("ผู้จัดทำ"), _("ลายมือชื่อผู้จัดทำ"), ""),
              ("approver", _("ผู้รับรอง"), _("ลายมือชื่อผู้รับรอง"), approved_on)]
    signers = []
    for key, role, image_label, date in people:
        person = signature.get(key)
        if not person:
            continue
        signers.append({
            "key": key, "role": role, "sign": _("ลงชื่อ"), "blank": DOTS, "image_label": image_label,
            "name_line": f"({person.get('name') or DOTS})",
            "position_line": f"{_('ตำแหน่ง')} {person.get('position') or DOTS}",
            "approved_on_line": _("วันที่ให้ความเห็นชอบ %(date)s") % {"date": date} if date else "",
        })
    return signers


def _analysis_words(context) -> dict:
    """The analysis's headings, table headers and the sentences made of its figures."""
    found = {
        "no_result": _("ยังไม่มีผลการประเมินของปีที่ใช้วิเคราะห์"),
        "headings": {"overall": _("ผลการประเมินภาพรวม"), "indicators": _("ผลการประเมินรายตัวชี้วัด"),
                     "items": _("ผลการประเมินรายข้อ"), "analysis": _("ผลการวิเคราะห์"),
                     "recommendations": _("ข้อเสนอแนะ")},
        "headers": {"tool": _("เครื่องมือการประเมิน"), "weight": _("น้ำหนัก (ร้อยละ)"), "score": _("คะแนน"),
                    "indicator": _("ตัวชี้วัด"), "indicator_detail": _("รายละเอียดตัวชี้วัด"), "item": _("ข้อ")},
        "no_item_scores": _("ผลการประเมินไม่มีคะแนนรายข้อของตัวชี้วัดนี้"),
        "empty": "–",
    }
    if context.get("missing"):
        return found
    found["overall_sentence"] = _overall_sentence(context)
    if "indicator_summary" in context:
        found["indicator_summary"] = context["indicator_summary"]
    else:  # a context stored before indicator_summary existed

        def named(group):
            return ", ".join(f"{_('ตัวชี้วัดที่')} {i['number']} {i['name']} ({i['value']})" for i in group)

        found["indicator_summary"] = [f"{_('คะแนนสูงสุด')}: {named(context.get('highest', []))}",
                                      f"{_('คะแนนต่ำสุด')}: {named(context.get('lowest', []))}"]
    found["chart_title"] = context.get("chart_title") or _("คะแนนรายตัวชี้วัดในปีที่มีข้อมูล")
    return found


def _overall_sentence(context) -> str:
    if context.get("no_overall"):
        return _("ผลการประเมินประจำปีงบประมาณ พ.ศ. %(fy)s ไม่มีคะแนนรวม (เกณฑ์ผ่าน %(m)s คะแนน)") % {
            "fy": context.get("assessed_year_text", ""), "m": context.get("pass_mark", "")}
    values = {"s": context.get("overall", ""), "level": context.get("level", "")}
    if context.get("level_computed") and context.get("overall_computed"):
        sentence = _("ได้คะแนนรวม %(s)s คะแนน อยู่ในระดับ “%(level)s” (คะแนนรวมและระดับคำนวณโดยระบบ)") % values
    elif context.get("level_computed"):
        sentence = _("ได้คะแนนรวม %(s)s คะแนน อยู่ในระดับ “%(level)s” (ระดับคำนวณโดยระบบ)") % values
    elif context.get("overall_computed"):
        sentence = _("ได้คะแนนรวม %(s)s คะแนน (คำนวณโดยระบบ) อยู่ในระดับ “%(level)s”") % values
    else:
        sentence = _("ได้คะแนนรวม %(s)s คะแนน อยู่ในระดับ “%(level)s”") % values
    sentence += " (" + _("เกณฑ์ผ่าน %(m)s คะแนน") % {"m": context.get("pass_mark", "")} + ")"
    for label in context.get("published_levels", []):
        sentence += " " + _("ผลที่ประกาศระบุว่า “%(label)s”") % {"label": label}
    return sentence
