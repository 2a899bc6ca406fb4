"""Charts and PDFs of the year's previous build, reused when what they are made of is the same.

A report folder is built from a copy of its previous version (files.begin_folder), and an
analyst re-runs the report many times while writing commentary: most charts and PDFs come
out byte for byte as last time. Drawing a chart and compiling a PDF are most of the
report's time, so each such file is recorded with a key of everything it is made of, and
a build whose key matches the record keeps the copied file instead of making it again:

- a chart's SVG: the figure itself, every artist, text and number in it, serialised
  (see `figure_key`), with matplotlib's version and settings at save time; its PNG: the
  SVG's bytes (`png_key`);
- a PDF: the Typst source and every chart file it shows, with typst's version.

The record (`KEYS_FILE` in the year's folder, hidden) also holds each file's SHA-256, so
a file changed or removed by hand is made again. A key that misses only costs the time
of making the file, as without this module.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import re
import threading
import types
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

KEYS_FILE = ".made-from.json"
# Bumped when what a key covers changes.
KEY_VERSION = "1"


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


class _KeyPickler(pickle.Pickler):
    """Pickles a figure for its key only (never unpickled): functions by their code and
    closure, and transforms without their back-references, which are keyed by object id."""

    def reducer_override(self, obj: Any) -> Any:
        from matplotlib.transforms import TransformNode

        if isinstance(obj, types.FunctionType):
            code = obj.__code__
            cells = tuple(c.cell_contents for c in obj.__closure__ or ())
            return (str, (obj.__module__, obj.__qualname__, code.co_code, code.co_consts, cells))
        if isinstance(obj, TransformNode):
            state = obj.__getstate__()
            state["_parents"] = len(state.get("_parents", ()))
            return (str, (type(obj).__qualname__,), state)
        return NotImplemented


_settings_key: str | None = None


def _matplotlib_settings() -> str:
    """matplotlib's version and settings outside any rc_context, once per process."""
    global _settings_key
    if _settings_key is None:
        import matplotlib

        settings = repr(sorted((k, repr(v)) for k, v in matplotlib.rcParams.items()))
        _settings_key = _sha256(f"{matplotlib.__version__}\n{settings}".encode())
    return _settings_key


def figure_key(fig: Any, save_settings: object) -> str:
    """Everything a figure draws, and how it is saved, as one key."""
    buffer = io.BytesIO()
    _KeyPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(fig)
    digest = hashlib.sha256(buffer.getvalue())
    digest.update(f"\n{KEY_VERSION}\n{save_settings!r}\n{_matplotlib_settings()}".encode())
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
