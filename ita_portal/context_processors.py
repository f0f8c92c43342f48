from django.utils.functional import SimpleLazyObject

from assessments.access import request_roles


def roles(request):
    """The signed-in user's roles, queried only if a template asks."""
    return {"my_roles": SimpleLazyObject(lambda: request_roles(request))}
