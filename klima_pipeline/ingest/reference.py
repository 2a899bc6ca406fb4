"""ref.* from the project's reference data, plus what a raw folder adds to it:
synthetic municipalities (formats.md §7) and the sample-data manifest."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from klima_pipeline.config import REFERENCE_DIR
from klima_pipeline.errors import Finding
from klima_pipeline.ingest.framework import Check, Load, ensure_target, run_loader, sql_text
from klima_pipeline.ingest.reading import Column, open_raw

SYNTHETIC_FILE = "synthetic_municipalities.csv"
MANIFEST_FILE = "MANIFEST.json"
SYNTHETIC_COLUMNS = [
    Column("municipality_code", "municipality_code"),
    Column("name", "name"),
    Column("region_code", "region_code"),
    Column("region_name", "region_name", required=False),
]

_REFERENCE_TABLES = {
    "region": ("regions.csv", "region_code varchar, region_name varchar, region_name_en varchar"),
    "sector": (
        "sectors.csv",
        "sector varchar, name_da varchar, name_en varchar, in_total boolean, "
        "may_be_negative boolean, sort_order integer",
    ),
    "inventory_sector": ("inventory_sectors.csv", "source_sector varchar, sector varchar"),
    "statbank_mapping": (
        "statbank_mapping.csv",
        "table_name varchar, variable varchar, code varchar, category varchar",
    ),
    "indicator": (
        "indicators.csv",
        "indicator varchar, name_da varchar, name_en varchar, sector varchar, unit varchar, "
        "better varchar, source varchar, level varchar, inventory_type varchar, "
        "inventory_sector varchar, aggregate_by varchar",
    ),
    "municipality_area": ("municipality_areas.csv", "municipality_code varchar, area_km2 double"),
    "peer_group_class": (
        "peer_group_classes.csv",
        "dimension varchar, class varchar, lower_bound double, name_da varchar, name_en varchar",
    ),
}


def _read_reference(con: duckdb.DuckDBPyConnection, table: str, file: str, columns: str) -> None:
    names = [c.split()[0] for c in columns.split(", ")]
    types = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    casts = ", ".join(
        f"nullif(trim({c.split()[0]}), '')::{c.split()[1]} as {c.split()[0]}"
        for c in columns.split(", ")
    )
    con.execute(f"create or replace table ref.{table} ({columns})")
    con.execute(
        f"insert into ref.{table} select {casts} from read_csv(?, delim=';', header=true, "
        f"auto_detect=false, columns={types})",
        [str(REFERENCE_DIR / file)],
    )


def _create_reference(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("begin transaction")
    try:
        con.execute("create schema if not exists ref")
        con.execute("create schema if not exists staging")
        for table, (file, columns) in _REFERENCE_TABLES.items():
            _read_reference(con, table, file, columns)
        con.execute(
            "create or replace table ref.municipality (municipality_code varchar, "
            "municipality_name varchar, region_code varchar, region_name varchar, "
            "is_synthetic boolean)"
        )
        con.execute(
            "insert into ref.municipality select trim(municipality_code), trim(name), "
            "trim(region_code), trim(region_name), false from read_csv(?, delim=';', header=true, "
            "auto_detect=false, columns={'municipality_code': 'VARCHAR', 'name': 'VARCHAR', "
            "'region_code': 'VARCHAR', 'region_name': 'VARCHAR'})",
            [str(REFERENCE_DIR / "municipalities.csv")],
        )
        con.execute(
            "create or replace table staging.manifest (source varchar, kind varchar, "
            "description_da varchar, description_en varchar)"
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def load_reference(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> list[Finding]:
    """Create ref.* and staging.manifest; add the raw folder's synthetic municipalities.

    The 98 municipalities are in place even when the synthetic file is rejected, so the
    other sources can still be validated.
    """
    _create_reference(con)
    return run_loader(con, Path(raw_dir), "synthetic", SYNTHETIC_FILE, _load_raw_folder_extras)


def _load_raw_folder_extras(load: Load) -> None:
    _load_manifest(load)
    path = load.raw_dir / SYNTHETIC_FILE
    if not path.is_file():
        return
    raw = load.temp("synthetic_raw")
    ensure_target(load.con, raw, SYNTHETIC_COLUMNS)
    load.read_into(path, SYNTHETIC_COLUMNS, raw)
    load.con.execute(
        f"""
        create or replace temp table {raw}_typed as
        select r.*, klima_code(r.municipality_code) as code, g.region_code as region,
            count(*) over (partition by klima_code(r.municipality_code)) as times,
            m.municipality_code is not null and not m.is_synthetic as is_real
        from {raw} r
        left join ref.region g on g.region_code = klima_region(r.region_code)
        left join ref.municipality m on m.municipality_code = klima_code(r.municipality_code)
        """
    )
    load.temp_tables.append(f"{raw}_typed")
    load.check(
        f"{raw}_typed",
        [
            Check(
                "invalid_code",
                "municipality_code",
                "code is null or code::bigint < 1001 or code::bigint between 1081 and 1085",
                "'expected a code from 1001 up, not 1081–1085; found ''' "
                "|| coalesce(municipality_code, '') || ''''",
            ),
            Check(
                "duplicate_key",
                "municipality_code",
                "times > 1 or is_real",
                "'municipality code ' || code || ' is listed twice or is a real municipality'",
            ),
            Check(
                "unknown_region",
                "region_code",
                "region is null",
                "'expected one of the five region codes 1081–1085, found ''' "
                "|| coalesce(region_code, '') || ''''",
            ),
            Check("missing_value", "name", "name is null", "'the municipality needs a name'"),
        ],
    )
    load.writes.append(
        f"""
        insert into ref.municipality
        select t.code, t.name, t.region, g.region_name, true
        from {raw}_typed t join ref.region g on g.region_code = t.region
        order by t.code::bigint
        """
    )


def _load_manifest(load: Load) -> None:
    path = load.raw_dir / MANIFEST_FILE
    if not path.is_file():
        return
    result, data = open_raw(load.raw_dir, path, "manifest")
    load.findings.extend(result.findings)
    if data is None:
        return
    try:
        parts = json.loads(data.decode("utf-8-sig")).get("parts", [])
        rows = [
            (str(p["source"]), str(p["kind"]), p.get("description_da"), p.get("description_en"))
            for p in parts
        ]
    except (ValueError, AttributeError, KeyError, TypeError) as exc:
        load.error(
            MANIFEST_FILE,
            f'expected {{"parts": [{{"source", "kind", …}}]}}: {exc}',
            "invalid_manifest",
        )
        return
    for row in rows:
        values = ", ".join("null" if v is None else sql_text(str(v)) for v in row)
        load.writes.append(f"insert into staging.manifest values ({values})")
