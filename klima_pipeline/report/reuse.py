"""Charts and PDFs of the year's previous build, reused when what they are made of is the same.

A report folder is built from a copy of its previous version (files.begin_folder), and an
analyst re-runs the report many times while writing commentary: most charts and PDFs come
out byte for byte as last time. Drawing a chart and compiling a PDF are most of the
report's time, so each such file is recorded with a key of everything it is made of, and
a build whose key matches the record keeps the copied file instead of making it again:

- a chart's SVG: what its figure is drawn from, before the figure is made (see
  `drawing_key`): the chart function and every argument it is given (the data, the
  words, the number format), the source of the report's code, its reference shapes and
  the charts' font; its PNG: the SVG's bytes (`png_key`);
- the report's PDF: the Typst source and every chart file it shows, with typst's version;
- the fact sheets (a Markdown file each and their PDF): the sheets' content model and
  every file of the report package (`sheets_key`), so they are not even rendered.

The record (`KEYS_FILE` in the year's folder, hidden) also holds each file's SHA-256, so
a file changed or removed by hand is made again. A key that misses only costs the time
of making the file, as without this module.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import threading
from collections.abc import Callable, Iterable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

KEYS_FILE = ".made-from.json"
# Bumped when what a key covers changes.
KEY_VERSION = "2"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Reuse:
    """The record of one report folder: read at the start of a build, written at its end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            previous = json.loads((root / KEYS_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            previous = {}
        self.previous: dict[str, list[str]] = previous if isinstance(previous, dict) else {}
        self.made: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def _name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def kept(self, path: Path, key: str) -> bool:
        """True when `path` is the previous build's file made from the same `key`."""
        entry = self.previous.get(self._name(path))
        if not entry or entry[0] != key or not path.is_file():
            return False
        if _sha256(path.read_bytes()) != entry[1]:
            return False
        with self._lock:
            self.made[self._name(path)] = entry
        return True

    def record(self, path: Path, key: str, data: bytes) -> None:
        with self._lock:
            self.made[self._name(path)] = [key, _sha256(data)]

    def make(
        self,
        path: Path,
        key: str,
        produce: Callable[[], bytes],
        write: Callable[[Path, bytes], Path],
    ) -> Path:
        """`path` kept when its key matches, otherwise `write(path, produce())`."""
        if self.kept(path, key):
            return path
        data = produce()
        write(path, data)
        self.record(path, key, data)
        return path

    def save(self, *others: dict[str, list[str]]) -> None:
        """Write the record: this build's files, and the previous build's for files still
        there that this build did not make (a run of one language keeps the other)."""
        from .files import write_text

        entries = dict(self.previous)
        for made in (self.made, *others):
            entries.update(made)
        entries = {name: e for name, e in sorted(entries.items()) if (self.root / name).is_file()}
        write_text(self.root / KEYS_FILE, json.dumps(entries, indent=0, sort_keys=True) + "\n")


def _files_digest(paths: Iterable[Path], relative_to: Path) -> str:
    """The names (relative to `relative_to`) and bytes of `paths`, in order."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(f"\n{path.relative_to(relative_to).as_posix()}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def _chart_code() -> str:
    """Everything a chart function draws with besides its arguments, once per process:
    the report package's source (the chart functions, their style and number formats),
    its reference files (the map's shapes) and the charts' font. Any change to the code
    draws every chart again."""
    from .svg import font_file

    package = Path(__file__).parent
    sources = [*package.rglob("*.py"), *(package.parent / "reference").iterdir()]
    files = _files_digest(sorted(p for p in sources if p.is_file()), package.parent)
    return f"{files}\n{hashlib.sha256(font_file().read_bytes()).hexdigest()}"


def drawing_key(function: Callable[..., Any], arguments: object, save_settings: object) -> str:
    """A chart's key from what it is drawn from: the chart function, its arguments (data
    frames, words and number format, pickled), how the figure is saved, and the code and
    settings it draws with (`_chart_code`)."""
    digest = hashlib.sha256(
        f"{KEY_VERSION}\n{function.__module__}.{function.__qualname__}\n".encode()
    )
    digest.update(pickle.dumps(arguments, protocol=pickle.HIGHEST_PROTOCOL))
    digest.update(f"\n{save_settings!r}\n{_chart_code()}".encode())
    return digest.hexdigest()


@cache
def _report_files() -> str:
    """Every file of the report package (code, templates, message catalogues) and typst's
    version, once per process."""
    package = Path(__file__).parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return f"typst {metadata.version('typst')}\n{_files_digest(files, package)}"


def sheets_key(sheets: object) -> str:
    """The fact sheets' files from their content model (the sheets, pickled, with their
    title and labels) and everything that sets them: the report package's files and
    typst's version."""
    digest = hashlib.sha256(f"{KEY_VERSION}\nsheets\n{_report_files()}\n".encode())
    digest.update(pickle.dumps(sheets, protocol=pickle.HIGHEST_PROTOCOL))
    return digest.hexdigest()


def png_key(svg: bytes) -> str:
    """A chart's PNG is rendered from its SVG (charts.Rasteriser): the SVG's bytes, the
    resolution and typst's version."""
    from . import style

    digest = hashlib.sha256(f"{KEY_VERSION}\npng\n{metadata.version('typst')}\n".encode())
    digest.update(f"{style.PNG_DPI}\n".encode())
    digest.update(svg)
    return digest.hexdigest()


_IMAGE = re.compile(r'image\("([^"]+)"')


def pdf_key(source: str, root: Path) -> str:
    """The Typst source, the bytes of every image it shows, and typst's version."""
    digest = hashlib.sha256(f"{KEY_VERSION}\n{metadata.version('typst')}\n".encode())
    digest.update(source.encode("utf-8"))
    for image in sorted(set(_IMAGE.findall(source))):
        path = root / image
        digest.update(f"\n{image}\n".encode())
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()
