"""The command line on a pipe that closes early (`supervision-audit ... | head`): it stops
quietly, with no traceback, whether the pipe closes while it prints or at the final flush."""

from __future__ import annotations

import os
import subprocess
import sys


def _run_with_a_closed_pipe(*args: str) -> subprocess.CompletedProcess[bytes]:
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the command writes a word
    try:
        return subprocess.run([sys.executable, "-m", "supervision_audit", *args], stdout=write,
                              stderr=subprocess.PIPE, timeout=120, check=False)
    finally:
        os.close(write)


def test_help_into_a_closed_pipe_exits_quietly() -> None:
    result = _run_with_a_closed_pipe("--help")
    assert result.stderr.decode() == ""
    assert result.returncode == 0
