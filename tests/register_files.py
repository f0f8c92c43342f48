"""Register files for the tests of the register of bodies: the bodies of อ่างทอง as a register lists
them (the DLA codes are made up in the register's shape, 7 digits), written as CSV or XLSX."""

import csv
import io

from openpyxl import Workbook

HEADER = ["dla_code", "name", "kind", "province", "district", "itas_code", "names", "website"]
THAI_HEADER = ["รหัส อปท.", "ชื่อหน่วยงาน", "ประเภท", "จังหวัด", "อำเภอ", "รหัส ITAS", "ชื่ออื่น", "เว็บไซต์"]

# (dla code, name, district): เทศบาลเมืองอ่างทอง is the demo body (made by hand, no DLA code yet);
# โพธิ์ทอง is the name of an อบต. in two districts (their slugs must differ).
ANGTHONG_BODIES = [
    ("6150101", "องค์การบริหารส่วนจังหวัดอ่างทอง", "เมืองอ่างทอง"),
    ("4150101", "เทศบาลเมืองอ่างทอง", "เมืองอ่างทอง"),
    ("5150101", "เทศบาลตำบลป่างิ้ว", "เมืองอ่างทอง"),
    ("5150102", "เทศบาลตำบลบ้านแห", "เมืองอ่างทอง"),
    ("7150103", "องค์การบริหารส่วนตำบลจำปาหล่อ", "เมืองอ่างทอง"),
    ("7150104", "องค์การบริหารส่วนตำบลโพสะ", "เมืองอ่างทอง"),
    ("7150105", "องค์การบริหารส่วนตำบลโพธิ์ทอง", "เมืองอ่างทอง"),
    ("5150201", "เทศบาลตำบลไชโย", "ไชโย"),
    ("7150202", "องค์การบริหารส่วนตำบลจระเข้ร้อง", "ไชโย"),
    ("7150203", "องค์การบริหารส่วนตำบลชัยฤทธิ์", "ไชโย"),
    ("5150301", "เทศบาลตำบลป่าโมก", "ป่าโมก"),
    ("7150302", "องค์การบริหารส่วนตำบลโผงเผง", "ป่าโมก"),
    ("5150401", "เทศบาลตำบลโพธิ์ทอง", "โพธิ์ทอง"),
    ("7150402", "องค์การบริหารส่วนตำบลโพธิ์ทอง", "โพธิ์ทอง"),
    ("7150403", "องค์การบริหารส่วนตำบลอินทประมูล", "โพธิ์ทอง"),
    ("5150501", "เทศบาลตำบลแสวงหา", "แสวงหา"),
    ("7150502", "องค์การบริหารส่วนตำบลศรีพราน", "แสวงหา"),
    ("5150601", "เทศบาลตำบลวิเศษไชยชาญ", "วิเศษชัยชาญ"),
    ("7150602", "องค์การบริหารส่วนตำบลไผ่จำศีล", "วิเศษชัยชาญ"),
    ("5150701", "เทศบาลตำบลสามโก้", "สามโก้"),
]


def angthong_rows(**changes):
    """The register's rows; ``changes`` maps a DLA code to the columns that row has instead."""
    rows = []
    for dla_code, name, district in ANGTHONG_BODIES:
        row = {"dla_code": dla_code, "name": name, "kind": "", "province": "อ่างทอง", "district": district,
               "itas_code": "", "names": "", "website": ""}
        row.update(changes.get(dla_code, {}))
        rows.append(row)
    return rows


def to_csv(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in HEADER[:len(header)]])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column, "") for column in HEADER[:len(header)]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(tmp_path, data: bytes, name="register.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path
