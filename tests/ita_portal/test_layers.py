"""The layers import one way, down the list LAYERS (each app may import those before it; ops at the
top may import every app, common at the bottom none). ita_portal (configuration) wires them and
no app imports it. The list also checks that every app of the project is in it. Every import counts, the ones inside
functions too, so a new upward arrow fails here."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Each may import those before it.
LAYERS = ["common", "assessments", "people", "signin", "measures", "notifications",
          "imports", "reports", "library", "oit", "publicsite", "ops"]
WIRING = "ita_portal"


def modules(root=ROOT):
    for package in [*LAYERS, WIRING]:
        for path in sorted((root / package).rglob("*.py")):
            yield package, path


def imported_packages(package, path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside the module's own package
                yield node.lineno, package
            elif node.module:
                yield node.lineno, node.module.split(".")[0]


def upward_imports(root=ROOT):
    found = []
    for package, path in modules(root):
        for line, target in imported_packages(package, path):
            if target == package or target not in [*LAYERS, WIRING]:
                continue
            if target == WIRING or (package != WIRING and LAYERS.index(target) > LAYERS.index(package)):
                found.append(f"{path.relative_to(root)}:{line} imports {target}")
    return found


def test_it_finds_no_import_from_a_lower_layer_into_a_higher_one():
    assert upward_imports() == []


@pytest.mark.parametrize("package", LAYERS)
def test_each_layer_has_modules_to_check(package):
    assert any(p == package for p, _path in modules())


def test_it_would_catch_an_upward_import(tmp_path):
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "probe.py").write_text("def f():\n    from measures import services\n")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "probe.py").write_text("from ita_portal import settings\nfrom measures import x\n")
    assert upward_imports(tmp_path) == ["common/probe.py:2 imports measures", "reports/probe.py:1 imports ita_portal"]


def test_it_knows_every_app_of_the_project():
    from django.conf import settings

    own = [name for name in settings.INSTALLED_APPS if (ROOT / name).is_dir()]
    assert sorted(own) == sorted([*LAYERS, WIRING])
