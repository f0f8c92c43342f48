"""`manage.py setup_demo`: frameworks, the five seed bodies, their scores, and demo users; idempotent."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from assessments.models import (
    Assessment,
    Framework,
    IndicatorScore,
    Item,
    ItemScore,
    Membership,
    Organization,
    OrgUnit,
    Province,
    SupervisorScope,
)
from tests.factories import ADMIN


def counts():
    return [m.objects.count() for m in (Framework, Item, Organization, OrgUnit, Assessment, IndicatorScore, ItemScore,
                                        Membership, SupervisorScope, get_user_model())]


def test_it_loads_77_provinces_and_frameworks_2563_to_2569_with_ten_indicators(db):
    assert Province.objects.count() == 77
    assert list(Framework.objects.order_by("fiscal_year").values_list("fiscal_year", flat=True)) == list(
        range(2563, 2570))
    for framework in Framework.objects.all():
        assert framework.indicators.count() == 10


def test_the_2568_catalogue_has_every_item_with_oit_groups(db):
    fw = Framework.objects.get(fiscal_year=2568)
    codes = set(fw.items.values_list("code", flat=True))
    assert codes == {f"i{n}" for n in range(1, 16)} | {f"e{n}" for n in range(1, 10)} | {f"o{n}" for n in range(1, 29)}
    assert list(fw.indicators.get(number=9).groups.values_list("name", flat=True)) == [
        "ข้อมูลพื้นฐาน", "การบริหารงานและการใช้จ่ายงบประมาณ", "การจัดซื้อจัดจ้าง",
        "การบริหารและพัฒนาทรัพยากรบุคคล", "การส่งเสริมความโปร่งใส"]
    assert fw.items.get(code="o27").text == "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
    assert fw.tools.get(code="EIT").part_labels == ["EIT Public", "EIT Survey"]


def test_it_loads_the_five_seed_bodies_where_they_are(db):
    where = {o.slug: (o.province.name, o.district) for o in Organization.objects.select_related("province")}
    assert where == {
        "abt-dong-khwang": ("นครพนม", "เมืองนครพนม"),
        "abt-bo-kaeo": ("กาฬสินธุ์", "นาคู"),
        "thesaban-mueang-ang-thong": ("อ่างทอง", "เมืองอ่างทอง"),
        "abt-cho-ho": ("นครราชสีมา", "เมืองนครราชสีมา"),
        "thesaban-tambon-phok-noi": ("สกลนคร", "พรรณานิคม"),
    }


def test_it_loads_every_score_the_seeds_publish(db):
    years = {(a.org.slug, a.framework.fiscal_year): a for a in Assessment.objects.select_related("org", "framework")}
    assert set(years) == {("abt-dong-khwang", 2567), ("abt-dong-khwang", 2568),
                          ("thesaban-mueang-ang-thong", 2568), ("thesaban-tambon-phok-noi", 2563)}
    assert years[("abt-dong-khwang", 2567)].indicator_scores.count() == 10
    assert years[("abt-dong-khwang", 2568)].indicator_scores.count() == 10
    angthong = years[("thesaban-mueang-ang-thong", 2568)]
    assert (str(angthong.overall), angthong.level) == ("95.08", "ผ่านดี")
    assert angthong.item_scores.count() == 15 + 18 + 28
    assert angthong.group_scores.count() == 5
    phoknoi = years[("thesaban-tambon-phok-noi", 2563)]
    assert (str(phoknoi.overall), phoknoi.level, phoknoi.indicator_scores.count()) == ("80.00", "B", 10)


def test_it_creates_the_demo_users_with_their_roles(db):
    User = get_user_model()
    assert User.objects.get(username=ADMIN).is_superuser
    for prefix in ("dongkhwang", "bokaeo", "angthong", "choho", "phoknoi"):
        assert Membership.objects.filter(user__username=f"{prefix}_editor", role="editor").count() == 1
        assert Membership.objects.filter(user__username=f"{prefix}_approver", role="approver").count() == 1
    provinces = set(SupervisorScope.objects.values_list("province__name", flat=True))
    assert provinces == {"นครพนม", "กาฬสินธุ์", "อ่างทอง", "นครราชสีมา", "สกลนคร"}


def test_running_it_again_changes_nothing(db):
    before = counts()
    call_command("setup_demo", "--no-migrate", verbosity=0, stdout=None)
    assert counts() == before


def test_it_loads_the_seed_measures_and_results_on_the_right_body_and_year(db):
    from measures.models import MeasurePlan, ProgressEntry

    plans = {(p.org.slug, p.fiscal_year): p for p in MeasurePlan.objects.select_related("org")}
    assert {key: plan.measures.count() for key, plan in plans.items()} == {
        ("abt-dong-khwang", 2568): 4, ("abt-bo-kaeo", 2568): 11, ("thesaban-mueang-ang-thong", 2569): 10,
        ("abt-cho-ho", 2566): 11, ("thesaban-tambon-phok-noi", 2564): 3,
    }
    assert ProgressEntry.objects.filter(round__plan__org__slug="abt-bo-kaeo", round__months=6).count() == 11
    assert ProgressEntry.objects.filter(round__plan__org__slug="abt-dong-khwang", round__months=12).count() == 4
    angthong = plans[("thesaban-mueang-ang-thong", 2569)]
    assert angthong.based_on.framework.fiscal_year == 2568
    assert angthong.status == "draft"
    assert plans[("abt-bo-kaeo", 2568)].status == "published"


def test_seed_text_is_clean_of_html_remnants_and_typos(db):
    from measures.models import Measure, ProgressEntry

    texts = list(Measure.objects.values_list("title", "guideline", "analysis", "steps"))
    texts += list(ProgressEntry.objects.values_list("done_text", "output", "outcome", "remarks"))
    joined = "\n".join(t for row in texts for t in row)
    for remnant in ("<p", "</p>", "<ol", "<li", "<ul", "&nbsp;", "คงขวง"):
        assert remnant not in joined
