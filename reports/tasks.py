"""Background work: re-render a province's published documents as new versions."""

from django_tasks import task


@task()
def republish_province(job_id: int) -> None:
    from .services import republish_run

    republish_run(job_id=job_id)
