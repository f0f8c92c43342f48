"""What a server process builds once, done before the workers start (gunicorn.conf.py).

gunicorn loads the application in its master (``preload_app``) and forks the workers from it:
whatever the master has built, every worker has from its first request, and a worker recycled
later has it too. Left to the first request of each worker, these cost (measured on the
national dataset, 2 cores):

- the Thai word dictionary of the search (pythainlp's newmm trie of 62,000 words): 2.7 s of
  CPU in every worker, on its first library or home search. Five workers starting together
  spent 13 s of both cores on it, which made the library's 95th percentile over a second
  while its median was 8 ms (issue: deadline day without tails);
- the compiled templates (Django's cached loader keeps them per process): 80–160 ms on the
  first render of each page;
- the URL patterns and the Thai message catalogue: a few ms each.

Nothing here opens a database or cache connection: a connection made in the master would be
shared by the forked workers."""

import time
from pathlib import Path


def _templates() -> int:
    from django.conf import settings
    from django.template import engines
    from django.template.loader import get_template

    names = []
    for config in settings.TEMPLATES:
        for folder in config.get("DIRS", ()):
            root = Path(folder)
            names += [str(path.relative_to(root)) for path in root.rglob("*.html")]
    for name in names:
        get_template(name)  # a syntax error fails the start, rather than a page later
    engines.all()
    return len(names)


def warm() -> dict:
    """Build the process-wide tables once; returns what it did and how long each part took."""
    from django.urls import get_resolver
    from django.utils import translation

    from . import thai_search

    done, started = {}, time.perf_counter()

    def step(name, value=None):
        nonlocal started
        now = time.perf_counter()
        done[name] = (value, round(now - started, 3))
        started = now

    thai_search.tokens("ประชุมชี้แจงการเปิดเผยข้อมูล")  # builds the newmm dictionary trie
    thai_search.subwords("จัดซื้อจัดจ้าง")  # and the search's own copy of the dictionary
    step("thai dictionary")
    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    step("urls")
    with translation.override("th"):
        translation.gettext("หน้าแรก")
    step("translations")
    step("templates", _templates())
    return done
