"""Fact sheets: one page per member."""

from __future__ import annotations

from pathlib import Path

from .content import Builder


def write(builder: Builder, root: Path) -> list[Path]:
    return []
