"""Input problems as values a user can act on: each names the file, row and column."""

from __future__ import annotations

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


class KlimaError(Exception):
    """Base class of every error the pipeline reports to a user."""


class InputError(KlimaError):
    """Raw exports that break formats.md. Carries every error finding, not just the first."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        shown = "\n".join(f"  {f}" for f in findings[:20])
        more = f"\n  … and {len(findings) - 20} more" if len(findings) > 20 else ""
        super().__init__(f"{len(findings)} error(s) in the raw exports:\n{shown}{more}")


class CheckFailed(KlimaError):
    """A blocking data check failed: nothing downstream of it is built or published."""
