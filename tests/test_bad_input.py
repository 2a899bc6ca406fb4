"""Broken exports as they arrive: each case is an error naming file, row and column, or a
warning where the data is usable, and a run on a sample of them leaves the published
warehouse byte-identical.

The cases add to those of test_ingest_inventory.py and test_ingest_sources.py (empty,
binary, truncated, wrong separator, short and long records, cp1252, a text file named
.xlsx, broken JSON, the size limit, unknown codes, labels, sectors, units and regional
indicators, bad numbers, years in the future, duplicate keys, …), which are not repeated.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import file_digest, materialize

from klima_pipeline.config import REFERENCE_DIR
from klima_pipeline.errors import Finding, InputError
from klima_pipeline.ingest import LOADERS, load_reference

INVENTORY_HEADER = "Kommunekode;Kommune;År;Sektor;Type;Enhed;Værdi"
EMISSIONS = "Samlet CO2-udledning;Ton CO2e"
GOOD_ROW = f"101;København;2023;Energi;{EMISSIONS};1"
PLANS_HEADER = (
    "Kommunekode;Godkendt;Basisår;Basisudledning (ton CO2e);Målår;Reduktionsmål (%);Klimaneutral år"
)
GOOD_PLAN = "101;2021-06-30;2018;;2030;70;2050"
TRACKS_HEADER = "Spor-id;Titel;Tema;Deltagere;Status;Start;Slut"
REGIONS_HEADER = "Regionskode;Indikator;År;Værdi;Enhed"
ACTIONS_HEADER = (
    "Rapporteringsår;Kommunekode;Indsats-id;Titel;Sektor;Status;Forventet reduktion (ton CO2e/år)"
)


def workbook(*rows: list, merge: str | None = None, empty_first_sheet: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if empty_first_sheet:
        sheet = book.create_sheet("Data")
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "a zip archive, not a workbook")
    return buffer.getvalue()


def municipal_indicator() -> str:
    """An indicator of the catalogue that municipalities, not regions, report."""
    for line in (REFERENCE_DIR / "indicators.csv").read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split(";")
        if fields[7] == "municipality":
            return fields[0]
    raise AssertionError("no municipal indicator in the catalogue")


def inventory(*rows: str) -> str:
    return "\n".join([INVENTORY_HEADER, *rows]) + "\n"


@dataclass(frozen=True)
class Case:
    source: str
    files: dict[str, str | bytes]
    # (file, row, column, rule) of the one finding expected
    expected: tuple[str, int | None, str | None, str]
    severity: str = "error"


MIXED = (
    f"{INVENTORY_HEADER}\n{GOOD_ROW}\n".encode()
    + b"147;Frederiksberg "
    + "æ".encode("cp1252")
    + f";2023;Energi;{EMISSIONS};2\n".encode()
)
NEITHER = (
    f"{INVENTORY_HEADER}\n{GOOD_ROW}\n".replace("ø", "o").encode("cp1252")
    + f"147;Frederiksberg;2023;Energi;{EMISSIONS};\x81".encode("latin-1")
    + b"\n"
)
MERGED_HEADER = workbook(
    ["Kommunekode", None, "År", "Sektor", "Type", "Enhed", "Værdi"],
    [101, "København", 2023, "Energi", "Samlet CO2-udledning", "Ton CO2e", 1],
    merge="A1:B1",
)
TITLE_ROW = workbook(
    ["Klimaregnskab 2023 — alle kommuner"],
    ["Kommunekode", "Kommune", "År", "Sektor", "Type", "Enhed", "Værdi"],
    [101, "København", 2023, "Energi", "Samlet CO2-udledning", "Ton CO2e", 1],
    merge="A1:G1",
)

CASES = {
    "utf-16": Case(
        "klimaregnskab",
        {"klimaregnskab/a.csv": inventory(GOOD_ROW).encode("utf-16")},
        ("klimaregnskab/a.csv", None, None, "encoding"),
    ),
    "utf-8-with-a-cp1252-line": Case(
        "klimaregnskab",
        {"klimaregnskab/a.csv": MIXED},
        ("klimaregnskab/a.csv", 3, "Kommune", "mixed_encoding"),
    ),
    "neither-utf-8-nor-cp1252": Case(
        "klimaregnskab",
        {"klimaregnskab/a.csv": NEITHER},
        ("klimaregnskab/a.csv", 3, "Værdi", "encoding"),
    ),
    "classic-mac-line-ends": Case(
        "klimaregnskab",
        {"klimaregnskab/a.csv": inventory(GOOD_ROW).replace("\n", "\r")},
        ("klimaregnskab/a.csv", None, None, "line_endings"),
    ),
    "zip-that-is-not-a-workbook": Case(
        "klimaregnskab",
        {"klimaregnskab/a.xlsx": zip_archive()},
        ("klimaregnskab/a.xlsx", None, None, "not_xlsx"),
    ),
    "old-xls-named-xlsx": Case(
        "klimaregnskab",
        {"klimaregnskab/a.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)},
        ("klimaregnskab/a.xlsx", None, None, "not_xlsx"),
    ),
    "empty-xlsx": Case(
        "klimaregnskab",
        {"klimaregnskab/a.xlsx": b""},
        ("klimaregnskab/a.xlsx", None, None, "empty_file"),
    ),
    "merged-header-cells": Case(
        "klimaregnskab",
        {"klimaregnskab/a.xlsx": MERGED_HEADER},
        ("klimaregnskab/a.xlsx", 1, None, "merged_header"),
    ),
    "merged-title-above-the-header": Case(
        "klimaregnskab",
        {"klimaregnskab/a.xlsx": TITLE_ROW},
        ("klimaregnskab/a.xlsx", 1, None, "merged_header"),
    ),
    "data-on-the-second-sheet": Case(
        "klimaregnskab",
        {
            "klimaregnskab/a.xlsx": workbook(
                ["Kommunekode", "År", "Sektor", "Type", "Enhed", "Værdi"],
                empty_first_sheet=True,
            )
        },
        ("klimaregnskab/a.xlsx", None, None, "empty_file"),
    ),
    "header-but-no-rows": Case(
        "klimaregnskab",
        {"klimaregnskab/a.csv": inventory(GOOD_ROW), "klimaregnskab/b.csv": inventory()},
        ("klimaregnskab/b.csv", None, None, "no_rows"),
        "warning",
    ),
    "duplicate-column": Case(
        "klimaregnskab",
        {"klimaregnskab/a.csv": inventory().rstrip() + ";År\n" + GOOD_ROW + ";2023\n"},
        ("klimaregnskab/a.csv", 1, "År", "duplicate_column"),
    ),
    "code-with-letters": Case(
        "klimaregnskab",
        {"klimaregnskab/a.csv": inventory(GOOD_ROW, GOOD_ROW.replace("101", "1O1", 1))},
        ("klimaregnskab/a.csv", 3, "Kommunekode", "unknown_municipality"),
    ),
    "year-in-the-wrong-century": Case(
        "klimaregnskab",
        {"klimaregnskab/a.csv": inventory(GOOD_ROW, GOOD_ROW.replace("2023", "1923"))},
        ("klimaregnskab/a.csv", 3, "År", "invalid_year"),
    ),
    "thousands-separated-by-space": Case(
        "klimaregnskab",
        {"klimaregnskab/a.csv": inventory(f"101;;2023;Energi;{EMISSIONS};1 234,5")},
        ("klimaregnskab/a.csv", 2, "Værdi", "invalid_number"),
    ),
    "formula-instead-of-a-value": Case(
        "klimaregnskab",
        {"klimaregnskab/a.csv": inventory(f"101;;2023;Energi;{EMISSIONS};=1+2")},
        ("klimaregnskab/a.csv", 2, "Værdi", "invalid_number"),
    ),
    "json-data-not-a-list": Case(
        "klimaregnskab",
        {"klimaregnskab/101_2023.json": '{"data": {"sektor": "Energi"}}'},
        ("klimaregnskab/101_2023.json", None, "data", "json_shape"),
    ),
    "approval-date-in-year-21": Case(
        "plans",
        {"plans/p.csv": f"{PLANS_HEADER}\n{GOOD_PLAN.replace('2021-06-30', '0021-06-30')}\n"},
        ("plans/p.csv", 2, "Godkendt", "invalid_date"),
    ),
    "approval-date-with-two-digit-year": Case(
        "plans",
        {"plans/p.csv": f"{PLANS_HEADER}\n{GOOD_PLAN.replace('2021-06-30', '30-06-21')}\n"},
        ("plans/p.csv", 2, "Godkendt", "invalid_date"),
    ),
    "baseline-year-with-three-digits": Case(
        "plans",
        {"plans/p.csv": f"{PLANS_HEADER}\n{GOOD_PLAN.replace(';2018;', ';218;')}\n"},
        ("plans/p.csv", 2, "Basisår", "invalid_year"),
    ),
    "track-ending-next-century": Case(
        "tracks",
        {"tracks/t.csv": f"{TRACKS_HEADER}\nKUS-1;Varme;Energi;101;I gang;2022-01-01;2122-12-31\n"},
        ("tracks/t.csv", 2, "Slut", "invalid_date"),
    ),
    "region-code-with-letters": Case(
        "regions",
        {
            "regions/r.csv": f"{REGIONS_HEADER}\n"
            "1O84;kollektiv_trafik_passagerer;2023;1;mio. passagerer\n"
        },
        ("regions/r.csv", 2, "Regionskode", "unknown_region"),
    ),
    "region-export-of-a-municipal-indicator": Case(
        "regions",
        {"regions/r.csv": f"{REGIONS_HEADER}\n1084;{municipal_indicator()};2023;1;%\n"},
        ("regions/r.csv", 2, "Indikator", "unknown_indicator"),
    ),
}


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    return tmp_path / "raw"


def load(raw: Path, case: Case) -> list[Finding]:
    """Every finding of the case's source: the errors raised, or the warnings returned."""
    for relative, content in case.files.items():
        path = raw / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    with duckdb.connect(":memory:") as con:
        load_reference(con, raw)
        try:
            return LOADERS[case.source](con, raw)
        except InputError as error:
            return error.findings


@pytest.mark.parametrize("name", CASES)
def test_each_case_is_a_finding_naming_file_row_and_column(raw: Path, name: str) -> None:
    case = CASES[name]
    found = load(raw, case)
    assert [(f.source_file, f.row_number, f.column_name, f.rule) for f in found] == [
        case.expected
    ], [str(f) for f in found]
    assert found[0].severity == case.severity
    assert len(found[0].message) > 30, "the message says what was expected"


def test_values_with_sql_typst_and_markdown_characters_are_stored_literally(raw: Path) -> None:
    titles = [
        "Robert'); drop table staging.actions; --",
        "#set page(fill: red) $x^2$ <script>alert(1)</script>",
        "*fed* _kursiv_ [link](http://x) | a | b |",
        '=HYPERLINK("http://x";"klik")',
    ]
    rows = "\n".join(
        f'2024;101;{i};"{title.replace(chr(34), chr(34) * 2)}";Transport;Igangsat;10'
        for i, title in enumerate(titles, start=1)
    )
    (raw / "actions").mkdir(parents=True)
    (raw / "actions" / "2024.csv").write_text(f"{ACTIONS_HEADER}\n{rows}\n", encoding="utf-8")
    with duckdb.connect(":memory:") as con:
        load_reference(con, raw)
        assert LOADERS["actions"](con, raw) == []
        stored = con.execute("select title from staging.actions order by action_id").fetchall()
    assert [title for (title,) in stored] == titles


# --- through a real run: the published warehouse stays byte-identical -------------------

BROKEN_IN_A_RUN = {
    "utf-8-with-a-cp1252-line": ("klimaregnskab/zz-mixed.csv", MIXED),
    "merged-header-cells": ("klimaregnskab/zz-merged.xlsx", MERGED_HEADER),
    "approval-date-in-year-21": ("plans/plans.csv", None),
}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small raw folder and a warehouse published from it."""
    root = tmp_path_factory.mktemp("bad-input")
    raw = root / "raw"
    klima = Path(sys.executable).parent / "klima"
    subprocess.run(
        [str(klima), "sample-data", "--out", str(raw), "--municipalities", "5"],
        check=True,
        capture_output=True,
    )
    run = materialize(raw, root / "site")
    assert run.result.success
    return raw, run.warehouse


@pytest.mark.parametrize("name", BROKEN_IN_A_RUN)
def test_a_run_on_bad_input_fails_naming_the_place_and_leaves_the_warehouse_as_it_was(
    published: tuple[Path, Path], tmp_path: Path, name: str
) -> None:
    good_raw, warehouse = published
    before = file_digest(warehouse)
    raw = Path(shutil.copytree(good_raw, tmp_path / "raw"))
    relative, content = BROKEN_IN_A_RUN[name]
    if content is None:
        plans = raw / relative
        lines = plans.read_text(encoding="utf-8").splitlines()
        first = lines[1].split(";")
        first[1] = "0021-06-30"
        lines[1] = ";".join(first)
        plans.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        (raw / relative).write_bytes(content)
    _, row, column, rule = CASES[name].expected

    run = materialize(raw, warehouse.parent.parent)
    assert not run.result.success
    failure = next(e for e in run.result.all_events if e.event_type_value == "STEP_FAILURE")
    message = failure.step_failure_data.error.to_string()
    for part in (relative, f"row {row}" if row else "", column or "", rule):
        assert part in message, message
    assert file_digest(warehouse) == before
