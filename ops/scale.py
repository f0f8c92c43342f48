"""A synthetic national dataset for speed and scale work (`manage.py seed_scale`).

Every body, user and row it makes has a slug or user name starting with "scale-", so it
can be told apart from real data and removed with --reset. Built with bulk operations:
no per-row history or audit (this is test data, not user work). The large tables are written
with COPY on PostgreSQL (``_insert``) and the published documents are built from reads made for
many plans at once, in worker processes (``_publish_some``); docs/DEPLOYMENT.md has the time
of each step.
"""

import hashlib
import multiprocessing
import os
import random
import signal
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.utils import timezone

from assessments.documents import Doc
from assessments.models import (
    GRADES,
    Assessment,
    Framework,
    IndicatorScore,
    Membership,
    Organization,
    OrgUnit,
    Province,
    SupervisorScope,
    ToolScore,
    name_key,
)
from assessments.scoring import level_for, q2
from common.thai_search import index_terms
from measures.models import Measure, MeasurePlan, ProgressEntry, ProgressRound, Status, default_due

PREFIX = "scale-"
PASSWORD = "scale-demo-2568"
BATCH = 5000
LARGEST = "นครราชสีมา"  # the province with the most local governments
SYLLABLES = ["ดอน", "หนอง", "บ้าน", "โนน", "ห้วย", "นา", "ท่า", "บึง", "โพธิ์", "ศรี", "สระ", "ทุ่ง", "คำ", "บัว",
             "แก้ว", "ทอง", "หลวง", "ใหญ่", "น้อย", "กลาง", "ยาง", "ขาม", "ไผ่", "มะขาม", "สำโรง", "กระเบื้อง",
             "เขา", "หิน", "ลาด", "บาง", "คลอง", "วัง", "ป่า", "เชียง", "แม่", "สัน", "ดง", "โคก", "ตาล", "จันทร์"]
UNITS = ["สำนักปลัด", "กองคลัง", "กองช่าง", "กองการศึกษา ศาสนาและวัฒนธรรม", "กองสาธารณสุขและสิ่งแวดล้อม"]
ACTIVITIES = ["ประชุมชี้แจงแนวทางปฏิบัติให้บุคลากรทุกระดับรับทราบ", "จัดทำคู่มือการปฏิบัติงานและเผยแพร่บนเว็บไซต์",
              "เปิดช่องทางรับฟังความคิดเห็นของประชาชนผ่านระบบออนไลน์", "ติดตามและรายงานผลต่อผู้บริหารทุกไตรมาส",
              "ประกาศเจตนารมณ์ไม่รับของขวัญและของกำนัลทุกชนิดจากการปฏิบัติหน้าที่",
              "ปรับปรุงข้อมูลข่าวสารบนเว็บไซต์หลักของหน่วยงานให้เป็นปัจจุบัน"]
KIND_SHARE = [("city_municipality", 30), ("town_municipality", 190), ("subdistrict_municipality", 2240),
              ("sao", 5314)]  # plus one อบจ. per province


class Progress:
    def __init__(self, write):
        self.write = write
        self.started = self.last = time.perf_counter()

    def step(self, message):
        now = time.perf_counter()
        self.write(f"[{now - self.started:7.1f} s] {message} ({now - self.last:.1f} s)")
        self.last = now

    def load(self, when):
        """The machine's load average: the cores are shared, and a busy machine doubles these times."""
        one, five, fifteen = os.getloadavg()
        self.write(f"load average {when}: {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)")


def _insert(model, fields, rows) -> int:
    """Rows (tuples of the values of ``fields``, attribute names such as ``org_id``) into the
    model's table; its other fields get their defaults, as a new instance would (``auto_now``:
    now). On PostgreSQL one COPY: no model instance per row, and none of Django 5.2's UNNEST
    arrays for bulk_create, which psycopg escapes in Python one quote at a time (the JSON of the
    published documents: most of the old publishing time). Elsewhere bulk_create. Returns the
    rows written."""
    rows = list(rows)
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=BATCH)
        return len(rows)
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    others = [f for f in meta.concrete_fields if f not in given and not f.primary_key and not f.generated]
    now = timezone.now()
    defaults = []
    for field in others:
        if field.unique and not field.null:
            raise ValueError(f"{meta.label}.{field.name}: a unique value per row must be given")
        value = now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else \
            field.get_default()
        defaults.append(field.get_db_prep_save(value, connection))
    as_json = [n for n, f in enumerate(given) if f.get_internal_type() == "JSONField"]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in given + others)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            if as_json:
                row = list(row)
                for n in as_json:
                    row[n] = given[n].get_db_prep_save(row[n], connection)
            copy.write_row((*row, *defaults))
    return len(rows)


def scale_exists() -> bool:
    return Organization.objects.filter(slug__startswith=PREFIX).exists()


@transaction.atomic
def reset():
    from reports.models import PublishedDocument

    PublishedDocument.objects.filter(org__slug__startswith=PREFIX).delete()
    Organization.objects.filter(slug__startswith=PREFIX).delete()
    get_user_model().objects.filter(username__startswith=PREFIX).delete()


def _name(rng, used):
    while True:
        name = "".join(rng.sample(SYLLABLES, rng.choice([2, 2, 3])))
        if name not in used:
            used.add(name)
            return name


def _kinds(total, provinces):
    kinds = ["pao"] * min(len(provinces) - 1, total)
    rest = total - len(kinds)
    weight = sum(share for _kind, share in KIND_SHARE)
    for kind, share in KIND_SHARE:
        kinds += [kind] * round(rest * share / weight)
    return (kinds + ["sao"] * total)[:total]


KIND_PREFIX = {"pao": "องค์การบริหารส่วนจังหวัด", "city_municipality": "เทศบาลนคร", "town_municipality": "เทศบาลเมือง",
               "subdistrict_municipality": "เทศบาลตำบล", "sao": "องค์การบริหารส่วนตำบล"}


def seed(*, bodies: int, years: int, published: int, write, seed_value: int = 2568, workers: int = 1) -> dict:
    rng = random.Random(seed_value)
    progress = Progress(write)
    progress.load("at start")
    frameworks = list(Framework.objects.filter(fiscal_year__lte=2568).order_by("-fiscal_year")[:years])
    if len(frameworks) < years:
        raise ValueError("ต้องมีกรอบการประเมินก่อน: รัน manage.py setup_demo")
    frameworks.reverse()
    plan_year = frameworks[-1].fiscal_year + 1
    provinces = list(Province.objects.all())
    largest = next(p for p in provinces if p.name == LARGEST)

    # -- bodies, spread over every province (the largest gets its real share, ~4 %)
    weights = [4.2 if p == largest else (96 / (len(provinces) - 1)) for p in provinces]
    homes = rng.choices(provinces, weights=weights, k=bodies)
    kinds = _kinds(bodies, provinces)
    pao_left = {p.pk for p in provinces if p.name != "กรุงเทพมหานคร"}
    districts: dict[int, list[str]] = {}
    used_names: dict[int, set] = {}
    orgs = []
    for n, (province, kind) in enumerate(zip(homes, kinds, strict=True)):
        if kind == "pao":
            if not pao_left:
                kind = "sao"
            else:
                province = next(p for p in provinces if p.pk in pao_left)
                pao_left.discard(province.pk)
        used = used_names.setdefault(province.pk, set())
        district_list = districts.setdefault(province.pk, [f"เมือง{province.name}"] + [
            _name(rng, used) for _ in range(rng.randint(6, 24))])
        name = province.name if kind == "pao" else _name(rng, used)
        orgs.append(Organization(
            name=f"{KIND_PREFIX[kind]}{name}", kind=kind, province=province, district=rng.choice(district_list),
            slug=f"{PREFIX}{n:05d}", dla_code=f"9{n:06d}", thai_numerals=rng.random() < 0.8,
            search_key=name_key(f"{KIND_PREFIX[kind]}{name}"),
        ))
    with transaction.atomic():
        Organization.objects.bulk_create(orgs, batch_size=BATCH)
        orgs = list(Organization.objects.filter(slug__startswith=PREFIX).order_by("slug"))
        _insert(OrgUnit, ["org_id", "name", "order"], [(o.pk, u, i) for o in orgs for i, u in enumerate(UNITS)])
    progress.step(f"หน่วยงาน {len(orgs):,} แห่ง ใน {len({o.province_id for o in orgs})} จังหวัด พร้อมส่วนราชการ")

    # -- people: one editor and one approver per body, one supervisor per province
    User = get_user_model()
    password = make_password(PASSWORD)  # hashed once, shared: test accounts only
    with transaction.atomic():
        users = [(f"{o.slug}-{role}", f"{label}{o.name}"[:150], password)
                 for o in orgs for role, label in (("editor", "เจ้าหน้าที่"), ("approver", "ปลัด"))]
        users += [(f"{PREFIX}sup-{p.code.lower()}", f"ท้องถิ่นจังหวัด{p.name}", password) for p in provinces]
        _insert(User, ["username", "first_name", "password"], users)
        by_name = dict(User.objects.filter(username__startswith=PREFIX).values_list("username", "pk"))
        _insert(Membership, ["user_id", "org_id", "role"],
                [(by_name[f"{o.slug}-{role}"], o.pk, role) for o in orgs for role in ("editor", "approver")])
        SupervisorScope.objects.bulk_create([
            SupervisorScope(user_id=by_name[f"{PREFIX}sup-{p.code.lower()}"], province=p) for p in provinces])
    progress.step(f"ผู้ใช้ {len(users):,} บัญชี (รหัสผ่าน {PASSWORD})")

    # -- assessments: tools, indicators, overall and level, per year (computed before the rows
    # are written: no UPDATE afterwards)
    rows = 0
    for framework in frameworks:
        tools = {t.code: t for t in framework.tools.all()}
        weights = sum(t.weight for t in tools.values())
        indicators = list(framework.indicators.select_related("tool"))
        results, scores, tool_scores = [], [], []
        for org in orgs:
            base = rng.gauss(86, 7)
            values = {i.number: q2(Decimal(str(min(100.0, max(20.0, rng.gauss(base, 6)))))) for i in indicators}
            by_tool = {}
            for i in indicators:
                by_tool.setdefault(i.tool.code, []).append(values[i.number])
            tool_values = {code: q2(sum(v) / len(v)) for code, v in by_tool.items()}
            overall = q2(sum(tools[c].weight * v for c, v in tool_values.items()) / weights)
            level = level_for(framework.level_rule, overall, list(tool_values.values())) or ""
            results.append((org.pk, framework.pk, "seed_scale", overall, level if level in GRADES else "",
                            "" if level in GRADES else level))
            scores.append([(i.pk, values[i.number]) for i in indicators])
            tool_scores.append([(tools[code].pk, value) for code, value in tool_values.items()])
        with transaction.atomic():
            _insert(Assessment, ["org_id", "framework_id", "source", "overall", "grade", "pass_label"], results)
            ids = dict(Assessment.objects.filter(framework=framework, org__slug__startswith=PREFIX)
                       .values_list("org_id", "pk"))
            rows += _insert(IndicatorScore, ["assessment_id", "indicator_id", "score"],
                            ((ids[org.pk], *score) for org, each in zip(orgs, scores, strict=True) for score in each))
            rows += _insert(ToolScore, ["assessment_id", "tool_id", "score"],
                            ((ids[org.pk], *score) for org, each in zip(orgs, tool_scores, strict=True)
                             for score in each))
            rows += len(results)
        progress.step(f"ผลการประเมินปี {framework.fiscal_year}: {len(results):,} หน่วยงาน")

    # -- plans for the year after the last result, 8-15 measures, both rounds with entries
    last = frameworks[-1]
    based = dict(Assessment.objects.filter(framework=last, org__slug__startswith=PREFIX).values_list("org_id", "pk"))
    # Published only where a published document says so (_publish_some): a random state is never "published".
    statuses = [Status.DRAFT] * 2 + [Status.SUBMITTED] * 2 + [Status.RETURNED] + [Status.APPROVED] * 5
    with transaction.atomic():
        plans = [MeasurePlan(org=o, fiscal_year=plan_year, based_on_id=based[o.pk], status=rng.choice(statuses),
                             analysis_summary="สรุปผลการวิเคราะห์ " + " ".join(rng.sample(ACTIVITIES, 3)))
                 for o in orgs]
        MeasurePlan.objects.bulk_create(plans, batch_size=BATCH)
        plans = list(MeasurePlan.objects.filter(fiscal_year=plan_year, org__slug__startswith=PREFIX).order_by("pk"))
        _insert(ProgressRound, ["plan_id", "months", "due_date", "status"],
                [(p.pk, m, default_due(plan_year, m), rng.choice(statuses) if m == 6 else rng.choice(statuses[:5]))
                 for p in plans for m in (6, 12)])
        measures = []
        for plan in plans:
            for order in range(1, rng.randint(8, 15) + 1):
                steps = rng.sample(ACTIVITIES, rng.randint(3, 5))
                measures.append((plan.pk, order, f"มาตรการ{rng.choice(ACTIVITIES)[:60]} ลำดับที่ {order}",
                                 "ผลการประเมินสะท้อนว่า" + rng.choice(ACTIVITIES), "\n".join(steps),
                                 f"ตลอดปีงบประมาณ พ.ศ. {plan_year}", [6, 12]))
        _insert(Measure, ["plan_id", "order", "title", "analysis", "steps", "period_text", "monitoring_rounds"],
                measures)
    progress.step(f"แผนมาตรการปี {plan_year}: {len(plans):,} แผน, {len(measures):,} มาตรการ")

    with transaction.atomic():
        units = {}
        for org_id, unit_id in OrgUnit.objects.filter(org__slug__startswith=PREFIX).values_list("org_id", "pk"):
            units.setdefault(org_id, []).append(unit_id)
        plan_org = {p.pk: p.org_id for p in plans}
        measure_ids = list(Measure.objects.filter(plan__fiscal_year=plan_year, plan__org__slug__startswith=PREFIX)
                           .order_by("pk").values_list("pk", "plan_id"))
        _insert(Measure.responsible_units.through, ["measure_id", "orgunit_id"],
                [(m, rng.choice(units[plan_org[p]])) for m, p in measure_ids])
        round_ids = {(plan_id, months): pk for pk, plan_id, months in ProgressRound.objects.filter(
            plan__fiscal_year=plan_year, plan__org__slug__startswith=PREFIX).values_list("pk", "plan_id", "months")}
        entries = []
        for measure_id, plan_id in measure_ids:
            for months in (6, 12):
                state = rng.choice(["not_started", "in_progress", "in_progress", "done"] if months == 6
                                   else ["in_progress", "done", "done", "done"])
                entries.append((round_ids[(plan_id, months)], measure_id, state,
                                100 if state == "done" else rng.choice([0, 25, 50, 75]), rng.choice(ACTIVITIES),
                                rng.choice(ACTIVITIES) if state == "done" else "",
                                "บุคลากรและประชาชนรับทราบและมีส่วนร่วม" if state == "done" else ""))
        _insert(ProgressEntry, ["round_id", "measure_id", "state", "percent", "done_text", "output", "outcome"],
                entries)
    progress.step(f"ผลการดำเนินงาน {len(entries):,} รายการ (รอบ 6 และ 12 เดือน)")

    count, processes, spent = _publish_some(orgs[:published], plan_year, by_name, workers)
    progress.step(f"เอกสารที่เผยแพร่ {count:,} ฉบับ" + (
        f" ({processes} processes; summed over them: contexts {spent[0]:.1f} s, stored {spent[1]:.1f} s, "
        f"library rows {spent[2]:.1f} s)" if count else ""))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after bulk loading
    progress.step("ANALYZE")
    progress.load("at end")
    return {"bodies": len(orgs), "users": len(users), "score_rows": rows, "plans": len(plans),
            "measures": len(measures), "entries": len(entries), "published": count,
            "seconds": time.perf_counter() - progress.started}


PUBLISHED_SHARE = 0.4  # of the bodies, with a published measures document: ~36,000 published measures at 7,850
RESULTS_EVERY = 3  # every third of them has published its 6-month results report too
OWN_FILES = 200  # the first bodies' documents each get their own file; the rest share the first file
PUBLISH_CHUNK = 500  # bodies whose documents are built, stored and indexed together


def default_published(bodies: int) -> int:
    return round(bodies * PUBLISHED_SHARE)


def _publish_some(orgs, plan_year, by_name, workers=1) -> tuple[int, int, list[float]]:
    """Published documents for some bodies: the measures document of each (and the 6-month
    results report of every third), each with its own snapshot built from its own measures,
    exactly as ``builders.build`` builds it (the public pages, open data and the measure library
    read the snapshot; tests/ops/test_seed_scale_command.py compares them). The first is rendered
    for real; the others store the same bytes, in a file of their own for the first OWN_FILES
    bodies and in the first body's file after that (test data: disk is not spent on copies).

    The bodies go in chunks of PUBLISH_CHUNK (``_publish_chunk``: their contexts built from reads
    made for the whole chunk, stored with COPY, their library rows written), over ``workers``
    processes on PostgreSQL outside a transaction (each with its own connection: the parent's is
    closed before they fork), else one after the other in this process. Returns the documents
    published, the processes that did it and the seconds spent building, storing and indexing
    them (summed over the chunks)."""
    from reports import services as report_services

    if not orgs:
        return 0, 0, [0.0, 0.0, 0.0]
    first = MeasurePlan.objects.select_related("org", "org__province").get(org=orgs[0], fiscal_year=plan_year)
    _context, pdf = report_services.render_document(first, Doc.MEASURES, draft=False)
    rendered = {"data": pdf.data, "pages": pdf.pages, "sha256": hashlib.sha256(pdf.data).hexdigest()}
    rendered["shared"] = _stored_file(first.org, plan_year, Doc.MEASURES, rendered)
    jobs = [(start, {o.pk: by_name[f"{o.slug}-approver"] for o in orgs[start:start + PUBLISH_CHUNK]}, plan_year,
             rendered) for start in range(0, len(orgs), PUBLISH_CHUNK)]
    workers = min(workers, len(jobs)) if connection.vendor == "postgresql" and not connection.in_atomic_block else 1
    if workers > 1:
        index_terms("มาตรการ")  # the measure library's Thai word lists, built once here rather than in each worker
        connections.close_all()
        for cache in caches.all(initialized_only=True):
            cache.close()
        with multiprocessing.get_context("fork").Pool(workers, initializer=_default_signals) as pool:
            done = pool.starmap(_publish_chunk, jobs)
    else:
        done = [_publish_chunk(*job) for job in jobs]
    return sum(count for count, _spent in done), workers, [sum(spent[n] for _count, spent in done) for n in range(3)]


def _default_signals() -> None:
    """In each forked worker: SIGTERM and SIGINT end it, whatever handler the parent had set (a
    db_worker run in the same process sets its own, and the pool's terminate() then waited for
    ever on a worker that would not end)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stored_file(org, plan_year, doc, rendered) -> str:
    """The rendered bytes stored as this body's document file; returns its name."""
    from reports.models import PublishedDocument

    document = PublishedDocument(org=org, fiscal_year=plan_year, doc=doc, version=1, sha256=rendered["sha256"])
    document.file.save("document.pdf", ContentFile(rendered["data"]), save=False)
    return document.file.name


def _publish_chunk(start, approvers, plan_year, rendered) -> tuple[int, list[float]]:
    """The documents of these bodies (``approvers``: body id → its approver's user id, in the
    order of the bodies; ``start``: the first one's place among all published bodies), and the
    seconds spent building, storing and indexing them."""
    from library import index as library  # the measure library's rows of these documents (stored without the services)
    from reports import builders
    from reports.models import PublishedDocument

    org_ids = list(approvers)
    plans = {p.org_id: p for p in MeasurePlan.objects.filter(org_id__in=org_ids, fiscal_year=plan_year)
             .select_related("org", "org__province")}
    rounds = {r.plan_id: r for r in ProgressRound.objects.filter(plan__in=plans.values(), months=6)
              .select_related("plan__org__province")}
    wanted = []
    for n, org_id in enumerate(org_ids, start=start):
        plan = plans[org_id]
        wanted.append((n, plan, Doc.MEASURES, None))
        if n % RESULTS_EVERY == 0:
            wanted.append((n, plan, Doc.RESULTS_6M, rounds[plan.pk]))
    started = time.perf_counter()
    contexts = builders.build_many([(plan, doc, progress_round) for _n, plan, doc, progress_round in wanted])
    built = time.perf_counter()
    rows = []
    for (n, plan, doc, _round), context in zip(wanted, contexts, strict=True):
        if n >= OWN_FILES or (n == 0 and doc == Doc.MEASURES):
            name = rendered["shared"]
        else:
            name = _stored_file(plan.org, plan_year, doc, rendered)
        rows.append((plan.org_id, plan_year, doc, 1, name, rendered["sha256"], len(rendered["data"]),
                     rendered["pages"], context, approvers[plan.org_id]))
    with transaction.atomic():
        _insert(PublishedDocument, ["org_id", "fiscal_year", "doc", "version", "file", "sha256", "size", "pages",
                                    "snapshot", "published_by_id"], rows)
        MeasurePlan.objects.filter(pk__in=[p.pk for p in plans.values()]).update(status=Status.PUBLISHED)
        ProgressRound.objects.filter(pk__in=[r.pk for _n, _p, _d, r in wanted if r is not None]).update(
            status=Status.PUBLISHED)
    stored = time.perf_counter()
    library.rebuild(org_ids=org_ids)
    if multiprocessing.parent_process() is not None:
        connection.close()  # a worker's own connection, before the pool ends it
    return len(rows), [built - started, stored - built, time.perf_counter() - stored]
