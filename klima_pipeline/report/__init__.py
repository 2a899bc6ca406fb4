"""The yearly status report: content model, charts, map, Markdown and PDF (issue 4)."""

from __future__ import annotations

from typing import Any

__all__ = ["build_report"]


def __getattr__(name: str) -> Any:
    # Imported on first use: `klima run` imports report.children before pandas.
    if name == "build_report":
        from .build import build_report

        return build_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
