"""A renamed body's old addresses answer 301 to the same page under its new slug
(assessments/slugs.py: FormerSlugRedirectMiddleware), public and staff pages alike."""

import io

import pytest
from django.core.management import call_command

from assessments import services
from assessments.models import Organization
from tests.factories import ANGTHONG, EDITOR, login
from tests.register_files import write

BOKAEO = "abt-bo-kaeo"  # the demo body with published documents for 2568
REGISTER = "dla_code,name,province,district\n7460201,{name},กาฬสินธุ์,นาคู\n"


@pytest.fixture
def renamed(db, tmp_path, django_capture_on_commit_callbacks):
    """อบต.บ่อแก้ว, matched once by the register (it gets a DLA code) and then renamed by it."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_orgs", str(write(tmp_path, REGISTER.format(name="องค์การบริหารส่วนตำบลบ่อแก้ว").encode())),
                     stdout=io.StringIO())
        call_command("import_orgs", str(write(tmp_path, REGISTER.format(name="เทศบาลตำบลบ่อแก้ว").encode())),
                     stdout=io.StringIO())
    body = Organization.objects.get(dla_code="7460201")
    assert body.slug == "thesaban-tambon-bo-kaeo"
    return body


@pytest.mark.parametrize("old, new", [
    ("/orgs/abt-bo-kaeo/", "/orgs/thesaban-tambon-bo-kaeo/"),
    ("/orgs/abt-bo-kaeo/2568/", "/orgs/thesaban-tambon-bo-kaeo/2568/"),
    ("/orgs/abt-bo-kaeo/2568/measures.pdf", "/orgs/thesaban-tambon-bo-kaeo/2568/measures.pdf"),
    ("/orgs/abt-bo-kaeo/2568/measures/v1.pdf", "/orgs/thesaban-tambon-bo-kaeo/2568/measures/v1.pdf"),
    ("/data/orgs/abt-bo-kaeo/2568.json", "/data/orgs/thesaban-tambon-bo-kaeo/2568.json"),
    ("/data/orgs/abt-bo-kaeo/2568.csv", "/data/orgs/thesaban-tambon-bo-kaeo/2568.csv"),
])
def test_it_redirects_every_old_public_address_permanently(client, renamed, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    answer = client.get(new)
    assert answer.status_code == 200
    if answer.streaming:
        b"".join(answer.streaming_content)


def test_the_old_name_is_kept_as_another_name_the_score_import_finds(renamed):
    from assessments import score_io

    assert list(renamed.names.values_list("name", flat=True)) == ["องค์การบริหารส่วนตำบลบ่อแก้ว"]
    rows = score_io.check_rows([(2, {"org": "องค์การบริหารส่วนตำบลบ่อแก้ว", "fiscal_year": "2568",
                                     "scope": "overall", "code": "", "part": "0", "value": "90"})])
    assert rows[0].org == renamed


def test_the_query_string_is_kept(client, renamed):
    response = client.get("/orgs/abt-bo-kaeo/2568/?tab=scores")
    assert response["Location"] == "/orgs/thesaban-tambon-bo-kaeo/2568/?tab=scores"


def test_an_unknown_slug_and_a_missing_year_stay_404(client, renamed):
    assert client.get("/orgs/no-such-body/").status_code == 404
    assert client.get("/orgs/thesaban-tambon-bo-kaeo/2563/").status_code == 404


def test_a_cached_public_page_is_not_served_for_the_old_address(client, db, tmp_path, settings,
                                                                django_capture_on_commit_callbacks):
    settings.PUBLIC_CACHE_SECONDS = 300
    assert client.get(f"/orgs/{BOKAEO}/").status_code == 200  # cached now
    assert client.get(f"/orgs/{BOKAEO}/").status_code == 200
    body = Organization.objects.get(slug=BOKAEO)
    body.name = "เทศบาลตำบลบ่อแก้ว"
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_save(org=body)
    response = client.get(f"/orgs/{BOKAEO}/")
    assert response.status_code == 301
    assert response["Location"] == "/orgs/thesaban-tambon-bo-kaeo/"


def test_staff_pages_redirect_too_and_a_post_keeps_its_method(client, db):
    body = Organization.objects.get(slug=ANGTHONG)
    body.name = "เทศบาลเมืองอ่างทองใหม่"
    services.organization_save(org=body)
    assert body.slug != ANGTHONG
    login(client, EDITOR)
    response = client.get(f"/app/orgs/{ANGTHONG}/2569/plan/")
    assert response.status_code == 301
    assert response["Location"] == f"/app/orgs/{body.slug}/2569/plan/"
    assert client.get(response["Location"]).status_code == 200
    response = client.get(f"/app/orgs/{ANGTHONG}/reports/settings/")
    assert response["Location"] == f"/app/orgs/{body.slug}/reports/settings/"
    response = client.post(f"/app/orgs/{ANGTHONG}/2569/comments/", {"text": "x"})
    assert response.status_code == 308
    assert response["Location"] == f"/app/orgs/{body.slug}/2569/comments/"


def test_renaming_back_gives_the_body_its_old_address_again(db):
    body = Organization.objects.get(slug=BOKAEO)
    body.name = "เทศบาลตำบลบ่อแก้ว"
    services.organization_save(org=body)
    body.name = "องค์การบริหารส่วนตำบลบ่อแก้ว"
    services.organization_save(org=body)
    assert body.slug == BOKAEO
    assert list(body.former_slugs.values_list("slug", flat=True)) == ["thesaban-tambon-bo-kaeo"]
    assert "เทศบาลตำบลบ่อแก้ว" in body.names.values_list("name", flat=True)


def test_a_redirect_costs_one_query_after_the_page_missed(client, renamed, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the body lookup (missed), the former slug, the session-less rest
        assert client.get("/orgs/abt-bo-kaeo/").status_code == 301
