from django.utils.functional import SimpleLazyObject

from .selectors import BELL_CAP, unread_count


def bell(request):
    """The header's unread count: one query, and only when a page shows the bell."""
    def count():
        value = unread_count(request.user)
        return {"count": value, "label": f"{BELL_CAP}+" if value > BELL_CAP else str(value)}

    return {"notification_bell": SimpleLazyObject(count)}
