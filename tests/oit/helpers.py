"""Shared pieces of the OIT tests: files of each kind, the angthong FY 2569 year, publishing a
plan's measures through the review workflow."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Item, Organization
from measures import services as measure_services
from measures.models import MeasurePlan
from oit import services
from tests.factories import ANGTHONG, APPROVER, EDITOR, user

PDF = b"%PDF-1.4\n% OIT evidence\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name="โครงสร้าง.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def docx(name="คู่มือ.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def angthong():
    return Organization.objects.get(slug=ANGTHONG)


def item(code, year=2569):
    return Item.objects.select_related("framework", "indicator__tool").get(framework__fiscal_year=year, code=code)


def save_url(code, url, year=2569, org=None):
    return services.answer_save(org=org or angthong(), item=item(code, year), actor=user(EDITOR), kind="url", url=url)


def publish(org=None, year=2569, codes=None):
    """Submit, approve and publish every draft answer (or ``codes``) of the year."""
    org = org or angthong()
    for who, action in ((EDITOR, "submit"), (APPROVER, "approve"), (APPROVER, "publish")):
        services.answers_transition(org=org, fiscal_year=year, actor=user(who), action=action, codes=codes)


def publish_measures(fiscal_year=2569):
    """ANGTHONG's plan of the year (its seed measures) through submit, approve and publish."""
    plan = MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=fiscal_year)
    for who, action in ((EDITOR, "submit"), (APPROVER, "approve"), (APPROVER, "publish")):
        plan.refresh_from_db()
        confirmed = [f.key for f in measure_services.findings_for(plan, None) if f.needs_confirmation]
        measure_services.document_transition(plan=plan, actor=user(who), action=action, confirmed=confirmed)
    return plan
