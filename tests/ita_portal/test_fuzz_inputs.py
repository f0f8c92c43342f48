"""Property-based tests (hypothesis): every form, every query string a page reads, and the
score import, driven with random and hostile values, answer with a clear message (a Thai 4xx
page) or a correct save, never a 500, and never leave anything half-saved. Run with
--hypothesis-show-statistics to see the case counts."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import score_io, services
from assessments.models import Assessment, IndicatorScore
from measures.models import Comment, Measure, MeasurePlan, ProgressEntry
from tests.factories import ADMIN, ANGTHONG, APPROVER, EDITOR, OUTSIDE_SUPERVISOR, SUPERVISOR, login

HOSTILE = [
    "\u0e31\u0e48\u0e49\u0e4c",  # Thai combining marks with nothing to sit on
    "\u200b\u200c\u200d\ufeff", "\u202eเทศบาล\u202d", "\u0000", "abc\u0000def",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "'; DROP TABLE assessments_organization; --",
    "\" OR 1=1 --", "๑๒๓.๔๕", "-1", "NaN", "Infinity", "1e309", "-0", "100.001", "9999-12-31", "0000-00-00",
    "1900-02-29", "../../etc/passwd", "file:///etc/passwd", "http://169.254.169.254/", "x" * 100_000, "ก" * 5000,
    " ", "", "\r\n\r\n", "%00", "{{ 7*7 }}", "${7*7}",
]
hostile = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300))
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
OK = {200, 302, 400, 409}
PLAN = "/app/orgs/thesaban-mueang-ang-thong/2569"
# Query-string values: hostile text, numbers of any size and sign, and values the pages use.
query_value = st.one_of(hostile, st.integers(min_value=-10**30, max_value=10**30).map(str), st.sampled_from([
    "last", "0", "-1", "1.5", "1e3", "2569", "2570", "2500", "2569\x00", "๒๕๖๙", "เมืองอ่างทอง", "draft", "approved",
    "late", "none", "name", "-name", "district", "-late", "r6", "--", ANGTHONG, "csv", "xlsx"]))
GET_OK = {200, 302, 400, 404}
THAI = re.compile("[\u0e00-\u0e7f]")


def assert_answered(response, allowed=frozenset(GET_OK)):
    """An allowed status; an error page is the portal's Thai one, not Django's bare English page."""
    assert response.status_code in allowed
    if 400 <= response.status_code < 500:
        assert THAI.search(response.content.decode()), response.content[:200]


def as_user(client, username):
    if username is None:
        client.logout()
    else:
        login(client, username)


@pytest.fixture
def editor_client(client, db):
    login(client, EDITOR)
    return client


@SETTINGS
@given(title=hostile, guideline=hostile, steps=hostile, start=hostile, end=hostile, period=hostile, budget=hostile,
       rounds=st.lists(hostile, max_size=3), new_units=hostile)
def test_the_measure_form(editor_client, title, guideline, steps, start, end, period, budget, rounds, new_units):
    before = Measure.objects.count()
    response = editor_client.post(f"{PLAN}/measures/new/", {
        "title": title, "guideline": guideline, "steps": steps, "period_start": start, "period_end": end,
        "period_text": period, "budget": budget, "monitoring_rounds": rounds, "new_units": new_units,
        "version": ""})
    assert response.status_code in OK
    if response.status_code == 302:
        assert Measure.objects.count() == before + 1
        assert Measure.objects.order_by("-pk").first().title.strip()
    else:
        assert Measure.objects.count() == before
        assert "alert(1)</script>" not in response.content.decode().replace("&lt;", "")


@SETTINGS
@given(state=st.one_of(st.sampled_from(["not_started", "in_progress", "done", "cancelled"]), hostile),
       percent=hostile, text=hostile, version=hostile)
def test_the_progress_entry_form(editor_client, state, percent, text, version):
    plan = MeasurePlan.objects.get(org__slug="thesaban-mueang-ang-thong", fiscal_year=2569)
    measure = plan.measures.order_by("order").first()
    entry = ProgressEntry.objects.filter(round__plan=plan, round__months=6, measure=measure).first()
    before = (entry.version, entry.output) if entry else None
    response = editor_client.post(f"{PLAN}/rounds/6/measures/{measure.pk}/", {
        "state": state, "percent": percent, "done_text": text, "output": text, "outcome": text,
        "problems": text, "remarks": text, "version": version})
    assert response.status_code in OK
    after = ProgressEntry.objects.filter(round__plan=plan, round__months=6, measure=measure).first()
    if response.status_code != 302:
        assert ((after.version, after.output) if after else None) == before


@SETTINGS
@given(summary=hostile, recommendations=hostile, note=hostile, version=hostile)
def test_the_analysis_form(editor_client, summary, recommendations, note, version):
    response = editor_client.post(f"{PLAN}/plan/analysis/", {
        "analysis_summary": summary, "recommendations": recommendations, "note_IIT": note, "note_4": note,
        "version": version})
    assert response.status_code in OK


@SETTINGS
@given(q=hostile, province=hostile, district=hostile, page=hostile)
def test_the_public_search(client, db, q, province, district, page):
    response = client.get("/", {"q": q, "province": province, "district": district, "page": page})
    assert response.status_code in {200, 400, 414}  # 414: an address over 4,096 bytes (ita_portal/middleware.py)


@SETTINGS
@given(username=st.sampled_from([None, EDITOR]),
       query=st.dictionaries(st.sampled_from(["q", "province", "district", "page"]), query_value, max_size=4))
def test_the_home_search_query_string(client, db, username, query):
    as_user(client, username)
    assert_answered(client.get("/", query), {200, 400, 414})


@SETTINGS
@given(username=st.sampled_from([SUPERVISOR, OUTSIDE_SUPERVISOR, APPROVER, ADMIN]),
       query=st.dictionaries(st.sampled_from(["fy", "district", "status", "sort", "page"]), query_value, max_size=5))
def test_the_dashboard_query_string(client, db, username, query):
    as_user(client, username)
    assert_answered(client.get("/app/dashboard/", query), {200, 400, 414})


@SETTINGS
@given(username=st.sampled_from([EDITOR, APPROVER, SUPERVISOR, ADMIN]),
       query=st.dictionaries(st.sampled_from(["org", "format"]), query_value, max_size=2))
def test_the_score_export_query_string(client, db, username, query):
    as_user(client, username)
    assert_answered(client.get("/app/scores/export/", query), {200, 400, 404, 414})


@SETTINGS
@given(username=st.sampled_from([None, EDITOR]), next_=query_value)
def test_the_sign_in_page_next_parameter(client, db, username, next_):
    as_user(client, username)
    response = client.get("/accounts/login/", {"next": next_})
    assert_answered(response, {200, 302, 400, 414})
    if response.status_code == 302:  # to this site only
        location = response["Location"]
        assert urlsplit(location).netloc in ("", "testserver") and not location.startswith(("//", "/\\"))


PAGES = [(None, "/"), (None, f"/orgs/{ANGTHONG}/"), (None, f"/orgs/{ANGTHONG}/2568/"),
         (None, "/data/orgs/abt-bo-kaeo/2568.json"), (None, "/orgs/abt-bo-kaeo/2568/measures.pdf"),
         (EDITOR, "/app/"), (EDITOR, f"{PLAN}/plan/"), (EDITOR, f"{PLAN}/rounds/6/"),
         (SUPERVISOR, "/app/dashboard/")]


@SETTINGS
@given(page=st.sampled_from(PAGES),
       query=st.dictionaries(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)), query_value, max_size=4))
def test_any_query_string_on_any_page(client, db, page, query):
    """Pages ignore what they do not read, and a cached public page is not served for it."""
    username, path = page
    as_user(client, username)
    response = client.get(path, query)
    if response.streaming:
        b"".join(response.streaming_content)  # consuming it closes the file
    assert_answered(response, {200, 400, 414})


@SETTINGS
@given(text=hostile, round_=hostile)
def test_the_comment_form(client, db, text, round_):
    login(client, SUPERVISOR)
    before = Comment.objects.count()
    response = client.post(f"{PLAN}/comments/", {"text": text, "round": round_})
    assert response.status_code in {302, 404}
    assert Comment.objects.count() in (before, before + 1)


@SETTINGS
@given(due=hostile, url=hostile)
def test_the_due_date_and_evidence_link_forms(editor_client, due, url):
    approver = Client()
    login(approver, APPROVER)  # a due date is the executive's (or the supervisor's) decision
    assert approver.post(f"{PLAN}/rounds/6/due/", {"due_date": due, "reason": url}).status_code == 302
    measure = MeasurePlan.objects.get(org__slug="thesaban-mueang-ang-thong", fiscal_year=2569).measures.first()
    response = editor_client.post(f"{PLAN}/rounds/6/measures/{measure.pk}/", {"state": "done", "version": "",
                                                                             "links": url})
    assert_answered(response, {302, 400})


cell = st.one_of(st.sampled_from(HOSTILE[:-2] + ["thesaban-mueang-ang-thong", "2568", "indicator", "item", "i1",
                                                 "0", "1", "2", "95.5", "overall", "level", "ผ่านดี", "IIT"]),
                 st.text(max_size=30))


@SETTINGS
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=8), max_size=12), header=st.booleans(),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_the_score_import(db, rows, header, encoding):
    lines = ([["org", "fiscal_year", "scope", "code", "part", "value"]] if header else []) + rows
    text = "\n".join(",".join(c.replace("\n", " ").replace(",", " ").replace('"', "") for c in line)
                     for line in lines)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    before = sorted(IndicatorScore.objects.values_list("pk", "score")), Assessment.objects.count()
    try:
        services.scores_import_file(data=data, filename="fuzz.csv")
    except score_io.ImportRejected as rejected:
        assert rejected.errors and all(isinstance(e, str) and e for e in rejected.errors)
        assert (sorted(IndicatorScore.objects.values_list("pk", "score")), Assessment.objects.count()) == before


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_the_score_import_with_random_bytes(db, data):
    """Random bytes, as a workbook (a zip's first bytes) or as a CSV file, are refused with Thai
    reasons, and nothing is written."""
    before = sorted(IndicatorScore.objects.values_list("pk", "score")), Assessment.objects.count()
    for payload, filename in ((b"PK\x03\x04" + data, "x.xlsx"), (data, "x.csv")):
        with pytest.raises(score_io.ImportRejected) as rejected:
            services.scores_import_file(data=payload, filename=filename)
        assert rejected.value.errors and all(isinstance(e, str) and THAI.search(e) for e in rejected.value.errors)
        assert (sorted(IndicatorScore.objects.values_list("pk", "score")), Assessment.objects.count()) == before


# Every limited field of the documents' forms at and beyond its limit: at the limit the save
# goes through; past it the form answers 400 with the Thai limit message and nothing changes.
MEASURE_TEXT = ["title", "guideline", "analysis", "steps", "period_text", "target"]
ENTRY_TEXT = ["done_text", "output", "outcome", "problems", "remarks"]
around_the_limit = st.integers(min_value=-2, max_value=50)
thai_letter = st.sampled_from(["ก", "ำ", "ไ", "x", "่"])


@SETTINGS
@given(field=st.sampled_from(MEASURE_TEXT), over=around_the_limit, letter=thai_letter)
def test_the_measure_form_at_and_beyond_each_limit(editor_client, field, over, letter):
    from measures.models import MEASURE_LIMITS

    limit = MEASURE_LIMITS[field]
    value = "ก" + letter * (limit + over - 1)
    data = {"title": "มาตรการ", "steps": "ขั้นที่หนึ่ง", "new_units": "กองคลัง", "version": "", field: value}
    before = Measure.objects.count()
    response = editor_client.post(f"{PLAN}/measures/new/", data)
    if len(value) > limit:
        assert response.status_code == 400 and Measure.objects.count() == before
        assert f"เกินกำหนด {limit} ตัวอักษร" in response.content.decode()
    else:  # saved, exactly as typed
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Measure.objects.count() == before + 1
        assert getattr(Measure.objects.order_by("-pk").first(), field) == value


@SETTINGS
@given(field=st.sampled_from(ENTRY_TEXT), over=around_the_limit, letter=thai_letter)
def test_the_progress_entry_form_at_and_beyond_each_limit(editor_client, field, over, letter):
    from measures.models import ENTRY_LIMITS

    plan = MeasurePlan.objects.get(org__slug="thesaban-mueang-ang-thong", fiscal_year=2569)
    measure = plan.measures.order_by("order").first()
    limit = ENTRY_LIMITS[field]
    value = "ก" + letter * (limit + over - 1)
    entry = ProgressEntry.objects.filter(round__plan=plan, round__months=6, measure=measure).first()
    response = editor_client.post(f"{PLAN}/rounds/6/measures/{measure.pk}/", {
        "state": "in_progress", "percent": "10", field: value, "version": entry.version if entry else 0})
    stored = ProgressEntry.objects.filter(round__plan=plan, round__months=6, measure=measure).first()
    if len(value) > limit:
        assert response.status_code == 400 and f"เกินกำหนด {limit} ตัวอักษร" in response.content.decode()
        assert getattr(stored, field, "") != value
    else:  # saved, exactly as typed
        assert response.status_code == 302, response.content.decode()[:2000]
        assert getattr(stored, field) == value
