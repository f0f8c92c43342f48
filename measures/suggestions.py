"""Points generated from the data for the editor to start from; the editor's words are what
gets published. Also turns history records into readable change lists."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments import selectors as assessment_selectors
from common.thai import format_score


@dataclass
class AnalysisPoints:
    summary: str = ""
    strengths: list[str] = field(default_factory=list)
    weaknesses: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    discrepancies: list[str] = field(default_factory=list)
    has_indicators: bool = False  # the result has any indicator score (else nothing is above or below)


def note_keys(scorecard) -> list[tuple[str, str]]:
    """The places an editor writes analysis: each tool, then each indicator."""
    if scorecard is None:
        return []
    framework = scorecard.framework
    keys = [(tool.code, _("วิเคราะห์ %(code)s – %(name)s") % {"code": tool.code, "name": tool.name})
            for tool in framework.tools.all()]
    keys += [(str(i.number), _("ตัวชี้วัดที่ %(n)s %(name)s") % {"n": i.number, "name": i.name})
             for i in framework.indicators.all()]
    return keys


def _indicator_line(sentence, indicator, value, **more) -> str:
    """``sentence``: a whole gettext sentence with %(n)s, %(name)s and %(s)s (and ``more``)."""
    return sentence % {"n": indicator.number, "name": indicator.name, "s": format_score(value), **more}


def analysis_points(org, scorecard) -> AnalysisPoints:
    points = AnalysisPoints()
    if scorecard is None:
        return points
    result, framework = scorecard.result, scorecard.framework
    pass_mark = framework.pass_mark
    if result.overall.value is not None:
        points.summary = _("ปีงบประมาณ พ.ศ. %(fy)s ได้คะแนนรวม %(s)s คะแนน ระดับ %(level)s") % {
            "fy": framework.fiscal_year, "s": format_score(result.overall.value), "level": result.level or "–"}
    scored = [(i, result.indicator(i.number).value) for i in framework.indicators.all()]
    scored = [(i, v) for i, v in scored if v is not None]
    points.has_indicators = bool(scored)
    if scored:
        top = max(v for _i, v in scored)
        bottom = min(v for _i, v in scored)
        points.strengths = [_indicator_line(_("ตัวชี้วัดที่ %(n)s %(name)s ได้ %(s)s คะแนน (สูงสุด)"), i, v)
                            for i, v in scored if v == top]
        low = sorted([(i, v) for i, v in scored if v < pass_mark], key=lambda p: p[1])
        points.weaknesses = [_indicator_line(_("ตัวชี้วัดที่ %(n)s %(name)s ได้ %(s)s คะแนน ต่ำกว่าเกณฑ์ %(m)s"), i, v,
                                             m=format_score(pass_mark)) for i, v in low]
        if not low:
            points.weaknesses = [_indicator_line(_("ตัวชี้วัดที่ %(n)s %(name)s ได้ %(s)s คะแนน (ต่ำสุด)"), i, v)
                                 for i, v in scored if v == bottom]
    for tool in framework.tools.all():
        value = result.tool(tool.code).value
        if value is not None:
            sentence = _("%(code)s %(name)s: %(s)s (ผ่านเกณฑ์)") if value >= pass_mark else \
                _("%(code)s %(name)s: %(s)s (ต่ำกว่าเกณฑ์)")
            points.tools.append(sentence % {"code": tool.code, "name": tool.name, "s": format_score(value)})
    previous = [c for c in assessment_selectors.org_scorecards(org) if c.fiscal_year < framework.fiscal_year]
    if previous:
        before = previous[0]
        for indicator, value in scored:
            old = before.result.indicator(indicator.number).value
            if old is not None and abs(value - old) >= Decimal("0.01"):
                points.changes.append(_("ตัวชี้วัดที่ %(n)s %(name)s: %(old)s → %(new)s (%(d)s)") % {
                    "n": indicator.number, "name": indicator.name, "old": format_score(old),
                    "new": format_score(value), "d": f"{value - old:+.2f}"})
    for d in result.discrepancies:
        points.discrepancies.append(f"{d.label}: {d.published} / {d.other}")
    return points
