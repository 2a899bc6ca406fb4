"""The status report as a static website (da + en), from the report's content model."""

from .pages import SiteLanguage, language
from .render import ChartAssets, Entry, write_entry, write_language

__all__ = ["ChartAssets", "Entry", "SiteLanguage", "language", "write_entry", "write_language"]
