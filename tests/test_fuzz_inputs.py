"""Property-based tests (hypothesis): every form and the score import, driven with random
and hostile values, answer with a clear message or a correct save, never a 500, and never
leave anything half-saved. Run with --hypothesis-show-statistics to see the case counts."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import score_io, services
from assessments.models import Assessment, IndicatorScore
from measures.models import Comment, Measure, MeasurePlan, ProgressEntry

from .conftest import login

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


@pytest.fixture
def editor(client, db):
    login(client, "angthong_editor")
    return client


@SETTINGS
@given(title=hostile, guideline=hostile, steps=hostile, start=hostile, end=hostile, period=hostile, budget=hostile,
       rounds=st.lists(hostile, max_size=3), new_units=hostile)
def test_the_measure_form(editor, title, guideline, steps, start, end, period, budget, rounds, new_units):
    before = Measure.objects.count()
    response = editor.post(f"{PLAN}/measures/new/", {
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
def test_the_progress_entry_form(editor, state, percent, text, version):
    plan = MeasurePlan.objects.get(org__slug="thesaban-mueang-ang-thong", fiscal_year=2569)
    measure = plan.measures.order_by("order").first()
    entry = ProgressEntry.objects.filter(round__plan=plan, round__months=6, measure=measure).first()
    before = (entry.version, entry.output) if entry else None
    response = editor.post(f"{PLAN}/rounds/6/measures/{measure.pk}/", {
        "state": state, "percent": percent, "done_text": text, "output": text, "outcome": text,
        "problems": text, "remarks": text, "version": version})
    assert response.status_code in OK
    after = ProgressEntry.objects.filter(round__plan=plan, round__months=6, measure=measure).first()
    if response.status_code != 302:
        assert ((after.version, after.output) if after else None) == before


@SETTINGS
@given(summary=hostile, recommendations=hostile, note=hostile, version=hostile)
def test_the_analysis_form(editor, summary, recommendations, note, version):
    response = editor.post(f"{PLAN}/plan/analysis/", {"analysis_summary": summary, "recommendations": recommendations,
                                                      "note_IIT": note, "note_4": note, "version": version})
    assert response.status_code in OK


@SETTINGS
@given(q=hostile, province=hostile, district=hostile, page=hostile)
def test_the_public_search(client, db, q, province, district, page):
    response = client.get("/", {"q": q, "province": province, "district": district, "page": page})
    assert response.status_code in {200, 400}


@SETTINGS
@given(text=hostile, round_=hostile)
def test_the_comment_form(client, db, text, round_):
    login(client, "sup_angthong")
    before = Comment.objects.count()
    response = client.post(f"{PLAN}/comments/", {"text": text, "round": round_})
    assert response.status_code in {302, 404}
    assert Comment.objects.count() in (before, before + 1)


@SETTINGS
@given(due=hostile, url=hostile)
def test_the_due_date_and_evidence_link_forms(editor, due, url):
    assert editor.post(f"{PLAN}/rounds/6/due/", {"due_date": due}).status_code == 302
    measure = MeasurePlan.objects.get(org__slug="thesaban-mueang-ang-thong", fiscal_year=2569).measures.first()
    assert editor.post(f"{PLAN}/rounds/6/measures/{measure.pk}/evidence/", {"url": url}).status_code == 302


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
    try:
        services.scores_import_file(data=b"PK\x03\x04" + data, filename="x.xlsx")
    except score_io.ImportRejected:
        pass
    try:
        services.scores_import_file(data=data, filename="x.csv")
    except score_io.ImportRejected:
        pass
