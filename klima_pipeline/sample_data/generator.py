"""`write_sample_data`: one pass over the municipalities, streaming every export.

Each municipality's numbers come from its own random streams (seeded by the seed, the
purpose and its code), so a run is byte-identical for the same arguments, and the real
municipalities' invented parts do not change when synthetic ones are added.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

from klima_pipeline.sample_data.alliance import write_regional_indicators, write_tracks
from klima_pipeline.sample_data.files import API, EXCEL, csv_writer
from klima_pipeline.sample_data.inventory import InventoryWriter
from klima_pipeline.sample_data.manifest import Run, write_manifest
from klima_pipeline.sample_data.plans import (
    ACTION_HEADER,
    PLAN_HEADER,
    draw_roles,
    plan_row,
    survey_rows,
)
from klima_pipeline.sample_data.profiles import (
    Municipality,
    Profile,
    real_municipalities,
    real_profile,
    stream,
    synthetic_municipalities,
    synthetic_profile,
)
from klima_pipeline.sample_data.statbank import StatBankWriter

REAL_COUNT = 98
NON_MEMBERS = 3
SYNTHETIC_NON_MEMBER_SHARE = 0.03
# What a sample folder holds; only these are cleared when a sample folder is rewritten.
OWN_FOLDERS = ("klimaregnskab", "statbank", "plans", "actions", "regions", "tracks")
OWN_FILES = ("MANIFEST.json", "README.md", "synthetic_municipalities.csv")
SYNTHETIC_HEADER = ("municipality_code", "name", "region_code", "region_name")


def write_sample_data(
    out: Path,
    municipalities: int = 98,
    first_year: int = 2018,
    last_year: int = 2023,
    seed: int = 0,
    report_years: tuple[int, ...] | None = None,
) -> Path:
    """Write a complete raw folder (formats.md) to `out` and return it.

    `municipalities` <= 98 takes the first real municipalities by code; more adds
    synthetic ones (codes from 1001) after all 98. Inventories cover `first_year` to
    `last_year`; action surveys `report_years` (default: `last_year` and the year after,
    as the inventory lags the report by a year). Same arguments, same bytes.
    """
    out = Path(out)
    if municipalities < 1:
        raise ValueError(f"municipalities must be at least 1, got {municipalities}")
    if first_year > last_year:
        raise ValueError(f"first_year {first_year} is after last_year {last_year}")
    surveys = tuple(sorted(set(report_years))) if report_years else (last_year, last_year + 1)
    _prepare(out)

    real = real_municipalities()[: min(municipalities, REAL_COUNT)]
    synthetic_count = max(municipalities - REAL_COUNT, 0)
    excluded = set(
        stream(seed, "members").sample([m.code for m in real_municipalities()], NON_MEMBERS)
    )
    roles = draw_roles([m.code for m in real if m.code not in excluded], seed)
    years = list(range(first_year, last_year + 1))
    statbank_years = list(range(first_year, max(last_year, surveys[-1]) + 1))
    # Up to the 98 real municipalities the latest year comes as saved API answers, as a
    # fresh fetch would; at scale everything is flat CSV, one file per year.
    large = synthetic_count > 0
    json_years = set() if large else {last_year}
    members_by_region: dict[str, list[str]] = {}
    files = {
        "plans": "plans/plans.csv",
        "regions": "regions/regionale_indikatorer.csv",
        "tracks": "tracks/udviklingsspor.csv",
        **{f"actions_{y}": f"actions/indsatser_{y}.csv" for y in surveys},
    }

    inventory = InventoryWriter(out, years, json_years, per_year_files=large)
    statbank = StatBankWriter(out, statbank_years)
    with ExitStack() as stack:
        stack.callback(statbank.close)
        stack.callback(inventory.close)
        plans = stack.enter_context(csv_writer(out / files["plans"], PLAN_HEADER, **EXCEL))
        actions = {
            year: stack.enter_context(
                csv_writer(out / files[f"actions_{year}"], ACTION_HEADER, **EXCEL)
            )
            for year in surveys
        }
        listing = None
        if large:
            listing = stack.enter_context(
                csv_writer(out / "synthetic_municipalities.csv", SYNTHETIC_HEADER, **API)
            )
        for profile in _profiles(real, synthetic_count, seed):
            municipality = profile.municipality
            if listing is not None and municipality.synthetic:
                listing.writerow(
                    [
                        municipality.code,
                        municipality.name,
                        municipality.region_code,
                        municipality.region_name,
                    ]
                )
            inventory.write(profile)
            statbank.write(profile)
            if not _is_member(municipality, excluded, seed):
                continue
            members_by_region.setdefault(municipality.region_code, []).append(municipality.code)
            plan = plan_row(profile, roles, seed)
            plans.writerow(plan.cells)
            for row in survey_rows(profile, plan, surveys, last_year, seed):
                actions[int(row[0])].writerow(row)

    write_regional_indicators(out, statbank_years, seed)
    write_tracks(out, members_by_region, surveys[-1], seed)
    run = Run(
        seed=seed,
        municipalities=municipalities,
        real_count=len(real),
        synthetic_count=synthetic_count,
        members=sum(len(codes) for codes in members_by_region.values()),
        first_year=first_year,
        last_year=last_year,
        report_years=surveys,
        statbank_years=tuple(statbank_years),
        inventory_files=tuple(inventory.files),
        json_years=tuple(sorted(json_years)),
        other_files=files,
    )
    write_manifest(out, run)
    return out


def _profiles(real: tuple[Municipality, ...], synthetic: int, seed: int) -> Iterator[Profile]:
    for municipality in real:
        yield real_profile(municipality, seed)
    for municipality in synthetic_municipalities(synthetic, seed):
        yield synthetic_profile(municipality, seed)


def _is_member(municipality: Municipality, excluded: set[str], seed: int) -> bool:
    if municipality.synthetic:
        draw = stream(seed, "member", municipality.code).random()
        return draw >= SYNTHETIC_NON_MEMBER_SHARE
    return municipality.code not in excluded


def _prepare(out: Path) -> None:
    """Refuse to write into a folder of other data; clear an earlier sample's files so
    no stale export (a JSON of a year no longer written, say) survives a rewrite."""
    # Hidden files (a .gitkeep) do not make a folder someone else's.
    if out.exists() and any(not p.name.startswith(".") for p in out.iterdir()):
        if not (out / "MANIFEST.json").is_file():
            raise FileExistsError(
                f"{out} is not empty and holds no sample data (no MANIFEST.json); "
                "choose an empty or new folder"
            )
        for folder in OWN_FOLDERS:
            shutil.rmtree(out / folder, ignore_errors=True)
        for name in OWN_FILES:
            (out / name).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
