"""Media on S3-compatible object storage (django-storages) go through the same code as on disk:
a logo drawn in the PDF, published PDFs served and hash-checked, evidence uploaded and
downloaded. boto3 talks to moto's in-process S3; nothing leaves the machine."""

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto import mock_aws

from assessments.models import Organization
from measures import services as measure_services
from measures.models import Evidence
from reports.models import PublishedDocument
from tests.factories import ANGTHONG, EDITOR, OTHER_EDITOR, build_plan, login

from .test_report_settings_view import PNG

BUCKET = "ita-media"


@pytest.fixture
def s3(settings, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "region_name": "us-east-1", "file_overwrite": False}}}
        yield client


def stored(client):
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_a_published_pdf_with_its_logo_lives_in_the_bucket_and_is_served_from_there(client, db, s3, editor, approver):
    login(client, EDITOR)
    assert client.post(f"/app/orgs/{ANGTHONG}/reports/settings/", {"logo": SimpleUploadedFile("logo.png", PNG),
                                                                   "thai_numerals": "on"}).status_code == 302
    plan = build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=2)
    for actor, action in [(editor, "submit"), (approver, "approve"), (approver, "publish")]:
        measure_services.document_transition(plan=plan, actor=actor, action=action)
    document = PublishedDocument.objects.get(org=plan.org, fiscal_year=2570, doc="measures")
    assert document.file.name in stored(s3) and any(key.startswith("logos/") for key in stored(s3))
    client.logout()
    response = client.get(f"/orgs/{ANGTHONG}/2570/measures.pdf")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200 and len(data) == document.size
    assert b"/Image" in data  # the logo, read from the bucket
    s3.put_object(Bucket=BUCKET, Key=document.file.name, Body=b"%PDF-1.7 tampered")
    assert client.get(f"/orgs/{ANGTHONG}/2570/measures.pdf").status_code == 503  # hash checked on S3 too


def test_evidence_is_uploaded_to_the_bucket_and_downloaded_through_the_permission_check(client, db, s3):
    plan = build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=1)
    measure = plan.measures.first()
    login(client, EDITOR)
    pdf = b"%PDF-1.4\n" + b"0" * 200
    response = client.post(f"/app/orgs/{ANGTHONG}/2570/rounds/6/measures/{measure.pk}/", {
        "state": "done", "version": "0", "files": [SimpleUploadedFile("ภาพกิจกรรม.pdf", pdf)]})
    assert response.status_code == 302
    evidence = Evidence.objects.get(entry__measure=measure)
    assert evidence.file.name in stored(s3)
    download = client.get(f"/app/evidence/{evidence.token}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
    login(client, OTHER_EDITOR)
    assert client.get(f"/app/evidence/{evidence.token}/").status_code == 404
