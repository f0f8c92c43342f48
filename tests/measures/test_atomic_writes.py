"""A fault midway through a write leaves nothing half-done; ids cannot be guessed across bodies."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from assessments import services as assessment_services
from assessments.models import Assessment, AuditEvent, IndicatorScore, Organization
from measures import services
from measures.models import Evidence, Measure, MeasurePlan, Transition
from tests.factories import ADMIN, EDITOR, OTHER_EDITOR, build_plan, login, user


def fail(*args, **kwargs):
    raise RuntimeError("injected fault")


def test_a_fault_during_score_import_leaves_no_score(db, tmp_path, monkeypatch):
    before = (IndicatorScore.objects.count(), Assessment.objects.count())
    path = tmp_path / "s.csv"
    path.write_text("org,fiscal_year,scope,code,part,value\nabt-bo-kaeo,2567,indicator,1,0,80\n"
                    "abt-bo-kaeo,2567,overall,,0,80\n", encoding="utf-8")
    monkeypatch.setattr(assessment_services, "audit", fail)
    with pytest.raises(RuntimeError):
        call_command("import_scores", str(path), stdout=io.StringIO())
    assert (IndicatorScore.objects.count(), Assessment.objects.count()) == before


def test_a_fault_while_saving_a_measure_leaves_no_measure_and_no_history(db, monkeypatch):
    plan = MeasurePlan.objects.get(org__slug="thesaban-mueang-ang-thong", fiscal_year=2569)
    before = (Measure.objects.count(), Measure.history.count())
    monkeypatch.setattr(services, "audit", fail)
    with pytest.raises(RuntimeError):
        services.measure_save(plan=plan, actor=user(EDITOR), data={
            "title": "ครึ่งทาง", "steps": "ก", "new_units": ["กองใหม่"], "responsible_units": []})
    assert (Measure.objects.count(), Measure.history.count()) == before
    assert not plan.org.units.filter(name="กองใหม่").exists()


def test_a_fault_during_a_transition_keeps_the_status_and_writes_no_step(db, monkeypatch):
    plan = build_plan(Organization.objects.get(slug="thesaban-mueang-ang-thong"), 2570, measures=1)
    monkeypatch.setattr(services, "audit", fail)
    with pytest.raises(RuntimeError):
        services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    plan.refresh_from_db()
    assert plan.status == "draft" and not Transition.objects.filter(plan=plan).exists()


def test_a_fault_while_adding_evidence_leaves_no_row_and_no_file(db, monkeypatch, settings):
    plan = MeasurePlan.objects.get(org__slug="thesaban-mueang-ang-thong", fiscal_year=2569)
    evidence_dir = settings.MEDIA_ROOT / "evidence"
    before = set(evidence_dir.rglob("*")) if evidence_dir.exists() else set()  # other tests' files
    monkeypatch.setattr(services, "audit", fail)
    with pytest.raises(RuntimeError):
        services.evidence_add(progress_round=plan.rounds.get(months=6), measure=plan.measures.first(),
                              actor=user(EDITOR),
                              upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test"))
    assert not Evidence.objects.exists()
    after = set(evidence_dir.rglob("*")) if evidence_dir.exists() else set()
    assert not {path for path in after - before if path.is_file()}


def test_another_bodys_measure_cannot_be_reached_by_changing_the_id(client, db):
    theirs = MeasurePlan.objects.get(org__slug="thesaban-mueang-ang-thong", fiscal_year=2569).measures.first()
    build_plan(Organization.objects.get(slug="abt-bo-kaeo"), 2569, measures=1, editor=OTHER_EDITOR)
    login(client, OTHER_EDITOR)
    for url in (f"/app/orgs/abt-bo-kaeo/2569/measures/{theirs.pk}/",
                f"/app/orgs/abt-bo-kaeo/2569/measures/{theirs.pk}/history/",
                f"/app/orgs/abt-bo-kaeo/2569/rounds/6/measures/{theirs.pk}/",
                f"/app/orgs/thesaban-mueang-ang-thong/2569/measures/{theirs.pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/app/orgs/abt-bo-kaeo/2569/measures/{theirs.pk}/delete/").status_code == 404
    assert Measure.objects.filter(pk=theirs.pk).exists()


def test_evidence_tokens_are_long_random_and_not_enumerable(client, db):
    plan = MeasurePlan.objects.get(org__slug="thesaban-mueang-ang-thong", fiscal_year=2569)
    evidence = services.evidence_add(progress_round=plan.rounds.get(months=6), measure=plan.measures.first(),
                                     actor=user(EDITOR), url="https://example.go.th/a")
    assert len(evidence.token) == 32 and evidence.token != str(evidence.pk)
    login(client, EDITOR)
    assert client.get(f"/app/evidence/{evidence.pk}/").status_code == 404


def test_admin_actions_are_audited(client, db):
    login(client, ADMIN)
    org = Organization.objects.get(slug="abt-cho-ho")
    response = client.post(f"/admin/assessments/organization/{org.pk}/change/", {
        "name": org.name, "kind": org.kind, "province": org.province_id, "district": org.district,
        "dla_code": "3300101", "itas_code": "", "slug": org.slug, "thai_numerals": "on",
        "names-TOTAL_FORMS": "0", "names-INITIAL_FORMS": "0", "units-TOTAL_FORMS": "0", "units-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:500]
    event = AuditEvent.objects.filter(action="admin.change", actor__username=ADMIN).latest("created_at")
    assert "จอหอ" in event.summary

