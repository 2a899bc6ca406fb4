#!/usr/bin/env python3
"""The few commands people run, with nothing but Python >= 3.11 installed.

    python3 tasks.py run      # set up .venv, build the warehouse and the report from data/raw
    python3 tasks.py test     # set up .venv, run the whole test suite
    python3 tasks.py conformance  # the conformance suite's long profile (many random folders)
    python3 tasks.py lint     # ruff check and format check
    python3 tasks.py bench    # the performance benchmark (bench/)
    python3 tasks.py ui       # the Dagster UI on http://127.0.0.1:3000

The virtual environment is installed from requirements.lock, so every machine gets the
same versions; it is reinstalled only when pyproject.toml or the lock file change.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-from"


def _install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "requirements.lock"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script is what tells users of older Pythons
        sys.exit(f"klima-pipeline needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    fingerprint = _install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    if not (BIN / "python").exists():
        print("Creating .venv …", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installing from requirements.lock …", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "install", "-c", "requirements.lock", "-e", ".[dev]"], cwd=ROOT, check=True
    )
    STAMP.write_text(fingerprint)


def run(*command: str) -> int:
    return subprocess.run(command, cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    task, *rest = argv or ["help"]
    if task in {"help", "-h", "--help"}:
        print(__doc__)
        return 0
    ensure_venv()
    if task == "setup":
        return 0
    if task == "run":
        return run(str(BIN / "klima"), "run", *rest)
    if task == "test":
        return run(str(BIN / "pytest"), *rest)
    if task == "conformance":
        os.environ["KLIMA_CONFORMANCE_PROFILE"] = "long"
        return run(str(BIN / "pytest"), "tests/test_conformance.py", *rest)
    if task == "lint":
        return run(str(BIN / "ruff"), "check", ".") or run(
            str(BIN / "ruff"), "format", "--check", "."
        )
    if task == "bench":
        return run(str(BIN / "python"), "-m", "bench", *rest)
    if task == "ui":
        return run(str(BIN / "dagster"), "dev", "-w", "workspace.yaml", *rest)
    print(f"Unknown task {task!r}.\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
