"""Open data of a whole fiscal year, /data/<fy>.json and .csv: every body's own open data (the
same serialiser, published figures and documents only), streamed, with a validator."""

import csv
import io
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import selectors
from tests.factories import import_records, make_body


def body(response) -> bytes:
    assert response.streaming  # never built whole in memory
    return b"".join(response.streaming_content)


def test_the_json_holds_each_bodys_own_open_data(client, db):
    response = client.get("/data/2568.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(body(response))
    assert data["fiscal_year"] == 2568
    slugs = [record["org"]["slug"] for record in data["bodies"]]
    assert slugs == ["abt-bo-kaeo", "abt-dong-khwang", "thesaban-mueang-ang-thong"]  # by slug, with data only
    for record in data["bodies"]:
        own = client.get(f"/data/orgs/{record['org']['slug']}/2568.json").json()
        assert record == own  # exactly what the body's own file says


def test_the_schema_fields_are_there(client, db):
    record = json.loads(body(client.get("/data/2568.json")))["bodies"][1]
    assert set(record) == {"org", "fiscal_year", "scores", "documents", "measures", "results"}
    assert set(record["org"]) == {"slug", "name", "kind", "district", "province"}
    assert {"overall", "overall_source", "level_published", "level_computed", "tools", "indicators",
            "discrepancies"} <= set(record["scores"])
    assert set(record["documents"][0]) == {"doc", "title", "version", "sha256", "published_at", "url", "ita_items",
                                           "recorded_after", "source_url", "source_approved_on"}
    assert record["documents"][0]["url"].startswith("http://testserver/orgs/abt-dong-khwang/2568/")


def test_the_csv_is_every_bodys_csv_after_one_header(client, db):
    response = client.get("/data/2568.csv")
    content = body(response)
    assert content.startswith("\ufeff".encode()) and response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="ita-2568.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    expected = [rows[0]]
    for slug in ("abt-bo-kaeo", "abt-dong-khwang", "thesaban-mueang-ang-thong"):
        own = client.get(f"/data/orgs/{slug}/2568.csv")
        if own.status_code == 200:
            own_rows = list(csv.reader(io.StringIO(own.content.decode("utf-8-sig"), newline="")))
            assert own_rows[0] == rows[0]
            expected += own_rows[1:]
    assert rows == expected and len(rows) > 10
    assert rows[0][:4] == ["org", "fiscal_year", "doc", "no"]


def test_drafts_never_appear(client, db):
    # เทศบาลเมืองอ่างทอง's 2569 measures are a draft: nothing of 2569 is published, so no file
    assert client.get("/data/2569.json").status_code == 404
    assert "ไม่มีข้อมูลที่เผยแพร่ของปีงบประมาณนี้" in client.get("/data/2569.csv").content.decode()
    html = body(client.get("/data/2568.json")).decode()
    assert "thesaban-mueang-ang-thong/2569" not in html


def test_a_repeat_with_the_etag_is_not_modified_until_something_changes(client, db):
    first = client.get("/data/2568.json")
    body(first)
    assert first["ETag"].startswith('W/"2568.') and first["Last-Modified"]
    assert "max-age=" in first["Cache-Control"]
    again = client.get("/data/2568.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content
    import_records([{"org": "abt-dong-khwang", "fiscal_year": "2568", "scope": "overall", "value": "78.31"}])
    changed = client.get("/data/2568.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    scores = json.loads(body(changed))["bodies"][1]["scores"]
    assert scores["level_computed"] == {"scale": "pass", "value": "ต้องปรับปรุง"}
    assert scores["level_published"] == {"grade": None, "pass_label": None}


def test_it_streams_in_chunks_of_bodies(client, db):
    for n in range(7):
        body_ = make_body(f"od-{n}")
        import_records([{"org": body_.slug, "fiscal_year": "2568", "scope": "overall", "value": "88.00"}])
    records = list(selectors.open_data_all(2568, address=lambda org, doc, version: "", chunk=3))
    assert [r["org"]["slug"] for r in records][:3] == ["abt-bo-kaeo", "abt-dong-khwang", "od-0"]
    assert len(records) == 10


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        body(client.get(url))
    return len(ctx.captured_queries)


def test_the_queries_do_not_grow_with_the_bodies_inside_a_chunk(client, db):
    body(client.get("/data/2568.json"))  # what each process keeps (the frameworks' catalogue) is loaded
    before = queries(client, "/data/2568.json")
    for n in range(5):
        import_records([{"org": make_body(f"od-more-{n}").slug, "fiscal_year": "2568", "scope": "indicator",
                         "code": "1", "value": "88.00"}])
    assert queries(client, "/data/2568.json") == before
