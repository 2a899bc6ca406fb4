"""Raw folders built from what formats.md and metrics.md allow, for the conformance suite.

This is a generator of its own, written from the spec and not from the project's sample
data: the pipeline has to read exports that someone else made. A `World` is what the
exports mean (emissions per municipality, year and source sector, plans, actions, ...);
a `Style` is how they are written down (encodings, line ends, number and code forms,
files split by year, .xlsx beside .csv, JSON answers, a later file overriding rows).
`write_folder` writes a world in a style and returns the findings the pipeline must
report for the faults the style injected, each with its file, row and column.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

MUNICIPALITIES: dict[str, tuple[str, str]] = {}  # code → (name, region code)
with (Path(__file__).parents[1] / "klima_pipeline/reference/municipalities.csv").open(
    encoding="utf-8"
) as _file:
    for _row in csv.DictReader(_file, delimiter=";"):
        MUNICIPALITIES[_row["municipality_code"]] = (_row["name"], _row["region_code"])
CODES = sorted(MUNICIPALITIES, key=int)
REGIONS = ("1081", "1082", "1083", "1084", "1085")

# Source sectors of the inventory and the project sector each counts in (formats.md §1).
SOURCE_SECTORS = {
    "Energi": "energy",
    "Transport": "transport",
    "Landbrug": "agriculture",
    "Affaldsdeponi": "waste",
    "Spildevand": "waste",
    "Kemiske processer": "industry",
}
IN_TOTAL = ("energy", "transport", "agriculture", "waste", "industry")
EMISSIONS = ("Samlet CO2-udledning", "Ton CO2e")
REGIONAL_INDICATORS = {
    "kollektiv_trafik_passagerer": "mio. passagerer",
    "regional_ve_andel": "%",
    "skovrejsning_ha": "ha",
}
ACTION_STATUS = {
    "Ikke igangsat": "planned",
    "Igangsat": "in_progress",
    "Gennemført": "completed",
    "Opgivet": "cancelled",
}
ACTION_SECTORS = {
    "Energi": "energy",
    "Transport": "transport",
    "Landbrug": "agriculture",
    "Kemiske processer": "industry",
    "Tværgående": "cross_cutting",
}
CURRENT_YEAR_CAP = 2025  # data years stay before the calendar year the tests run in
FIRST_REPORT_YEAR = 2020


# --- what the exports mean --------------------------------------------------------------


@dataclass
class Plan:
    code: str
    baseline_year: int | None
    baseline_t: float | None  # None: blank, taken from the inventory
    target_year: int | None
    reduction_pct: float | None
    net_zero_year: int | None
    basis: str  # "brutto", "netto", or "" (blank = brutto)
    approved: tuple[int, int, int] | None


@dataclass
class Action:
    code: str
    action_id: str
    title: str
    sector: str  # Danish label
    status: str  # Danish label
    expected_t: float | None


@dataclass
class World:
    codes: list[str]
    years: list[int]
    report_year: int
    # (code, year, source sector) → tonnes; absent key = no row in the exports
    emissions: dict[tuple[str, int, str], float]
    lulucf: dict[tuple[str, int], float]
    population: dict[tuple[str, int], int | None]  # None: delivered as '..'
    plans: list[Plan]
    actions: list[Action]
    regional: dict[tuple[str, str, int], float | None]  # None: delivered as '..'

    def sector_t(self, code: str, year: int) -> dict[str, float]:
        """Project sector → tonnes, for the sectors the exports give."""
        out: dict[str, float] = {}
        for (c, y, source), value in self.emissions.items():
            if c == code and y == year:
                sector = SOURCE_SECTORS[source]
                out[sector] = out.get(sector, 0.0) + value
        if (code, year) in self.lulucf:
            out["lulucf"] = self.lulucf[(code, year)]
        return out

    def is_complete(self, code: str, year: int) -> bool:
        return all(s in self.sector_t(code, year) for s in IN_TOTAL)


def _tonnes(rng: random.Random, low: float, high: float) -> float:
    """Tonnes with at most one decimal, as the exports give them."""
    return rng.randint(int(low * 10), int(high * 10)) / 10


@st.composite
def worlds(draw: st.DrawFn, all_municipalities: bool | None = None) -> World:
    """What a raw folder means. The structure (which municipalities and years, what is
    missing, the titles) is drawn by Hypothesis; the bulk of the values comes from a
    generator seeded by a drawn number, so that a world of all 98 municipalities stays small
    enough for Hypothesis to keep."""
    every = draw(st.booleans()) if all_municipalities is None else all_municipalities
    if every:
        codes = list(CODES)
    else:
        codes = sorted(draw(st.sets(st.sampled_from(CODES), min_size=2, max_size=8)), key=int)
    # A plain generator from a drawn seed: Hypothesis's own randoms() draw every call.
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    first = draw(st.integers(2012, 2019))
    last = draw(st.integers(max(first + 2, 2018), min(first + 7, CURRENT_YEAR_CAP - 1)))
    years = list(range(first, last + 1))
    # The report years the pipeline knows start with the alliance, in 2020.
    report_year = draw(st.integers(max(last, FIRST_REPORT_YEAR), min(last + 2, CURRENT_YEAR_CAP)))
    emissions: dict[tuple[str, int, str], float] = {}
    lulucf: dict[tuple[str, int], float] = {}
    population: dict[tuple[str, int], int | None] = {}
    # A municipality's level and trend; the yearly values wobble around it.
    for code in codes:
        level = rng.choice((2_000.0, 80_000.0, 600_000.0))
        trend = rng.choice((-0.08, -0.03, 0.0, 0.02))
        has_lulucf = rng.random() < 0.5
        for index, year in enumerate(years):
            scale = level * (1 + trend) ** index
            for source in SOURCE_SECTORS:
                low, high = (-0.2, 0.3) if source == "Landbrug" else (0.0, 0.5)
                emissions[(code, year, source)] = _tonnes(rng, low * scale, high * scale)
            if has_lulucf:
                lulucf[(code, year)] = _tonnes(rng, -0.1 * scale, 0.1 * scale)
            population[(code, year)] = rng.randint(1_800, 650_000)
    # Incomplete years: a sector in the total with no row at all. Waste needs both of
    # its source sectors gone; one of them alone still counts as present (rule 5).
    for _ in range(draw(st.integers(0, 3))):
        code, year = draw(st.sampled_from(codes)), draw(st.sampled_from(years))
        sector = draw(st.sampled_from(IN_TOTAL))
        for source, target in SOURCE_SECTORS.items():
            if target == sector:
                emissions.pop((code, year, source), None)
    for _ in range(draw(st.integers(0, 2))):
        code, year = draw(st.sampled_from(codes)), draw(st.sampled_from(years))
        emissions.pop((code, year, draw(st.sampled_from(("Affaldsdeponi", "Spildevand")))), None)
    for _ in range(draw(st.integers(0, 2))):
        population[(draw(st.sampled_from(codes)), draw(st.sampled_from(years)))] = None

    members = [c for c in codes if rng.random() < 0.9] or codes[:1]
    plans = [_plan(rng, code, years) for code in members]
    titles = draw(st.lists(_titles, min_size=1, max_size=4))
    actions: list[Action] = []
    for code in members:
        for number in range(rng.randint(0, 4)):
            actions.append(
                Action(
                    code=code,
                    action_id=f"{code}-{number + 1}",
                    title=rng.choice(titles),
                    sector=rng.choice(sorted(ACTION_SECTORS)),
                    status=rng.choice(sorted(ACTION_STATUS)),
                    expected_t=None if rng.random() < 0.2 else _tonnes(rng, 0, 5_000),
                )
            )
    regional: dict[tuple[str, str, int], float | None] = {}
    for region in REGIONS:
        for indicator in REGIONAL_INDICATORS:
            for year in years:
                if rng.random() < 0.15:
                    continue  # a gap: no row
                not_available = year > first and rng.random() < 0.15
                regional[(region, indicator, year)] = (
                    None if not_available else _tonnes(rng, 0, 100)
                )
    return World(codes, years, report_year, emissions, lulucf, population, plans, actions, regional)


_titles = st.one_of(
    st.sampled_from(
        (
            "Elbusser",
            'Fjernvarme; "grøn" omstilling',
            "Cykelstier\nfase 2",
            "<script>alert(1)</script> & {{ x }}",
            "Varmepumper – €",
        )
    ),
    # What people type in a survey: Danish letters, punctuation, separators and quotes.
    # (Arbitrary cp1252 bytes can spell a UTF-8 sequence such as 'Ã¸', which the reader
    # rightly takes for a file that mixes encodings.)
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzæøåÆØÅ ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        "-–.,;:!?'\"()/&%€<>{}\n",
        max_size=30,
    ),
)


def _plan(rng: random.Random, code: str, years: list[int]) -> Plan:
    first, last = years[0], years[-1]
    # Baselines before, inside and after the inventory, a 1990 one, a blank B.
    baseline_year = rng.choice((1990, first, first + 1, last, last + 1))
    baseline_t = None if rng.random() < 0.5 else _tonnes(rng, 1_000, 900_000)
    if baseline_year == 1990 and rng.random() < 0.5:
        baseline_t = None  # no B and no inventory for b: insufficient_data (rule 9)
    target_year = rng.choice((2030, 2030, 2035))
    reduction = rng.choice((50.0, 55.0, 70.0, 72.5, 100.0))
    net_zero = rng.randint(target_year, 2050)
    basis = rng.choice(("brutto", "netto", "", "Netto", " BRUTTO "))
    approved = None
    if rng.random() < 0.8:
        approved = (rng.randint(2020, 2024), rng.randint(1, 12), rng.randint(1, 28))
    return Plan(code, baseline_year, baseline_t, target_year, reduction, net_zero, basis, approved)


# --- how they are written down ------------------------------------------------------------


@dataclass
class Style:
    encoding: str  # of every CSV: utf-8, utf-8-sig or cp1252
    newline: str
    number_forms: list[str]  # cycled over the numeric cells
    code_forms: list[str]  # cycled over the municipality codes
    inventory_split: str  # one, by_year, xlsx_and_csv, json_for_some
    override_rows: int  # rows a later file overrides with a new value
    missing_marker: str  # how a not-available cell is written: '', '..' or '-'
    faults: list[str] = field(default_factory=list)  # accept-with-warning faults
    error: str | None = None  # one fault that must stop the run


WARNING_FAULTS = (
    "unknown_column",
    "unknown_sector",
    "total_differs_from_sectors",
    "name_mismatch",
    "empty_value",
    "unknown_area",
    "net_zero_after_2050",
    "unknown_type",
    "duplicate_row",
)
ERROR_FAULTS = (
    "unknown_municipality",
    "invalid_number",
    "negative_emissions",
    "unknown_status",
    "unit_mismatch",
    "baseline_after_target",
)


def styles(with_error: bool = False) -> st.SearchStrategy[Style]:
    return st.builds(
        Style,
        encoding=st.sampled_from(("utf-8", "utf-8-sig", "cp1252")),
        newline=st.sampled_from(("\n", "\r\n")),
        number_forms=st.lists(
            st.sampled_from(("comma", "point", "thousands_comma", "thousands_dots")),
            min_size=1,
            max_size=4,
        ),
        code_forms=st.lists(st.sampled_from(("plain", "zero", "named")), min_size=1, max_size=3),
        inventory_split=st.sampled_from(("one", "by_year", "xlsx_and_csv", "json_for_some")),
        override_rows=st.integers(0, 3),
        missing_marker=st.sampled_from(("", "..", "-")),
        faults=st.lists(st.sampled_from(WARNING_FAULTS), unique=True, max_size=4),
        error=st.sampled_from(ERROR_FAULTS) if with_error else st.none(),
    )


def number_text(value: float, form: str) -> str:
    """`value` (at most one decimal) in one of the forms formats.md allows (rule 19)."""
    sign = "-" if value < 0 else ""
    whole, tenths = divmod(round(abs(value) * 10), 10)
    if form == "point":
        return f"{sign}{whole}.{tenths}"
    if form == "thousands_comma":
        return f"{sign}{whole:,}".replace(",", ".") + f",{tenths}"
    if form == "thousands_dots" and tenths == 0 and whole >= 1_000_000:
        return f"{sign}{whole:,}".replace(",", ".")
    return f"{sign}{whole},{tenths}"  # comma, and the fallback of the dots form


def code_text(code: str, form: str) -> str:
    if form == "zero":
        return code.zfill(4)
    if form == "named":
        return f"{code} {MUNICIPALITIES[code][0]}"
    return code


@dataclass(frozen=True)
class ExpectedFinding:
    source_file: str
    row_number: int | None
    column_name: str | None
    rule: str


@dataclass
class _Table:
    """One export file being written: its rows as cells, and where each fault landed."""

    path: str
    header: list[str]
    rows: list[list[str | float | int | None]] = field(default_factory=list)

    def add(self, cells: list) -> int:
        """Append a row; its spreadsheet row number (header = 1)."""
        self.rows.append(cells)
        return len(self.rows) + 1


class _Writer:
    def __init__(self, raw: Path, world: World, style: Style):
        self.raw, self.world, self.style = raw, world, style
        self.expected: list[ExpectedFinding] = []
        self.error: ExpectedFinding | None = None
        self._numbers = 0
        self._codes = 0

    def number(self, value: float | None) -> str:
        if value is None:
            return self.style.missing_marker
        self._numbers += 1
        forms = self.style.number_forms
        return number_text(value, forms[self._numbers % len(forms)])

    def code(self, code: str) -> str:
        self._codes += 1
        forms = self.style.code_forms
        return code_text(code, forms[self._codes % len(forms)])

    def expect(self, table: _Table, row: int | None, column: str | None, rule: str) -> None:
        self.expected.append(ExpectedFinding(table.path, row, column, rule))

    def fault(self, name: str) -> bool:
        return name in self.style.faults

    def write_csv(self, table: _Table, encoding: str | None = None) -> None:
        encoding = encoding or self.style.encoding
        buffer = io.StringIO(newline="")
        out = csv.writer(
            buffer, delimiter=";", lineterminator=self.style.newline, quoting=csv.QUOTE_MINIMAL
        )
        out.writerow(table.header)
        for row in table.rows:
            out.writerow(["" if cell is None else cell for cell in row])
        path = self.raw / table.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue().encode(encoding))
        if encoding == "cp1252" and not buffer.getvalue().isascii():
            self.expect(table, None, None, "encoding_cp1252")

    def write_xlsx(self, table: _Table) -> None:
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(table.header)
        for row in table.rows:
            sheet.append(row)
        path = self.raw / table.path
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)


def write_folder(raw: Path, world: World, style: Style) -> list[ExpectedFinding]:
    """Write the world's exports to `raw` in `style`; the findings they must give (the
    error one first, when the style injects one)."""
    writer = _Writer(raw, world, style)
    _write_inventory(writer)
    _write_statbank(writer)
    _write_plans(writer)
    _write_actions(writer)
    _write_regions(writer)
    return ([writer.error] if writer.error else []) + writer.expected


def _inventory_header() -> list[str]:
    return ["Kommunekode", "Kommune", "År", "Sektor", "Type", "Enhed", "Værdi"]


def _write_inventory(w: _Writer) -> None:
    world, style = w.world, w.style
    years = world.years
    split = style.inventory_split
    # Each municipality-year lives in one base file; a later file (by name) overrides.
    tables: dict[str, _Table] = {}
    json_years: set[tuple[str, int]] = set()

    def table_for(code: str, year: int) -> _Table | None:
        if split == "json_for_some" and (world.codes.index(code) + year) % 3 == 0:
            json_years.add((code, year))
            return None
        if split in ("by_year", "xlsx_and_csv"):
            half = years[len(years) // 2]
            suffix = "xlsx" if split == "xlsx_and_csv" and year >= half else "csv"
            name = f"klimaregnskab/klimaregnskab_{years[0]}-{half - 1}.csv"
            if year >= half:
                name = f"klimaregnskab/klimaregnskab_{half}-{years[-1]}.{suffix}"
        else:
            name = "klimaregnskab/klimaregnskab.csv"
        return tables.setdefault(name, _Table(name, _inventory_header()))

    def cells(code: str, name: str, year: int, source: str, kind: tuple, value) -> list:
        return [w.code(code), name, year, source, kind[0], kind[1], value]

    fault_done: set[str] = set()
    for code in world.codes:
        name = MUNICIPALITIES[code][0]
        for year in years:
            table = table_for(code, year)
            if table is None:
                continue
            xlsx = table.path.endswith(".xlsx")
            sectors = world.sector_t(code, year)
            for source in SOURCE_SECTORS:
                value = world.emissions.get((code, year, source))
                if value is None:
                    continue
                shown = value if xlsx else w.number(value)
                table.add(cells(code, name, year, source, EMISSIONS, shown))
                if w.fault("duplicate_row") and "duplicate_row" not in fault_done:
                    again = table.add(cells(code, name, year, source, EMISSIONS, shown))
                    w.expect(table, again, None, "duplicate_row")
                    fault_done.add("duplicate_row")
            if "lulucf" in sectors:
                value = sectors["lulucf"]
                shown = value if xlsx else w.number(value)
                table.add(cells(code, name, year, "Arealanvendelse", EMISSIONS, shown))
            if world.is_complete(code, year):
                gross = sum(sectors[s] for s in IN_TOTAL)
                off = w.fault("total_differs_from_sectors") and "total" not in fault_done
                total = round(gross + (1000.0 if off else 0.0), 1)
                row = table.add(
                    cells(code, name, year, "Samlet", EMISSIONS, total if xlsx else w.number(total))
                )
                if off:
                    fault_done.add("total")
                    w.expect(table, row, "Værdi", "total_differs_from_sectors")
            # Indicator rows the pipeline keeps but does not total.
            per_capita = ("Ton CO2e/indb.", "Ton CO2e/indb.")
            table.add(cells(code, name, year, "Energi", per_capita, "1,5"))
    first_table = next(iter(tables.values()), None)
    if first_table is not None and not first_table.path.endswith(".xlsx"):
        code, year = world.codes[0], years[0]
        name = MUNICIPALITIES[code][0]
        if w.fault("unknown_sector"):
            row = first_table.add(cells(code, name, year, "Rumfart", EMISSIONS, "5"))
            w.expect(first_table, row, "Sektor", "unknown_sector")
        if w.fault("unknown_type"):
            row = first_table.add(cells(code, name, year, "Energi", ("Ukendt mål", "TJ"), "5"))
            w.expect(first_table, row, "Type", "unknown_type")
        if w.fault("empty_value"):
            # Not available, in a row of its own: skipped with a warning, the sector
            # still counts from the row beside it.
            row = first_table.add(
                cells(code, name, year, "Samlet", ("Samlet energiforbrug", "TJ"), "..")
            )
            w.expect(first_table, row, "Værdi", "empty_value")
        if w.fault("name_mismatch"):
            other = next(c for c in CODES if c != code)
            row = first_table.add(
                cells(
                    code,
                    MUNICIPALITIES[other][0],
                    year,
                    "Energi",
                    ("Samlet energiforbrug", "TJ"),
                    "7",
                )
            )
            w.expect(first_table, row, "Kommune", "name_mismatch")
        error = w.style.error
        if error == "unknown_municipality":
            row = first_table.add(["999", "Ingen", year, "Energi", *EMISSIONS, "5"])
            w.error = ExpectedFinding(first_table.path, row, "Kommunekode", error)
        elif error == "invalid_number":
            row = first_table.add(
                cells(code, name, year, "Energi", ("Samlet energiforbrug", "TJ"), "12,3,4")
            )
            w.error = ExpectedFinding(first_table.path, row, "Værdi", error)
        elif error == "negative_emissions":
            row = first_table.add(cells(code, name, year, "Transport", EMISSIONS, "-5"))
            w.error = ExpectedFinding(first_table.path, row, "Værdi", error)
    for table in tables.values():
        if table.path.endswith(".xlsx"):
            w.write_xlsx(table)
        else:
            w.write_csv(table)
    for code, year in sorted(json_years):
        elements = []
        for source in SOURCE_SECTORS:
            value = world.emissions.get((code, year, source))
            if value is not None:
                elements.append(
                    {"sektor": source, "type": EMISSIONS[0], "enhed": EMISSIONS[1], "værdi": value}
                )
        if (code, year) in world.lulucf:
            elements.append(
                {
                    "sektor": "Arealanvendelse",
                    "type": EMISSIONS[0],
                    "enhed": EMISSIONS[1],
                    "værdi": world.lulucf[(code, year)],
                    "kilde": "ignored",
                }
            )
        path = w.raw / "klimaregnskab" / f"{code}_{year}.json"
        path.write_text(json.dumps({"data": elements}, ensure_ascii=False), encoding="utf-8")
    _write_overrides(w)


def _write_overrides(w: _Writer) -> None:
    """A later file (by name) that revises some values: the world takes the new ones."""
    world = w.world
    keys = sorted(world.emissions)[: w.style.override_rows]
    if not keys:
        return
    table = _Table("klimaregnskab/zz_rettelser.csv", _inventory_header())
    for code, year, source in keys:
        revised = round(world.emissions[(code, year, source)] + 11.5, 1)
        world.emissions[(code, year, source)] = revised
        table.add(
            [w.code(code), MUNICIPALITIES[code][0], year, source, *EMISSIONS, w.number(revised)]
        )
    w.write_csv(table)


def _write_statbank(w: _Writer) -> None:
    world = w.world
    table = _Table("statbank/FOLK1A.csv", ["OMRÅDE", "KØN", "TID", "INDHOLD"])
    quarterly = len(world.years) % 2 == 0
    for year in world.years:
        time = f"{year}K1" if quarterly else str(year)
        table.add(["000", "TOT", time, 5_900_000])
        table.add(["084", "TOT", time, 1_800_000])
        for code in world.codes:
            value = world.population[(code, year)]
            table.add([code, "TOT", time, w.style.missing_marker if value is None else value])
            if value is not None:
                table.add([code, "1", time, value // 2])
    if w.fault("unknown_area"):
        row = table.add(["970", "TOT", f"{world.years[0]}", 1000])
        w.expect(table, row, "OMRÅDE", "unknown_area")
    w.write_csv(table, encoding="utf-8")


def _write_plans(w: _Writer) -> None:
    header = [
        "Kommunekode",
        "Godkendt",
        "Basisår",
        "Basisudledning (ton CO2e)",
        "Målår",
        "Reduktionsmål (%)",
        "Klimaneutral år",
        "Målgrundlag",
    ]
    extra = w.fault("unknown_column")
    table = _Table("plans/plans.csv", [*header, "Kommentar"] if extra else header)
    if extra:
        w.expect(table, 1, "Kommentar", "unknown_column")
    for index, plan in enumerate(w.world.plans):
        approved = ""
        if plan.approved:
            y, m, d = plan.approved
            approved = f"{y}-{m:02d}-{d:02d}" if index % 2 else f"{d:02d}-{m:02d}-{y}"
        net_zero = plan.net_zero_year
        late = w.fault("net_zero_after_2050") and index == 0
        if late:
            net_zero = 2055
        cells = [
            w.code(plan.code),
            approved,
            plan.baseline_year,
            w.number(plan.baseline_t) if plan.baseline_t is not None else "",
            plan.target_year,
            w.number(plan.reduction_pct),
            net_zero,
            plan.basis,
        ]
        if extra:
            cells.append("fri tekst")
        row = table.add(cells)
        if late:
            plan.net_zero_year = 2055
            w.expect(table, row, "Klimaneutral år", "net_zero_after_2050")
        if w.style.error == "baseline_after_target" and index == 0:
            cells[2] = plan.target_year + 1
            w.error = ExpectedFinding(table.path, row, "Basisår, Målår", "baseline_after_target")
    w.write_csv(table)


def _write_actions(w: _Writer) -> None:
    world = w.world
    header = [
        "Rapporteringsår",
        "Kommunekode",
        "Indsats-id",
        "Titel",
        "Sektor",
        "Status",
        "Forventet reduktion (ton CO2e/år)",
    ]
    table = _Table(
        f"actions/indsatser_{world.report_year}.xlsx"
        if len(world.years) % 3 == 0
        else f"actions/indsatser_{world.report_year}.csv",
        header,
    )
    xlsx = table.path.endswith(".xlsx")
    for index, action in enumerate(world.actions):
        status = action.status.upper() if index % 3 == 0 else action.status
        expected = action.expected_t
        row = table.add(
            [
                world.report_year,
                w.code(action.code),
                action.action_id,
                action.title,
                action.sector.lower() if index % 2 else action.sector,
                status,
                (expected if xlsx else w.number(expected)) if expected is not None else "",
            ]
        )
        if w.style.error == "unknown_status" and index == 0:
            table.rows[-1][5] = "Måske"
            w.error = ExpectedFinding(table.path, row, "Status", "unknown_label")
    if not world.actions:
        # A survey with no actions at all still fixes the report year.
        table.add(
            [
                world.report_year,
                world.plans[0].code,
                "tom",
                "Ingen indsatser",
                "Tværgående",
                "Opgivet",
                "",
            ]
        )
        world.actions.append(
            Action(world.plans[0].code, "tom", "Ingen indsatser", "Tværgående", "Opgivet", None)
        )
    if xlsx:
        w.write_xlsx(table)
    else:
        w.write_csv(table)


def _write_regions(w: _Writer) -> None:
    world = w.world
    table = _Table(
        "regions/regionale_indikatorer.csv", ["Regionskode", "Indikator", "År", "Værdi", "Enhed"]
    )
    for (region, indicator, year), value in sorted(world.regional.items()):
        region_text = region[1:] if year % 2 else region  # 081 or 1081
        row = table.add(
            [region_text, indicator, year, w.number(value), REGIONAL_INDICATORS[indicator]]
        )
        if value is None:
            w.expect(table, row, "Værdi", "missing_value")
    if w.style.error == "unit_mismatch":
        row = table.add(["1081", "regional_ve_andel", world.years[0], "5", "TJ"])
        w.error = ExpectedFinding(table.path, row, "Enhed", "unit_mismatch")
    w.write_csv(table)
