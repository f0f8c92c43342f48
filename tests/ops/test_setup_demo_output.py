"""What `manage.py setup_demo` prints (issue 20, point 11): its own sentences, not fontTools'
log of every font table it prunes while the demo's documents are rendered."""

import io
import logging

from django.core.management import call_command

from measures.models import MeasurePlan
from reports.models import PublishedDocument

PHOK_NOI = "thesaban-tambon-phok-noi"  # seed 004: a small plan, its measures and analysis published
FONTTOOLS_WORDS = ("pruned", "subsetted", "dropped", "Retaining", "Closing glyph list", "Glyph names")


def test_setup_demo_prints_no_fonttools_lines_where_fonts_are_subset_by_fonttools(db, monkeypatch, capfd, caplog):
    from weasyprint.pdf import fonts

    # A machine without libharfbuzz-subset (or an older HarfBuzz): WeasyPrint subsets with fontTools.
    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    MeasurePlan.objects.filter(org__slug=PHOK_NOI).delete()  # so that setup_demo loads and publishes it again
    caplog.set_level(logging.DEBUG)
    capfd.readouterr()
    out = io.StringIO()
    call_command("setup_demo", "--no-migrate", stdout=out, stderr=out)
    printed = out.getvalue() + "".join(capfd.readouterr())

    assert "แผนมาตรการใหม่ 1 แผน" in out.getvalue()
    assert PublishedDocument.objects.filter(org__slug=PHOK_NOI).count() >= 2  # the documents were rendered
    assert [r.getMessage() for r in caplog.records if r.name.startswith("fontTools")] == []
    assert not [line for line in printed.splitlines() if any(word in line for word in FONTTOOLS_WORDS)]
