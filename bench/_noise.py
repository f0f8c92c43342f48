"""The machine's noise, as every bench prints it: the load average when the bench starts and when
it ends (at exit, so a bench that stops early or fails says it too). The cores are shared with
PostgreSQL, the server under test and other people's jobs; a figure measured at load average 6
on 2 cores says more about the machine than about the code.

    import _noise          # bench/ is the script's directory, so on sys.path
    _noise.report()        # first thing in main()
"""

import atexit
import os


def load_line(when: str) -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {when}: {one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} cores"


def report() -> None:
    """Print the load average now, and again when the process exits."""
    print(load_line("at start"), flush=True)
    atexit.register(lambda: print(load_line("at end"), flush=True))
