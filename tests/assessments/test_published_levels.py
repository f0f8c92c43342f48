"""The published level is the headline everywhere (issue 20, point 3): what a body published
(a letter grade, a pass label or both) is what its pages, the province page, open data and the
analysis lead with; the portal computes a level only when nothing was published, only on the
scale in force that year, and says so; open data names the two apart."""

import json
import re

from assessments import services
from reports import builders, render
from tests.factories import build_plan, make_body


def import_file(text: str) -> dict:
    """A score file as an operator writes it, through the real import (read, check, write)."""
    return services.scores_import_file(data=text.encode("utf-8"), filename="levels.csv")


HEADER = "org,fiscal_year,scope,code,part,value,level\n"


def scores_json(client, body, year) -> dict:
    response = client.get(f"/data/orgs/{body.slug}/{year}.json")
    assert response.status_code == 200
    return json.loads(response.content)["scores"]


def level_cell(html: str, year: int) -> str:
    """The level cell of a year's row in the body page's table of years."""
    row = re.search(rf'<tr>\s*<th scope="row"><a href="/orgs/[\w-]+/{year}/">.*?</tr>', html, re.S)
    assert row, year
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    return " ".join(re.sub(r"<[^>]+>", "", cells[1]).split())


def test_it_shows_a_published_b_of_2566_as_the_level_on_the_body_and_year_pages_and_in_json(client, db):
    body = make_body("lv-2566-b")
    import_file(HEADER + f"{body.slug},2566,overall,,0,77.70,B\n")  # "77.70, B" as the source prints it

    assert level_cell(client.get(f"/orgs/{body.slug}/").content.decode(), 2566) == "B"
    year = client.get(f"/orgs/{body.slug}/2566/").content.decode()
    assert '<span class="badge text-bg-primary level-badge" data-testid="level">B</span>' in year
    assert "level-computed" not in year and "ต้องปรับปรุง" not in year and "คำนวณโดยระบบ)" not in year
    scores = scores_json(client, body, 2566)
    assert scores["level_published"] == {"grade": "B", "pass_label": None}
    assert scores["level_computed"] is None  # no computed pass label beside a published grade
    assert "ต้องปรับปรุง" not in json.dumps(scores, ensure_ascii=False)
    assert (scores["overall"], scores["overall_source"]) == (77.7, "published")
    province = client.get("/provinces/NMA/2566/").content.decode()
    assert re.search(rf'{body.name}</a></th>.*?<td>B</td>', province, re.S)


def test_the_analysis_of_a_published_b_says_b_and_nothing_computed(db):
    body = make_body("lv-2566-analysis")
    import_file(HEADER + f"{body.slug},2566,overall,,0,77.70,B\n")
    plan = build_plan(body, 2567, measures=1)  # based on the 2566 result
    context = builders.build(plan, "analysis")
    assert (context["level"], context["level_computed"], context["published_levels"]) == ("B", False, [])
    html = render.render_html(context, draft=True, for_pdf=False)
    assert "อยู่ในระดับ “B”" in html and "ระดับคำนวณโดยระบบ" not in html and "ต้องปรับปรุง" not in html


def test_a_published_c_of_2564_gets_no_computed_pass_label(client, db):
    body = make_body("lv-2564-c")
    import_file(HEADER + f"{body.slug},2564,overall,,0,68.00,C\n")
    scores = scores_json(client, body, 2564)
    assert scores["level_published"] == {"grade": "C", "pass_label": None}
    assert scores["level_computed"] is None
    assert not {"grade", "pass_label", "level"} & set(scores)  # no field that mixes the two
    assert "ต้องปรับปรุงโดยด่วน" not in json.dumps(scores, ensure_ascii=False)
    assert "ต้องปรับปรุงโดยด่วน" not in client.get(f"/orgs/{body.slug}/2564/").content.decode()


def test_a_published_pass_label_of_2567_gets_no_computed_grade(client, db):
    body = make_body("lv-2567-pass")
    import_file(HEADER + f"{body.slug},2567,overall,,0,90.00,ผ่าน\n")
    scores = scores_json(client, body, 2567)
    assert scores["level_published"] == {"grade": None, "pass_label": "ผ่าน"}
    assert scores["level_computed"] is None  # 90.00 would be an A: not said, the year printed no letters
    year = client.get(f"/orgs/{body.slug}/2567/").content.decode()
    assert 'data-testid="level">ผ่าน</span>' in year and "level-computed" not in year


def test_a_level_is_computed_only_when_nothing_was_published_on_the_scale_of_that_year(client, db):
    body = make_body("lv-computed")
    import_file(f"org,fiscal_year,scope,code,part,value\n{body.slug},2566,overall,,0,77.70\n"
                f"{body.slug},2564,overall,,0,68.00\n")
    assert scores_json(client, body, 2566)["level_computed"] == {"scale": "pass", "value": "ต้องปรับปรุง"}
    assert scores_json(client, body, 2564)["level_computed"] == {"scale": "grade", "value": "C"}
    assert scores_json(client, body, 2564)["level_published"] == {"grade": None, "pass_label": None}
    year = client.get(f"/orgs/{body.slug}/2566/").content.decode()
    assert 'data-testid="level">ต้องปรับปรุง</span>' in year and 'data-testid="level-computed"' in year
    detail = client.get(f"/orgs/{body.slug}/").content.decode()
    assert level_cell(detail, 2564) == "C (คำนวณโดยระบบ)"
    province = client.get("/provinces/NMA/2566/").content.decode()  # the overviews count published levels only
    assert not re.search(rf'{body.name}</a></th>.*?<td>ต้องปรับปรุง</td>', province, re.S)


def test_both_published_labels_lead_together(client, db):
    body = make_body("lv-both")
    import_file(HEADER + f"{body.slug},2566,overall,,0,96.10,(ผ่าน) ระดับ AA\n")
    year = client.get(f"/orgs/{body.slug}/2566/").content.decode()
    assert 'data-testid="level">ผ่าน · AA</span>' in year and "level-computed" not in year
    assert level_cell(client.get(f"/orgs/{body.slug}/").content.decode(), 2566) == "ผ่าน · AA"
    assert scores_json(client, body, 2566)["level_published"] == {"grade": "AA", "pass_label": "ผ่าน"}
    province = client.get("/provinces/NMA/2566/").content.decode()
    assert re.search(rf'{body.name}</a></th>.*?<td>ผ่าน · AA</td>', province, re.S)
