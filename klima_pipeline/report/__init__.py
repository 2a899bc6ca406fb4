"""The yearly status report: content model, charts, map, Markdown and PDF (issue 4)."""

from .build import build_report

__all__ = ["build_report"]
