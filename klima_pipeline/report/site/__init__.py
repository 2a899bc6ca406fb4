"""The status report as a static website (da + en), from the report's content model."""

from __future__ import annotations

from typing import Any

from .entry import Entry, write_entry

__all__ = ["ChartAssets", "Entry", "SiteLanguage", "language", "write_entry", "write_language"]

# The language pages need the report's whole content code (pandas, the charts), which the
# entry page does not (entry.py): they are imported on first use.
_LAZY = {
    "ChartAssets": "render",
    "write_language": "render",
    "SiteLanguage": "pages",
    "language": "pages",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
