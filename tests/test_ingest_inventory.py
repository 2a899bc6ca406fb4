"""The emission inventory and the file variants every CSV/xlsx export may come in."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from klima_pipeline.errors import Finding, InputError
from klima_pipeline.ingest import LOADERS, load_reference

HEADER = "Kommunekode;Kommune;År;Sektor;Type;Enhed;Værdi"
EMIT = "Samlet CO2-udledning;Ton CO2e"


def write(raw: Path, rel: str, content: str | bytes) -> Path:
    path = raw / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    return tmp_path / "raw"


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


def load(con: duckdb.DuckDBPyConnection, raw: Path) -> list[Finding]:
    raw.mkdir(parents=True, exist_ok=True)
    load_reference(con, raw)
    return LOADERS["klimaregnskab"](con, raw)


def errors(con: duckdb.DuckDBPyConnection, raw: Path) -> list[Finding]:
    with pytest.raises(InputError) as caught:
        load(con, raw)
    return caught.value.findings


def rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select row_number, municipality_code, year, source_sector, sector, measure, value "
        "from staging.inventory order by source_file, row_number"
    ).fetchall()


def test_flat_csv_with_bom_crlf_blank_and_separator_only_lines(con, raw):
    text = (
        f"{HEADER}\r\n101 København;København;2023;Energi;{EMIT};1.234,5\r\n\r\n"
        f";;;;;;\r\n0147;Frederiksberg;2023;Landbrug;{EMIT};-12,5\r\n"
    )
    write(raw, "klimaregnskab/flat.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load(con, raw) == []
    assert rows(con) == [
        (2, "101", 2023, "Energi", "energy", "emissions", 1234.5),
        (5, "147", 2023, "Landbrug", "agriculture", "emissions", -12.5),
    ]
    assert con.execute("select encoding, rows from staging.raw_file").fetchall() == [
        ("utf-8-sig", 2)
    ]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("1.234", 1.234),
        ("1.234.567", 1234567.0),
        ("1.234,5", 1234.5),
        ("1234,5", 1234.5),
        ("1234.5", 1234.5),
        ("-0,5", -0.5),
    ],
)
def test_numbers_follow_rule_19(con, raw, given, expected):
    write(raw, "klimaregnskab/a.csv", f"{HEADER}\n101;;2023;Samlet;{EMIT};{given}\n")
    load(con, raw)
    assert rows(con)[0][-1] == expected


def test_headers_any_case_order_and_unknown_extra_column_warns(con, raw):
    header = " værdi ;ENHED;type;Sektor;år;KOMMUNEKODE;Kilde"
    write(
        raw, "klimaregnskab/a.csv", f"{header}\n7;Ton CO2e;Samlet CO2-udledning;Energi;2022;101;x\n"
    )
    warnings = load(con, raw)
    assert rows(con) == [(2, "101", 2022, "Energi", "energy", "emissions", 7.0)]
    assert [(w.row_number, w.column_name, w.rule) for w in warnings] == [
        (1, "Kilde", "unknown_column")
    ]


def test_cp1252_file_is_read_with_a_warning(con, raw):
    text = f"{HEADER}\n101;København;2023;Kemiske processer;{EMIT};5\n"
    write(raw, "klimaregnskab/old.csv", text.encode("cp1252"))
    warnings = load(con, raw)
    assert [w.rule for w in warnings] == ["encoding_cp1252"]
    assert rows(con) == [(2, "101", 2023, "Kemiske processer", "industry", "emissions", 5.0)]


def test_rows_are_numbered_as_a_spreadsheet_shows_them(con, raw):
    """A quoted cell over two lines is one row and a blank line is a row: the bad value
    is on row 4 in Excel (header 1, København 2, blank 3), though on physical line 5."""
    text = f'{HEADER}\n101;"Køben\nhavn";2023;Energi;{EMIT};1\n\n101;x;2023;Transport;{EMIT};abc\n'
    write(raw, "klimaregnskab/a.csv", text)
    found = errors(con, raw)
    assert [(f.source_file, f.row_number, f.column_name) for f in found] == [
        ("klimaregnskab/a.csv", 4, "Værdi")
    ]


def test_empty_value_skipped_unknown_sector_and_type_warn(con, raw):
    text = (
        f"{HEADER}\n101;;2023;Energi;{EMIT};\n101;;2023;Vindmøller;{EMIT};3\n"
        "101;;2023;Energi;Noget andet;Ton;4\n101;;2023;Samlet;VE-el selvforsyningsgrad;%;55,5\n"
    )
    write(raw, "klimaregnskab/a.csv", text)
    warnings = load(con, raw)
    assert {(w.row_number, w.column_name, w.rule) for w in warnings} == {
        (2, "Værdi", "empty_value"),
        (3, "Sektor", "unknown_sector"),
        (4, "Type", "unknown_type"),
    }
    assert [r[0] for r in rows(con)] == [3, 4, 5]
    assert rows(con)[2][5] is None  # an indicator row, not emissions


def test_saved_api_json_and_xlsx_with_file_rank(con, raw):
    document = {
        "data": [
            {
                "sektor": "Transport",
                "type": "Samlet CO2-udledning",
                "enhed": "Ton CO2e",
                "værdi": 1.234,
                "kilde": "ignored",
            },
            {
                "Sektor": "Samlet",
                "Type": "Samlet CO2-udledning",
                "Enhed": "Ton CO2e",
                "Værdi": "-3,5",
            },
        ],
        "meta": {"x": 1},
    }
    write(raw, "klimaregnskab/0101_2022.json", json.dumps(document))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kommunekode", "Kommune", "År", "Sektor", "Type", "Enhed", "Værdi"])
    sheet.append([101, "København", 2023, "Energi", "Samlet CO2-udledning", "Ton CO2e", 1234.5])
    sheet.append([])
    sheet.append(["0147", None, 2023, "Spildevand", "Samlet CO2-udledning", "Ton CO2e", 7])
    (raw / "klimaregnskab").mkdir(parents=True, exist_ok=True)
    book.save(raw / "klimaregnskab" / "flat.xlsx")
    assert load(con, raw) == []
    got = con.execute(
        "select source_file, row_number, file_rank, municipality_code, year, sector, value "
        "from staging.inventory order by file_rank, row_number"
    ).fetchall()
    assert got == [
        ("klimaregnskab/0101_2022.json", 1, 1, "101", 2022, "transport", 1.234),
        ("klimaregnskab/0101_2022.json", 2, 1, "101", 2022, "total", -3.5),
        ("klimaregnskab/flat.xlsx", 2, 2, "101", 2023, "energy", 1234.5),
        ("klimaregnskab/flat.xlsx", 4, 2, "147", 2023, "waste", 7.0),
    ]
    encodings = con.execute("select encoding from staging.raw_file order by 1").fetchall()
    assert encodings == [("json",), ("xlsx",)]


def test_provenance_records_hash_size_and_time(con, raw):
    path = write(raw, "klimaregnskab/a.csv", f"{HEADER}\n101;;2023;Energi;{EMIT};1\n")
    before = path.read_bytes(), path.stat().st_mtime
    load(con, raw)
    sha, size, modified, loaded = con.execute(
        "select sha256, size_bytes, modified_at, loaded_at from staging.raw_file"
    ).fetchall()[0]
    import hashlib

    assert sha == hashlib.sha256(path.read_bytes()).hexdigest()
    assert size == path.stat().st_size
    assert modified is not None and loaded >= modified
    assert (path.read_bytes(), path.stat().st_mtime) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.csv"]


# --- errors: each names file, row and column ------------------------------------------


def where(found: list[Finding]) -> list[tuple]:
    return [(f.source_file, f.row_number, f.column_name, f.rule) for f in found]


@pytest.mark.parametrize(
    ("line", "column", "rule"),
    [
        (f"999;;2023;Energi;{EMIT};1", "Kommunekode", "unknown_municipality"),
        (f"101;;20x3;Energi;{EMIT};1", "År", "invalid_year"),
        (f"101;;{date.today().year + 1};Energi;{EMIT};1", "År", "future_year"),
        (f"101;;2023;Energi;{EMIT};12a", "Værdi", "invalid_number"),
        (f"101;;2023;Transport;{EMIT};-1", "Værdi", "negative_emissions"),
        (f"101;;2023;Energi;{EMIT}", "Værdi", "short_record"),
    ],
)
def test_bad_rows_name_file_row_and_column(con, raw, line, column, rule):
    write(raw, "klimaregnskab/a.csv", f"{HEADER}\n101;;2023;Energi;{EMIT};1\n{line}\n")
    found = errors(con, raw)
    assert where(found) == [("klimaregnskab/a.csv", 3, column, rule)]
    assert found[0].severity == "error"


def test_negative_allowed_for_landbrug_arealanvendelse_samlet(con, raw):
    lines = "\n".join(f"101;;2023;{s};{EMIT};-1" for s in ("Landbrug", "Arealanvendelse", "Samlet"))
    write(raw, "klimaregnskab/a.csv", f"{HEADER}\n{lines}\n")
    assert load(con, raw) == []
    assert len(rows(con)) == 3


def test_duplicate_key_with_different_value_is_an_error(con, raw):
    text = (
        f"{HEADER}\n101;;2023;Energi;{EMIT};1\n101;;2023;ENERGI;{EMIT};1\n"
        f"0101;;2023;Energi;{EMIT};2\n"
    )
    write(raw, "klimaregnskab/a.csv", text)
    found = errors(con, raw)
    assert where(found) == [("klimaregnskab/a.csv", 4, "Værdi", "duplicate_key")]
    assert "row 2" in found[0].message


@pytest.mark.parametrize(
    ("content", "row", "rule"),
    [
        (b"", None, "empty_file"),
        (b"\n \n", None, "empty_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00garbage", None, "binary_file"),
        (HEADER.replace(";", ",").encode() + b"\n101,x,2023,Energi,a,b,1\n", 1, "wrong_separator"),
        (f'{HEADER}\n101;"København;2023;Energi;{EMIT};1\n'.encode(), 2, "truncated_file"),
    ],
)
def test_broken_files_are_errors(con, raw, content, row, rule):
    write(raw, "klimaregnskab/a.csv", content)
    found = errors(con, raw)
    assert where(found) == [("klimaregnskab/a.csv", row, None, rule)]


def test_missing_required_column_names_it(con, raw):
    write(raw, "klimaregnskab/a.csv", "Kommunekode;År;Sektor;Type;Enhed\n101;2023;Energi;a;b\n")
    assert where(errors(con, raw)) == [("klimaregnskab/a.csv", 1, "Værdi", "missing_column")]


def test_xlsx_that_is_not_a_workbook(con, raw):
    write(raw, "klimaregnskab/a.xlsx", f"{HEADER}\n")
    assert where(errors(con, raw)) == [("klimaregnskab/a.xlsx", None, None, "not_xlsx")]


def test_json_errors_name_the_element(con, raw):
    good = {"sektor": "Energi", "type": "Samlet CO2-udledning", "enhed": "Ton CO2e", "værdi": 1}
    bad = {"sektor": "Energi", "type": "Samlet CO2-udledning", "enhed": "Ton CO2e", "værdi": "x"}
    write(raw, "klimaregnskab/101_2023.json", json.dumps({"data": [good, bad]}))
    write(raw, "klimaregnskab/999_2023.json", json.dumps({"data": [good]}))
    write(raw, "klimaregnskab/101_2022.json", '{"data": [')
    assert where(errors(con, raw)) == [
        ("klimaregnskab/101_2022.json", None, None, "invalid_json"),
        ("klimaregnskab/999_2023.json", None, None, "unknown_municipality"),
        ("klimaregnskab/101_2023.json", 2, "Værdi", "invalid_number"),
    ]


def test_missing_inventory_folder_is_an_error(con, raw):
    assert where(errors(con, raw)) == [("klimaregnskab/", None, None, "missing_source")]


def test_file_size_limit(con, raw, monkeypatch):
    write(raw, "klimaregnskab/a.csv", f"{HEADER}\n101;;2023;Energi;{EMIT};1\n")
    monkeypatch.setenv("KLIMA_MAX_FILE_BYTES", "20")
    found = errors(con, raw)
    assert where(found) == [("klimaregnskab/a.csv", None, None, "file_too_large")]
    assert "KLIMA_MAX_FILE_BYTES" in found[0].message


def test_failed_load_leaves_staging_as_it_was(con, raw):
    write(raw, "klimaregnskab/a.csv", f"{HEADER}\n101;;2023;Energi;{EMIT};1\n")
    load(con, raw)
    before = [
        con.execute(f"select * from staging.{t}").fetchall()
        for t in ("inventory", "raw_file", "findings")
    ]
    write(
        raw,
        "klimaregnskab/b.csv",
        f"{HEADER}\n101;;2023;Energi;{EMIT};2\n999;;2023;Energi;{EMIT};1\n",
    )
    errors(con, raw)
    after = [
        con.execute(f"select * from staging.{t}").fetchall()
        for t in ("inventory", "raw_file", "findings")
    ]
    assert after == before


def test_loading_twice_replaces_rows_files_and_findings(con, raw):
    write(
        raw,
        "klimaregnskab/a.csv",
        f"{HEADER}\n101;;2023;Energi;{EMIT};\n101;;2023;Energi;{EMIT};1\n",
    )
    load(con, raw)
    LOADERS["klimaregnskab"](con, raw)
    counts = [
        con.execute(f"select count(*) from staging.{t}").fetchall()[0][0]
        for t in ("inventory", "raw_file", "findings")
    ]
    assert counts == [1, 1, 1]
