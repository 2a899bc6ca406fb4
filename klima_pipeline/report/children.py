"""The processes that build the report's languages (build.py, language.py).

Light on purpose: `klima run` starts them first thing, before it imports Dagster, so that
they import the report's code (pandas, typst, the charts' font) on the other core while the
warehouse is built, and the run's own process never imports it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from klima_pipeline.collector import frozen_after_imports

# The child reads a pickled Language on stdin and writes a pickled ("ok", Built) or
# ("error", exception, traceback) on stdout (language.child_main). A fresh interpreter, not
# multiprocessing: spawn would re-import the parent's main script (the klima command).
_CHILD = "from klima_pipeline.report.children import child_entry; child_entry()"
# The niceness of the thread that imports the report's code in a process started ahead:
# the run's own process, importing Dagster and building the warehouse, goes first.
IMPORT_NICENESS = 10
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


# Raw folders up to this size get a process started ahead for every language; larger ones
# for all but one. Each such process holds about 110 MiB while it waits: beside the
# ingest of 10,000 municipalities (145 MB of exports) a second one would put the run's
# peak above 1.5 GiB (docs/performance.md). The embedded data is 1.5 MB.
ALL_AHEAD_MAX_RAW_BYTES = 64 * 2**20


def start_for_run(languages: int, raw_dir: Path) -> None:
    """The processes `klima run` starts ahead for `languages` languages (see above); the
    language without one is built in the run's process."""
    start_language_processes(
        languages if _size_at_most(raw_dir, ALL_AHEAD_MAX_RAW_BYTES) else languages - 1
    )


def _size_at_most(folder: Path, limit: int) -> bool:
    total = 0
    for _dirpath, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.stat(os.path.join(_dirpath, name)).st_size
            except OSError:
                continue
            if total > limit:
                return False
    return True


def stop_language_processes() -> None:
    while _waiting:
        process = _waiting.pop()
        if process.stdin:
            process.stdin.close()
        process.wait()


def child_entry() -> None:
    """Where a language's process starts. The report's code is imported on a thread of low
    priority (on Linux a thread's niceness is its own), so that a process started ahead
    takes only the time the run's process leaves; the language is built at normal
    priority, on the main thread."""
    _end_with_parent(int(sys.argv[1]))
    # This process is the language's own: what it imports is frozen (collector.py).
    with frozen_after_imports(own_process=True):
        importing = threading.Thread(target=_import_at_low_priority, name="import")
        importing.start()
        importing.join()
    from .language import child_main

    child_main()
    # The parent reads the result to the end of this process's output: ending without
    # the interpreter's teardown (freeing pandas, typst and the language's objects,
    # a quarter of a second) gives it the result that much sooner.
    sys.stderr.flush()
    os._exit(0)


def _import_at_low_priority() -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), IMPORT_NICENESS)
    from .language import warm_up

    warm_up()


def _end_with_parent(parent: int) -> None:
    """A child that outlived a killed run would go on writing into a folder that the next
    run deletes (files.recover_folder); on Linux the kernel ends it with its parent."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent was gone before the line above
        os._exit(1)
