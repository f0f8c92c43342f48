"""The national register of bodies: 7,850 rows imported in under 30 s, re-imported with no change.

    .venv/bin/python bench/register.py [--bodies 7850] [--xlsx] [--keep FILE] [--database-url URL]

Generates a register shaped like the real one (one อบจ. per province, เทศบาลนคร/เมือง/ตำบล and
องค์การบริหารส่วนตำบล in the country's proportions, spread over the 76 provinces of the Province
table (กรุงเทพมหานคร has no อปท. of these kinds) and their districts, with names drawn from common
place-name syllables, so many names repeat across provinces and some within one), then imports it
into a throwaway database: a fresh SQLite file in a temporary directory, migrated, unless
--database-url names another (an empty PostgreSQL database, say; it is migrated and left as it is).
Prints the seconds of the first import (every body created), of a re-import of the same file (it
must change nothing: no row written, no audit row), and of an updated register (1 % renamed),
with PASS/FAIL verdicts against the 30 s budget.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import _noise  # bench/_noise.py (the script's directory is on sys.path)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BUDGET_SECONDS = 30.0
SYLLABLES = ["บ้าน", "หนอง", "นา", "โคก", "ท่า", "ดอน", "ป่า", "ห้วย", "บาง", "ทุ่ง", "สระ", "วัง", "เขา", "น้ำ",
             "ใหม่", "แก้ว", "ทอง", "คำ", "ไผ่", "ยาง", "แดง", "ขาม", "ตาล", "สูง", "กลาง", "เหนือ", "ใต้", "ชัย",
             "ศรี", "พระ", "หลวง", "เก่า", "โพธิ์", "ไทร", "จาน", "บัว", "ลำ", "ปลา", "งิ้ว", "เจริญ", "สำราญ", "สว่าง",
             "โนน", "กุด", "แสน", "หัว", "ช้าง", "ม่วง", "มะค่า", "พะเนา", "ละหาน", "เสือ", "จันทร์", "ดู่", "กระเบื้อง"]
# The country's proportions (DLA, about 2024): 76 อบจ., 30 นคร, 195 เมือง, about 2,250 ตำบล, the rest อบต.
KINDS = [("เทศบาลนคร", "city_municipality", 30), ("เทศบาลเมือง", "town_municipality", 195),
         ("เทศบาลตำบล", "subdistrict_municipality", 2247)]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=7850)
    parser.add_argument("--xlsx", action="store_true", help="write and import the register as XLSX (default CSV)")
    parser.add_argument("--keep", help="also write the generated register to this file")
    parser.add_argument("--database-url", help="an empty database to use instead of a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=2568)
    return parser.parse_args()


def place(rng) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3))))


def generate(provinces, n_bodies, rng) -> list[dict]:
    """Rows of a register: every province its อบจ. and districts, then the municipalities and อบต."""
    districts = {}
    for province in provinces:
        districts[province.name] = [f"เมือง{province.name}"] + [place(rng) for _ in range(rng.randint(4, 18))]
    rows, serial = [], 0

    def row(kind_digit, name, kind, province, district):
        nonlocal serial
        serial += 1
        return {"dla_code": f"{kind_digit}{serial:06d}", "name": name, "kind": kind, "province": province,
                "district": district, "itas_code": f"ITAS{serial:05d}" if rng.random() < 0.5 else "",
                "names": "", "website": f"https://www.body{serial}.go.th" if rng.random() < 0.6 else ""}

    for province in provinces:
        rows.append(row(6, f"องค์การบริหารส่วนจังหวัด{province.name}", "pao", province.name,
                        districts[province.name][0]))
    counts = [(prefix, kind, count) for prefix, kind, count in KINDS]
    remaining = n_bodies - len(rows) - sum(count for *_x, count in counts)
    counts.append(("องค์การบริหารส่วนตำบล", "sao", max(remaining, 0)))
    for digit, (prefix, kind, count) in enumerate(counts, start=3):
        for _n in range(count):
            province = rng.choice(provinces)
            district = rng.choice(districts[province.name])
            body = row(digit, f"{prefix}{place(rng)}", kind, province.name, district)
            if rng.random() < 0.1:  # a short form a few sources use
                body["names"] = f"{'ทต.' if kind != 'sao' else 'อบต.'}{body['name'][len(prefix):]}"
            rows.append(body)
    return rows[:n_bodies]


def main():
    args = parse_args()
    _noise.report()
    workdir = tempfile.mkdtemp(prefix="ita-bench-register-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir}/register.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
    os.environ.setdefault("DEBUG", "1")

    import django

    django.setup()

    from django.core.management import call_command

    from assessments import register_io, services
    from assessments.models import AuditEvent, Organization, OrganizationName, OrganizationSlug, Province

    print(f"database: {os.environ['DATABASE_URL']}")
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s")
    if Organization.objects.exists():
        raise SystemExit("the database already has bodies: give an empty database (or none, for a temporary one)")

    rng = random.Random(args.seed)
    provinces = list(Province.objects.exclude(code="BKK").order_by("code"))
    rows = generate(provinces, args.bodies, rng)
    encode = register_io.rows_to_xlsx if args.xlsx else register_io.rows_to_csv
    filename = "register.xlsx" if args.xlsx else "register.csv"

    def data_of(rows):
        return encode([register_io.COLUMNS] + [[r[c] for c in register_io.COLUMNS] for r in rows])

    data = data_of(rows)
    if args.keep:
        Path(args.keep).write_bytes(data)
    print(f"register: {len(rows):,} rows, {len({r['province'] for r in rows})} provinces, "
          f"{len({(r['province'], r['district']) for r in rows}):,} districts, "
          f"{len({r['name'] for r in rows}):,} distinct names, {len(data) / 1e6:.1f} MB {filename}")

    def state():
        return (Organization.objects.count(), OrganizationName.objects.count(), OrganizationSlug.objects.count(),
                AuditEvent.objects.count(),
                hash(tuple(Organization.objects.order_by("pk").values_list("slug", "name", "district", "website"))))

    def timed(label, data, check):
        before = state()
        started = time.perf_counter()
        result = services.organizations_import_file(data=data, filename=filename)
        seconds = time.perf_counter() - started
        ok, what = check(result, before, state())
        verdict = "PASS" if ok and seconds < BUDGET_SECONDS else "FAIL"
        print(f"{label:<28} {seconds:>7.2f} s  created {len(result.created):>5,}  updated {len(result.updated):>5,}  "
              f"unchanged {result.unchanged:>5,}  {what}  (< {BUDGET_SECONDS:.0f} s) {verdict}")
        return verdict == "PASS"

    verdicts = [timed("first import", data, lambda r, b, a: (
        len(r.created) == len(rows) and a[0] == len(rows), f"bodies {a[0]:,}"))]
    slugs = list(Organization.objects.values_list("slug", flat=True))
    verdicts.append(len(set(slugs)) == len(slugs) and all(s.isascii() for s in slugs))
    print(f"slugs: {len(set(slugs)):,} unique ASCII of {len(slugs):,}  {'PASS' if verdicts[-1] else 'FAIL'}")
    verdicts.append(timed("re-import (same file)", data, lambda r, b, a: (
        not r.changed and a == b, "nothing written" if a == b else "DATABASE CHANGED")))
    renamed = rng.sample(range(len(rows)), len(rows) // 100)
    for n in renamed:
        rows[n] = {**rows[n], "name": rows[n]["name"] + "ใหม่"}
    verdicts.append(timed("updated register (1 % renamed)", data_of(rows), lambda r, b, a: (
        len(r.renamed) == len(renamed) and a[2] - b[2] == len(renamed), f"former slugs +{a[2] - b[2]:,}")))
    print("PASS" if all(verdicts) else "FAIL")
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
