"""A synthetic national dataset for speed and scale work (`manage.py seed_scale`).

Every body, user and row it makes has a slug or user name starting with "scale-", so it
can be told apart from real data and removed with --reset. Built with bulk operations:
no per-row history or audit (this is test data, not user work).
"""

import hashlib
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import connection, transaction

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


def seed(*, bodies: int, years: int, published: int, write, seed_value: int = 2568) -> dict:
    rng = random.Random(seed_value)
    progress = Progress(write)
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
        OrgUnit.objects.bulk_create([OrgUnit(org=o, name=u, order=i) for o in orgs for i, u in enumerate(UNITS)],
                                    batch_size=BATCH)
    progress.step(f"หน่วยงาน {len(orgs):,} แห่ง ใน {len({o.province_id for o in orgs})} จังหวัด พร้อมส่วนราชการ")

    # -- people: one editor and one approver per body, one supervisor per province
    User = get_user_model()
    password = make_password(PASSWORD)  # hashed once, shared: test accounts only
    with transaction.atomic():
        users = [User(username=f"{o.slug}-{role}", first_name=f"{label}{o.name}"[:150], password=password)
                 for o in orgs for role, label in (("editor", "เจ้าหน้าที่"), ("approver", "ปลัด"))]
        users += [User(username=f"{PREFIX}sup-{p.code.lower()}", first_name=f"ท้องถิ่นจังหวัด{p.name}",
                       password=password) for p in provinces]
        User.objects.bulk_create(users, batch_size=BATCH)
        by_name = dict(User.objects.filter(username__startswith=PREFIX).values_list("username", "pk"))
        Membership.objects.bulk_create([
            Membership(user_id=by_name[f"{o.slug}-{role}"], org=o, role=role)
            for o in orgs for role in ("editor", "approver")], batch_size=BATCH)
        SupervisorScope.objects.bulk_create([
            SupervisorScope(user_id=by_name[f"{PREFIX}sup-{p.code.lower()}"], province=p) for p in provinces])
    progress.step(f"ผู้ใช้ {len(users):,} บัญชี (รหัสผ่าน {PASSWORD})")

    # -- assessments: tools, indicators, overall and level, per year
    rows = 0
    for framework in frameworks:
        tools = {t.code: t for t in framework.tools.all()}
        indicators = list(framework.indicators.select_related("tool"))
        with transaction.atomic():
            Assessment.objects.bulk_create([Assessment(org=o, framework=framework, source="seed_scale") for o in orgs],
                                           batch_size=BATCH)
            assessments = list(Assessment.objects.filter(framework=framework, org__slug__startswith=PREFIX))
            scores, tool_scores = [], []
            for assessment in assessments:
                base = rng.gauss(86, 7)
                values = {i.number: q2(Decimal(str(min(100.0, max(20.0, rng.gauss(base, 6)))))) for i in indicators}
                scores += [IndicatorScore(assessment=assessment, indicator=i, score=values[i.number])
                           for i in indicators]
                by_tool = {}
                for i in indicators:
                    by_tool.setdefault(i.tool.code, []).append(values[i.number])
                tool_values = {code: q2(sum(v) / len(v)) for code, v in by_tool.items()}
                tool_scores += [ToolScore(assessment=assessment, tool=tools[code], score=value)
                                for code, value in tool_values.items()]
                overall = q2(sum(tools[c].weight * v for c, v in tool_values.items()) / sum(t.weight for t in
                                                                                          tools.values()))
                assessment.overall = overall
                level = level_for(framework.level_rule, overall, list(tool_values.values())) or ""
                if level in GRADES:
                    assessment.grade = level
                else:
                    assessment.pass_label = level
            IndicatorScore.objects.bulk_create(scores, batch_size=BATCH)
            ToolScore.objects.bulk_create(tool_scores, batch_size=BATCH)
            Assessment.objects.bulk_update(assessments, ["overall", "grade", "pass_label"], batch_size=BATCH)
            rows += len(scores) + len(tool_scores) + len(assessments)
        progress.step(f"ผลการประเมินปี {framework.fiscal_year}: {len(assessments):,} หน่วยงาน")

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
        plans = list(MeasurePlan.objects.filter(fiscal_year=plan_year, org__slug__startswith=PREFIX))
        rounds = [ProgressRound(plan=p, months=m, due_date=default_due(plan_year, m),
                                status=rng.choice(statuses) if m == 6 else rng.choice(statuses[:5]))
                  for p in plans for m in (6, 12)]
        ProgressRound.objects.bulk_create(rounds, batch_size=BATCH)
        measures = []
        for plan in plans:
            for order in range(1, rng.randint(8, 15) + 1):
                steps = rng.sample(ACTIVITIES, rng.randint(3, 5))
                measures.append(Measure(
                    plan=plan, order=order, title=f"มาตรการ{rng.choice(ACTIVITIES)[:60]} ลำดับที่ {order}",
                    analysis="ผลการประเมินสะท้อนว่า" + rng.choice(ACTIVITIES), steps="\n".join(steps),
                    period_text=f"ตลอดปีงบประมาณ พ.ศ. {plan_year}", monitoring_rounds=[6, 12]))
        Measure.objects.bulk_create(measures, batch_size=BATCH)
    progress.step(f"แผนมาตรการปี {plan_year}: {len(plans):,} แผน, {len(measures):,} มาตรการ")

    with transaction.atomic():
        units = {}
        for org_id, unit_id in OrgUnit.objects.filter(org__slug__startswith=PREFIX).values_list("org_id", "pk"):
            units.setdefault(org_id, []).append(unit_id)
        plan_org = {p.pk: p.org_id for p in plans}
        measure_ids = list(Measure.objects.filter(plan__fiscal_year=plan_year, plan__org__slug__startswith=PREFIX)
                           .values_list("pk", "plan_id"))
        Through = Measure.responsible_units.through
        Through.objects.bulk_create([Through(measure_id=m, orgunit_id=rng.choice(units[plan_org[p]]))
                                     for m, p in measure_ids], batch_size=BATCH)
        round_ids = {(r.plan_id, r.months): r.pk for r in
                     ProgressRound.objects.filter(plan__fiscal_year=plan_year, plan__org__slug__startswith=PREFIX)}
        entries = []
        for measure_id, plan_id in measure_ids:
            for months in (6, 12):
                state = rng.choice(["not_started", "in_progress", "in_progress", "done"] if months == 6
                                   else ["in_progress", "done", "done", "done"])
                entries.append(ProgressEntry(
                    round_id=round_ids[(plan_id, months)], measure_id=measure_id, state=state,
                    percent=100 if state == "done" else rng.choice([0, 25, 50, 75]),
                    done_text=rng.choice(ACTIVITIES), output=rng.choice(ACTIVITIES) if state == "done" else "",
                    outcome="บุคลากรและประชาชนรับทราบและมีส่วนร่วม" if state == "done" else ""))
        ProgressEntry.objects.bulk_create(entries, batch_size=BATCH)
    progress.step(f"ผลการดำเนินงาน {len(entries):,} รายการ (รอบ 6 และ 12 เดือน)")

    count = _publish_some(orgs[:published], plan_year, by_name)
    progress.step(f"เอกสารที่เผยแพร่ {count:,} ฉบับ")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after bulk loading
    progress.step("ANALYZE")
    return {"bodies": len(orgs), "users": len(users), "score_rows": rows, "plans": len(plans),
            "measures": len(measures), "entries": len(entries), "published": count,
            "seconds": time.perf_counter() - progress.started}


PUBLISHED_SHARE = 0.4  # of the bodies, with a published measures document: ~36,000 published measures at 7,850
RESULTS_EVERY = 3  # every third of them has published its 6-month results report too
OWN_FILES = 200  # the first bodies' documents each get their own file; the rest share the first file


def default_published(bodies: int) -> int:
    return round(bodies * PUBLISHED_SHARE)


def _publish_some(orgs, plan_year, by_name) -> int:
    """Published documents for some bodies: the measures document of each (and the 6-month
    results report of every third), each with its own snapshot built from its own measures (the
    public pages, open data and the measure library read the snapshot). The first is rendered
    for real; the others store the same bytes, in a file of their own for the first OWN_FILES
    bodies and in the first body's file after that (test data: disk is not spent on copies)."""
    from reports import builders
    from reports import services as report_services
    from reports.models import PublishedDocument

    if not orgs:
        return 0
    plans = {p.org_id: p for p in MeasurePlan.objects.filter(org__in=orgs, fiscal_year=plan_year)
             .select_related("org", "org__province")}
    rounds = {r.plan_id: r for r in ProgressRound.objects.filter(plan__in=plans.values(), months=6)
              .select_related("plan__org__province")}
    first = plans[orgs[0].pk]
    _context, pdf = report_services.render_document(first, Doc.MEASURES, draft=False)
    digest = hashlib.sha256(pdf.data).hexdigest()
    shared_name = None
    documents, with_results = [], []
    for n, org in enumerate(orgs):
        plan = plans[org.pk]
        wanted = [(Doc.MEASURES, builders.build(plan, Doc.MEASURES))]
        if n % RESULTS_EVERY == 0:
            wanted.append((Doc.RESULTS_6M, builders.build(plan, Doc.RESULTS_6M, rounds[plan.pk])))
            with_results.append(rounds[plan.pk].pk)
        for doc, context in wanted:
            document = PublishedDocument(org=org, fiscal_year=plan_year, doc=doc, version=1, sha256=digest,
                                         size=len(pdf.data), pages=pdf.pages, snapshot=context,
                                         published_by_id=by_name[f"{org.slug}-approver"])
            if shared_name is None or n < OWN_FILES:
                document.file.save("document.pdf", ContentFile(pdf.data), save=False)
                shared_name = shared_name or document.file.name
            else:
                document.file.name = shared_name
            documents.append(document)
        if len(documents) >= BATCH:
            PublishedDocument.objects.bulk_create(documents)
            documents = []
    PublishedDocument.objects.bulk_create(documents)
    MeasurePlan.objects.filter(pk__in=[plans[o.pk].pk for o in orgs]).update(status=Status.PUBLISHED)
    ProgressRound.objects.filter(pk__in=with_results).update(status=Status.PUBLISHED)
    from library import index as library  # the measure library's rows of these documents (stored without the services)

    library.rebuild(org_ids=[o.pk for o in orgs])
    return len(orgs) + len(with_results)

