"""Every write that matters: atomic, validated, and audited in the same transaction."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import router, transaction
from django.db.models import Max
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from common import public_cache

from . import framework_io, score_io
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


@dataclass(frozen=True)
class FrameworkLoaded:
    """What one load did: the year's framework, whether it is new, how much the file holds,
    what the load removed, and the document → ITA item rows the file gives (not stored:
    docs/DOMAIN.md, "The framework file")."""

    framework: Framework
    created: bool
    counts: dict
    removed: dict
    documents: list


def framework_load(data: dict, *, actor=None, source: str = "") -> Framework:
    """Create or update one fiscal year's framework from one year of fixtures/frameworks.json's
    shape (the JSON form of assessments/framework_io.py). Raises framework_io.FrameworkRejected
    and writes nothing when the data is wrong or would orphan recorded scores."""
    return framework_save(spec=framework_io.from_json(data), actor=actor, source=source).framework


def framework_load_file(*, data: bytes, filename: str = "", actor=None) -> FrameworkLoaded:
    """``load_framework FILE`` and the admin's upload: a JSON or XLSX framework file, all or nothing."""
    spec = framework_io.read_file(data, filename)
    return framework_save(spec=spec, actor=actor, source=_("ไฟล์ %(name)s") % {"name": filename} if filename else "")


CATALOGUE_MODELS = (Framework, Tool, Indicator, ItemGroup, Item)
PART_SCORES = ((ToolScore, "tool"), (IndicatorScore, "indicator__tool"), (GroupScore, "group__indicator__tool"),
               (ItemScore, "item__indicator__tool"))


@transaction.atomic
def framework_save(*, spec: framework_io.FrameworkSpec, actor=None, source: str = "") -> FrameworkLoaded:
    """Write a checked year: the file is the whole year, so what it no longer lists is removed,
    unless anything is recorded against it (scores, measures naming an indicator): then the
    load is refused with a Thai sentence naming it, and nothing is written. Names, texts,
    weights, orders and level rules are updated in place; recorded scores keep their rows."""
    framework = Framework.objects.select_for_update().filter(fiscal_year=spec.fiscal_year).first()
    created = framework is None
    framework = framework or Framework(fiscal_year=spec.fiscal_year)
    framework.name, framework.pass_mark, framework.level_rule = spec.name, spec.pass_mark, spec.level_rule
    framework.documents = [d.as_dict() for d in spec.documents]
    framework.full_clean()
    framework.save()
    tools = {}
    for order, tool in enumerate(spec.tools, start=1):
        tools[tool.code], _created = Tool.objects.update_or_create(
            framework=framework, code=tool.code,
            defaults={"name": tool.name, "weight": tool.weight, "order": order, "part_labels": tool.part_labels},
        )
    indicators = {}
    for spec_indicator in spec.indicators:
        indicators[spec_indicator.number], _created = Indicator.objects.update_or_create(
            framework=framework, number=spec_indicator.number,
            defaults={"tool": tools[spec_indicator.tool], "name": spec_indicator.name},
        )
    groups = {}
    for group in spec.groups:
        groups[(group.indicator, group.position)], _created = ItemGroup.objects.update_or_create(
            indicator=indicators[group.indicator], code=group.code,
            defaults={"name": group.name, "order": group.position},
        )
    orders: dict[int, int] = {}
    for item in spec.items:
        orders[item.indicator] = orders.get(item.indicator, 0) + 1
        Item.objects.update_or_create(
            framework=framework, code=item.code,
            defaults={"indicator": indicators[item.indicator], "text": item.text, "order": orders[item.indicator],
                      "group": groups[(item.indicator, item.group)] if item.group else None},
        )

    gone_tools = list(framework.tools.exclude(pk__in=[t.pk for t in tools.values()]))
    gone_indicators = list(framework.indicators.exclude(pk__in=[i.pk for i in indicators.values()]))
    gone_groups = list(ItemGroup.objects.filter(indicator__framework=framework).exclude(
        pk__in=[g.pk for g in groups.values()]).select_related("indicator"))
    gone_items = list(framework.items.exclude(code__in=[i.code for i in spec.items]))
    errors = _removal_errors(framework, gone_tools, gone_indicators, gone_groups, gone_items)
    errors += _part_errors(framework, tools)
    if errors:
        raise framework_io.FrameworkRejected(errors)
    for model, gone in ((Item, gone_items), (ItemGroup, gone_groups), (Indicator, gone_indicators),
                        (Tool, gone_tools)):
        if gone:
            model.objects.filter(pk__in=[obj.pk for obj in gone]).delete()

    removed = {"tools": [t.code for t in gone_tools], "indicators": [i.number for i in gone_indicators],
               "groups": [g.code for g in gone_groups], "items": [i.code for i in gone_items]}
    counts = spec.counts()
    words = {"year": spec.fiscal_year, **counts}
    summary = (_("เพิ่มกรอบการประเมิน ITA ปีงบประมาณ %(year)s: เครื่องมือ %(tools)s ตัวชี้วัด %(indicators)s "
                 "กลุ่ม %(groups)s ข้อ %(items)s") if created else
               _("ปรับปรุงกรอบการประเมิน ITA ปีงบประมาณ %(year)s: เครื่องมือ %(tools)s ตัวชี้วัด %(indicators)s "
                 "กลุ่ม %(groups)s ข้อ %(items)s")) % words
    documents = [d.as_dict() for d in spec.documents]
    audit(actor=actor, action=AuditAction.ADMIN_CHANGE, summary=summary,
          detail={"framework": spec.fiscal_year, "created": created, "source": source, "counts": counts,
                  "removed": removed, "documents": documents})
    transaction.on_commit(public_cache.bump_all)  # every page shows the framework's names
    return FrameworkLoaded(framework=framework, created=created, counts=counts, removed=removed, documents=documents)


def _removal_errors(framework, tools, indicators, groups, items) -> list[str]:
    """A Thai sentence for each thing the file drops that something is recorded against. Only
    the outermost dropped thing is named (an indicator, not also each of its items)."""
    year = framework.fiscal_year
    tool_ids = {t.pk for t in tools}
    indicator_ids = {i.pk for i in indicators}
    group_ids = {g.pk for g in groups}
    errors = []
    for tool in tools:
        if uses := _uses(tool):
            errors.append(_("ไฟล์ไม่มีเครื่องมือ %(code)s ของปี %(year)s แต่ยังมี %(uses)s ที่อ้างถึง จึงลบไม่ได้") % {
                "code": tool.code, "year": year, "uses": uses})
    for indicator in indicators:
        if indicator.tool_id not in tool_ids and (uses := _uses(indicator)):
            errors.append(_("ไฟล์ไม่มีตัวชี้วัดที่ %(number)s %(name)s ของปี %(year)s แต่ยังมี %(uses)s ที่อ้างถึง "
                            "จึงลบไม่ได้") % {"number": indicator.number, "name": indicator.name, "year": year,
                                              "uses": uses})
    for group in groups:
        if group.indicator_id not in indicator_ids and (uses := _uses(group)):
            errors.append(_("ไฟล์ไม่มีกลุ่ม %(code)s %(name)s ของปี %(year)s แต่ยังมี %(uses)s ที่อ้างถึง จึงลบไม่ได้") % {
                "code": group.code, "name": group.name, "year": year, "uses": uses})
    for item in items:
        if item.indicator_id in indicator_ids or item.group_id in group_ids:
            continue
        if uses := _uses(item):
            errors.append(_("ไฟล์ไม่มีข้อ %(code)s ของปี %(year)s แต่ยังมี %(uses)s ที่อ้างถึง จึงลบไม่ได้") % {
                "code": item.code, "year": year, "uses": uses})
    return errors


def _uses(obj) -> str:
    """What deleting ``obj`` would delete or change outside the catalogue, as Thai words
    ("คะแนนรายข้อ 2 รายการ"); "" when nothing. Django's own deletion collector finds it, so a
    new model pointing at the catalogue is counted without changing this."""
    collector = Collector(using=router.db_for_write(type(obj)))
    counts: dict = {}

    def add(model, n):
        if model not in CATALOGUE_MODELS and n:
            counts[model] = counts.get(model, 0) + n

    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError) as error:
        for found in getattr(error, "protected_objects", None) or error.restricted_objects:
            add(type(found), 1)
    for model, instances in collector.data.items():
        add(model, len(instances))
    for queryset in collector.fast_deletes:
        add(queryset.model, queryset.count())
    for (updated_field, _value), batches in collector.field_updates.items():
        for batch in batches:
            add(updated_field.model, batch.count() if hasattr(batch, "count") and not isinstance(batch, list)
                else len(batch))

    def label(model):
        owner = model._meta.auto_created or model  # a many-to-many table: the model that has the field
        return str(owner._meta.verbose_name)

    return ", ".join(_("%(what)s %(count)s รายการ") % {"what": label(model), "count": n} for model, n in counts.items())


def _part_errors(framework, tools) -> list[str]:
    """A tool may not lose a part its recorded scores use (EIT part 2 scores need two parts)."""
    highest: dict[int, int] = {}
    for model, path in PART_SCORES:
        rows = (model.objects.filter(**{f"{path}__framework": framework}).values(path)
                .annotate(top=Max("part")).values_list(path, "top"))
        for tool_id, top in rows:
            highest[tool_id] = max(highest.get(tool_id, 0), top or 0)
    errors = []
    for tool in tools.values():
        if highest.get(tool.pk, 0) > len(tool.part_labels):
            errors.append(_("เครื่องมือ %(code)s ของปี %(year)s มีคะแนนส่วนที่ %(part)s บันทึกไว้แล้ว แต่ไฟล์ให้เครื่องมือนี้มี "
                            "%(parts)s ส่วน (part_labels) จึงโหลดไม่ได้") % {
                "code": tool.code, "year": framework.fiscal_year, "part": highest[tool.pk],
                "parts": len(tool.part_labels)})
    return errors


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
            grade, pass_label = row.value
            assessment.grade = grade or assessment.grade
            assessment.pass_label = pass_label or assessment.pass_label
            header_updates[assessment.pk] = assessment
        elif row.scope == "change":
            assessment.change_published = row.value
            header_updates[assessment.pk] = assessment
        elif row.scope in score_io.TEXT_FACTS:
            setattr(assessment, row.scope, row.value)
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
