"""The emission inventory in Energistyrelsen's two shapes (formats.md §1).

Saved API answers (`klimaregnskab/<kode>_<år>.json`) and flat downloads
(`klimaregnskab/*.csv`). The API gives `Affaldsdeponi` and `Spildevand` separately, so
the combined sector of the reference file is split with a fixed share, in whole tenths
of a tonne so that the two parts add up exactly to the published value.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from klima_pipeline.sample_data.files import API, csv_writer, decimal
from klima_pipeline.sample_data.profiles import SECTORS, Profile

EMISSIONS = ("Samlet CO2-udledning", "Ton CO2e")
PER_CAPITA = ("Ton CO2e/indb.", "Ton CO2e/indb.")
PER_KM2 = ("Ton CO2e/km²", "Ton CO2e/km²")
VE_EL = ("VE-el selvforsyningsgrad", "%")
ENERGY_USE = ("Samlet energiforbrug", "TJ")
LANDFILL_SHARE_PERCENT = 65
SOURCE_LABEL = {
    "energy": "Energi",
    "transport": "Transport",
    "agriculture": "Landbrug",
    "waste": "Affaldsdeponi + Spildevand",
    "industry": "Kemiske processer",
}
FLAT_HEADER = ("Kommunekode", "Kommune", "År", "Sektor", "Type", "Enhed", "Værdi")

# (Sektor, Type, Enhed, value, decimals)
Row = tuple[str, str, str, float, int]


def split_waste(tenths: int) -> tuple[int, int]:
    """Landfill and wastewater parts of the combined waste value, summing exactly."""
    landfill = (tenths * LANDFILL_SHARE_PERCENT + 50) // 100
    return landfill, tenths - landfill


def inventory_rows(profile: Profile, year: int) -> list[Row]:
    """What the source's key-figures API says for one municipality and year."""
    sectors = profile.sectors(year)
    landfill, wastewater = split_waste(sectors["waste"])
    emissions = [
        ("Energi", sectors["energy"]),
        ("Transport", sectors["transport"]),
        ("Landbrug", sectors["agriculture"]),
        ("Affaldsdeponi", landfill),
        ("Spildevand", wastewater),
        ("Kemiske processer", sectors["industry"]),
        ("Samlet", profile.source_total(year)),
    ]
    rows: list[Row] = [(label, *EMISSIONS, tenths / 10, 1) for label, tenths in emissions]
    # Indicators per sector use the combined waste label, as the indicator catalogue does.
    per_sector = [(SOURCE_LABEL[s], sectors[s] / 10) for s in SECTORS]
    per_sector.append(("Samlet", profile.source_total(year) / 10))
    population = profile.population(year)
    for label, tonnes in per_sector:
        per_capita = tonnes / population
        if label == "Samlet" and profile.real is not None and profile.is_real(year):
            per_capita = profile.real.per_capita_total[year]
        rows.append((label, *PER_CAPITA, per_capita, 3))
    rows.extend((label, *PER_KM2, tonnes / profile.area_km2, 1) for label, tonnes in per_sector)
    rows.append(("Samlet", *VE_EL, profile.ve_percent(year), 2))
    rows.append(("Samlet", *ENERGY_USE, profile.energy_use_tj(year), 1))
    return rows


def api_answer(rows: list[Row]) -> str:
    # One element per line: readable in a diff, and still the API's JSON.
    elements = [
        json.dumps(
            {"sektor": sector, "type": kind, "enhed": unit, "værdi": round(value, places) + 0.0},
            ensure_ascii=False,
        )
        for sector, kind, unit, value, places in rows
    ]
    return '{"data": [\n  ' + ",\n  ".join(elements) + "\n]}\n"


class InventoryWriter:
    """Streams each municipality's years into the files of the chosen layout.

    `json_years` go out as saved API answers, one file per municipality and year; the
    other years as flat downloads, in one file or one file per year (large runs)."""

    def __init__(
        self, folder: Path, years: list[int], json_years: set[int], per_year_files: bool
    ) -> None:
        self.folder = folder / "klimaregnskab"
        self.years = years
        self.json_years = json_years
        self._stack = ExitStack()
        self._writers: dict[int, Any] = {}
        flat_years = [y for y in years if y not in json_years]
        self.files: list[str] = []
        if per_year_files:
            groups = [[year] for year in flat_years]
        else:
            groups = [flat_years] if flat_years else []
        for group in groups:
            span = str(group[0]) if len(group) == 1 else f"{group[0]}-{group[-1]}"
            name = f"klimaregnskab_{span}.csv"
            self.files.append(f"klimaregnskab/{name}")
            writer = self._stack.enter_context(csv_writer(self.folder / name, FLAT_HEADER, **API))
            for year in group:
                self._writers[year] = writer
        if json_years:
            self.files.append("klimaregnskab/<kommunekode>_<år>.json")
        self.folder.mkdir(parents=True, exist_ok=True)

    def write(self, profile: Profile) -> None:
        municipality = profile.municipality
        for year in self.years:
            rows = inventory_rows(profile, year)
            if year in self.json_years:
                path = self.folder / f"{municipality.code}_{year}.json"
                path.write_text(api_answer(rows), encoding="utf-8", newline="\n")
                continue
            self._writers[year].writerows(
                [
                    municipality.code,
                    municipality.name,
                    str(year),
                    sector,
                    kind,
                    unit,
                    decimal(value, places),
                ]
                for sector, kind, unit, value, places in rows
            )

    def close(self) -> None:
        self._stack.close()
