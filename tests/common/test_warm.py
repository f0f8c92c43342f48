"""common/warm.py: what gunicorn's master builds before it forks the workers."""

import json
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, os, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
django.setup()
from pythainlp.tokenize import word_dict_trie
from common import thai_search
from common.warm import warm
before = word_dict_trie.cache_info().currsize, thai_search._dictionary.cache_info().currsize
done = warm()
after = word_dict_trie.cache_info().currsize, thai_search._dictionary.cache_info().currsize
started = time.perf_counter()
thai_search.query_words("ดุลพินิจของเจ้าหน้าที่")
print(json.dumps({"before": before, "after": after, "templates": done["templates"][0],
                  "first_search": time.perf_counter() - started}))
"""


def test_it_builds_the_thai_dictionaries_and_templates_so_a_first_search_is_fast():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "DEBUG": "0", "SECRET_KEY": "test-warm", "ALLOWED_HOSTS": "x",
                              "DJANGO_SETTINGS_MODULE": "ita_portal.settings"}).stdout
    found = json.loads(out.strip().splitlines()[-1])
    assert found["before"] == [0, 0]  # a fresh process has not built them
    assert found["after"] == [1, 1]
    assert found["templates"] == len(list((ROOT / "templates").rglob("*.html")))
    assert found["first_search"] < 0.5  # without the warm-up: 2.7 s on this machine


def test_it_is_called_by_gunicorn_in_the_master_before_the_workers_start():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["preload_app"] is True  # the workers are forked from the warmed master
    logged = []

    class Server:  # the two attributes of gunicorn's Arbiter the hook reads
        class log:  # noqa: N801
            info = staticmethod(lambda message, *args: logged.append(message % args))

    config["when_ready"](Server)
    assert logged and logged[0].startswith("warm: {'thai dictionary'")
