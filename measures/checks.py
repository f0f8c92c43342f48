"""Checks run before a document is submitted, in the style of healthchecks' "X-rays":
a ``block`` finding stops the submission, a ``warn`` finding is shown and allowed.

A warning with a ``key`` is a cell the document leaves empty (a measure without a
responsible unit or steps, a finished 12-month measure without output and outcome). A body
entering a document it published years ago copies what the source says, and the source may
say nothing there, so these never block: the editor confirms each one when submitting
("the source document has nothing in this cell", ``document_transition(confirmed=...)``),
the confirmation is kept with the submission for the approver, and the PDF prints the empty
cell as "–". New plans get the same warnings. A plan without any measure still blocks."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from common.thai import format_date

from .models import ProgressEntry

BLOCK = "block"
WARN = "warn"


@dataclass(frozen=True)
class Finding:
    level: str
    message: str
    key: str = ""  # set on a warning the editor must confirm before submitting (an empty cell)

    @property
    def blocks(self) -> bool:
        return self.level == BLOCK

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.key)


def gap(key: str, message: str) -> Finding:
    """A cell left empty: a warning the editor confirms when submitting."""
    return Finding(WARN, message, key)


def plan_findings(plan, measures, scorecard=None) -> list[Finding]:
    """``measures`` with responsible_units and indicators prefetched."""
    findings = []
    if not measures:
        findings.append(Finding(BLOCK, _("ยังไม่มีมาตรการในแผน")))
    for number, measure in enumerate(measures, start=1):
        if not list(measure.responsible_units.all()):
            findings.append(gap(f"measure-{measure.pk}-units", _("มาตรการที่ %(n)s “%(t)s” ยังไม่ได้ระบุผู้รับผิดชอบ")
                                % {"n": number, "t": measure.title}))
        if not measure.step_list:
            findings.append(gap(f"measure-{measure.pk}-steps",
                                _("มาตรการที่ %(n)s “%(t)s” ยังไม่มีขั้นตอนหรือวิธีการปฏิบัติ")
                                % {"n": number, "t": measure.title}))
    for indicator, figure in uncovered_low_indicators(measures, scorecard):
        findings.append(Finding(WARN, _("ตัวชี้วัดที่ %(n)s %(name)s ได้ %(s)s คะแนน (ต่ำกว่าเกณฑ์) แต่ยังไม่มีมาตรการ")
                                % {"n": indicator.number, "name": indicator.name, "s": f"{figure.value:.2f}"}))
    return findings


def uncovered_low_indicators(measures, scorecard):
    """Indicators of the year-N result below the pass mark that no measure answers."""
    if scorecard is None:
        return []
    covered = {i.number for m in measures for i in m.indicators.all()}
    result = []
    pass_mark = scorecard.framework.pass_mark
    for indicator in scorecard.framework.indicators.all():
        figure = scorecard.result.indicator(indicator.number)
        if figure.value is not None and figure.value < pass_mark and indicator.number not in covered:
            result.append((indicator, figure))
    return result


def round_findings(progress_round, measures, entries, today: datetime.date) -> list[Finding]:
    """``entries`` maps measure id to its ProgressEntry for this round. A round of a plan
    recorded after the fact (``MeasurePlan.recorded_after``) is never overdue."""
    findings = []
    for number, measure in enumerate(measures, start=1):
        entry = entries.get(measure.pk)
        if entry is None:
            findings.append(Finding(WARN, _("มาตรการที่ %(n)s “%(t)s” ยังไม่ได้รายงานผล")
                                    % {"n": number, "t": measure.title}))
            continue
        if (progress_round.months == 12 and entry.state == ProgressEntry.State.DONE
                and not (entry.output.strip() and entry.outcome.strip())):
            findings.append(gap(f"round-{progress_round.months}-measure-{measure.pk}-results",
                                _("มาตรการที่ %(n)s “%(t)s” ดำเนินการแล้วเสร็จ แต่ยังไม่ได้ระบุผลผลิตและผลลัพธ์")
                                % {"n": number, "t": measure.title}))
    if is_overdue(progress_round, today):
        findings.append(Finding(WARN, _("เลยกำหนดส่ง (%(d)s) มาแล้ว %(days)s วัน")
                                % {"d": format_date(progress_round.due_date, thai_digits=False),
                                   "days": (today - progress_round.due_date).days}))
    return findings


def is_overdue(progress_round, today: datetime.date) -> bool:
    """Still to be sent after its due date, and not a report recorded after the fact."""
    return (progress_round.is_editable and today > progress_round.due_date
            and not progress_round.plan.recorded_after)
