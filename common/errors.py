"""Refusals: an action refused with Thai sentences for the person, nothing written.

``Refusal`` is the one base class: a service raises it (or an app's subclass that a caller
must tell apart) and a view shows ``messages`` to the person. ``ConcurrentEdit`` is the one
"someone saved this since your form was opened" of every app (views answer 409, the text kept
in the form). docs/ARCHITECTURE.md, "Services, audit and refusals"."""


class Refusal(Exception):
    """An action refused; ``messages`` are Thai sentences for the person and nothing was written."""

    def __init__(self, *messages):
        self.messages = [str(message) for message in messages]
        super().__init__(" ".join(self.messages))


class ConcurrentEdit(Refusal):
    """The row changed since the form showed it (its ``version``, or the plan or round under it):
    the save is refused, the person's text stays in the form (HTTP 409)."""
