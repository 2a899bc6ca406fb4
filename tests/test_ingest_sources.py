"""StatBank, plans, actions, regional indicators, tracks, reference data and validation."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from klima_pipeline.errors import Finding, InputError
from klima_pipeline.ingest import LOADERS, load_reference, validate_raw_dir

PLANS = (
    "Kommunekode;Godkendt;Basisår;Basisudledning (ton CO2e);Målår;Reduktionsmål (%);"
    "Klimaneutral år;Målgrundlag;Revisionsstatus;Recertificeret;Næste revision"
)
ACTIONS = (
    "Rapporteringsår;Kommunekode;Indsats-id;Titel;Sektor;Status;Forventet reduktion (ton CO2e/år)"
)
REGIONS = "Regionskode;Indikator;År;Værdi;Enhed"
TRACKS = "Spor-id;Titel;Tema;Deltagere;Status;Start;Slut;Budget (kr.)"
FOLK1A = "OMRÅDE;KØN;TID;INDHOLD"
NEXT_YEAR = date.today().year + 1


def write(raw: Path, rel: str, content: str | bytes) -> Path:
    path = raw / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    path = tmp_path / "raw"
    path.mkdir()
    return path


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


def load(con: duckdb.DuckDBPyConnection, raw: Path, source: str) -> list[Finding]:
    load_reference(con, raw)
    return LOADERS[source](con, raw)


def errors(con: duckdb.DuckDBPyConnection, raw: Path, source: str) -> list[tuple]:
    with pytest.raises(InputError) as caught:
        load(con, raw, source)
    return [(f.source_file, f.row_number, f.column_name, f.rule) for f in caught.value.findings]


def table(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


# --- StatBank --------------------------------------------------------------------------


def test_statbank_areas_times_and_dimensions(con, raw):
    write(
        raw,
        "statbank/FOLK1A_2024.csv",
        b"\xef\xbb\xbf"
        + (
            f"{FOLK1A}\r\n000;TOT;2024K1;5.961.249\r\n081;TOT;2024K1;590000\r\n"
            "0101;TOT;2024;..\r\n7;TOT;2024K1;100\r\n"
        ).encode(),
    )
    write(raw, "statbank/BIL54.csv", "OMRÅDE;DRIV;TID;INDHOLD\n101;EL;2024;10\n101;BRINT;2024;1\n")
    warnings = load(con, raw, "statbank")
    assert [(w.source_file, w.row_number, w.column_name, w.rule) for w in warnings] == [
        ("statbank/FOLK1A_2024.csv", 5, "OMRÅDE", "unknown_area"),
        ("statbank/BIL54.csv", 3, "DRIV", "unknown_category"),
    ]
    got = table(
        con,
        "select table_name, area_code, area_type, year, quarter, dimensions, value "
        "from staging.statbank order by table_name, row_number",
    )
    assert got == [
        ("BIL54", "101", "municipality", 2024, None, {"DRIV": "EL"}, 10.0),
        ("FOLK1A", "000", "national", 2024, 1, {"KØN": "TOT"}, 5961249.0),
        ("FOLK1A", "1081", "region", 2024, 1, {"KØN": "TOT"}, 590000.0),
        ("FOLK1A", "101", "municipality", 2024, None, {"KØN": "TOT"}, None),
    ]


def test_statbank_errors(con, raw):
    write(
        raw,
        "statbank/FOLK1A.csv",
        f"{FOLK1A}\n101;TOT;2024M01;1\n101;TOT;{NEXT_YEAR}K1;1\n101;TOT;2024K1;x\n",
    )
    assert errors(con, raw, "statbank") == [
        ("statbank/FOLK1A.csv", 2, "TID", "invalid_time"),
        ("statbank/FOLK1A.csv", 3, "TID", "future_year"),
        ("statbank/FOLK1A.csv", 4, "INDHOLD", "invalid_number"),
    ]


def test_folk1a_is_required_other_tables_optional(con, raw):
    write(raw, "statbank/BIL54.csv", "OMRÅDE;DRIV;TID;INDHOLD\n101;EL;2024;10\n")
    assert errors(con, raw, "statbank") == [("statbank/", None, None, "missing_source")]


# --- plans -----------------------------------------------------------------------------


def test_plans_labels_dates_and_defaults(con, raw):
    write(
        raw,
        "plans/plans.csv",
        f"{PLANS}\n101;30-06-2021;2010;1.234.567;2030;70;2045; NETTO ;i GANG;;2027\n"
        "0147 Frederiksberg;2021-06-30;1990;;2030;70,5;2050;;;;\n",
    )
    assert load(con, raw, "plans") == []
    assert table(con, "select * exclude (source_file) from staging.plans order by row_number") == [
        (
            2,
            "101",
            date(2021, 6, 30),
            2010,
            1234567.0,
            2030,
            70.0,
            2045,
            "net",
            "in_progress",
            None,
            2027,
        ),
        (3, "147", date(2021, 6, 30), 1990, None, 2030, 70.5, 2050, "gross", None, None, None),
    ]


def test_plans_from_xlsx_with_date_cells(con, raw):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(PLANS.split(";"))
    sheet.append(
        [
            101,
            date(2021, 6, 30),
            2010,
            1500000.5,
            2030,
            70,
            2045,
            "brutto",
            "Recertificeret",
            date(2024, 3, 1),
            2029,
        ]
    )
    (raw / "plans").mkdir()
    book.save(raw / "plans" / "plans.xlsx")
    load(con, raw, "plans")
    assert table(
        con,
        "select row_number, approved_on, baseline_t, revision_status, "
        "recertified_on from staging.plans",
    ) == [(2, date(2021, 6, 30), 1500000.5, "recertified", date(2024, 3, 1))]


def test_plan_errors_and_late_net_zero_warning(con, raw):
    write(
        raw,
        "plans/plans.csv",
        f"{PLANS}\n101;31-02-2021;2010;;2030;70;2029;brutto;;;\n"
        "147;;2010;;2030;70;2055;bruto;Færdig;;\n"
        "0101;;2010;;2030;70;2045;;;;\n",
    )
    assert errors(con, raw, "plans") == [
        ("plans/plans.csv", 4, "Kommunekode", "duplicate_key"),
        ("plans/plans.csv", 2, "Godkendt", "invalid_date"),
        ("plans/plans.csv", 2, "Klimaneutral år, Målår", "net_zero_before_target"),
        ("plans/plans.csv", 3, "Målgrundlag", "unknown_label"),
        ("plans/plans.csv", 3, "Revisionsstatus", "unknown_label"),
    ]


def test_net_zero_after_2050_is_a_warning(con, raw):
    write(raw, "plans/plans.csv", f"{PLANS}\n101;;2010;;2030;70;2055;;;;\n")
    warnings = load(con, raw, "plans")
    assert [(w.row_number, w.column_name, w.rule) for w in warnings] == [
        (2, "Klimaneutral år", "net_zero_after_2050")
    ]
    assert table(con, "select net_zero_year from staging.plans") == [(2055,)]


def test_plans_are_required(con, raw):
    assert errors(con, raw, "plans") == [("plans/", None, None, "missing_source")]


# --- actions ---------------------------------------------------------------------------


def test_actions_titles_with_quotes_newlines_and_any_character(con, raw):
    """A title running over two lines is one spreadsheet row: the next action is row 3."""
    title = 'Fjernvarme; "grøn" omstilling\nfase 2 – €'
    quoted = '"' + title.replace('"', '""') + '"'
    write(
        raw,
        "actions/2024.csv",
        f"{ACTIONS}\r\n2024;101;A-1;{quoted};energi;GENNEMFØRT;1.500,5\r\n"
        "2024;101;A-2;Cykelstier;Tværgående;ikke igangsat;\r\n",
    )
    assert load(con, raw, "actions") == []
    assert table(
        con, "select * exclude (source_file) from staging.actions order by row_number"
    ) == [
        (2, 2024, "101", "A-1", title, "energy", "completed", 1500.5),
        (3, 2024, "101", "A-2", "Cykelstier", "cross_cutting", "planned", None),
    ]


def test_action_errors(con, raw):
    write(
        raw,
        "actions/2024.csv",
        f"{ACTIONS}\n2024;101;A-1;x;Energi;Igangsat;1\n2024;101;A-1;y;Energi;Opgivet;2\n"
        f"{NEXT_YEAR};101;A-2;x;Energi;Igangsat;1\n2024;101;A-3;x;Rumfart;Måske;-5\n",
    )
    assert errors(con, raw, "actions") == [
        ("actions/2024.csv", 4, "Rapporteringsår", "future_year"),
        ("actions/2024.csv", 3, "Indsats-id", "duplicate_key"),
        ("actions/2024.csv", 5, "Sektor", "unknown_sector"),
        ("actions/2024.csv", 5, "Status", "unknown_label"),
        ("actions/2024.csv", 5, "Forventet reduktion (ton CO2e/år)", "invalid_number"),
    ]


# --- regions and tracks ----------------------------------------------------------------


def test_regional_indicators_and_their_errors(con, raw):
    write(raw, "regions/r.csv", f"{REGIONS}\n084;skovrejsning_ha;2023;12,5; HA \n")
    load(con, raw, "regions")
    assert table(con, "select * exclude (source_file) from staging.regional_indicators") == [
        (2, "1084", "skovrejsning_ha", 2023, 12.5, "ha")
    ]
    write(
        raw,
        "regions/r.csv",
        f"{REGIONS}\n1081;busser;2023;1;stk\n1082;regional_ve_andel;2023;40;procent\n"
        "1099;regional_ve_andel;2023;40;%\n",
    )
    assert errors(con, raw, "regions") == [
        ("regions/r.csv", 4, "Regionskode", "unknown_region"),
        ("regions/r.csv", 2, "Indikator", "unknown_indicator"),
        ("regions/r.csv", 3, "Enhed", "unit_mismatch"),
    ]


def test_tracks_participants_normalised_and_errors(con, raw):
    write(
        raw,
        "tracks/t.csv",
        f"{TRACKS}\nS1;Grøn varme;Tværgående;101, 1084,084,0147;i gang;2022-01-01;;2.500.000\n",
    )
    load(con, raw, "tracks")
    assert table(con, "select * exclude (source_file) from staging.tracks") == [
        (
            2,
            "S1",
            "Grøn varme",
            "cross_cutting",
            "running",
            date(2022, 1, 1),
            None,
            2500000.0,
            ["101", "1084", "1084", "147"],
        )
    ]
    write(
        raw,
        "tracks/t.csv",
        f"{TRACKS}\nS1;x;Energi;101,999;Planlagt;01-01-2022;;\nS1;y;Energi;101;Stoppet;2022-01-01;;\n",
    )
    assert errors(con, raw, "tracks") == [
        ("tracks/t.csv", 2, "Deltagere", "unknown_participant"),
        ("tracks/t.csv", 3, "Spor-id", "duplicate_key"),
        ("tracks/t.csv", 3, "Status", "unknown_label"),
    ]


def test_missing_optional_folders_give_empty_tables_with_columns(con, raw):
    assert load(con, raw, "regions") == []
    assert LOADERS["tracks"](con, raw) == []
    columns = table(
        con,
        "select table_name, count(*) from duckdb_columns() where schema_name = 'staging' "
        "and table_name in ('regional_indicators', 'tracks') group by 1 order by 1",
    )
    assert columns == [("regional_indicators", 7), ("tracks", 10)]
    assert table(con, "select count(*) from staging.tracks") == [(0,)]


# --- reference, manifest, validation ---------------------------------------------------


def test_reference_with_synthetic_municipalities_and_manifest(con, raw):
    write(
        raw,
        "synthetic_municipalities.csv",
        "municipality_code;name;region_code;region_name\n"
        "1001;Syntetisk 1;1081;Region Nordjylland\n",
    )
    manifest = {
        "dataset": "x",
        "parts": [
            {
                "source": "plans",
                "kind": "sample",
                "description_da": "opdigtet",
                "description_en": "made up",
            }
        ],
    }
    write(raw, "MANIFEST.json", json.dumps(manifest))
    assert load_reference(con, raw) == []
    assert table(con, "select count(*), count(*) filter (is_synthetic) from ref.municipality") == [
        (99, 1)
    ]
    assert table(con, "select * from staging.manifest") == [
        ("plans", "sample", "opdigtet", "made up")
    ]
    write(raw, "actions/a.csv", f"{ACTIONS}\n2024;1001;A;x;Energi;Igangsat;\n")
    assert LOADERS["actions"](con, raw) == []


def test_bad_synthetic_municipalities(con, raw):
    write(
        raw,
        "synthetic_municipalities.csv",
        "municipality_code;name;region_code;region_name\n1082;X;1081;\n1002;Y;1090;\n",
    )
    with pytest.raises(InputError) as caught:
        load_reference(con, raw)
    assert [(f.row_number, f.column_name) for f in caught.value.findings] == [
        (2, "municipality_code"),
        (3, "region_code"),
    ]
    assert table(con, "select count(*) from ref.municipality") == [(98,)]


def test_validate_collects_findings_of_every_source_and_writes_nothing(raw):
    write(raw, "plans/plans.csv", f"{PLANS}\n999;;2010;;2030;70;2045;;;;\n")
    write(raw, "tracks/t.csv", f"{TRACKS}\nS1;x;Energi;101;Planlagt;2022-01-01;;\n")
    before = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*"))
    found = validate_raw_dir(raw)
    assert {(f.source_file, f.rule) for f in found if f.severity == "error"} == {
        ("klimaregnskab/", "missing_source"),
        ("statbank/", "missing_source"),
        ("actions/", "missing_source"),
        ("plans/plans.csv", "unknown_municipality"),
    }
    assert sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*")) == before
