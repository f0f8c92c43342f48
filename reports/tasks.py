"""Background work: render a long staff preview (reports/previews.py); re-render a province's
published documents as new versions; sweep the files a crash mid-publish left (reports/files.py)."""

from django_tasks import task


@task()
def republish_province(job_id: int) -> None:
    from .services import republish_run

    republish_run(job_id=job_id)


@task()
def sweep_files(folders: list[str] | None = None) -> int:
    """Remove the files under ``folders`` (default: all) that no row names, older than
    ``FILE_SWEEP_MINUTES``; how many."""
    from . import files

    return len(files.sweep(folders=folders))


# Someone is waiting on the progress page: before the queued e-mails and re-renderings.
PREVIEW_PRIORITY = 50


@task(priority=PREVIEW_PRIORITY)
def render_preview(render_id: int) -> str:
    """Render a queued preview (once, whatever the number of tasks naming it); what became of it."""
    from .previews import run

    return run(render_id)
