import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from assessments import score_io, services
from assessments.models import Organization, Province

DEMO_PASSWORD = "ita-demo-2568"
ANGTHONG = "thesaban-mueang-ang-thong"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the real demo data (frameworks, seed bodies, users)."""
    with django_db_blocker.unblock():
        call_command("setup_demo", "--no-migrate", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (public pages are cached per body)."""
    from django.core.cache import cache

    from assessments import fiscal_years
    from assessments.selectors import forget_catalogues

    cache.clear()
    fiscal_years.forget()  # a change rolled back with the last test must not linger in this process
    forget_catalogues()


def login(client, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


@pytest.fixture
def angthong(db):
    return Organization.objects.get(slug=ANGTHONG)


def import_records(records, actor=None):
    """Write score records through the real import path."""
    numbered = [(n, {"part": "0", "code": "", **r}) for n, r in enumerate(records, start=2)]
    return services.scores_import(rows=score_io.check_rows(numbered), actor=actor)


def make_body(slug, *, province="นครราชสีมา", district="เมืองนครราชสีมา", name=None):
    return services.organization_upsert(
        slug=slug, name=name or f"องค์การบริหารส่วนตำบล{slug}", kind="sao",
        province=Province.objects.get(name=province), district=district,
    )


def add_indicator_year(org, year, score="90.00"):
    """A year of indicator scores (1–10) for a body."""
    return import_records(
        [{"org": org.slug, "fiscal_year": str(year), "scope": "indicator", "code": str(n), "value": score}
         for n in range(1, 11)]
    )


def user(username):
    return get_user_model().objects.get(username=username)


def build_plan(org, fiscal_year, measures=3, *, editor="angthong_editor", units=("กองคลัง",)):
    """A plan with complete measures, built through the services."""
    from measures import services as measure_services

    actor = user(editor)
    plan = measure_services.plan_create(org=org, fiscal_year=fiscal_year, actor=actor)
    for n in range(measures):
        measure_services.measure_save(plan=plan, actor=actor, data={
            "title": f"มาตรการทดสอบที่ {n + 1}", "steps": "ขั้นที่หนึ่ง\nขั้นที่สอง", "monitoring_rounds": [6, 12],
            "responsible_units": [], "new_units": list(units),
        })
    return plan
