"""The processes that build the report's languages after the first (build.py).

Light on purpose: `klima run` starts them first thing, before it imports Dagster and the
report's code itself, so that they import the report's code (matplotlib, pandas) on the
other core while the warehouse is built.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# The child reads a pickled Language on stdin and writes a pickled ("ok", Built) or
# ("error", exception, traceback) on stdout (build.child_main). A fresh interpreter, not
# multiprocessing: spawn would re-import the parent's main script (the klima command).
_CHILD = "from klima_pipeline.report.build import child_main; child_main()"
# Started ahead (start_language_processes), each waiting for its language.
_waiting: list[subprocess.Popen[bytes]] = []


def _start() -> subprocess.Popen[bytes]:
    # The child imports this very copy of the package, installed or not.
    package_root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(os.getpid())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": path},
    )


def language_process() -> subprocess.Popen[bytes]:
    """A process to build one language in: one started ahead if there is one."""
    return _waiting.pop(0) if _waiting else _start()


def waiting() -> int:
    """How many processes started ahead are waiting for a language."""
    return len(_waiting)


def start_language_processes(count: int) -> None:
    """Start `count` processes ahead. One never given a language ends when
    `stop_language_processes` closes its input (or with this process)."""
    while len(_waiting) < count:
        _waiting.append(_start())


def stop_language_processes() -> None:
    while _waiting:
        process = _waiting.pop()
        if process.stdin:
            process.stdin.close()
        process.wait()
