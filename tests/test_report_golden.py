"""The Markdown of the 2024 report on the embedded data, pinned byte for byte.

The golden copies under `tests/golden/` are the report as it reads today, so a change to
the report's code that changes a single character of what it says fails here, with a
diff. That is the point for a refactoring (the wording, numbers and order must not
move); when the output is *meant* to change (new wording, a new section, new data),
regenerate the golden files deliberately and review them like any other change:

    KLIMA_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_report_golden.py
    git diff tests/golden/        # read it: is every changed line intended?

and commit them with the change that caused them.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from pathlib import Path

import pytest
from conftest import Run

GOLDEN = Path(__file__).resolve().parent / "golden"
REPORT_YEAR = "2024"
REPORTS = ("statusrapport-2024.md", "status-report-2024.md")
# The fact sheets of one language in one file (each under its file name), so that the
# golden folder stays small and a diff still says which member's sheet changed.
FACT_SHEETS = {"da": "faktaark", "en": "fact-sheet"}


def fact_sheets(reports: Path, prefix: str) -> bytes:
    folder = reports / REPORT_YEAR / "kommuner"
    sheets = sorted(folder.glob(f"{prefix}-{REPORT_YEAR}-*.md"))
    assert sheets, f"no fact sheets {prefix}-{REPORT_YEAR}-*.md in {folder}"
    return b"".join(b"<!-- " + p.name.encode() + b" -->\n" + p.read_bytes() for p in sheets)


def built_markdown(run: Run) -> dict[str, bytes]:
    """Golden file name -> the bytes the run wrote."""
    built = {name: (run.reports / REPORT_YEAR / name).read_bytes() for name in REPORTS}
    for lang, prefix in FACT_SHEETS.items():
        built[f"fact-sheets-{lang}-{REPORT_YEAR}.md"] = fact_sheets(run.reports, prefix)
    return built


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def built(embedded_run: Run) -> dict[str, bytes]:
    files = built_markdown(embedded_run)
    if os.environ.get("KLIMA_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        for name, data in files.items():
            (GOLDEN / name).write_bytes(data)
        pytest.skip(f"rewrote {len(files)} golden files: review `git diff tests/golden/`")
    return files


@pytest.mark.parametrize(
    "name", [*REPORTS, *(f"fact-sheets-{lang}-{REPORT_YEAR}.md" for lang in FACT_SHEETS)]
)
def test_markdown_on_the_embedded_data_is_byte_identical_to_the_golden_copy(
    built: dict[str, bytes], name: str
) -> None:
    golden = (GOLDEN / name).read_bytes()
    now = built[name]
    if sha256(now) != sha256(golden):
        diff = difflib.unified_diff(
            golden.decode("utf-8").splitlines(),
            now.decode("utf-8").splitlines(),
            f"tests/golden/{name}",
            "built now",
            lineterm="",
        )
        shown = "\n".join(list(diff)[:80])
        pytest.fail(
            f"{name} differs from its golden copy (sha256 {sha256(golden)[:12]} → "
            f"{sha256(now)[:12]}); if intended, regenerate (see this module's docstring):\n"
            f"{shown}"
        )
