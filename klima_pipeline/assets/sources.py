"""The raw exports as observed source assets, and the opt-in live StatBank pull.

Each source folder of the raw folder is one asset whose data version is a hash of its
files' contents: the UI then shows the staging assets as changed only when an export
really changed, not when a file was merely touched. The file sensor reads the same
per-file hashes (`export_hashes`).
"""

import hashlib
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

import dagster as dg

from klima_pipeline.assets.metadata import markdown_table
from klima_pipeline.resources import RawExportsResource
from klima_pipeline.resources.statbank import TABLE_VARIABLES, StatBankResource

# The folders the loaders read (docs/formats.md), and the files at the top of the raw
# folder that the reference data reads.
SOURCE_FOLDERS = ("klimaregnskab", "statbank", "plans", "actions", "regions", "tracks")
ROOT_FILES = ("MANIFEST.json", "synthetic_municipalities.csv")
ROOT_SOURCE = "manifest"

SOURCE_KINDS = {
    "klimaregnskab": {"csv", "json", "excel"},
    "statbank": {"csv"},
    "plans": {"csv", "excel"},
    "actions": {"csv", "excel"},
    "regions": {"csv", "excel"},
    "tracks": {"csv", "excel"},
    ROOT_SOURCE: {"json", "csv"},
}
SOURCE_DESCRIPTIONS = {
    "klimaregnskab": "Energistyrelsen's emission inventories as exported: `klimaregnskab/`.",
    "statbank": "Statistics Denmark tables FOLK1A, BIL54, BOL102: `statbank/*.csv` (dropped "
    "by hand or saved by `statbank_pull`).",
    "plans": "The plan registry export: `plans/`.",
    "actions": "The yearly action status surveys: `actions/`.",
    "regions": "The regions' indicator exports: `regions/`.",
    "tracks": "The development tracks export: `tracks/`.",
    ROOT_SOURCE: "The raw folder's `MANIFEST.json` and `synthetic_municipalities.csv`, read "
    "with the reference data.",
}
_HASH_CHUNK = 1 << 20


def source_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", source])


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _source_files(raw_dir: Path, source: str) -> list[Path]:
    if source == ROOT_SOURCE:
        return [raw_dir / name for name in ROOT_FILES if (raw_dir / name).is_file()]
    folder = raw_dir / source
    if not folder.is_dir():
        return []
    # Hidden files are skipped like the loaders skip them: a download in progress is
    # written under a dot name and renamed into place when complete.
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def source_of(relative_path: str) -> str:
    """The source a file of the raw folder belongs to (`klimaregnskab/101_2023.json` → …)."""
    head, _, rest = relative_path.partition("/")
    return head if rest and head in SOURCE_FOLDERS else ROOT_SOURCE


def export_hashes(raw_dir: Path) -> dict[str, str]:
    """Every export the pipeline reads: path relative to the raw folder → SHA-256."""
    return {
        path.relative_to(raw_dir).as_posix(): file_sha256(path)
        for source in (*SOURCE_FOLDERS, ROOT_SOURCE)
        for path in _source_files(raw_dir, source)
    }


# Run id → the export hashes taken for that run before its build started: by its
# observation of the raw folder, or by `klima run` deciding what to build. The build's
# version (made_from.py) is made from the same hashes the source assets show, and the
# files are read once. Kept for a few runs only: a run that observes and builds nothing
# leaves one here.
_taken: dict[str, dict[str, str]] = {}
_KEPT_RUNS = 4


def hashes_taken(run_id: str, hashes: dict[str, str]) -> None:
    _taken[run_id] = hashes
    while len(_taken) > _KEPT_RUNS:
        del _taken[next(iter(_taken))]


def taken_hashes(run_id: str, *, keep: bool = True) -> dict[str, str] | None:
    """The export hashes already taken for this run in this process, if any."""
    return _taken.get(run_id) if keep else _taken.pop(run_id, None)


def data_version(hashes: Mapping[str, str]) -> str:
    """One version for a set of files: changes when any file is added, removed or edited."""
    digest = hashlib.sha256()
    for path, sha in sorted(hashes.items()):
        digest.update(f"{path}\0{sha}\n".encode())
    return digest.hexdigest()


def hashes_by_source(hashes: Mapping[str, str]) -> dict[str, dict[str, str]]:
    grouped: dict[str, dict[str, str]] = {s: {} for s in (*SOURCE_FOLDERS, ROOT_SOURCE)}
    for path, sha in hashes.items():
        grouped[source_of(path)][path] = sha
    return grouped


def observation(source: str, hashes: Mapping[str, str], raw_dir: Path) -> dg.ObserveResult:
    rows = [(path, sha[:12], (raw_dir / path).stat().st_size) for path, sha in hashes.items()]
    return dg.ObserveResult(
        asset_key=source_key(source),
        data_version=dg.DataVersion(data_version(hashes)),
        metadata={
            "files": dg.MetadataValue.int(len(hashes)),
            "bytes": dg.MetadataValue.int(sum(size for *_, size in rows)),
            "file hashes": dg.MetadataValue.md(
                markdown_table(["file", "sha256", "bytes"], rows[:200])
            ),
        },
    )


def _source_spec(source: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=source_key(source),
        group_name="sources",
        kinds=SOURCE_KINDS[source],
        owners=["team:monitoring"],
        description=SOURCE_DESCRIPTIONS[source],
    )


def _observe(context: dg.AssetExecutionContext, raw: RawExportsResource) -> Iterable:
    """Hash every export of the raw folder; one data version per source folder."""
    run_id = context.run.run_id
    hashes = taken_hashes(run_id)
    if hashes is None:
        hashes = export_hashes(raw.folder)
        hashes_taken(run_id, hashes)  # the build's version is made from the same
    grouped = hashes_by_source(hashes)
    for key in context.selected_asset_keys:
        yield observation(key.path[-1], grouped[key.path[-1]], raw.folder)


with warnings.catch_warnings():  # multi-asset observation is beta; one step beats seven
    warnings.simplefilter("ignore", dg.BetaWarning)
    raw_exports = dg.multi_observable_source_asset(
        specs=[_source_spec(s) for s in (*SOURCE_FOLDERS, ROOT_SOURCE)],
        name="raw_exports",
        can_subset=True,
    )(_observe)


STATBANK_PULL_KEY = dg.AssetKey(["raw", "statbank_pull"])


@dg.asset(
    key=STATBANK_PULL_KEY,
    group_name="sources",
    kinds={"python", "csv"},
    owners=["team:monitoring"],
)
def statbank_pull(
    context: dg.AssetExecutionContext, statbank: StatBankResource, raw: RawExportsResource
) -> dg.MaterializeResult:
    """Live pull of FOLK1A, BIL54 and BOL102 from StatBank's `/v1/data` (`KLIMA_STATBANK_URL`),
    saved as `statbank/<TABLE>.csv` in the raw folder. Opt-in: no schedule runs it. The
    file sensor sees the new files and starts the refresh that loads them."""
    rows = []
    for table, variables in TABLE_VARIABLES.items():
        path = statbank.fetch_table(table, variables, raw.folder)
        rows.append((path.relative_to(raw.folder).as_posix(), file_sha256(path)[:12]))
        context.log.info(f"StatBank {table} saved to {path}")
    return dg.MaterializeResult(
        metadata={
            "base_url": dg.MetadataValue.url(statbank.base_url),
            "files": dg.MetadataValue.md(markdown_table(["file", "sha256"], rows)),
        }
    )
