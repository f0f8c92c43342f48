"""What a process keeps between requests: one mechanism for every process cache.

A ``Memo`` is a named, registered dictionary of this process. Two kinds:

- a memo *of data* names a ``version``: a function that returns the current version of the data the
  values were read from (``assessments.fiscal_years.token``, kept in Django's cache so that every
  process sees a change; it changes on the models' post_save/post_delete and again on commit). A
  value is kept with the version it was read under and read again once the version has moved on;
- a memo *of code* (no version) keeps what depends only on its key and the deployed files
  (a compiled template, the glyph tables, a status badge per language).

``clear_all()`` empties every memo of the process: tests/conftest.py calls it before each test,
so a change rolled back with the last test cannot linger in the next. ``max_size`` bounds a memo
whose keys are open-ended (it is emptied when full: the values are cheap to read again).

Pure functions of text (tokenising, romanising in common/thai_search.py, assessments/slugs.py)
keep ``functools.lru_cache``: they depend on their argument only, nothing makes them stale, and
their eviction order matters for the library's indexing.
"""

from collections.abc import Callable, Hashable
from functools import wraps
from typing import Any

_MISSING = object()
_registry: list["Memo"] = []


class Memo:
    def __init__(self, name: str, *, version: Callable[[], Hashable] | None = None, max_size: int | None = None):
        self.name = name
        self.version = version
        self.max_size = max_size
        self._values: dict[Hashable, tuple[Hashable, Any]] = {}
        _registry.append(self)

    def __repr__(self):
        return f"<Memo {self.name}: {len(self._values)}>"

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value kept for ``key`` under the current version, else ``compute()``, kept."""
        version = self.version() if self.version is not None else None
        kept = self._values.get(key, _MISSING)
        if kept is not _MISSING and kept[0] == version:
            return kept[1]
        value = compute()
        self.put(key, value, version=version)
        return value

    def kept(self, key: Hashable, version: Hashable, default=None):
        """The value kept for ``key`` if it was kept under ``version``, else ``default`` (for a
        caller that reads the version once for many keys)."""
        kept = self._values.get(key, _MISSING)
        return kept[1] if kept is not _MISSING and kept[0] == version else default

    def peek(self, key: Hashable, default=None):
        """The value kept for ``key`` whatever its version (for a memo that checks its own)."""
        kept = self._values.get(key, _MISSING)
        return default if kept is _MISSING else kept[1]

    def put(self, key: Hashable, value: Any, *, version: Hashable = None) -> None:
        if self.max_size is not None and key not in self._values and len(self._values) >= self.max_size:
            self._values.clear()
        self._values[key] = (version, value)

    def discard(self, key: Hashable) -> None:
        self._values.pop(key, None)

    def clear(self) -> None:
        self._values.clear()


def memoize(name: str, *, version: Callable[[], Hashable] | None = None, max_size: int | None = None):
    """A function's results kept in a ``Memo`` by its (hashable) positional arguments."""
    def decorate(function):
        memo = Memo(name, version=version, max_size=max_size)

        @wraps(function)
        def cached(*args):
            return memo.get(args, lambda: function(*args))

        cached.memo = memo
        return cached
    return decorate


def clear_all() -> None:
    """Empty every process cache (tests: before each test)."""
    for memo in _registry:
        memo.clear()


def registered() -> list[Memo]:
    return list(_registry)
