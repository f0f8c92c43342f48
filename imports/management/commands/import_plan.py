from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Membership, Organization
from common.errors import Refusal
from common.spreadsheet import FileRejected, nothing_imported, read_command_file
from common.thai import fiscal_year_of
from imports import mapping, reading, services
from measures import services as measure_services
from measures.models import MeasurePlan


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = ("Import a body's measures (or a round's results) from a Word (.docx) or PDF file: "
            "import_plan FILE --org SLUG --fy N [--round 6|12] [--dry-run]. All or nothing; a past year's "
            "plan it creates is recorded after the fact (docs/IMPORTING.md).")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="the body's slug")
        parser.add_argument("--fy", required=True, type=int, help="the plan's fiscal year (พ.ศ.)")
        parser.add_argument("--round", type=int, choices=[6, 12], help="import the results of this round")
        parser.add_argument("--dry-run", action="store_true", help="read, check and roll back: nothing is written")
        parser.add_argument("--user", help="act as this user (default: the body's first editor)")
        parser.add_argument("--source-url", default="", help="where the body published the document")

    def handle(self, *args, file, org, fy, round=None, dry_run=False, user=None, source_url="", **options):
        body = Organization.objects.filter(slug=org).first()
        if body is None:
            raise CommandError(_("ไม่พบหน่วยงาน %(slug)s") % {"slug": org})
        actor = self._actor(body, user)
        data = read_command_file(file, max_bytes=reading.MAX_BYTES)
        try:
            tables = reading.read_upload(data, Path(file).name)
        except FileRejected as rejected:
            raise nothing_imported(self.stderr, rejected.errors) from None
        layouts = mapping.lay_out(tables)
        if not layouts:
            raise nothing_imported(self.stderr, [_("ไม่พบตารางที่มีหัวคอลัมน์ที่ระบบรู้จัก")])
        layout = layouts[mapping.choose(layouts, round is not None)]
        try:
            with transaction.atomic():
                plan = self._plan(body, fy, actor, Path(file).name)
                progress_round = plan.rounds.filter(months=round).first() if round else None
                if round and progress_round is None:
                    raise CommandError(_("แผนปี %(fy)s ไม่มีรอบรายงาน %(m)s เดือน") % {"fy": fy, "m": round})
                records, errors = mapping.records(layout, fields=layout.fields, skipped=mapping.default_skipped(layout),
                                                  fiscal_year=fy, months=round,
                                                  indicator_numbers_known=services.known_indicators(plan))
                if errors:
                    raise nothing_imported(self.stderr, errors)
                done = services.import_records(plan=plan, actor=actor, records=records, progress_round=progress_round,
                                               filename=Path(file).name, source_url=source_url)
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write(_("ตรวจแล้ว ไม่ได้บันทึก (--dry-run): %(where)s จะเพิ่มมาตรการ %(c)s รายการ "
                                "บันทึกผล %(e)s มาตรการ") % {"where": layout.describe(), "c": done.created,
                                                            "e": done.entries})
            return
        except Refusal as refused:
            raise nothing_imported(self.stderr, refused.messages) from None
        message = _("นำเข้าแล้ว: %(org)s ปี %(fy)s เพิ่มมาตรการ %(c)s รายการ บันทึกผล %(e)s มาตรการ")
        self.stdout.write(self.style.SUCCESS(message % {"org": body.name, "fy": fy, "c": done.created,
                                                        "e": done.entries}))

    def _actor(self, body, username):
        users = get_user_model().objects
        if username:
            found = users.filter(username=username).first()
            if found is None:
                raise CommandError(_("ไม่พบผู้ใช้ %(name)s") % {"name": username})
            return found
        membership = Membership.objects.filter(org=body, role=Membership.Role.EDITOR).select_related("user") \
            .order_by("pk").first()
        found = membership.user if membership else users.filter(is_superuser=True).order_by("pk").first()
        if found is None:
            raise CommandError(_("หน่วยงานนี้ยังไม่มีเจ้าหน้าที่ผู้จัดทำ กรุณาระบุ --user"))
        return found

    def _plan(self, body, fy, actor, filename):
        plan = MeasurePlan.objects.filter(org=body, fiscal_year=fy).first()
        if plan is not None:
            return plan
        past = fy < fiscal_year_of(timezone.localdate())
        return measure_services.plan_create(
            org=body, fiscal_year=fy, actor=actor, recorded_after=past,
            reason=_("นำเข้าจากเอกสารที่หน่วยงานเผยแพร่แล้ว (ไฟล์ %(file)s)") % {"file": filename} if past else "")
