"""Open data is machine-readable (issue 20, point 6): the numbers the portal printed in Thai
digits are numbers in JSON and CSV, the text it made around numbers is in Arabic digits, what
people typed is kept as typed; a year with scores only offers a scores CSV, never an empty one."""

import csv
import io
import re
from decimal import Decimal

from assessments.models import Organization
from measures import services as measure_services
from measures.models import MeasurePlan
from tests.factories import ANGTHONG, APPROVER, EDITOR, user

THAI_DIGITS = re.compile("[๐-๙]")


def publish_angthong_2569(budget=None):
    """เทศบาลเมืองอ่างทอง's FY 2569 measures (one per indicator, each printed with its 2568
    score, in Thai digits: the body's setting), published through the workflow."""
    plan = MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569)
    assert Organization.objects.get(slug=ANGTHONG).thai_numerals
    if budget is not None:
        first = plan.measures.order_by("order").first()
        measure_services.measure_save(plan=plan, actor=user(EDITOR), measure=first, data={"budget": budget},
                                      expected_version=first.version)
    for action, actor in (("submit", EDITOR), ("approve", APPROVER), ("publish", APPROVER)):
        measure_services.document_transition(plan=plan, actor=user(actor), action=action)
    return plan


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_measure_numbers_and_indicator_references_are_in_arabic_digits(client, db):
    publish_angthong_2569(budget=Decimal("12500.50"))
    snapshot_html = client.get(f"/orgs/{ANGTHONG}/2569/").content.decode()
    assert "ตัวชี้วัดที่ ๘" in snapshot_html  # the page people read keeps the body's Thai digits
    data = client.get(f"/data/orgs/{ANGTHONG}/2569.json").json()
    rows = data["measures"]
    assert [row["no"] for row in rows] == list(range(1, len(rows) + 1))  # numbers, not "๑"
    references = [ref for row in rows for ref in row["indicators"]]
    assert "ตัวชี้วัดที่ 8 การปรับปรุงการทำงาน (ผลการประเมิน 88.06 คะแนน)" in references
    assert not any(THAI_DIGITS.search(ref) for ref in references)
    assert rows[0]["budget"] == 12500.5
    assert not any(THAI_DIGITS.search(row["monitoring"] or "") for row in rows)
    cells = csv_rows(client.get(f"/data/orgs/{ANGTHONG}/2569.csv"))
    assert [r["no"] for r in cells if r["doc"] == "measures"] == [str(n) for n in range(1, len(rows) + 1)]
    assert not any(THAI_DIGITS.search(value) for r in cells for key, value in r.items()
                   if key in ("no", "period", "percent"))


def test_typed_text_is_kept_as_typed(client, db):
    rows = csv_rows(client.get("/data/orgs/abt-bo-kaeo/2568.csv"))
    assert rows[0]["title"] == "ยกระดับผลการประเมิน ITA ๒๕๖๘"  # as the body typed it
    assert rows[0]["no"] == "1"


def test_a_progress_percent_is_a_number(client, db):
    results = client.get("/data/orgs/abt-dong-khwang/2568.json").json()["results"]["results-12m"]
    assert results[0]["percent"] == 100 and results[0]["no"] == 1
    row = next(r for r in csv_rows(client.get("/data/orgs/abt-dong-khwang/2568.csv")) if r["doc"] == "results-12m")
    assert row["percent"] == "100"


def test_a_year_with_scores_only_offers_a_scores_csv_and_no_empty_one(client, db):
    html = client.get(f"/orgs/{ANGTHONG}/2568/").content.decode()
    links = re.search(r'<p[^>]*data-testid="open-data">.*?</p>', html, re.S).group(0)
    assert f'href="/data/orgs/{ANGTHONG}/2568-scores.csv"' in links
    assert f'href="/data/orgs/{ANGTHONG}/2568.csv"' not in links  # it would be a header only
    response = client.get(f"/data/orgs/{ANGTHONG}/2568-scores.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    [row] = csv_rows(response)
    assert (row["org"], row["fiscal_year"], row["overall"], row["overall_source"]) == (ANGTHONG, "2568", "95.08",
                                                                                      "published")
    assert (row["grade_published"], row["pass_label_published"], row["level_computed"]) == ("", "ผ่านดี", "")
    assert (row["IIT"], row["indicator_4"], row["indicator_10"]) == ("98.19", "95.05", "100.00")


def test_a_body_year_without_scores_has_no_scores_csv(client, db):
    html = client.get("/orgs/abt-bo-kaeo/2568/").content.decode()
    assert "2568-scores.csv" not in html and 'href="/data/orgs/abt-bo-kaeo/2568.csv"' in html
    response = client.get("/data/orgs/abt-bo-kaeo/2568-scores.csv")
    assert response.status_code == 404 and "ไม่มีผลการประเมินของปีงบประมาณนี้" in response.content.decode()


def test_the_year_scores_csv_is_every_scored_bodys_row_after_one_header(client, db):
    response = client.get("/data/2568-scores.csv")
    assert response.streaming and response["Access-Control-Allow-Origin"] == "*"
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content, newline="")))
    assert [r["org"] for r in rows] == ["abt-dong-khwang", ANGTHONG]  # scored bodies only, by slug
    dong_khwang = rows[0]
    assert (dong_khwang["overall"], dong_khwang["overall_source"]) == ("78.31", "computed")
    assert (dong_khwang["level_computed_scale"], dong_khwang["level_computed"]) == ("pass", "ต้องปรับปรุง")
    own = csv_rows(client.get(f"/data/orgs/{ANGTHONG}/2568-scores.csv"))
    assert rows[1] == own[0]  # exactly the body's own row
    assert client.get("/data/2569-scores.csv").status_code == 404  # no result of 2569 on record
    overview = client.get("/overview/2568/").content.decode()
    assert 'href="/data/2568-scores.csv"' in overview and 'href="/data/2568.csv"' in overview
