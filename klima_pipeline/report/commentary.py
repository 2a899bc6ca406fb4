"""Analyst commentary: optional Markdown files placed into the matching report section.

`<commentary_dir>/<year>/<lang>/<section-id>.md`; by default `commentary_dir` is the
`commentary` folder in the reports folder, so `klima run` picks up
`reports/commentary/2024/da/summary.md`. Section ids are the anchors of the Markdown
report (`summary`, `trend`, `map`, `tracks`, …); a file for an id the report does not
have is reported in the log, not dropped silently. The supported Markdown is a small
subset, converted to the content model (so it is escaped like any other text):

- paragraphs, separated by blank lines (lines inside a paragraph are joined);
- bullet lists (`- ` or `* `) and numbered lists (`1. `);
- `**strong**` and `*emphasis*` / `_emphasis_` inside a line.

Anything else (headings, links, tables, HTML) is kept as its literal text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

from .model import Block, ItemList, Paragraph, Run

log = logging.getLogger(__name__)

_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_INLINE = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*|(?<!\w)_(.+?)_(?!\w)")


def inline(text: str) -> tuple[Run, ...]:
    runs: list[Run] = []
    pos = 0
    for match in _INLINE.finditer(text):
        if match.start() > pos:
            runs.append(Run(text[pos : match.start()]))
        strong, em1, em2 = match.groups()
        runs.append(Run(strong, "strong") if strong is not None else Run(em1 or em2, "em"))
        pos = match.end()
    if pos < len(text):
        runs.append(Run(text[pos:]))
    return tuple(runs)


def parse(text: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        for pattern, ordered in ((_BULLET, False), (_NUMBERED, True)):
            if all(pattern.match(line) for line in lines):
                items = tuple(inline(pattern.match(line).group(1)) for line in lines)  # type: ignore[union-attr]
                blocks.append(ItemList(items, ordered=ordered))
                break
        else:
            blocks.append(Paragraph(inline(" ".join(line.strip() for line in lines))))
    return blocks


def loader(commentary_dir: Path | None, year: int, lang: str):
    """A function from section id to the commentary blocks for that section."""

    def load(section_id: str) -> list[Block]:
        if commentary_dir is None:
            return []
        path = Path(commentary_dir) / str(year) / lang / f"{section_id}.md"
        return parse(path.read_text("utf-8")) if path.is_file() else []

    return load


def warn_unknown(commentary_dir: Path | None, year: int, lang: str, ids: Iterable[str]) -> None:
    """Log commentary files whose name matches no section of the report."""
    folder = Path(commentary_dir) / str(year) / lang if commentary_dir else None
    if folder is None or not folder.is_dir():
        return
    known = set(ids)
    for path in sorted(folder.glob("*.md")):
        if path.stem not in known:
            log.warning(
                "commentary %s matches no report section; sections are: %s",
                path,
                ", ".join(sorted(known)),
            )
