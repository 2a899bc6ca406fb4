"""Writing output files: always to a temporary name in the same folder, then renamed,
so a reader never sees half a file."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Excel and LibreOffice evaluate a cell starting with these as a formula (OWASP CSV
# injection); tab and carriage return can hide such a start.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _default_file_mode() -> int:
    """The mode a plain `open()` would give: mkstemp makes files private (0600), but
    reports are for everyone who may read the folder."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def begin_folder(target: Path) -> Path:
    """A private folder beside `target` to build its next version in.

    It starts as a copy of the current version, so a run that writes one language keeps
    the other. What a killed run left behind is cleaned up first (see `recover_folder`).
    The copy is of hard links where the file system has them (a tenth of the time for
    the 500 files of a year): every file is written by `write_bytes`, to a new file
    renamed over the old, so a file of the current version is never changed through its
    link.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_folder(target)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.building-"))
    os.chmod(staging, 0o777 & _default_file_mode() | 0o111)
    if target.exists():
        shutil.copytree(target, staging, dirs_exist_ok=True, copy_function=_link_or_copy)
    return staging


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def replace_folder(staging: Path, target: Path) -> None:
    """Swap the finished `staging` folder in as `target`: readers see the old set or the
    new one, never a mix. Two renames; a kill between them is undone by `recover_folder`."""
    replaced = target.with_name(f".{target.name}.replaced-{os.getpid()}")
    if target.exists():
        os.rename(target, replaced)
    os.rename(staging, target)
    shutil.rmtree(replaced, ignore_errors=True)


def recover_folder(target: Path) -> None:
    """Undo what a killed run left: restore the old set if it was moved aside and the new
    one never arrived, and delete half-built folders."""
    for replaced in sorted(target.parent.glob(f".{target.name}.replaced-*")):
        if target.exists():
            shutil.rmtree(replaced, ignore_errors=True)
        else:
            os.rename(replaced, target)
    for building in target.parent.glob(f".{target.name}.building-*"):
        shutil.rmtree(building, ignore_errors=True)


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, _default_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe.

    Only text columns are touched, so negative numbers stay numbers. A frame with no such
    cell is returned as it is: most data files have none, and pandas' string methods
    cost more than looking at the cells."""
    # Imported here, as in write_table: the run's own process moves the report's folders
    # (begin_folder, replace_folder) and never needs pandas (report/build.py).
    import pandas as pd

    out = frame
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if isinstance(series.dtype, pd.StringDtype) and not any(
            isinstance(v, str) and v.startswith(_FORMULA_START) for v in series.tolist()
        ):
            continue
        text = series.astype("string")
        risky = text.str.startswith(_FORMULA_START).fillna(False)
        if risky.any():
            if out is frame:
                out = frame.copy()
            out[column] = series.where(~risky, "'" + text)
    return out


def write_table(data_dir: Path, name: str, frame: pd.DataFrame) -> list[Path]:
    """The table behind a chart or table, as CSV (for spreadsheets) and Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv = neutralise_formulas(frame).to_csv(index=False, lineterminator="\n")
    # The byte-order mark makes Excel read æ, ø and å as UTF-8.
    csv_path = write_bytes(data_dir / f"{name}.csv", b"\xef\xbb\xbf" + csv.encode("utf-8"))
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    return [csv_path, write_bytes(data_dir / f"{name}.parquet", buffer.getvalue())]
