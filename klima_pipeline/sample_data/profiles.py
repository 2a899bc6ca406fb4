"""Who is in the sample and what each municipality emits, year by year.

A profile answers for any year, so the writers never need the whole data set in
memory: real municipalities answer from Energistyrelsen's inventories for 2018–2023
and by trend outside them; synthetic ones from a small invented model. Emissions are
whole tenths of a tonne (ints), as the source publishes them, so every sum is exact.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from klima_pipeline.config import REFERENCE_DIR

REAL_FIRST_YEAR = 2018
REAL_LAST_YEAR = 2023
SECTORS = ("energy", "transport", "agriculture", "waste", "industry")
SOURCE_SECTOR = {
    "Energi": "energy",
    "Transport": "transport",
    "Landbrug": "agriculture",
    "Affaldsdeponi + Spildevand": "waste",
    "Kemiske processer": "industry",
}
REGIONS = {
    "1081": "Region Nordjylland",
    "1082": "Region Midtjylland",
    "1083": "Region Syddanmark",
    "1084": "Region Hovedstaden",
    "1085": "Region Sjælland",
}
# Synthetic municipalities are spread over the regions like the real 98 are.
REGION_WEIGHTS = {"1081": 11, "1082": 19, "1083": 22, "1084": 29, "1085": 17}
EARTH_RADIUS_KM = 6371.0088


def stream(seed: int | str, *labels: object) -> random.Random:
    """An independent random stream per purpose, so adding rows for one municipality or
    one export never shifts the numbers of another (string seeds hash with SHA-512)."""
    return random.Random(":".join(str(part) for part in (seed, *labels)))


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    region_code: str
    region_name: str
    synthetic: bool


@dataclass(frozen=True)
class RealInventory:
    """Energistyrelsen's numbers for one municipality, years 2018–2023."""

    sectors: dict[int, dict[str, int]]
    totals: dict[int, int]
    population: dict[int, int]
    per_capita_total: dict[int, float]
    ve_ratio: dict[int, float]


@cache
def real_municipalities() -> tuple[Municipality, ...]:
    with (REFERENCE_DIR / "municipalities.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    found = [
        Municipality(
            row["municipality_code"],
            row["name"],
            row["region_code"],
            row["region_name"],
            synthetic=False,
        )
        for row in rows
    ]
    return tuple(sorted(found, key=lambda m: int(m.code)))


def _tenths(text: str) -> int:
    return round(float(text) * 10)


@cache
def real_inventories() -> dict[str, RealInventory]:
    sectors: dict[str, dict[int, dict[str, int]]] = {}
    totals: dict[str, dict[int, int]] = {}
    path = REFERENCE_DIR / "energistyrelsen_emissions_2018_2023.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            code, year = row["municipality_code"], int(row["year"])
            if row["sector"] == "Samlet":
                totals.setdefault(code, {})[year] = _tenths(row["emissions_t"])
            else:
                by_year = sectors.setdefault(code, {}).setdefault(year, {})
                by_year[SOURCE_SECTOR[row["sector"]]] = _tenths(row["emissions_t"])
    population: dict[str, dict[int, int]] = {}
    per_capita: dict[str, dict[int, float]] = {}
    ve_ratio: dict[str, dict[int, float]] = {}
    path = REFERENCE_DIR / "energistyrelsen_per_capita_2018_2023.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            code, year = row["municipality_code"], int(row["year"])
            population.setdefault(code, {})[year] = int(row["population_derived"])
            per_capita.setdefault(code, {})[year] = float(row["emissions_per_capita_t"])
            ve_ratio.setdefault(code, {})[year] = float(row["ve_el_selfsufficiency_ratio"])
    return {
        code: RealInventory(
            sectors[code], totals[code], population[code], per_capita[code], ve_ratio[code]
        )
        for code in sectors
    }


def _ring_area_km2(ring: list[list[float]]) -> float:
    # Area on the sphere of a lon/lat ring (the formula of Chamberlain and Duquette);
    # close enough to the official areas at the geojson's simplification.
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(ring):
        total += math.radians(lon2 - lon1) * (
            2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2))
        )
    return abs(total) * EARTH_RADIUS_KM**2 / 2


@cache
def real_areas_km2() -> dict[str, float]:
    """Approximate areas from the simplified DAGI boundaries, to 0.1 km²."""
    with (REFERENCE_DIR / "municipalities.geojson").open(encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    areas = {}
    for feature in features:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        area = sum(
            _ring_area_km2(rings[0]) - sum(_ring_area_km2(hole) for hole in rings[1:])
            for rings in polygons
        )
        areas[feature["properties"]["municipality_code"]] = round(area, 1)
    return areas


AREAS_FILE = REFERENCE_DIR / "municipality_areas.csv"


def write_areas_csv() -> None:
    """Write `reference/municipality_areas.csv` from the boundaries (run once, when the
    boundaries change: `python -m klima_pipeline.sample_data.profiles`). The pipeline
    reads the CSV (ref.municipality_area), so areas are reference data like the names."""
    areas = real_areas_km2()
    lines = ["municipality_code;area_km2"]
    lines += [f"{code};{areas[code]:.1f}" for code in sorted(areas, key=int)]
    AREAS_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")


def synthetic_municipalities(count: int, seed: int) -> Iterator[Municipality]:
    """`count` invented municipalities: codes from 1001 up, skipping the region codes."""
    names: set[str] = {m.name for m in real_municipalities()}
    code = 1000
    for index in range(count):
        code += 1
        while 1081 <= code <= 1085:
            code += 1
        rng = stream(seed, "synthetic", code)
        # The first five go one to each region, so every region has synthetic members.
        if index < len(REGIONS):
            region = sorted(REGIONS)[index]
        else:
            region = rng.choices(list(REGION_WEIGHTS), weights=list(REGION_WEIGHTS.values()))[0]
        name = _invented_name(rng)
        if name in names:
            name = f"{name} {code}"
        names.add(name)
        yield Municipality(str(code), name, region, REGIONS[region], synthetic=True)


_NAME_PREFIX = ("", "", "", "Nørre ", "Søndre ", "Vester ", "Øster ", "Store ", "Lille ", "Ny ")
_NAME_STEM = (
    "Ager",
    "Bjerg",
    "Birke",
    "Eg",
    "Fjord",
    "Hede",
    "Holm",
    "Kær",
    "Lunde",
    "Mose",
    "Skov",
    "Strand",
    "Sø",
    "Tofte",
    "Vejle",
    "Vig",
    "Højs",
    "Dals",
    "Mølle",
    "Rønne",
    "Hjorte",
    "Ravns",
    "Ulfs",
    "Tranebjerg",
    "Kirke",
    "Næs",
    "Bøge",
    "Aske",
    "Hesse",
    "Lyng",
)
_NAME_SUFFIX = (
    "by",
    "rup",
    "strup",
    "lev",
    "sted",
    "løse",
    "bjerg",
    "holm",
    "havn",
    "inge",
    "ager",
    "toft",
    "bæk",
    "borg",
    "høj",
)


def _invented_name(rng: random.Random) -> str:
    return rng.choice(_NAME_PREFIX) + rng.choice(_NAME_STEM) + rng.choice(_NAME_SUFFIX)


@dataclass
class Profile:
    """One municipality's emissions, population and inventory indicators by year."""

    municipality: Municipality
    seed: int
    area_km2: float
    real: RealInventory | None = None
    model: dict[str, float] = field(default_factory=dict)
    _years: dict[int, dict[str, int]] = field(default_factory=dict, repr=False)

    @property
    def code(self) -> str:
        return self.municipality.code

    def is_real(self, year: int) -> bool:
        return self.real is not None and REAL_FIRST_YEAR <= year <= REAL_LAST_YEAR

    def sectors(self, year: int) -> dict[str, int]:
        """Tenths of a tonne CO2e per sector."""
        if self.real is not None and self.is_real(year):
            return self.real.sectors[year]
        if year not in self._years:
            self._years[year] = self._invented_sectors(year)
        return self._years[year]

    def gross_tenths(self, year: int) -> int:
        return sum(self.sectors(year).values())

    def source_total(self, year: int) -> int:
        """The source's own `Samlet` (it may differ from the sum of sectors by 0.1 t)."""
        if self.real is not None and self.is_real(year):
            return self.real.totals[year]
        return self.gross_tenths(year)

    def population(self, year: int) -> int:
        if self.real is not None:
            known = self.real.population
            if year in known:
                return known[year]
            growth = (known[REAL_LAST_YEAR] / known[REAL_FIRST_YEAR]) ** 0.2
            anchor = REAL_LAST_YEAR if year > REAL_LAST_YEAR else REAL_FIRST_YEAR
            return round(known[anchor] * growth ** (year - anchor))
        growth = self.model["population_growth"]
        return round(self.model["population"] * growth ** (year - REAL_FIRST_YEAR))

    def ve_percent(self, year: int) -> float:
        """Renewable-electricity self-sufficiency in percent (the source's ratio × 100)."""
        if self.real is not None:
            known = self.real.ve_ratio
            if year in known:
                return known[year] * 100
            anchor = REAL_LAST_YEAR if year > REAL_LAST_YEAR else REAL_FIRST_YEAR
            return known[anchor] * 100 * 1.06 ** (year - anchor)
        return self.model["ve_ratio"] * 100 * self.model["ve_growth"] ** (year - REAL_FIRST_YEAR)

    def energy_use_tj(self, year: int) -> float:
        """Invented: a floor per inhabitant plus the fuel behind transport emissions.
        Its factor is drawn without the seed so real years' files never depend on it."""
        factor = _energy_factor(self.code)
        transport_t = self.sectors(year)["transport"] / 10
        return self.population(year) * factor + transport_t * 0.0135

    def _invented_sectors(self, year: int) -> dict[str, int]:
        rng = stream(self.seed, "inventory", self.code, year)
        if self.real is not None:
            return self._trend(year, rng)
        offset = year - REAL_FIRST_YEAR
        values = {}
        for sector in SECTORS:
            level = self.model[f"{sector}_t"] * self.model[f"{sector}_rate"] ** offset
            values[sector] = round(level * rng.uniform(0.97, 1.03) * 10)
        return values

    def _trend(self, year: int, rng: random.Random) -> dict[str, int]:
        # Outside 2018–2023 a real municipality continues its own 2018–2023 trend,
        # with the yearly rate kept within plausible bounds and a little noise.
        assert self.real is not None
        first, last = self.real.sectors[REAL_FIRST_YEAR], self.real.sectors[REAL_LAST_YEAR]
        anchor = last if year > REAL_LAST_YEAR else first
        steps = year - (REAL_LAST_YEAR if year > REAL_LAST_YEAR else REAL_FIRST_YEAR)
        span = REAL_LAST_YEAR - REAL_FIRST_YEAR
        values = {}
        for sector in SECTORS:
            if sector == "agriculture":
                # Land use makes it cross zero in places: a linear trend, bounded.
                slope = (last[sector] - first[sector]) / span
                bound = 0.03 * max(abs(anchor[sector]), 10)
                slope = min(max(slope, -bound), bound)
                value = anchor[sector] + slope * steps
            else:
                if first[sector] > 0 and last[sector] > 0:
                    rate = (last[sector] / first[sector]) ** (1 / span)
                else:
                    rate = 1.0
                rate = min(max(rate, 0.90), 1.02)
                value = anchor[sector] * rate**steps
            values[sector] = round(value * rng.uniform(0.98, 1.02))
        return values


@cache
def _energy_factor(code: str) -> float:
    return stream("energy-use", code).uniform(0.06, 0.08)


def real_profile(municipality: Municipality, seed: int) -> Profile:
    return Profile(
        municipality,
        seed,
        area_km2=real_areas_km2()[municipality.code],
        real=real_inventories()[municipality.code],
    )


def synthetic_profile(municipality: Municipality, seed: int) -> Profile:
    """A municipality of realistic shape: urban ones emit from energy and transport,
    rural ones from agriculture; everything declines slowly; a few are heavy industry."""
    rng = stream(seed, "synthetic-model", municipality.code)
    population = min(max(rng.lognormvariate(math.log(30000), 0.8), 1800), 650000)
    # Larger towns tend to have larger municipalities (since the 2007 reform).
    area = rng.lognormvariate(math.log(350), 0.6) * (population / 30000) ** 0.3
    area = round(min(max(area, 8), 1500), 1)
    rural = min(1.0, max(0.0, math.log10(max(area, 10)) - 1.3) / 1.8)
    agriculture_per_km2 = rng.uniform(80, 550) * rural
    if rng.random() < 0.03:
        agriculture_per_km2 = -rng.uniform(50, 600)
    industry_per_capita = rng.uniform(0.0, 0.05)
    draw = rng.random()
    if draw < 0.05:
        industry_per_capita = rng.uniform(1.0, 8.0)
    elif draw < 0.15:
        industry_per_capita = rng.uniform(0.1, 1.0)
    model = {
        "population": population,
        "population_growth": rng.uniform(0.994, 1.012),
        "energy_t": population * rng.uniform(0.8, 3.2),
        "energy_rate": rng.uniform(0.91, 0.97),
        "transport_t": population * rng.uniform(1.0, 2.0),
        "transport_rate": rng.uniform(0.975, 0.995),
        "agriculture_t": area * agriculture_per_km2,
        "agriculture_rate": rng.uniform(0.985, 1.0),
        "waste_t": population * rng.uniform(0.03, 0.25),
        "waste_rate": rng.uniform(0.96, 0.99),
        "industry_t": population * industry_per_capita,
        "industry_rate": rng.uniform(0.97, 1.0),
        "ve_ratio": rng.lognormvariate(math.log(0.4), 1.0),
        "ve_growth": rng.uniform(1.03, 1.15),
    }
    return Profile(municipality, seed, area_km2=area, model=model)


if __name__ == "__main__":
    write_areas_csv()
