"""The corpus (tests/fixtures/import_corpus/, scripts/build_import_corpus.py): every file reads with
every expected cell in its field (what bench/import_docs.py measures), and imports through the
services into an empty plan of a new body."""

import json

import pytest

from bench import import_docs
from imports import services
from measures import services as measure_services
from tests.factories import EDITOR, make_body, user

MANIFEST = json.loads((import_docs.CORPUS / "manifest.json").read_text(encoding="utf-8"))["files"]


def name(entry):
    return f"{entry['file']}:{entry['target']}"


def test_the_corpus_holds_the_seeds_layouts_and_the_portals_exports():
    files = {e["file"] for e in MANIFEST}
    assert {f.split("-")[0] for f in files} == {"000", "001", "002", "003", "004"}
    assert {f.rsplit(".", 1)[1] for f in files} >= {"docx", "pdf", "html", "tsv"}
    assert all((import_docs.CORPUS / f).is_file() for f in files)


@pytest.mark.parametrize("entry", MANIFEST, ids=name)
def test_every_expected_cell_lands_in_its_field(entry):
    cells, right, misses, found, _seconds = import_docs.score(entry)
    assert found == len(entry["measures"])
    assert misses == [] and right == cells > 0


@pytest.mark.parametrize("entry", [e for e in MANIFEST if not e["file"].endswith(".pdf")], ids=name)
def test_every_file_imports_into_an_empty_plan_of_another_body(db, entry):
    body = make_body(f"corpus-{entry['seed']}")
    plan = measure_services.plan_create(org=body, fiscal_year=entry["fiscal_year"], actor=user(EDITOR))
    progress_round = plan.rounds.get(months=entry["months"]) if entry["target"] == "round" else None
    records = import_docs.imported(entry, import_docs.read(import_docs.CORPUS / entry["file"]))
    done = services.import_records(plan=plan, actor=user(EDITOR), records=records, progress_round=progress_round,
                                   filename=entry["file"])
    assert done.created == len(entry["measures"])
    assert [m.title for m in plan.measures.order_by("order")] == [m["title"] for m in entry["measures"]]
