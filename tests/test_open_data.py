"""Open data: JSON and CSV of what is published, nothing else."""

import csv
import io

from .conftest import login


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
    assert data["scores"]["overall"] == 95.08 and data["scores"]["level"] == "ผ่านดี"
    assert data["measures"] == [] and data["documents"] == []
    assert {d["what"] for d in data["scores"]["discrepancies"]} >= {"ตัวชี้วัดที่ 4 การใช้ทรัพย์สินของราชการ"}


def test_drafts_never_appear_in_open_data(client, db):
    assert client.get("/data/orgs/thesaban-mueang-ang-thong/2569.json").status_code == 404
    login(client, "angthong_editor")  # even for the body's own editor
    assert client.get("/data/orgs/thesaban-mueang-ang-thong/2569.csv").status_code == 404


def test_the_csv_lists_published_measures_and_results(client, db):
    response = client.get("/data/orgs/abt-bo-kaeo/2568.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["doc"] for r in rows} == {"measures", "results-6m"}
    assert len([r for r in rows if r["doc"] == "measures"]) == 11
    assert rows[0]["title"] == "ยกระดับผลการประเมิน ITA ๒๕๖๘"
