"""The software bill of materials (issue 27 point 6; docs/SECURITY.md): CI runs `make sbom`, which
writes var/sbom.cdx.json (CycloneDX) from requirements.lock, the pins a deployment installs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ci_writes_a_cyclonedx_sbom_from_the_lock_file():
    assert re.search(r"^make sbom$", (ROOT / ".ci" / "run").read_text(), re.MULTILINE)
    target = (ROOT / "Makefile").read_text().split("\nsbom:", 1)[1].split("\n\n", 1)[0]
    assert "cyclonedx-py requirements requirements.lock" in target and "-o var/sbom.cdx.json" in target
    assert re.search(r"^cyclonedx-bom==", (ROOT / "requirements.lock").read_text(), re.MULTILINE)
