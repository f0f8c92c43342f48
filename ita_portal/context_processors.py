from django.utils.functional import SimpleLazyObject

from assessments.access import request_roles


def roles(request):
    """``my_roles``: the signed-in user's ``assessments.access.Policy`` (their roles and what they may
    do; the menu asks ``my_roles.may_see_overview`` and the like), queried only if a template asks."""
    return {"my_roles": SimpleLazyObject(lambda: request_roles(request))}
