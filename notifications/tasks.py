"""Background work: the e-mails of notifications are sent here, never inside a request."""

from django_tasks import task


@task()
def send_notifications(limit: int = 500) -> int:
    """Claim queued notifications and send them until ``limit`` were handled or none is due."""
    from .services import send_queued

    return send_queued(limit=limit)
