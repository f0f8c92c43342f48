"""Load the measures and results of the seed documents (fixtures/seed_measures.json)
through the real services, as the bodies' demo users; what the seed bodies published is
published here too (rendered to PDF by the reports app's publish hook)."""

import datetime
import json

from django.contrib.auth import get_user_model

from assessments.models import Membership, Organization
from common.errors import Refusal
from measures import selectors, services
from measures.models import MeasurePlan, ProgressEntry, ProgressRound, Status

# Seed 002's FY 2569 plan stays a draft so the demo editor has work to do.
KEEP_AS_DRAFT = {"002"}


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def _member(org, role):
    membership = Membership.objects.filter(org=org, role=role).select_related("user").order_by("pk").first()
    return membership.user if membership else None


def load_seed_measures(path) -> int:
    documents = json.loads(path.read_text(encoding="utf-8"))
    loaded = 0
    for document in documents:
        org = Organization.objects.get(name=document["body"])
        if MeasurePlan.objects.filter(org=org, fiscal_year=document["fiscal_year"]).exists():
            continue  # already loaded: setup_demo is idempotent
        editor = _member(org, Membership.Role.EDITOR) or get_user_model().objects.filter(is_superuser=True).first()
        approver = _member(org, Membership.Role.APPROVER)
        plan = services.plan_create(org=org, fiscal_year=document["fiscal_year"], actor=editor)
        analysis = document.get("analysis") or {}
        if analysis:
            services.plan_update_analysis(
                plan=plan, actor=editor, summary=analysis.get("summary", ""),
                recommendations=analysis.get("recommendations", ""),
                notes={k: v for k, v in (analysis.get("by_tool") or {}).items() if v})
        framework = selectors.plan_framework(plan)
        indicators = {i.number: i for i in framework.indicators.all()} if framework else {}
        rounds = {r.months: r for r in plan.rounds.all()}
        for spec in sorted(document["measures"], key=lambda m: m["order"]):
            measure = services.measure_save(plan=plan, actor=editor, data={
                "title": spec["title"], "guideline": spec.get("guideline", ""), "analysis": spec.get("analysis", ""),
                "steps": "\n".join(spec.get("steps", [])), "period_text": spec.get("period_text") or "",
                "period_start": _date(spec.get("period_start")), "period_end": _date(spec.get("period_end")),
                "monitoring_rounds": spec.get("monitoring_rounds") or [], "target": "", "budget": None,
                "responsible_units": [], "new_units": spec.get("responsible", []),
                "indicators": [indicators[n] for n in spec.get("indicators", []) if n in indicators],
            })
            for result in spec.get("results", []):
                progress_round = rounds.get(result["round"]) or ProgressRound.objects.create(
                    plan=plan, months=result["round"], due_date=plan.rounds.first().due_date)
                rounds[result["round"]] = progress_round
                _load_result(progress_round, measure, result, editor)
        if editor and approver and document["seed"] not in KEEP_AS_DRAFT:
            _approve(plan, None, editor, approver)
            for progress_round in rounds.values():
                if progress_round.entries.exists():
                    _approve(plan, progress_round, editor, approver)
        loaded += 1
    return loaded


def _load_result(progress_round, measure, result, editor):
    done = progress_round.months == 12 and bool(result.get("output") or result.get("outcome"))
    outcome = result.get("outcome") or result.get("success") or ""
    remarks = "\n".join(part for part in [
        result.get("remarks", ""),
        result.get("success", "") if result.get("outcome") else "",
    ] if part)
    services.entry_save(progress_round=progress_round, measure=measure, actor=editor, data={
        "state": ProgressEntry.State.DONE if done else ProgressEntry.State.IN_PROGRESS,
        "percent": 100 if done else 0, "done_text": result.get("done", ""), "output": result.get("output", ""),
        "outcome": outcome, "remarks": remarks,
    })


def _approve(plan, progress_round, editor, approver):
    """Submit, approve and publish as the seed body did; a document the checks block stays a draft."""
    try:
        services.document_transition(plan=plan, progress_round=progress_round, actor=editor, action="submit")
        services.document_transition(plan=plan, progress_round=progress_round, actor=approver, action="approve",
                                     comment="เห็นชอบ (ข้อมูลจากเอกสารที่หน่วยงานเผยแพร่)")
        services.document_transition(plan=plan, progress_round=progress_round, actor=approver, action="publish")
    except Refusal:
        document = progress_round or plan
        document.refresh_from_db()
        assert document.status in (Status.DRAFT, Status.SUBMITTED)
