"""Background work of the OIT year: the link checks (oit/links.py) and the reminder before the
OIT window (services.window_reminders_run)."""

from django_tasks import task


@task()
def check_answer_link(answer_id: int) -> str:
    """Check one answer's external address now (queued after each change of it)."""
    from . import links

    return links.check_answer(answer_id)


@task()
def check_all_links() -> dict:
    """The daily pass: every external address, broken ones reminded once (manage.py check_links)."""
    from . import links

    return links.check_all()


@task()
def remind_window() -> int:
    """The reminder before the OIT window (manage.py remind_oit_window)."""
    from . import services

    return services.window_reminders_run()
