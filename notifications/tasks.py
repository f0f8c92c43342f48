"""Background work: the e-mails of notifications are sent here, never inside a request."""

from django_tasks import task


@task()
def send_notifications(limit: int = 500) -> int:
    """Claim queued notifications and send them until ``limit`` were handled or none is due."""
    from .services import send_queued

    return send_queued(limit=limit)


@task()
def line_answer(*, line_user_id: str, reply_token: str = "", answer: str) -> bool:
    """The Official Account's answer to a webhook event (a link to link the account, or a word that
    it is linked): outside the webhook's request, which LINE wants answered at once."""
    from .linking import line_answer as answer_now

    return answer_now(line_user_id=line_user_id, reply_token=reply_token, answer=answer)
