"""The status report as a static website (da + en), from the report's content model."""

from .pages import SiteLanguage, language
from .render import write

__all__ = ["SiteLanguage", "language", "write"]
