"""migrate + frameworks + the five seed bodies with their real scores + demo users.

Safe to run again: everything is created or updated in place.
"""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from assessments import score_io, services
from assessments.models import ItemGroup, Membership, Province, SupervisorScope
from assessments.provinces import load_provinces
from ops.seed import load_seed_measures
from reports.models import ReportSettings

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_PASSWORD = "ita-demo-2568"
# Short names for the demo users of each seed body (seed number -> prefix).
DEMO_PREFIX = {"000": "dongkhwang", "001": "bokaeo", "002": "angthong", "003": "choho", "004": "phoknoi"}
# Each seed document's own table layout, so the portal's PDFs can be compared with the seeds.
SEED_COLUMNS = {
    "000": {"measure_columns": ["guideline", "monitoring"], "result_columns": ["remarks"]},
    "001": {"measure_columns": ["period"], "result_columns": ["steps", "responsible", "period"]},
    "002": {"measure_columns": ["indicator", "analysis", "period"]},
    "003": {"result_columns": ["done"]},
    "004": {"measure_columns": ["guideline", "monitoring"]},
}


def framework_files() -> list[dict]:
    """The years of fixtures/frameworks.json, then each fixtures/framework-<year>.json (one year
    per file, the load_framework format), oldest first."""
    years = json.loads((FIXTURES / "frameworks.json").read_text(encoding="utf-8"))
    for path in sorted(FIXTURES.glob("framework-*.json")):
        years.append(json.loads(path.read_text(encoding="utf-8")))
    return sorted(years, key=lambda data: data["fiscal_year"])


def seed_score_records(body: dict):
    """The scores of one fixtures/seed_bodies.json entry as score-file records."""
    group_codes = {
        (year, name): code
        for year, name, code in ItemGroup.objects.values_list("indicator__framework__fiscal_year", "name", "code")
    }
    line = 1
    for a in body["assessments"]:
        year = str(a["fiscal_year"])
        rows = []
        if a.get("overall"):
            rows.append(("overall", "", 0, a["overall"]))
        if a.get("level"):
            rows.append(("level", "", 0, a["level"]))
        rows += [("tool", t["code"], t["part"], t["score"]) for t in a.get("tools", [])]
        rows += [("indicator", str(i["number"]), i["part"], i["score"]) for i in a.get("indicators", [])]
        rows += [("indicator_alt", str(i["number"]), i["part"], i["alt_score"])
                 for i in a.get("indicators", []) if i.get("alt_score")]
        rows += [("group", group_codes[(a["fiscal_year"], g["name"])], g["part"], g["score"])
                 for g in a.get("groups", [])]
        rows += [("item", i["code"], i["part"], i["score"]) for i in a.get("items", [])]
        for scope, code, part, value in rows:
            line += 1
            yield line, {"org": body["slug"], "fiscal_year": year, "scope": scope, "code": code,
                         "part": str(part), "value": value}


class Command(BaseCommand):
    help = "Migrate, load frameworks and the five seed bodies with their scores, create demo users."

    def add_arguments(self, parser):
        parser.add_argument("--no-migrate", action="store_true", help="skip migrate")
        parser.add_argument("--no-users", action="store_true", help="do not create the demo users")

    def handle(self, *args, **options):
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        with transaction.atomic():
            load_provinces(Province)
            frameworks = framework_files()
            for data in frameworks:
                services.framework_load(data, source=_("ข้อมูลตัวอย่าง (fixtures)"))
            bodies = json.loads((FIXTURES / "seed_bodies.json").read_text(encoding="utf-8"))
            orgs = {}
            for body in bodies:
                orgs[body["seed"]] = services.organization_upsert(
                    slug=body["slug"], name=body["name"], kind=body["kind"],
                    province=Province.objects.get(name=body["province"]), district=body["district"],
                    units=body.get("units", []),
                )
                columns = SEED_COLUMNS.get(body["seed"], {})
                ReportSettings.objects.get_or_create(org=orgs[body["seed"]], defaults=columns)
                rows = score_io.check_rows(list(seed_score_records(body)))
                if rows:
                    services.scores_import(rows=rows, source=_("เอกสารตัวอย่าง %(seed)s") % {"seed": body["seed"]})
            if not options["no_users"]:
                self._users(orgs)
            plans = load_seed_measures(FIXTURES / "seed_measures.json")
        self.stdout.write(self.style.SUCCESS(
            _("พร้อมใช้งาน: กรอบการประเมิน %(frameworks)s ปี, หน่วยงานตัวอย่าง %(bodies)s แห่ง, แผนมาตรการใหม่ %(plans)s แผน")
            % {"frameworks": len(frameworks), "bodies": len(bodies), "plans": plans}
        ))

    def _users(self, orgs):
        User = get_user_model()

        def user(username, **extra):
            account, created = User.objects.get_or_create(username=username, defaults=extra)
            if created:
                account.set_password(DEMO_PASSWORD)
                account.save()
            return account

        user("admin", is_staff=True, is_superuser=True, first_name="ผู้ดูแลระบบ")
        for seed, org in orgs.items():
            prefix = DEMO_PREFIX[seed]
            for role, title, position in ((Membership.Role.EDITOR, "เจ้าหน้าที่", "นักวิเคราะห์นโยบายและแผน"),
                                          (Membership.Role.APPROVER, "ปลัด", f"ปลัด{org.name}")):
                account = user(f"{prefix}_{role}", first_name=f"{title}{org.name}")
                Membership.objects.get_or_create(user=account, org=org, role=role, defaults={"position": position})
        for province in {org.province for org in orgs.values()}:
            account = user(f"sup_{province.name_en.lower().replace(' ', '')}",
                           first_name=f"ท้องถิ่นจังหวัด{province.name}")
            SupervisorScope.objects.get_or_create(user=account, province=province, district="")
        self.stdout.write(_("ผู้ใช้ตัวอย่าง: รหัสผ่าน %(password)s (ดู README.md)") % {"password": DEMO_PASSWORD})
