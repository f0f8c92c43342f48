"""The audit log's vocabulary: which action names may be recorded, and their Thai labels.

Each app declares the actions it records as a ``TextChoices`` class in its own
``audit_actions.py`` and registers it in its ``AppConfig.ready`` (``register``); ``audit()``
(assessments/services.py) refuses a name nobody registered, and the admin's filter and every
label read this registry. The ``action`` column holds the name without database choices, so a
new action is a line in its app's class and no migration (in the manner of Wagtail's per-app
log actions and Zulip's audit-log enum without choices). docs/ARCHITECTURE.md, "Services,
audit and refusals"."""

from django.core.exceptions import ImproperlyConfigured

NAME_MAX_LENGTH = 64  # AuditEvent.action's column


class Registry:
    """The registered action classes. ``registry(name)`` checks a name (ValueError when nobody
    registered it), ``registry.NAME`` is the registered member of that constant name whatever
    app declared it (for callers that name no app), ``choices`` and ``label`` the Thai labels."""

    def __init__(self):
        self._members = {}  # name stored in the column -> the member of its app's class

    def register(self, actions):
        """Add an app's ``TextChoices`` class; a name another class registered is refused."""
        for member in actions:
            owner = self._members.get(member.value)
            if owner is not None and type(owner) is not actions:
                raise ImproperlyConfigured(f"audit action {member.value!r} of {actions.__qualname__} is "
                                           f"already registered by {type(owner).__qualname__}")
            if len(member.value) > NAME_MAX_LENGTH:
                raise ImproperlyConfigured(f"audit action {member.value!r} is longer than {NAME_MAX_LENGTH}")
        for member in actions:
            self._members[member.value] = member
        return actions

    def unregister(self, actions):
        for member in actions:
            if type(self._members.get(member.value)) is actions:
                del self._members[member.value]

    def __contains__(self, name):
        return name in self._members

    def __call__(self, name):
        """The registered member of the stored ``name``; ValueError when nobody registered it."""
        try:
            return self._members[name]
        except (KeyError, TypeError):
            raise ValueError(f"{name!r} is not a registered audit action (common/audit_actions.py)") from None

    def __getattr__(self, constant):
        if not constant.isupper():
            raise AttributeError(constant)
        found = [member for member in self._members.values() if member.name == constant]
        if len(found) != 1:
            raise AttributeError(f"{len(found)} registered audit actions are named {constant}")
        return found[0]

    def label(self, name) -> str:
        """The Thai label of a stored name; a name no longer registered is shown as stored."""
        member = self._members.get(name)
        return str(member.label) if member is not None else name

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(name, Thai label) of every registered action, in the order the apps registered them."""
        return [(name, member.label) for name, member in self._members.items()]


registry = Registry()
register = registry.register
