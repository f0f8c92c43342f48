from django import template

from ..models import Follow

register = template.Library()


@register.simple_tag(takes_context=True)
def follows(context, org) -> bool:
    """Whether the signed-in user follows ``org`` (one query; for the follow button)."""
    user = context["request"].user
    return user.is_authenticated and Follow.objects.filter(user=user, org=org).exists()
