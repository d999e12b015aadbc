"""Run a module as ``python -m`` would and write its peak memory to a file at exit.

    python -m benchmarks.peak OUT.txt MODULE [ARGS...]

For ``benchmarks.user_runs``: the command line's own peak (``long_session.peak_mib``), not
the benchmark's memory it was forked with.
"""

from __future__ import annotations

import atexit
import runpy
import sys
from pathlib import Path

from benchmarks.long_session import peak_mib


def main() -> None:
    out, module, *args = sys.argv[1:]
    atexit.register(lambda: Path(out).write_text(f"{peak_mib():.1f}"))
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
