"""StatBank tables as its API answers them (formats.md §2): FOLK1A, BIL54, BOL102.

Population is the one the inventories imply (derived, not invented) for 2018–2023;
cars and dwellings are invented with the shape of the real tables: electric cars
taking off after 2020, heat pumps replacing oil and gas boilers, district heating
dominant in towns.
"""

from __future__ import annotations

import math
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from klima_pipeline.sample_data.files import API, csv_writer
from klima_pipeline.sample_data.profiles import REAL_FIRST_YEAR, Profile, stream

CAR_CODES = ("BENZIN", "DIESEL", "EL", "PLUGIN", "OEVRIGE")
HEATING_CODES = (
    "FJERNVARME",
    "VARMEPUMPE",
    "NATURGAS",
    "OLIE",
    "ELVARME",
    "BRAENDE",
    "UOPLYST",
)


def _logistic(year: int, ceiling: float, rate: float, midpoint: float) -> float:
    return ceiling / (1 + math.exp(-rate * (year - midpoint)))


def car_counts(profile: Profile, years: list[int]) -> dict[int, dict[str, int]]:
    """Passenger cars by fuel at 1 January: battery-electric about 0.8 % in 2018 and
    11 % in 2024 nationally, more in the capital's suburbs, fewer in rural areas."""
    rng = stream(profile.seed, "cars", profile.code)
    level = rng.uniform(0.95, 1.05)
    lead = rng.lognormvariate(0.0, 0.3) * (
        1.25 if profile.municipality.region_code == "1084" else 1
    )
    plugin_lead = rng.lognormvariate(0.0, 0.2)
    diesel_lead = rng.uniform(0.95, 1.05)
    by_year = {}
    for year in years:
        population = profile.population(year)
        density = population / profile.area_km2
        per_capita = min(max(0.52 - 0.09 * math.log10(max(density, 1) / 50), 0.22), 0.56)
        total = population * per_capita * level * 1.01 ** (year - REAL_FIRST_YEAR)
        electric = min(_logistic(year, 0.80, 0.46, 2028.0) * lead, 0.9)
        plugin = min(_logistic(year, 0.08, 0.70, 2021.5) * plugin_lead, 0.2)
        rural = 1 + 0.15 * (1 - min(density, 1000) / 1000)
        diesel = max(0.31 - 0.012 * (year - REAL_FIRST_YEAR), 0.12) * rural * diesel_lead
        counts = {
            "EL": round(total * electric),
            "PLUGIN": round(total * plugin),
            "DIESEL": round(total * min(diesel, 0.6)),
            "OEVRIGE": round(total * 0.003),
        }
        counts["BENZIN"] = max(round(total) - sum(counts.values()), 0)
        by_year[year] = {code: counts[code] for code in CAR_CODES}
    return by_year


def dwelling_counts(profile: Profile, years: list[int]) -> dict[int, dict[str, int]]:
    """Dwellings by heating at 1 January: each year oil boilers fall by 12 % and gas
    boilers by 7 %, mostly to heat pumps; district heating is denser in towns."""
    rng = stream(profile.seed, "dwellings", profile.code)
    household = rng.uniform(1.95, 2.2)
    density = profile.population(REAL_FIRST_YEAR) / profile.area_km2
    district = min(max(0.55 + 0.18 * math.log10(max(density, 1) / 100), 0.15), 0.97)
    district *= rng.uniform(0.9, 1.05)
    unknown = rng.uniform(0.005, 0.03)
    rest = max(1 - district - unknown, 0.02)
    weights = {
        "NATURGAS": rng.uniform(0.2, 0.5),
        "OLIE": rng.uniform(0.1, 0.25),
        "VARMEPUMPE": rng.uniform(0.1, 0.25),
        "ELVARME": rng.uniform(0.1, 0.25),
        "BRAENDE": rng.uniform(0.04, 0.12),
    }
    scale = rest / sum(weights.values())
    base = {code: weight * scale for code, weight in weights.items()}
    by_year = {}
    for year in years:
        steps = year - REAL_FIRST_YEAR
        oil = base["OLIE"] * 0.88**steps
        gas = base["NATURGAS"] * 0.93**steps
        freed = (base["OLIE"] - oil) + (base["NATURGAS"] - gas)
        shares = {
            "FJERNVARME": district + 0.2 * freed,
            "VARMEPUMPE": max(base["VARMEPUMPE"] + 0.8 * freed, 0.005),
            "NATURGAS": gas,
            "OLIE": oil,
            "ELVARME": base["ELVARME"],
            "BRAENDE": base["BRAENDE"],
            "UOPLYST": unknown,
        }
        norm = sum(shares.values())
        total = profile.population(year) / household * 1.006**steps
        by_year[year] = {code: round(total * shares[code] / norm) for code in HEATING_CODES}
    return by_year


class StatBankWriter:
    """Streams municipality rows; region (081–085) and national (000) rows, which
    StatBank adds and the pipeline must parse but never sums, follow at the end."""

    def __init__(self, folder: Path, years: list[int]) -> None:
        self.years = years
        self._stack = ExitStack()
        statbank = folder / "statbank"
        self._folk = self._stack.enter_context(
            csv_writer(statbank / "FOLK1A.csv", ("OMRÅDE", "KØN", "TID", "INDHOLD"), **API)
        )
        self._cars = self._stack.enter_context(
            csv_writer(statbank / "BIL54.csv", ("OMRÅDE", "DRIV", "TID", "INDHOLD"), **API)
        )
        self._dwellings = self._stack.enter_context(
            csv_writer(statbank / "BOL102.csv", ("OMRÅDE", "OPVARM", "TID", "INDHOLD"), **API)
        )
        self._sums: dict[str, dict[tuple[str, str, str], int]] = {
            "folk": defaultdict(int),
            "cars": defaultdict(int),
            "dwellings": defaultdict(int),
        }

    def _emit(self, table: str, writer: Any, area: str, region: str, rows: list) -> None:
        writer.writerows([area, code, period, str(value)] for code, period, value in rows)
        sums = self._sums[table]
        for code, period, value in rows:
            sums[("000", code, period)] += value
            sums[(region, code, period)] += value

    def write(self, profile: Profile) -> None:
        code = profile.code
        region = "0" + profile.municipality.region_code[-2:]
        men_share = stream(profile.seed, "sexes", code).uniform(0.492, 0.508)
        cars_by_year = car_counts(profile, self.years)
        dwellings_by_year = dwelling_counts(profile, self.years)
        folk, cars, dwellings = [], [], []
        for year in self.years:
            population = profile.population(year)
            men = round(population * men_share)
            quarter, period = f"{year}K1", str(year)
            folk += [("TOT", quarter, population), ("1", quarter, men)]
            folk.append(("2", quarter, population - men))
            by_fuel = cars_by_year[year]
            cars.append(("TOT", period, sum(by_fuel.values())))
            cars += [(fuel, period, count) for fuel, count in by_fuel.items()]
            by_heating = dwellings_by_year[year]
            dwellings.append(("TOT", period, sum(by_heating.values())))
            dwellings += [(heat, period, count) for heat, count in by_heating.items()]
        self._emit("folk", self._folk, code, region, folk)
        self._emit("cars", self._cars, code, region, cars)
        self._emit("dwellings", self._dwellings, code, region, dwellings)

    def close(self) -> None:
        for table, writer in (
            ("folk", self._folk),
            ("cars", self._cars),
            ("dwellings", self._dwellings),
        ):
            writer.writerows(
                [area, code, period, str(value)]
                for (area, code, period), value in sorted(self._sums[table].items())
            )
        self._stack.close()
