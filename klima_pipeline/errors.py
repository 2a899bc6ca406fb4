"""Input problems as values a user can act on: each names the file, row and column."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One rule that rejected or flagged input (a row of `mart.data_quality`)."""

    source_file: str
    row_number: int | None
    column_name: str | None
    rule: str
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        where = self.source_file
        if self.row_number is not None:
            where += f", row {self.row_number}"
        if self.column_name:
            where += f", column '{self.column_name}'"
        return f"{where}: {self.message} [{self.rule}]"


SEVERITY_ORDER = {"error": 0, "warning": 1}


def findings_summary(findings: Sequence[Finding], shown: int = 50) -> str:
    """How many findings of each severity, then the first `shown` of them, errors first:
    what `klima run` and `klima validate` print at the end."""
    if not findings:
        return "No findings: every export follows the formats."
    counts = Counter(f.severity for f in findings)
    ordered = sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 2))
    lines = [
        "Findings: "
        + ", ".join(
            f"{counts[severity]} {severity}{'s' if counts[severity] != 1 else ''}"
            for severity in sorted(counts, key=lambda s: SEVERITY_ORDER.get(s, 2))
        )
    ]
    lines += [f"  {f.severity.upper():8} {f}" for f in ordered[:shown]]
    if len(findings) > shown:
        lines.append(f"  … and {len(findings) - shown} more")
    return "\n".join(lines)


class KlimaError(Exception):
    """Base class of every error the pipeline reports to a user."""


class InputError(KlimaError):
    """Raw exports that break formats.md. Carries every error finding, not just the first,
    and the warnings found beside them, so that `klima validate` can show both."""

    def __init__(self, findings: list[Finding], warnings: list[Finding] | None = None):
        self.findings = findings
        self.warnings = warnings or []
        shown = "\n".join(f"  {f}" for f in findings[:20])
        more = f"\n  … and {len(findings) - 20} more" if len(findings) > 20 else ""
        super().__init__(f"{len(findings)} error(s) in the raw exports:\n{shown}{more}")


class CheckFailed(KlimaError):
    """A blocking data check failed: nothing downstream of it is built or published."""
