"""One escape filter per output format: data values appear literally, never as markup.

Escaping every ASCII punctuation mark is allowed by both CommonMark and Typst markup,
so there is no list of "dangerous" characters to keep up to date. Markdown readers see
the raw file too, so there only the marks that can start markup are escaped.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

_PUNCT = frozenset(string.punctuation)
# Marks that start inline markup anywhere in CommonMark/GitHub Markdown.
_MD_ANYWHERE = frozenset("\\`*_{}[]<>#|$@~!&")
# Each mark to itself behind a backslash, for str.translate (every cell of every table
# goes through these).
_MD_MARKS = str.maketrans({c: "\\" + c for c in _MD_ANYWHERE})
_TYPST_MARKS = str.maketrans({c: "\\" + c for c in _PUNCT})
_WHITESPACE = re.compile(r"\s+")
# Marks that only matter at the start of a line (lists, headings, quotes, tables).
_MD_LINE_START = re.compile(r"^(\s*)([-+](?=\s|$)|[-=]+\s*$|>|\d{1,9}(?=[.)](?:\s|$)))")


def _one_line(text: object) -> str:
    # Newlines would end a table row or a paragraph. Edge spaces are kept: they
    # separate an emphasised run from its neighbours.
    return _WHITESPACE.sub(" ", str(text)) if text is not None else ""


def md_escape(text: object) -> str:
    return _md_escape(text if isinstance(text, str) else _one_line(text))


# Most cells repeat (headers, units, the missing mark, the same numbers on many sheets):
# three calls in four are answered from the cache.
@lru_cache(maxsize=1 << 16)
def _md_escape(text: str) -> str:
    value = _one_line(text)
    escaped = value.translate(_MD_MARKS)
    match = _MD_LINE_START.match(escaped)
    if match:
        lead, mark = match.groups()
        if mark[0].isdigit():
            # "1. Foo" would become an ordered list: escape the dot after the digits.
            rest = escaped[match.end() :]
            escaped = f"{lead}{mark}\\{rest}"
        else:
            escaped = f"{lead}\\{escaped[len(lead) :]}"
    return escaped


def typst_escape(text: object) -> str:
    """For Typst markup (content blocks, paragraphs, table cells)."""
    return _typst_escape(text if isinstance(text, str) else _one_line(text))


@lru_cache(maxsize=1 << 16)
def _typst_escape(text: str) -> str:
    return _one_line(text).translate(_TYPST_MARKS)


def typst_string(text: object) -> str:
    """For the inside of a Typst string literal ("..."), such as an image's alt text."""
    return _one_line(text).replace("\\", "\\\\").replace('"', '\\"')
