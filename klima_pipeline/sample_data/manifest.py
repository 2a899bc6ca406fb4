"""MANIFEST.json and README.md: what in a sample folder is real and what is invented.

The pipeline loads the manifest into the warehouse and every output prints the
"Eksempeldata / Sample data" notice and the Energistyrelsen credit from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from klima_pipeline.sample_data.profiles import REAL_FIRST_YEAR, REAL_LAST_YEAR

CREDIT = "Kilde: Energi- og CO2-regnskabet, Energistyrelsen"
DEFAULTS = {"municipalities": 98, "first_year": 2018, "last_year": 2023, "seed": 0}


@dataclass(frozen=True)
class Run:
    """What one call of the generator was asked for and what it wrote."""

    seed: int
    municipalities: int
    real_count: int
    synthetic_count: int
    members: int
    first_year: int
    last_year: int
    report_years: tuple[int, ...]
    statbank_years: tuple[int, ...]
    inventory_files: tuple[str, ...]
    json_years: tuple[int, ...]
    other_files: dict[str, str]


def _span(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _part(source: str, kind: str, files: list[str], da: str, en: str, **extra: object) -> dict:
    return {
        "source": source,
        "kind": kind,
        "files": files,
        **extra,
        "description_da": da,
        "description_en": en,
    }


def manifest(run: Run) -> dict:
    years = list(range(run.first_year, run.last_year + 1))
    real_years = [y for y in years if REAL_FIRST_YEAR <= y <= REAL_LAST_YEAR]
    trend_years = [y for y in years if y not in real_years]
    inventory = list(run.inventory_files)
    parts = []
    if run.real_count and real_years:
        parts.append(
            _part(
                "klimaregnskab",
                "real",
                inventory,
                f"Kommunernes udledninger (Samlet CO2-udledning, Ton CO2e) {_span(real_years)} for "
                f"{run.real_count} kommuner fra Energistyrelsens Energi- og CO2-regnskab, samt "
                "kildens egen udledning pr. indbygger og VE-el selvforsyningsgrad (forhold × 100).",
                f"Municipal emissions (Samlet CO2-udledning, Ton CO2e) {_span(real_years)} for "
                f"{run.real_count} municipalities from Energistyrelsen's Energi- og CO2-regnskab, "
                "with the source's own total per inhabitant and renewable-electricity "
                "self-sufficiency (ratio × 100).",
                credit=CREDIT,
                years=real_years,
            )
        )
        parts.append(
            _part(
                "klimaregnskab",
                "derived",
                inventory,
                "Affaldsdeponi og Spildevand er kildens samlede affaldstal delt med en fast andel "
                "(65 % / 35 %, summen er uændret). Udledning pr. indbygger for de enkelte sektorer "
                "er udledning ÷ den afledte befolkning; pr. km² bruger arealer beregnet af "
                "forenklede DAGI-kommunegrænser (omtrentlige).",
                "Affaldsdeponi and Spildevand split the source's combined waste value with a "
                "fixed share (65 % / 35 %, the sum unchanged). Sector emissions per inhabitant "
                "are emissions ÷ the derived population; per km² uses areas computed from "
                "simplified DAGI boundaries (approximate).",
                years=real_years,
            )
        )
    invented_da = ["Samlet energiforbrug (TJ) er opfundet"]
    invented_en = ["Samlet energiforbrug (TJ) is invented"]
    if run.real_count and trend_years:
        invented_da.append(
            f"de virkelige kommuners udledninger for {', '.join(map(str, trend_years))} er "
            "fremskrevet af deres egen udvikling 2018–2023 med lidt støj"
        )
        invented_en.append(
            f"the real municipalities' emissions for {', '.join(map(str, trend_years))} are "
            "extended from their own 2018–2023 trend with a little noise"
        )
    if run.synthetic_count:
        invented_da.append("alle tal for de syntetiske kommuner er opfundne")
        invented_en.append("every figure of the synthetic municipalities is invented")
    parts.append(
        _part(
            "klimaregnskab",
            "sample",
            inventory,
            "; ".join(invented_da) + ".",
            "; ".join(invented_en) + ".",
            years=trend_years or years,
        )
    )
    statbank_years = list(run.statbank_years)
    derived_years = [y for y in statbank_years if REAL_FIRST_YEAR <= y <= REAL_LAST_YEAR]
    if run.real_count and derived_years:
        parts.append(
            _part(
                "statbank/FOLK1A",
                "derived",
                ["statbank/FOLK1A.csv"],
                f"Befolkning 1. januar {_span(derived_years)} for de virkelige kommuner: den "
                "befolkning Energistyrelsens opgørelse forudsætter (udledning ÷ udledning pr. "
                "indbygger), inden for ca. 0,05 % af Danmarks Statistiks tal. Ikke hentet fra "
                "Statistikbanken.",
                f"Population at 1 January {_span(derived_years)} for the real municipalities: "
                "the population Energistyrelsen's inventory implies (emissions ÷ emissions per "
                "inhabitant), within about 0.05 % of Statistics Denmark's figure. Not fetched "
                "from StatBank.",
                years=derived_years,
            )
        )
    parts.append(
        _part(
            "statbank/FOLK1A",
            "sample",
            ["statbank/FOLK1A.csv"],
            "Fordelingen på køn, andre år end 2018–2023 (fremskrevet), de "
            "syntetiske kommuner samt region- og landstal (summer af kommunerne).",
            "The split by sex, years outside 2018–2023 (extended by trend), the "
            "synthetic municipalities, and region and national rows (sums of the "
            "municipalities).",
            years=statbank_years,
        )
    )
    parts += [
        _part(
            "statbank/BIL54",
            "sample",
            ["statbank/BIL54.csv"],
            "Personbiler efter drivmiddel, opfundet med realistisk form "
            "(elbilandelen vokser fra under 1 % i 2018 til omkring 10 % i 2024).",
            "Passenger cars by fuel, invented with a realistic shape (the "
            "battery-electric share grows from under 1 % in 2018 to about 10 % in 2024).",
            years=statbank_years,
        ),
        _part(
            "statbank/BOL102",
            "sample",
            ["statbank/BOL102.csv"],
            "Boliger efter opvarmning, opfundet (varmepumper erstatter olie- "
            "og gasfyr; mest fjernvarme i byerne).",
            "Dwellings by heating, invented (heat pumps replace oil and gas "
            "boilers; district heating dominates in towns).",
            years=statbank_years,
        ),
        _part(
            "plans",
            "sample",
            [run.other_files["plans"]],
            f"Planregister med {run.members} medlemmer; godkendelser, "
            "basisår, mål og revisionsstatus er opfundne. Hvilke kommuner der står uden for, "
            "er også opfundet.",
            f"Plan registry with {run.members} members; approvals, baselines, "
            "targets and revision status are invented, and so is which municipalities are "
            "left out.",
        ),
        _part(
            "actions",
            "sample",
            [run.other_files[f"actions_{y}"] for y in run.report_years],
            "Indsatsrapporteringer med opfundne indsatser, statusser og "
            "forventede reduktioner (i størrelsesorden med kommunens udledning).",
            "Action surveys with invented actions, statuses and expected "
            "reductions (scaled to the municipality's emissions).",
            years=list(run.report_years),
        ),
        _part(
            "regions",
            "sample",
            [run.other_files["regions"]],
            "Regionale indikatorer (kollektiv trafik, VE-andel, skovrejsning), opfundne.",
            "Regional indicators (public transport, renewable share, new forest), invented.",
            years=statbank_years,
        ),
        _part(
            "tracks",
            "sample",
            [run.other_files["tracks"]],
            "Klimaudviklingsspor med opfundne deltagere, datoer og budgetter.",
            "Development tracks with invented participants, dates and budgets.",
        ),
    ]
    if run.synthetic_count:
        parts.append(
            _part(
                "synthetic",
                "sample",
                ["synthetic_municipalities.csv"],
                f"{run.synthetic_count} syntetiske kommuner (koder fra 1001) til "
                "skalatest; navne og alle tal er opfundne.",
                f"{run.synthetic_count} synthetic municipalities (codes from 1001) "
                "for scale tests; names and every figure are invented.",
            )
        )
    json_note = (
        f"saved API answers (JSON) for {', '.join(map(str, run.json_years))}, "
        if run.json_years
        else ""
    )
    return {
        "dataset": "klima-pipeline sample data (Eksempeldata)",
        "notice_da": "Eksempeldata: udledningerne er Energistyrelsens virkelige tal; planer, "
        "indsatser, biler, boliger, regionale indikatorer og udviklingsspor er opfundne.",
        "notice_en": "Sample data: the emissions are Energistyrelsen's real figures; plans, "
        "actions, cars, dwellings, regional indicators and development tracks are invented.",
        "credit": CREDIT,
        "generator": {
            "command": "klima sample-data",
            "seed": run.seed,
            "municipalities": run.municipalities,
            "real_municipalities": run.real_count,
            "synthetic_municipalities": run.synthetic_count,
            "first_year": run.first_year,
            "last_year": run.last_year,
            "report_years": list(run.report_years),
        },
        "layout": {
            "klimaregnskab": json_note + "flat CSV downloads for the other years",
        },
        "parts": parts,
    }


def command(run: Run) -> str:
    options = [
        ("--municipalities", run.municipalities),
        ("--first-year", run.first_year),
        ("--last-year", run.last_year),
        ("--seed", run.seed),
    ]
    defaults = list(DEFAULTS.values())
    extra = [
        f"{flag} {value}"
        for (flag, value), default in zip(options, defaults, strict=True)
        if value != default
    ]
    return " ".join(["klima sample-data --out DIR", *extra])


def readme(run: Run) -> str:
    regenerate = command(run)
    if regenerate == "klima sample-data --out DIR":
        regenerate = "klima sample-data --out data/raw"
    lines = [
        "# Sample raw exports (Eksempeldata)",
        "",
        "Written by `klima sample-data` in the formats of the project's raw-export "
        "specification. `MANIFEST.json` lists every part with its kind (real, derived, "
        "sample); the pipeline reads it and every report built from this folder says "
        '"Eksempeldata / Sample data".',
        "",
        "## Real",
        "",
        "- `klimaregnskab/`: the emissions (type `Samlet CO2-udledning`, unit `Ton CO2e`) of "
        f"the {run.real_count} real municipalities for "
        f"{REAL_FIRST_YEAR}–{REAL_LAST_YEAR} within the years written are Energistyrelsen's "
        "official municipal inventories, as its key-figures API gives them, with the "
        "source's own total (`Samlet`), total per inhabitant and renewable-electricity "
        'self-sufficiency. Credit: "' + CREDIT + '". The source revises past years, so '
        "other vintages differ.",
        "",
        "## Derived",
        "",
        "- `Affaldsdeponi` and `Spildevand` split the source's combined waste value 65/35 "
        "(exactly, in tenths of a tonne). Per-inhabitant values per sector divide by the "
        "population below; per-km² values divide by areas computed from simplified DAGI "
        "boundaries (approximate).",
        "- `statbank/FOLK1A.csv`, 2018–2023, real municipalities: the population the "
        "inventories imply (total ÷ total per inhabitant), not fetched from StatBank.",
        "",
        "## Invented (sample data)",
        "",
        "- Total energy use (`Samlet energiforbrug`, TJ); inventory years outside "
        "2018–2023 (extended by each municipality's trend); every figure of synthetic "
        "municipalities.",
        "- FOLK1A's split by sex, its region (081–085) and national (000) rows, and "
        "population outside 2018–2023.",
        "- `statbank/BIL54.csv` (cars by fuel), `statbank/BOL102.csv` (dwellings by "
        "heating), `plans/plans.csv`, `actions/`, `regions/`, `tracks/`"
        + (", `synthetic_municipalities.csv`" if run.synthetic_count else "")
        + ".",
        "",
        "## Regenerate",
        "",
        "```",
        regenerate,
        "```",
        "",
        f"Parameters: seed {run.seed}, {run.municipalities} municipalities "
        f"({run.synthetic_count} synthetic), inventory years {run.first_year}–"
        f"{run.last_year}, action surveys for {', '.join(map(str, run.report_years))}. "
        "The same parameters give byte-identical files.",
        "",
    ]
    return "\n".join(lines)


def write_manifest(folder: Path, run: Run) -> None:
    text = json.dumps(manifest(run), ensure_ascii=False, indent=2) + "\n"
    (folder / "MANIFEST.json").write_text(text, encoding="utf-8", newline="\n")
    (folder / "README.md").write_text(readme(run), encoding="utf-8", newline="\n")
