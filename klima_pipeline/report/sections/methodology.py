"""Methodology: the method of the figures in a few points, and where to read more."""

from __future__ import annotations

from ..context import Context
from ..model import Block, ItemList, Paragraph


def blocks(c: Context) -> list[Block]:
    return [
        ItemList.of(c.t("method_items").split("|")),
        Paragraph.of(c.t("method_more"), note=True),
    ]
