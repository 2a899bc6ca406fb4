"""Invented regional indicators and development tracks (formats.md §5 and §6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from klima_pipeline.sample_data.files import API, csv_writer, decimal
from klima_pipeline.sample_data.profiles import REGIONS, stream

REGION_HEADER = ("Regionskode", "Indikator", "År", "Værdi", "Enhed")
TRACK_HEADER = (
    "Spor-id",
    "Titel",
    "Tema",
    "Deltagere",
    "Status",
    "Start",
    "Slut",
    "Budget (kr.)",
)

# Passengers on regional buses and local trains in a normal year (millions).
PASSENGERS = {"1081": 24.0, "1082": 58.0, "1083": 36.0, "1084": 118.0, "1085": 31.0}
RENEWABLE_SHARE = {"1081": 58.0, "1082": 49.0, "1083": 45.0, "1084": 38.0, "1085": 47.0}

TRACKS = (
    ("Store varmepumper i fjernvarmen", "Energi"),
    ("Energifællesskaber i landsbyer", "Energi"),
    ("Fælles udbud af solceller på offentlige tage", "Energi"),
    ("Fossilfri kollektiv bustrafik", "Transport"),
    ("Ladeinfrastruktur i yderområder", "Transport"),
    ("Cykelsuperstier på tværs af kommunegrænser", "Transport"),
    ("Grøn kommunal bilflåde – fælles indkøb", "Transport"),
    ("Lavbundsjorder og vådområder", "Landbrug"),
    ("Skovrejsning og grundvandsbeskyttelse", "Landbrug"),
    ("Klimatilpasset landbrug – demonstrationsbedrifter", "Landbrug"),
    ("Cirkulært byggeri og genbrug af materialer", "Affaldsdeponi"),
    ("Lattergas på renseanlæg", "Spildevand"),
    ("CO2-fangst ved industrien", "Kemiske processer"),
    ("Klimaregnskaber for virksomheder", "Tværgående"),
    ("Borgerinddragelse i klimaplanlægning", "Tværgående"),
    ("Fælles klimadata og monitorering", "Tværgående"),
    ("Grønne offentlige indkøb", "Tværgående"),
    ('Klimakommunikation: "Din kommune, dit klima"', "Tværgående"),
)


def write_regional_indicators(folder: Path, years: Sequence[int], seed: int) -> str:
    """Public transport dips in 2020–2021 (the pandemic) and recovers; the regional
    renewable share rises about two points a year; new forest varies year to year."""
    name = "regions/regionale_indikatorer.csv"
    with csv_writer(folder / name, REGION_HEADER, **API) as writer:
        writer.writerows(_regional_rows(years, seed))
    return name


def _regional_rows(years: Sequence[int], seed: int) -> list[list[str]]:
    rows = []
    for region in REGIONS:
        rng = stream(seed, "regional-indicators", region)
        growth = rng.uniform(0.995, 1.015)
        for year in years:
            dip = {2020: 0.68, 2021: 0.74, 2022: 0.9}.get(year, 1.0)
            passengers = PASSENGERS[region] * growth ** (year - 2018) * dip
            passengers *= rng.uniform(0.98, 1.02)
            share = RENEWABLE_SHARE[region] + 2.1 * (year - 2018) + rng.uniform(-1.0, 1.0)
            forest = rng.uniform(20, 260)
            rows += [
                [
                    region,
                    "kollektiv_trafik_passagerer",
                    str(year),
                    decimal(passengers, 1),
                    "mio. passagerer",
                ],
                [region, "regional_ve_andel", str(year), decimal(min(share, 100), 1), "%"],
                [region, "skovrejsning_ha", str(year), decimal(forest, 1), "ha"],
            ]
    return rows


def write_tracks(
    folder: Path, members_by_region: dict[str, list[str]], last_report_year: int, seed: int
) -> str:
    name = "tracks/udviklingsspor.csv"
    with csv_writer(folder / name, TRACK_HEADER, **API) as writer:
        writer.writerows(_track_rows(members_by_region, last_report_year, seed))
    return name


def _track_rows(
    members_by_region: dict[str, list[str]], last_report_year: int, seed: int
) -> list[list[str]]:
    """10–20 tracks (more for large samples), each with 3–25 members, often from one
    region and its neighbours, and usually the region itself."""
    rng = stream(seed, "tracks")
    members = sorted((code for codes in members_by_region.values() for code in codes), key=int)
    count = rng.randint(12, 18) + max(len(members) - 98, 0) // 50
    rows = []
    for number in range(1, count + 1):
        title, theme = TRACKS[(number - 1) % len(TRACKS)]
        if number > len(TRACKS):
            title = f"{title} (runde {(number - 1) // len(TRACKS) + 1})"
        home = rng.choice(sorted(members_by_region))
        size = min(rng.randint(3, 25), len(members))
        local = members_by_region[home]
        chosen = rng.sample(local, min(len(local), round(size * 0.6)))
        taken = set(chosen)
        others = [code for code in members if code not in taken]
        chosen += rng.sample(others, min(len(others), size - len(chosen)))
        participants = sorted(chosen, key=int)
        if rng.random() < 0.7:
            participants.append(home)
        if rng.random() < 0.2:
            participants.append(rng.choice(sorted(REGIONS)))
        status = rng.choices(("Afsluttet", "I gang", "Planlagt"), weights=(3, 6, 2))[0]
        if status == "Planlagt":
            start = dt.date(last_report_year + 1, rng.randint(1, 12), 1)
            end = ""
        elif status == "Afsluttet":
            start = dt.date(
                rng.randint(2020, max(last_report_year - 2, 2020)), rng.randint(1, 12), 1
            )
            end = dt.date(start.year + rng.randint(1, 2), rng.randint(1, 12), 28).isoformat()
        else:
            start = dt.date(rng.randint(2021, last_report_year), rng.randint(1, 12), 1)
            end = "" if rng.random() < 0.4 else dt.date(last_report_year + 2, 12, 31).isoformat()
        budget = "" if rng.random() < 0.2 else str(rng.randint(5, 250) * 100_000)
        rows.append(
            [
                f"KUS-{number:03d}",
                title,
                theme,
                ",".join(dict.fromkeys(participants)),
                status,
                start.isoformat(),
                end,
                budget,
            ]
        )
    return rows
