"""Fail early, in plain words, when a system package the portal needs is missing."""

import ctypes.util
import shutil
import sys

problems = []
if sys.version_info < (3, 11):  # noqa: UP036 - this script runs under the system python3
    problems.append(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")
for lib, package in (("pango-1.0", "libpango-1.0-0"), ("pangoft2-1.0", "libpangoft2-1.0-0"),
                     ("harfbuzz", "libharfbuzz0b"), ("fontconfig", "libfontconfig1")):
    if ctypes.util.find_library(lib) is None:
        problems.append(f"The {lib} library (WeasyPrint needs it for PDFs) is missing: apt-get install {package}")
if problems:
    sys.stderr.write("Missing system packages:\n  - " + "\n  - ".join(problems) + "\n")
    sys.stderr.write("On Debian/Ubuntu: sudo apt-get install python3-venv libpango-1.0-0 libpangoft2-1.0-0 "
                     "libharfbuzz0b libfontconfig1\n")
    sys.exit(1)
if shutil.which("chromium") is None:
    print("note: /usr/bin/chromium not found; browser tests will be skipped (apt-get install chromium)")
