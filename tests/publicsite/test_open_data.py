"""Open data: JSON and CSV of what is published, nothing else."""

import csv
import io

from assessments.models import Organization
from measures import services as measure_services
from tests.factories import ANGTHONG, EDITOR, build_plan, login


def test_the_json_has_scores_documents_and_published_measures_and_results(client, db):
    data = client.get("/data/orgs/abt-dong-khwang/2568.json").json()
    assert data["org"]["name"] == "องค์การบริหารส่วนตำบลดงขวาง"
    assert data["scores"]["indicators"]["9"] == 41.5
    assert {d["doc"] for d in data["documents"]} == {"measures", "analysis", "results-12m"}
    assert all(d["url"].endswith(f"/v{d['version']}.pdf") and len(d["sha256"]) == 64 for d in data["documents"])
    assert data["measures"][0]["title"] == "มาตรการตรวจสอบการใช้ดุลพินิจ"
    assert len(data["results"]["results-12m"]) == 4


def test_the_json_of_a_scores_only_year_has_no_measures(client, db):
    data = client.get("/data/orgs/thesaban-mueang-ang-thong/2568.json").json()
    assert data["scores"]["overall"] == 95.08 and data["scores"]["overall_source"] == "published"
    assert data["scores"]["level_published"] == {"grade": None, "pass_label": "ผ่านดี"}
    assert data["scores"]["level_computed"] is None
    assert data["measures"] == [] and data["documents"] == []
    assert {d["what"] for d in data["scores"]["discrepancies"]} >= {"ตัวชี้วัดที่ 4 การใช้ทรัพย์สินของราชการ"}


def test_drafts_never_appear_in_open_data(client, db):
    assert client.get("/data/orgs/thesaban-mueang-ang-thong/2569.json").status_code == 404
    login(client, EDITOR)  # even for the body's own editor
    assert client.get("/data/orgs/thesaban-mueang-ang-thong/2569.csv").status_code == 404


def test_the_csv_lists_published_measures_and_results(client, db):
    response = client.get("/data/orgs/abt-bo-kaeo/2568.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["doc"] for r in rows} == {"measures", "results-6m"}
    assert len([r for r in rows if r["doc"] == "measures"]) == 11
    assert rows[0]["title"] == "ยกระดับผลการประเมิน ITA ๒๕๖๘"


DANGEROUS_TITLES = ['=HYPERLINK("https://evil.example","คลิก")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
                    "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1 มาตรการที่เริ่มด้วยแท็บ", "\r=1+1 มาตรการที่เริ่มด้วย CR",
                    "\n=1+1 มาตรการที่เริ่มด้วยการขึ้นบรรทัด"]


def test_it_neutralises_cells_that_a_spreadsheet_would_run_as_formulas(client, editor, approver):
    org = Organization.objects.get(slug=ANGTHONG)
    plan = build_plan(org, 2570, measures=0)
    for title in DANGEROUS_TITLES:
        measure_services.measure_save(plan=plan, actor=editor, data={
            "title": title, "steps": "=1+1\nขั้นที่สอง", "monitoring_rounds": [6, 12], "responsible_units": [],
            "new_units": ["-กองคลัง"]})
    for action, actor in (("submit", editor), ("approve", approver), ("publish", approver)):
        measure_services.document_transition(plan=plan, actor=actor, action=action)
    response = client.get(f"/data/orgs/{ANGTHONG}/2570.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    stored = [m.title for m in plan.measures.order_by("order")]  # a typed CR may be stored as a line feed
    assert [t[1:] for t in stored] == [t[1:] for t in DANGEROUS_TITLES]
    assert [r["title"] for r in rows] == ["'" + title for title in stored]
    assert {r["steps"] for r in rows} == {"'=1+1 | ขั้นที่สอง"}
    assert {r["responsible"] for r in rows} == {"'-กองคลัง"}
    assert [r["no"] for r in rows] == [str(n) for n in range(1, len(DANGEROUS_TITLES) + 1)]  # a number
    assert {r["fiscal_year"] for r in rows} == {"2570"}  # numbers are not quoted
    assert client.get(f"/data/orgs/{ANGTHONG}/2570.json").json()["measures"][0]["title"] == stored[0]  # JSON as typed
