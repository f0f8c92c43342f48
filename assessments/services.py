"""Every write that matters: atomic, validated, and audited in the same transaction."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from common import public_cache

from . import score_io
from .models import (
    Assessment,
    AuditAction,
    AuditEvent,
    Framework,
    GroupScore,
    Indicator,
    IndicatorScore,
    Item,
    ItemGroup,
    ItemScore,
    Organization,
    OrgUnit,
    Province,
    Tool,
    ToolScore,
)


def audit(*, actor, action: AuditAction, summary: str, org=None, detail=None) -> AuditEvent:
    """Record an action; a body's public pages are rebuilt after any recorded change to it."""
    event = AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action, org=org, summary=summary[:300], detail=detail or {},
    )
    if org is not None:
        slug, province_id = org.slug, org.province_id
        transaction.on_commit(lambda: public_cache.bump(slug, province_id))
    return event


@transaction.atomic
def framework_load(data: dict) -> Framework:
    """Create or update one fiscal year's framework from fixtures/frameworks.json's shape."""
    framework, _created = Framework.objects.update_or_create(
        fiscal_year=data["fiscal_year"],
        defaults={"name": data["name"], "pass_mark": Decimal(data.get("pass_mark", "85")),
                  "level_rule": data["level_rule"]},
    )
    tools = {}
    for order, tool in enumerate(data["tools"], start=1):
        tools[tool["code"]], _created = Tool.objects.update_or_create(
            framework=framework, code=tool["code"],
            defaults={"name": tool["name"], "weight": Decimal(tool["weight"]), "order": order,
                      "part_labels": tool.get("part_labels", [])},
        )
    for spec in data["indicators"]:
        indicator, _created = Indicator.objects.update_or_create(
            framework=framework, number=spec["number"],
            defaults={"tool": tools[spec["tool"]], "name": spec["name"]},
        )
        order = 0
        for group_order, group_spec in enumerate(spec.get("groups", []), start=1):
            group, _created = ItemGroup.objects.update_or_create(
                indicator=indicator, code=f"{indicator.number}.{group_order}",
                defaults={"name": group_spec["name"], "order": group_order},
            )
            for item in group_spec["items"]:
                order += 1
                _item_load(framework, indicator, group, item, order)
        for item in spec.get("items", []):
            order += 1
            _item_load(framework, indicator, None, item, order)
    framework.full_clean()
    transaction.on_commit(public_cache.bump_all)  # every page shows the framework's names
    return framework


def _item_load(framework, indicator, group, spec, order):
    Item.objects.update_or_create(
        framework=framework, code=spec["code"],
        defaults={"indicator": indicator, "group": group, "text": spec["text"], "order": order},
    )


@transaction.atomic
def organization_upsert(*, slug: str, name: str, kind: str, province: Province, district: str = "",
                        dla_code: str | None = None, itas_code: str = "", units=(), actor=None) -> Organization:
    org = Organization.objects.filter(slug=slug).first() or Organization(slug=slug)
    org.name, org.kind, org.province, org.district = name, kind, province, district
    org.dla_code, org.itas_code = dla_code or None, itas_code
    org.full_clean()
    created = org.pk is None
    org.save()
    for order, unit_name in enumerate(units, start=1):
        OrgUnit.objects.update_or_create(org=org, name=unit_name, defaults={"order": order})
    if created:
        audit(actor=actor, action=AuditAction.ORG_CREATE, org=org,
              summary=_("เพิ่มหน่วยงาน %(name)s") % {"name": org.name})
    return org


SCORE_MODELS = {
    "tool": (ToolScore, "tool"),
    "group": (GroupScore, "group"),
    "indicator": (IndicatorScore, "indicator"),
    "item": (ItemScore, "item"),
}


@transaction.atomic
def scores_import(*, rows: list[score_io.ScoreRow], actor=None, source: str = "") -> dict:
    """Write checked rows (score_io.check_rows): all of them or, on any error, none.

    Existing figures named in the file are replaced; figures not named are kept.
    Returns counts per body.
    """
    assessments = {}
    for row in rows:
        key = (row.org.pk, row.framework.pk)
        if key not in assessments:
            assessments[key], _created = Assessment.objects.get_or_create(org=row.org, framework=row.framework)

    header_updates: dict[int, Assessment] = {}
    score_objects: dict[str, list] = {scope: [] for scope in SCORE_MODELS}
    alts: dict[tuple[int, int, int], Decimal] = {}
    for row in rows:
        assessment = assessments[(row.org.pk, row.framework.pk)]
        if row.scope == "overall":
            assessment.overall = row.value
            header_updates[assessment.pk] = assessment
        elif row.scope == "level":
            assessment.level = row.value
            header_updates[assessment.pk] = assessment
        elif row.scope == "indicator_alt":
            alts[(assessment.pk, row.target.pk, row.part)] = row.value
        else:
            model, field = SCORE_MODELS[row.scope]
            score_objects[row.scope].append(
                model(assessment=assessment, part=row.part, score=row.value, **{field: row.target})
            )
    for assessment in header_updates.values():
        if source:
            assessment.source = source[:200]
        assessment.full_clean(validate_unique=False)
        assessment.save()
    for scope, objects in score_objects.items():
        model, field = SCORE_MODELS[scope]
        if objects:
            model.objects.bulk_create(
                objects, update_conflicts=True, unique_fields=["assessment", field, "part"], update_fields=["score"]
            )
    for (assessment_id, indicator_id, part), alt in alts.items():
        updated = IndicatorScore.objects.filter(
            assessment_id=assessment_id, indicator_id=indicator_id, part=part
        ).update(alt_score=alt)
        if not updated:
            raise score_io.ImportRejected([
                "คะแนน indicator_alt ต้องมีคะแนน indicator ของตัวชี้วัดเดียวกันอยู่แล้วหรืออยู่ในไฟล์เดียวกัน"
            ])

    counts: dict[Organization, int] = {}
    for row in rows:
        counts[row.org] = counts.get(row.org, 0) + 1
    for org, count in counts.items():
        years = sorted({row.framework.fiscal_year for row in rows if row.org == org})
        audit(
            actor=actor, action=AuditAction.SCORES_IMPORT, org=org,
            summary=_("นำเข้าคะแนน %(count)s รายการ ปีงบประมาณ %(years)s") % {
                "count": count, "years": ", ".join(map(str, years))},
            detail={"rows": count, "years": years, "source": source},
        )
    return {org.slug: count for org, count in counts.items()}


def scores_import_file(*, data: bytes, filename: str, actor=None, allowed_org_ids=None) -> dict:
    """Read, check and write a score file; raises score_io.ImportRejected and writes nothing."""
    records = score_io.read_table(data, filename)
    rows = score_io.check_rows(records, allowed_org_ids=allowed_org_ids)
    return scores_import(rows=rows, actor=actor, source=_("ไฟล์ %(name)s") % {"name": filename} if filename else "")
