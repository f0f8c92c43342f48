"""Every write that matters: atomic, validated, and audited in the same transaction."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models import Max
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from common import audit_actions, public_cache

from . import audit_chain, framework_io, register_io, score_io, slugs
from .audit_actions import AssessmentAction
from .models import (
    Assessment,
    AuditEvent,
    Framework,
    GroupScore,
    Indicator,
    IndicatorScore,
    Item,
    ItemGroup,
    ItemScore,
    Organization,
    OrganizationName,
    OrganizationSlug,
    OrgUnit,
    Province,
    Tool,
    ToolScore,
    name_key,
)


def audit(*, actor, action: str, summary: str, org=None, detail=None) -> AuditEvent:
    """Record an action; a body's public pages are rebuilt after any recorded change to it. The
    action is a name some app registered (its ``audit_actions.py``, common/audit_actions.py); a
    name nobody registered is a programming error (ValueError) and nothing is written."""
    action = audit_actions.registry(action)
    [event] = audit_chain.append([AuditEvent(  # chained by hash, with the client's address (audit_chain.py)
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action, org=org, summary=summary[:300], detail=detail or {},
    )])
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
                      "group": groups[(item.indicator, item.group)] if item.group else None,
                      "asks": item.asks, "period": item.period, "continues": list(item.continues),
                      "confirmed": item.confirmed},
        )

    gone_tools = list(framework.tools.exclude(pk__in=[t.pk for t in tools.values()]))
    gone_indicators = list(framework.indicators.exclude(pk__in=[i.pk for i in indicators.values()]))
    gone_groups = list(ItemGroup.objects.filter(indicator__framework=framework).exclude(
        pk__in=[g.pk for g in groups.values()]).select_related("indicator"))
    gone_items = list(framework.items.exclude(code__in=[i.code for i in spec.items]))
    errors = _removal_errors(framework, gone_tools, gone_indicators, gone_groups, gone_items)
    errors += _part_errors(framework, tools)
    errors += _crosswalk_errors(spec)
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
    audit(actor=actor, action=AssessmentAction.ADMIN_CHANGE, summary=summary,
          detail={"framework": spec.fiscal_year, "created": created, "source": source, "counts": counts,
                  "removed": removed, "documents": documents})
    transaction.on_commit(public_cache.bump_all)  # every page shows the framework's names
    return FrameworkLoaded(framework=framework, created=created, counts=counts, removed=removed, documents=documents)


def _crosswalk_errors(spec) -> list[str]:
    """An item's ``continues`` names items of the previous year's framework, when that year has
    items on record (a year loaded before its predecessor is not checked): docs/OIT.md."""
    named = {code for item in spec.items for code in item.continues}
    if not named:
        return []
    known = set(Item.objects.filter(framework__fiscal_year=spec.fiscal_year - 1).values_list("code", flat=True))
    if not known:
        return []
    return [_("%(where)s: ไม่พบข้อ %(code)s ในกรอบการประเมินปี %(year)s (continues)") % {
        "where": item.where, "code": code, "year": spec.fiscal_year - 1}
        for item in spec.items for code in item.continues if code not in known]


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
def organization_upsert(*, slug: str | None = None, name: str, kind: str, province: Province | None = None,
                        district: str = "", dla_code: str | None = None, itas_code: str = "", website: str = "",
                        units=(), actor=None) -> Organization:
    """Create or update one body. With ``slug`` (the demo's fixed addresses, tests) the body is
    found by it and keeps it; without, it is found by ``dla_code`` and a new body gets a slug made
    from its name, a renamed one a new slug (the old one redirects), as organization_save does."""
    if slug is not None:
        org = Organization.objects.filter(slug=slug).first() or Organization(slug=slug)
    else:
        org = (Organization.objects.filter(dla_code=dla_code).first() if dla_code else None) or Organization()
    org.name, org.kind, org.province, org.district = name, kind, province, district
    org.dla_code, org.itas_code, org.website = dla_code or None, itas_code, website
    created = org.pk is None
    if slug is not None:
        org.full_clean()
        org.save()
        if created:
            audit(actor=actor, action=AssessmentAction.ORG_CREATE, org=org,
                  summary=_("เพิ่มหน่วยงาน %(name)s") % {"name": org.name})
    else:
        organization_save(org=org, actor=actor)
    for order, unit_name in enumerate(units, start=1):
        OrgUnit.objects.update_or_create(org=org, name=unit_name, defaults={"order": order})
    return org


def _slug_is_free(org_pk):
    """Whether a body (``org_pk``; None for a new one) may take a slug: nobody else's current or former one."""
    def is_free(slug: str) -> bool:
        return not (Organization.objects.filter(slug=slug).exclude(pk=org_pk).exists()
                    or OrganizationSlug.objects.filter(slug=slug).exclude(org_id=org_pk).exists())
    return is_free


@transaction.atomic
def organization_save(*, org: Organization, actor=None) -> Organization:
    """Save a body from the admin (or organization_upsert): a new body gets a slug made from its
    name; a renamed one keeps its old name as another name (OrganizationName) and gets the slug
    of its new name, the old slug staying as a former slug that redirects (OrganizationSlug).
    Nobody types a slug. Audited (the admin's own LogEntry is audited as well)."""
    old = Organization.objects.select_for_update().filter(pk=org.pk).first() if org.pk else None
    org.name = " ".join(org.name.split())
    if old is None:
        org.slug = slugs.unique_slug(org.name, org.district, _slug_is_free(None))
    elif name_key(old.name) != name_key(org.name):  # a new name, not new spacing: a new address
        org.slug = slugs.unique_slug(org.name, org.district, _slug_is_free(org.pk))
    org.full_clean()
    org.save()
    if old is None:
        audit(actor=actor, action=AssessmentAction.ORG_CREATE, org=org,
              summary=_("เพิ่มหน่วยงาน %(name)s") % {"name": org.name}, detail={"slug": org.slug})
    elif old.name != org.name:
        _keep_old_address(org, old_name=old.name, old_slug=old.slug)
        audit(actor=actor, action=AssessmentAction.ORG_RENAME, org=org,
              summary=_("เปลี่ยนชื่อหน่วยงาน %(old)s เป็น %(new)s") % {"old": old.name, "new": org.name},
              detail={"name": [old.name, org.name], "slug": [old.slug, org.slug]})
        if old.slug != org.slug:
            transaction.on_commit(lambda: public_cache.bump(old.slug))
    return org


def _keep_old_address(org, *, old_name: str, old_slug: str) -> None:
    """After a rename: the old name becomes another name of the body, the old slug a former slug."""
    if name_key(old_name) != name_key(org.name) and not org.names.filter(key=name_key(old_name)).exists():
        OrganizationName.objects.create(org=org, name=old_name)
    if old_slug != org.slug:
        OrganizationSlug.objects.filter(org=org, slug=org.slug).delete()  # renamed back: its address again
        OrganizationSlug.objects.get_or_create(org=org, slug=old_slug)


# ---------------------------------------------------------------- the register of bodies

REGISTER_FIELDS = ("name", "kind", "province", "district", "itas_code", "website")
BATCH = 500


@dataclass
class RegisterImported:
    """What an import of the register did: bodies created, updated (with their changes:
    {field: [before, after]}), how many were already as the file says, and the renamed ones."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)  # (org, changes)
    unchanged: int = 0
    renamed: list = field(default_factory=list)  # (org, old name, old slug)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _shown(field_name, value):
    if field_name == "province":
        return value.name if value is not None else ""
    return value or ""


class _RegisterPlan:
    """Everything an import decides, read with a fixed number of queries whatever the file's size."""

    def __init__(self):
        self.orgs = list(Organization.objects.select_related("province"))
        self.by_dla = {o.dla_code: o for o in self.orgs if o.dla_code}
        # name key -> {body pk: (body, whether it is the body's current name)}: the bodies a row's name may mean
        self.by_name: dict[str, dict[int, tuple[Organization, bool]]] = {}
        for org in self.orgs:
            self.by_name.setdefault(name_key(org.name), {})[org.pk] = (org, True)
        by_pk = {o.pk: o for o in self.orgs}
        self.current = {o.slug: o.pk for o in self.orgs}
        self.former: dict[str, int] = dict(OrganizationSlug.objects.values_list("slug", "org_id"))
        self.keys: dict[int, set] = {}
        for org_id, key in OrganizationName.objects.values_list("org_id", "key"):
            self.keys.setdefault(org_id, set()).add(key)
            self.by_name.setdefault(key, {}).setdefault(org_id, (by_pk[org_id], False))
        self.claimed: dict[int, int] = {}  # body pk -> the row that matched it
        self.new_names: list[OrganizationName] = []
        self.new_former: list[tuple[Organization, str]] = []
        self.reclaimed: list[tuple[Organization, str]] = []

    def is_free(self, org_key):
        def free(slug):
            return self.current.get(slug, org_key) == org_key and self.former.get(slug, org_key) == org_key
        return free

    def by_identity(self, row) -> tuple[list, bool]:
        """(the bodies a row is matched to by its name, province and district, whether they match
        exactly). The name is a body's name or one of its other names; the province and the district
        are compared when the file has those columns. Exact first: the same province and district;
        when no body has them, a body whose province or district is still unknown (the row gives
        it). Bodies whose name is the row's come before those that only have it as another name."""
        found = self.by_name.get(name_key(row.name), {}).values()
        for exact in (True, False):
            fits = [(org, current) for org, current in found if _fits(org, row, exact=exact)]
            if fits:
                break
        named = [org for org, current in fits if current]
        return named or [org for org, _current in fits], exact

    def add_name(self, org, name, org_key):
        key = name_key(name)
        keys = self.keys.setdefault(org_key, set())
        if key == name_key(org.name) or key in keys:
            return False
        keys.add(key)
        self.new_names.append((org, name))
        return True

    def take_slug(self, org, slug, org_key):
        self.current[slug] = org_key
        if self.former.get(slug) == org_key:
            del self.former[slug]
            self.reclaimed.append((org, slug))


def _fits(org, row, *, exact: bool) -> bool:
    """Do a body's province and district fit a row's (``exact``: equal; otherwise the body's may be unknown)?"""
    if "province" in row.present:
        want = getattr(row.province, "pk", None)
        if org.province_id != want and (exact or org.province_id is not None or want is None):
            return False
    if "district" in row.present:
        want, have = register_io.district_key(row.district), register_io.district_key(org.district)
        if have != want and (exact or have or not want):
            return False
    return True


def _described(org) -> str:
    """A body as a row's error names it: name, province, district, DLA code and address."""
    return _("%(name)s (จังหวัด: %(province)s, อำเภอ: %(district)s, รหัส อปท.: %(code)s, ที่อยู่ /orgs/%(slug)s/)") % {
        "name": org.name, "province": org.province.name if org.province else _("ไม่ระบุ"),
        "district": org.district or _("ไม่ระบุ"), "code": org.dla_code or _("ไม่มี"), "slug": org.slug}


def _register_match(plan: _RegisterPlan, row) -> tuple[Organization | None, bool, str]:
    """(the body a row means or None for a new one, whether it was found by name, the Thai error).

    By DLA code first. A row whose code no body has (or that has none) is matched by name,
    province and district (``_RegisterPlan.by_identity``): more than one body is an error naming
    them; one body without a code gets the row's; one with another code gets the row's code only
    when name, province and district are exactly its own (the file has both columns): the code
    was corrected. Otherwise that is an error, never a second body."""
    org = plan.by_dla.get(row.dla_code) if row.dla_code else None
    if org is not None:
        return org, False, ""
    found, exact = plan.by_identity(row)
    if len(found) > 1:
        return None, False, _("“%(name)s” ตรงกับหน่วยงานมากกว่าหนึ่งแห่ง: %(candidates)s กรุณาระบุรหัส อปท. "
                              "หรือจังหวัดและอำเภอให้ตรงกับแห่งเดียว") % {
            "name": row.name, "candidates": "; ".join(_described(o) for o in found)}
    if not found:
        return None, False, ""
    org = found[0]
    if row.dla_code and org.dla_code and org.pk not in plan.claimed:  # claimed: two rows, one body (the caller)
        corrected = exact and {"province", "district"} <= row.present and name_key(org.name) == name_key(row.name)
        if not corrected:
            return None, False, _(
                "รหัส อปท. %(code)s ไม่มีในระบบ แต่ “%(name)s” ตรงกับหน่วยงาน %(body)s ซึ่งมีรหัส อปท. อื่นอยู่แล้ว "
                "ถ้าเป็นหน่วยงานเดียวกันและรหัสเดิมผิด ให้ไฟล์มีคอลัมน์จังหวัดและอำเภอที่ตรงกับหน่วยงานนั้น "
                "ระบบจะแก้รหัสให้ ถ้าเป็นอีกหน่วยงานหนึ่ง ให้ระบุจังหวัดหรืออำเภอที่ต่างกัน") % {
                "code": row.dla_code, "name": row.name, "body": _described(org)}
    return org, True, ""


def _check_org(org, line, errors):
    try:
        org.full_clean(exclude=["province"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for messages in error.message_dict.values():
            errors.extend(_("แถวที่ %(line)s: %(message)s") % {"line": line, "message": m} for m in messages)


@transaction.atomic
def organizations_import(*, rows: list[register_io.RegisterRow], actor=None, source: str = "") -> RegisterImported:
    """Write checked register rows (register_io.check_rows): bodies are matched by DLA code (a row
    without one, or with a code no body has, by name, province and district: _register_match),
    created or updated, never deleted; a body missing from the file stays as it is. Nothing is
    written when nothing changes (no audit row either). Raises register_io.ImportRejected and
    writes nothing when a row is ambiguous, two rows mean one body, or a row fails the model's
    own checks."""
    plan = _RegisterPlan()
    result = RegisterImported()
    errors: list[str] = []
    for row in rows:
        org, by_name, error = _register_match(plan, row)
        if error:
            errors.append(_("แถวที่ %(line)s: %(message)s") % {"line": row.line, "message": error})
            continue
        if org is not None:
            if org.pk in plan.claimed:
                errors.append(_("แถวที่ %(line)s: แถวนี้กับแถวที่ %(first)s ตรงกับหน่วยงานเดียวกัน %(body)s "
                                "(หนึ่งหน่วยงานมีได้แถวเดียวในไฟล์)") % {
                    "line": row.line, "first": plan.claimed[org.pk], "body": _described(org)})
                continue
            plan.claimed[org.pk] = row.line
        if org is None:
            org = Organization(dla_code=row.dla_code or None, name=row.name, kind=row.kind, province=row.province,
                               district=row.district or "", itas_code=row.itas_code or "", website=row.website or "")
            org.search_key = name_key(org.name)
            org_key = ("new", row.dla_code or f"row-{row.line}")
            org.slug = slugs.unique_slug(org.name, org.district, plan.is_free(org_key))
            plan.take_slug(org, org.slug, org_key)
            for variant in row.names:
                plan.add_name(org, variant, org_key)
            _check_org(org, row.line, errors)
            result.created.append(org)
            continue
        # Found by name: the row's code is added (or corrects the body's); a row without one leaves
        # the body's code as it is, and a row that names the body by another of its names does not rename it.
        new_code = by_name and row.dla_code and row.dla_code != org.dla_code
        changes = {"dla_code": [org.dla_code, row.dla_code]} if new_code else {}
        keeps_name = by_name and name_key(row.name) != name_key(org.name)
        old_name, old_slug = org.name, org.slug
        for name in REGISTER_FIELDS:
            if name not in ("name", "kind") and name not in row.present or (name == "name" and keeps_name):
                continue
            new = getattr(row, name) if name != "province" else row.province
            old = getattr(org, name)
            if (new or None) != (old or None):
                changes[name] = [_shown(name, old), _shown(name, new)]
                setattr(org, name, new if new is not None or name == "province" else "")
        if new_code:
            org.dla_code = row.dla_code
        if "name" in changes:
            org.search_key = name_key(org.name)
        if "name" in changes and name_key(old_name) != org.search_key:
            org.slug = slugs.unique_slug(org.name, org.district, plan.is_free(org.pk))
            if org.slug != old_slug:
                plan.take_slug(org, org.slug, org.pk)
                plan.former[old_slug] = org.pk
                plan.new_former.append((org, old_slug))
                changes["slug"] = [old_slug, org.slug]
            plan.add_name(org, old_name, org.pk)
            result.renamed.append((org, old_name, old_slug))
        added = [variant for variant in row.names if plan.add_name(org, variant, org.pk)]
        if added:
            changes["names"] = [[], added]
        if changes:
            _check_org(org, row.line, errors)
            result.updated.append((org, changes))
        else:
            result.unchanged += 1
    if errors:
        raise register_io.ImportRejected(errors)
    if not result.changed:
        return result
    try:
        _write_register(plan, result, actor=actor, source=source)
    except IntegrityError:
        raise register_io.ImportRejected([_(
            "มีการแก้ไขทะเบียนหน่วยงานพร้อมกันจากที่อื่น (รหัส อปท. หรือที่อยู่เว็บซ้ำ) ไม่ได้บันทึกข้อมูลใด ๆ กรุณานำเข้าอีกครั้ง")]) from None
    return result


def _write_register(plan: _RegisterPlan, result: RegisterImported, *, actor, source: str) -> None:
    Organization.objects.bulk_create(result.created, batch_size=BATCH)
    updated = [org for org, _changes in result.updated]
    if updated:
        fields = sorted({name for _org, changes in result.updated for name in changes if name != "names"})
        fields += ["search_key"] if "name" in fields else []
        if fields:
            Organization.objects.bulk_update(updated, fields, batch_size=BATCH)
    for org, slug in plan.reclaimed:
        if org.pk:
            OrganizationSlug.objects.filter(org=org, slug=slug).delete()
    OrganizationSlug.objects.bulk_create([OrganizationSlug(org=org, slug=slug) for org, slug in plan.new_former],
                                         batch_size=BATCH)
    OrganizationName.objects.bulk_create(
        [OrganizationName(org=org, name=name, key=name_key(name)) for org, name in plan.new_names], batch_size=BATCH)

    actor = actor if actor is not None and actor.is_authenticated else None
    events = [AuditEvent(actor=actor, action=AssessmentAction.ORG_CREATE, org=org,
                         summary=(_("เพิ่มหน่วยงาน %(name)s จากทะเบียนหน่วยงาน") % {"name": org.name})[:300],
                         detail={"dla_code": org.dla_code, "slug": org.slug, "source": source})
              for org in result.created]
    renamed = {org.pk for org, _name, _slug in result.renamed}
    for org, changes in result.updated:
        if org.pk in renamed:
            summary = _("เปลี่ยนชื่อหน่วยงาน %(old)s เป็น %(new)s จากทะเบียนหน่วยงาน") % {
                "old": changes["name"][0], "new": org.name}
        else:
            summary = _("แก้ไขข้อมูลหน่วยงาน %(name)s จากทะเบียนหน่วยงาน") % {"name": org.name}
        action = AssessmentAction.ORG_RENAME if org.pk in renamed else AssessmentAction.ORG_UPDATE
        events.append(AuditEvent(actor=actor, action=action, org=org, summary=summary[:300],
                                 detail={"changes": changes, "source": source}))
    counts = {"created": len(result.created), "updated": len(result.updated), "unchanged": result.unchanged}
    events.append(AuditEvent(actor=actor, action=AssessmentAction.ORGS_IMPORT, summary=(_(
        "นำเข้าทะเบียนหน่วยงาน: เพิ่ม %(created)s แห่ง แก้ไข %(updated)s แห่ง ไม่เปลี่ยนแปลง %(unchanged)s แห่ง") % counts)[:300],
        detail={**counts, "source": source}))
    audit_chain.append(events)
    transaction.on_commit(public_cache.bump_all)  # names show on every list, former addresses must not be served


def organizations_import_file(*, data: bytes, filename: str = "", actor=None) -> RegisterImported:
    """``import_orgs FILE`` and the admin's upload: read, check and write a register file, all or nothing."""
    records, present = register_io.read_table(data, filename)
    rows = register_io.check_rows(records, present)
    source = _("ไฟล์ %(name)s") % {"name": filename} if filename else ""
    return organizations_import(rows=rows, actor=actor, source=source)


SCORE_MODELS = {
    "tool": (ToolScore, "tool"),
    "group": (GroupScore, "group"),
    "indicator": (IndicatorScore, "indicator"),
    "item": (ItemScore, "item"),
}
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
ID_BATCH = 500  # assessment ids per IN (...) when reading what is stored


@dataclass
class ScoresImported:
    """What a score import did: how many rows the file had, per body, and how many of them were
    new figures, changed a stored figure, or matched what was stored already."""

    rows_by_org: dict = field(default_factory=dict)  # slug -> rows
    new: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def rows(self) -> int:
        return self.new + self.changed + self.unchanged

    @property
    def wrote(self) -> bool:
        return bool(self.new or self.changed)

    def message(self) -> str:
        """One Thai sentence for the command and the import page."""
        words = {"rows": self.rows, "orgs": len(self.rows_by_org), "new": self.new, "changed": self.changed,
                 "unchanged": self.unchanged}
        if not self.wrote:
            return _("ไฟล์มีคะแนน %(rows)s รายการของ %(orgs)s หน่วยงาน ตรงกับที่บันทึกไว้แล้วทุกรายการ "
                     "จึงไม่มีการเปลี่ยนแปลง") % words
        return _("นำเข้าคะแนน %(rows)s รายการของ %(orgs)s หน่วยงาน: เพิ่มใหม่ %(new)s รายการ แก้ไข %(changed)s รายการ "
                 "และตรงกับที่บันทึกไว้แล้ว %(unchanged)s รายการ") % words


def touch_assessments(assessment_ids) -> None:
    """A new ``updated_at`` for assessments whose figures were written without saving the
    assessment (bulk inserts, ``update()``): what is kept of an evaluated result is kept under
    it (assessments/selectors.py ``kept_scorecard``)."""
    Assessment.objects.filter(pk__in=list(assessment_ids)).update(updated_at=timezone.now())


def _stored_scores(assessment_ids) -> dict[tuple, Decimal]:
    """{(assessment id, scope, target id, part): score} of the stored score rows, the second
    figure of an indicator under scope indicator_alt."""
    stored: dict[tuple, Decimal] = {}
    ids = list(assessment_ids)
    for start in range(0, len(ids), ID_BATCH):
        batch = ids[start:start + ID_BATCH]
        for scope, (model, target) in SCORE_MODELS.items():
            for aid, target_id, part, score in model.objects.filter(assessment_id__in=batch).values_list(
                    "assessment_id", f"{target}_id", "part", "score"):
                stored[(aid, scope, target_id, part)] = score
        for aid, target_id, part, alt in IndicatorScore.objects.filter(
                assessment_id__in=batch, alt_score__isnull=False).values_list(
                "assessment_id", "indicator_id", "part", "alt_score"):
            stored[(aid, "indicator_alt", target_id, part)] = alt
    return stored


def _figure_pairs(assessment, stored, row) -> list[tuple]:
    """[(stored value, the row's value)] of the figure a row sets; a level row that gives both a
    letter and a label is two figures."""
    if row.scope == "level":
        grade, pass_label = row.value
        pairs = [(assessment.grade if assessment else "", grade)] if grade else []
        return pairs + ([(assessment.pass_label if assessment else "", pass_label)] if pass_label else [])
    if assessment is None:
        return [(None, row.value)]
    if row.scope == "overall":
        return [(assessment.overall, row.value)]
    if row.scope == "change":
        return [(assessment.change_published, row.value)]
    if row.scope in score_io.TEXT_FACTS:
        return [(getattr(assessment, row.scope), row.value)]
    return [(stored.get((assessment.pk, row.scope, row.target.pk, row.part)), row.value)]


def _kind(pairs) -> str:
    if all(before is None or before == "" for before, _after in pairs):
        return NEW
    return UNCHANGED if all(before == after for before, after in pairs) else CHANGED


def _apply_header(assessment, row) -> None:
    """Set a figure kept on the assessment itself (overall, level, change, the text facts)."""
    if row.scope == "overall":
        assessment.overall = row.value
    elif row.scope == "level":
        grade, pass_label = row.value
        assessment.grade = grade or assessment.grade
        assessment.pass_label = pass_label or assessment.pass_label
    elif row.scope == "change":
        assessment.change_published = row.value
    else:
        setattr(assessment, row.scope, row.value)


HEADER_SCOPES = ("overall", "level", "change", *score_io.TEXT_FACTS)


@transaction.atomic
def scores_import(*, rows: list[score_io.ScoreRow], actor=None, source: str = "") -> ScoresImported:
    """Write checked rows (score_io.check_rows): all of them or, on any error, none.

    Existing figures named in the file are replaced; figures not named are kept. Each row is
    counted as new, changed or unchanged against what is stored; when nothing is new or
    changed, nothing is written and nothing is audited.
    """
    org_ids = {row.org.pk for row in rows}
    framework_ids = {row.framework.pk for row in rows}
    assessments = {(a.org_id, a.framework_id): a for a in Assessment.objects.select_for_update().filter(
        org_id__in=org_ids, framework_id__in=framework_ids)} if rows else {}
    stored = _stored_scores(a.pk for a in assessments.values())

    result = ScoresImported()
    kinds: dict[int, dict[str, int]] = {}  # org id -> counts
    for row in rows:
        kind = _kind(_figure_pairs(assessments.get((row.org.pk, row.framework.pk)), stored, row))
        setattr(result, kind, getattr(result, kind) + 1)
        result.rows_by_org[row.org.slug] = result.rows_by_org.get(row.org.slug, 0) + 1
        counts = kinds.setdefault(row.org.pk, {NEW: 0, CHANGED: 0, UNCHANGED: 0})
        counts[kind] += 1
    if not result.wrote:
        return result

    for row in rows:
        key = (row.org.pk, row.framework.pk)
        if key not in assessments:
            # get_or_create: a simultaneous import of the same body-year finds the twin's row.
            assessments[key] = Assessment.objects.get_or_create(org=row.org, framework=row.framework)[0]

    header_updates: dict[int, Assessment] = {}
    score_objects: dict[str, list] = {scope: [] for scope in SCORE_MODELS}
    alts: dict[tuple[int, int, int], Decimal] = {}
    for row in rows:
        assessment = assessments[(row.org.pk, row.framework.pk)]
        if row.scope in HEADER_SCOPES:
            _apply_header(assessment, row)
            header_updates[assessment.pk] = assessment
        elif row.scope == "indicator_alt":
            alts[(assessment.pk, row.target.pk, row.part)] = row.value
        else:
            model, target = SCORE_MODELS[row.scope]
            score_objects[row.scope].append(
                model(assessment=assessment, part=row.part, score=row.value, **{target: row.target})
            )
    for assessment in header_updates.values():
        if source:
            assessment.source = source[:200]
        assessment.full_clean(validate_unique=False)
        assessment.save()
    for scope, objects in score_objects.items():
        model, target = SCORE_MODELS[scope]
        if objects:
            model.objects.bulk_create(
                objects, update_conflicts=True, unique_fields=["assessment", target, "part"], update_fields=["score"]
            )
    for (assessment_id, indicator_id, part), alt in alts.items():
        updated = IndicatorScore.objects.filter(
            assessment_id=assessment_id, indicator_id=indicator_id, part=part
        ).update(alt_score=alt)
        if not updated:
            raise score_io.ImportRejected([
                _("คะแนน indicator_alt ต้องมีคะแนน indicator ของตัวชี้วัดเดียวกันอยู่แล้วหรืออยู่ในไฟล์เดียวกัน")
            ])

    touch_assessments({obj.assessment_id for objects in score_objects.values() for obj in objects}
                      | {assessment_id for assessment_id, _indicator, _part in alts})
    orgs = {row.org.pk: row.org for row in rows}
    for org_id, counts in kinds.items():
        if not (counts[NEW] or counts[CHANGED]):
            continue  # this body's figures were all as stored
        org = orgs[org_id]
        years = sorted({row.framework.fiscal_year for row in rows if row.org.pk == org_id})
        words = {"count": sum(counts.values()), "years": ", ".join(map(str, years)), **counts}
        audit(
            actor=actor, action=AssessmentAction.SCORES_IMPORT, org=org,
            summary=_("นำเข้าคะแนน %(count)s รายการ ปีงบประมาณ %(years)s: เพิ่มใหม่ %(new)s แก้ไข %(changed)s "
                      "ไม่เปลี่ยนแปลง %(unchanged)s") % words,
            detail={"rows": words["count"], "years": years, "source": source, **counts},
        )
    return result


def scores_import_file(*, data: bytes, filename: str, actor=None, allowed_org_ids=None) -> ScoresImported:
    """Read, check and write a score file; raises score_io.ImportRejected and writes nothing."""
    records = score_io.read_table(data, filename)
    rows = score_io.check_rows(records, allowed_org_ids=allowed_org_ids)
    return scores_import(rows=rows, actor=actor, source=_("ไฟล์ %(name)s") % {"name": filename} if filename else "")


# ---------------------------------------------------------------- one figure, on the staff page


@dataclass(frozen=True)
class ScoreEdited:
    """What score_set or score_remove did to one figure: its row (scope, code, part), the value
    stored before (None: none) and after (None: removed), and whether anything changed."""

    row: score_io.ScoreRow
    before: object
    after: object
    changed: bool

    def message(self) -> str:
        """One Thai sentence for the staff page."""
        words = {"figure": _figure_words(self.row), "year": self.row.framework.fiscal_year,
                 "before": _shown_value(self.before), "after": _shown_value(self.after)}
        if self.after is None:
            return _("ลบ%(figure)s ปี %(year)s แล้ว (เดิม %(before)s)") % words
        if not self.changed:
            return _("%(figure)s ปี %(year)s เป็น %(after)s อยู่แล้ว จึงไม่มีการเปลี่ยนแปลง") % words
        if not words["before"]:
            return _("บันทึก%(figure)s ปี %(year)s เป็น %(after)s แล้ว") % words
        return _("แก้ไข%(figure)s ปี %(year)s จาก %(before)s เป็น %(after)s แล้ว") % words


def _shown_value(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, tuple):  # a level: (letter, label)
        return " ".join(v for v in value if v)
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)


def _figure_words(row) -> str:
    """The figure a row names, in Thai: its kind, then its code and part when it has them."""
    if row.scope == "level" and row.code:
        return str(score_io.LEVEL_NAMES[row.code])
    label = str(score_io.SCOPE_LABELS[row.scope])
    if row.code:
        label = _("%(label)s %(code)s") % {"label": label, "code": row.code}
    if row.part:
        label = _("%(label)s ส่วนที่ %(part)s") % {"label": label, "part": row.part}
    return label


@transaction.atomic
def score_set(*, org: Organization, fiscal_year: int, scope: str, code: str = "", part: str = "", value: str,
              actor=None) -> ScoreEdited:
    """Type or correct one published figure of a body's year, as a file's row would (the same
    checks, a decimal comma read). Raises score_io.ImportRejected, writing nothing, when the
    figure or its value is wrong. Audited (AssessmentAction.SCORE_EDIT) with the value before and after;
    a value equal to the stored one writes nothing."""
    row = score_io.check_one(org=org, fiscal_year=fiscal_year, scope=scope, code=code, part=part, value=value)
    assessment = Assessment.objects.select_for_update().filter(org=org, framework=row.framework).first()
    stored = _stored_scores([assessment.pk]) if assessment else {}
    pairs = _figure_pairs(assessment, stored, row)
    before = tuple(b for b, _a in pairs) if row.scope == "level" else pairs[0][0]
    kind = _kind(pairs)
    if kind == UNCHANGED:
        return ScoreEdited(row=row, before=before, after=row.value, changed=False)
    if row.scope == "indicator_alt" and (assessment is None or (
            assessment.pk, "indicator", row.target.pk, row.part) not in stored):
        raise score_io.ImportRejected([_("บันทึกคะแนนตัวชี้วัดอีกค่าหนึ่งได้เมื่อมีคะแนนตัวชี้วัดที่ %(code)s แล้ว "
                                         "กรุณาบันทึกคะแนนรายตัวชี้วัดก่อน") % {"code": row.code}])
    if assessment is None:
        assessment = Assessment.objects.get_or_create(org=org, framework=row.framework)[0]  # a double submit
    if row.scope in HEADER_SCOPES:
        _apply_header(assessment, row)
        assessment.full_clean(validate_unique=False)
        assessment.save()
    elif row.scope == "indicator_alt":
        IndicatorScore.objects.filter(assessment=assessment, indicator=row.target, part=row.part).update(
            alt_score=row.value)
    else:
        model, target = SCORE_MODELS[row.scope]
        model.objects.update_or_create(assessment=assessment, part=row.part, **{target: row.target},
                                       defaults={"score": row.value})
    if row.scope not in HEADER_SCOPES:
        touch_assessments([assessment.pk])
    words = {"figure": _figure_words(row), "year": fiscal_year, "org": org.name,
             "before": _shown_value(before), "after": _shown_value(row.value)}
    summary = (_("บันทึก%(figure)s ปี %(year)s ของ%(org)s: %(after)s") if kind == NEW else
               _("แก้ไข%(figure)s ปี %(year)s ของ%(org)s จาก %(before)s เป็น %(after)s")) % words
    audit(actor=actor, action=AssessmentAction.SCORE_EDIT, org=org, summary=summary,
          detail={"year": fiscal_year, "scope": row.scope, "code": row.code, "part": row.part,
                  "before": words["before"], "after": words["after"]})
    return ScoreEdited(row=row, before=before, after=row.value, changed=True)


@transaction.atomic
def score_remove(*, org: Organization, fiscal_year: int, scope: str, code: str = "", part: str = "",
                 actor=None) -> ScoreEdited:
    """Remove one published figure of a body's year (a level row with code grade or pass removes
    that one; without a code, both). Raises score_io.ImportRejected when there is no such figure,
    or when it is an indicator whose second figure (indicator_alt) is still stored. Audited."""
    row = score_io.check_one(org=org, fiscal_year=fiscal_year, scope=scope, code=code, part=part)
    assessment = Assessment.objects.select_for_update().filter(org=org, framework=row.framework).first()
    stored = _stored_scores([assessment.pk]) if assessment else {}
    before = _stored_figure(assessment, stored, row)
    words = {"figure": _figure_words(row), "year": fiscal_year, "org": org.name, "before": _shown_value(before)}
    if before is None:
        raise score_io.ImportRejected([_("ไม่มี%(figure)s ปี %(year)s ของ%(org)s บันทึกไว้ จึงไม่มีอะไรให้ลบ") % words])
    if row.scope == "indicator" and (assessment.pk, "indicator_alt", row.target.pk, row.part) in stored:
        raise score_io.ImportRejected([_(
            "ตัวชี้วัดที่ %(code)s มีคะแนนอีกค่าหนึ่งที่เอกสารเดียวกันพิมพ์ไว้ (indicator_alt) บันทึกอยู่ "
            "กรุณาลบคะแนนนั้นก่อน แล้วจึงลบคะแนนรายตัวชี้วัด") % {"code": row.code}])
    if row.scope == "overall":
        assessment.overall = None
    elif row.scope == "level":
        if row.code in ("", "grade"):
            assessment.grade = ""
        if row.code in ("", "pass"):
            assessment.pass_label = ""
    elif row.scope == "change":
        assessment.change_published = None
    elif row.scope in score_io.TEXT_FACTS:
        setattr(assessment, row.scope, "")
    elif row.scope == "indicator_alt":
        IndicatorScore.objects.filter(assessment=assessment, indicator=row.target, part=row.part).update(
            alt_score=None)
    else:
        model, target = SCORE_MODELS[row.scope]
        model.objects.filter(assessment=assessment, part=row.part, **{target: row.target}).delete()
    if row.scope in HEADER_SCOPES:
        assessment.save()
    else:
        touch_assessments([assessment.pk])
    emptied = _is_empty(assessment)
    if emptied:  # the year's last figure: the body was not assessed that year, as far as the portal knows
        assessment.delete()
    audit(actor=actor, action=AssessmentAction.SCORE_EDIT, org=org,
          summary=_("ลบ%(figure)s ปี %(year)s ของ%(org)s (เดิม %(before)s)") % words,
          detail={"year": fiscal_year, "scope": row.scope, "code": row.code, "part": row.part,
                  "before": words["before"], "after": "", "assessment_removed": emptied})
    return ScoreEdited(row=row, before=before, after=None, changed=True)


def _is_empty(assessment) -> bool:
    """No figure of any scope is left, and no plan is based on the year (a plan keeps its link)."""
    if any([assessment.overall is not None, assessment.grade, assessment.pass_label,
            assessment.change_published is not None, *(getattr(assessment, f) for f in score_io.TEXT_FACTS)]):
        return False
    if any(model.objects.filter(assessment=assessment).exists() for model, _target in SCORE_MODELS.values()):
        return False
    return not assessment.plans.exists()


def _stored_figure(assessment, stored, row):
    """The stored value of the figure a row names (a level: (letter, label) as named), or None."""
    if assessment is None:
        return None
    if row.scope == "level":
        value = tuple(v for v, wanted in ((assessment.grade, row.code in ("", "grade")),
                                          (assessment.pass_label, row.code in ("", "pass"))) if wanted and v)
        return value or None
    if row.scope == "overall":
        return assessment.overall
    if row.scope == "change":
        return assessment.change_published
    if row.scope in score_io.TEXT_FACTS:
        return getattr(assessment, row.scope) or None
    return stored.get((assessment.pk, row.scope, row.target.pk, row.part))
