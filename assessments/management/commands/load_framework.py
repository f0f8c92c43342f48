from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments import framework_io, services

HELP = """Load or update one fiscal year's ITA framework from a JSON or XLSX file, all or nothing.

JSON: one year in the shape of fixtures/frameworks.json (fixtures/framework-2569.json is a full
example): fiscal_year, name, pass_mark, level_rule [{label, min_total, min_each_tool}], tools
[{code, name, weight, part_labels}], indicators [{number, tool, name, groups [{name, items}],
items [{code, text}]}], documents [{doc, item, fiscal_year}] (which ITA item each portal
document answers that year, and the fiscal year of the document that does). Any object may
carry note and confirmed, which are not stored.

XLSX: sheets framework (field | value: fiscal_year, name, pass_mark), tools (code | name |
weight | part_labels, parts separated by "|"), indicators (number | tool | name), groups
(code 9.1 | name), items (code | indicator | group | text), levels (label | min_total |
min_each_tool, best band first), documents (doc | item | fiscal_year); groups, items and
documents may be left out.

The file is the whole year: tools, indicators, groups and items it no longer lists are removed,
and the load is refused if scores (or measures) are recorded against any of them. Names,
texts, weights and level rules are updated in place. Details: assessments/framework_io.py
and docs/DOMAIN.md."""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .json or .xlsx framework file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("ไม่พบไฟล์ %(file)s") % {"file": file})
        if path.stat().st_size > settings.SCORE_IMPORT_MAX_BYTES:
            raise CommandError(_("ไฟล์มีขนาดเกิน %(limit)s MB") % {
                "limit": settings.SCORE_IMPORT_MAX_BYTES // (1024 * 1024)})
        try:
            loaded = services.framework_load_file(data=path.read_bytes(), filename=path.name)
        except framework_io.FrameworkRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(error)
            raise CommandError(_("ไม่ได้โหลดกรอบการประเมิน: พบข้อผิดพลาด %(count)s รายการ") % {
                "count": len(rejected.errors)}) from None
        counts = {"year": loaded.framework.fiscal_year, **loaded.counts}
        message = (_("เพิ่มกรอบการประเมิน ITA ปีงบประมาณ %(year)s แล้ว: เครื่องมือ %(tools)s ตัวชี้วัด %(indicators)s "
                     "กลุ่ม %(groups)s ข้อ %(items)s เกณฑ์ระดับ %(levels)s ระดับ เอกสารกับข้อ ITA %(documents)s รายการ")
                   if loaded.created else
                   _("ปรับปรุงกรอบการประเมิน ITA ปีงบประมาณ %(year)s แล้ว: เครื่องมือ %(tools)s ตัวชี้วัด %(indicators)s "
                     "กลุ่ม %(groups)s ข้อ %(items)s เกณฑ์ระดับ %(levels)s ระดับ เอกสารกับข้อ ITA %(documents)s รายการ"))
        self.stdout.write(self.style.SUCCESS(message % counts))
        removed = loaded.removed
        if any(removed.values()):
            self.stdout.write(_("นำออกเพราะไม่มีในไฟล์: เครื่องมือ %(tools)s · ตัวชี้วัด %(indicators)s · กลุ่ม %(groups)s "
                                "· ข้อ %(items)s") % {key: ", ".join(map(str, values)) or "–"
                                                     for key, values in removed.items()})
