"""Background work: re-render a province's published documents as new versions."""

import logging

from django.db.models import F
from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)


@task()
def republish_province(job_id: int) -> None:
    from measures.models import MeasurePlan

    from .models import ROUND_DOCS, PublishedDocument, RepublishJob
    from .services import report_publish

    job = RepublishJob.objects.select_related("requested_by").get(pk=job_id)
    latest = {}
    for document in PublishedDocument.objects.filter(org__province=job.province).defer("snapshot").order_by(
            "org_id", "fiscal_year", "doc", "-version"):
        latest.setdefault((document.org_id, document.fiscal_year, document.doc), document)
    RepublishJob.objects.filter(pk=job.pk).update(state=RepublishJob.State.RUNNING, total=len(latest))
    rounds = {doc: months for months, doc in ROUND_DOCS.items()}
    for (org_id, fiscal_year, doc), _document in sorted(latest.items()):
        try:
            plan = MeasurePlan.objects.select_related("org", "org__province", "based_on").get(
                org_id=org_id, fiscal_year=fiscal_year)
            progress_round = plan.rounds.get(months=rounds[doc]) if doc in rounds else None
            report_publish(plan=plan, doc=doc, actor=job.requested_by, progress_round=progress_round)
            RepublishJob.objects.filter(pk=job.pk).update(done=F("done") + 1)
        except Exception:  # one broken document must not stop the province
            log.exception("republishing %s %s %s failed", org_id, fiscal_year, doc)
            RepublishJob.objects.filter(pk=job.pk).update(failed=F("failed") + 1)
    RepublishJob.objects.filter(pk=job.pk).update(state=RepublishJob.State.FINISHED, finished_at=timezone.now())
