"""klimaregnskab/: Energistyrelsen's emission inventory (formats.md §1) → staging.inventory.

Samlet is kept as sector `total` and not compared with the sector sum here: with "later
file wins" the comparison is only meaningful after core has picked one row per key, so
sql/core does it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from klima_pipeline.ingest.framework import (
    Check,
    Load,
    data_year_checks,
    ensure_target,
    name_check,
)
from klima_pipeline.ingest.reading import Column, cell_text, insert_columns, open_raw

SOURCE = "klimaregnskab"
EMISSIONS_TYPE = "samlet co2-udledning"
EMISSIONS_UNIT = "ton co2e"

COLUMNS = [
    Column("Kommunekode", "municipality"),
    Column("Kommune", "municipality_name", required=False),
    Column("År", "year"),
    Column("Sektor", "sector"),
    Column("Type", "type"),
    Column("Enhed", "unit"),
    Column("Værdi", "value"),
]
JSON_KEYS = {"sektor": "sector", "type": "type", "enhed": "unit", "værdi": "value"}
_JSON_NAME = re.compile(r"^0*(\d+)_(\d{4})\.json$", re.IGNORECASE)


def load_inventory(load: Load) -> None:
    raw = load.temp("inventory_raw")
    ensure_target(load.con, raw, COLUMNS)
    files = load.export_files(SOURCE, required=True, suffixes=(".csv", ".xlsx", ".json"))
    json_files: list[tuple[int, Path]] = []
    for rank, path in enumerate(files, start=1):
        if path.suffix.lower() == ".json":
            json_files.append((rank, path))
        else:
            load.read_into(path, COLUMNS, raw, file_rank=rank)
    _read_json_files(load, json_files, raw)
    _check(load, raw)
    _write(load, raw)


def _read_json_files(load: Load, files: list[tuple[int, Path]], raw: str) -> None:
    """Saved API answers: one municipality and year per file, named `<code>_<year>.json`."""
    known = {
        row[0]
        for row in load.con.execute("select municipality_code from ref.municipality").fetchall()
    }
    columns: dict[str, list] = {
        k: []
        for k in (
            "source_file",
            "row_number",
            "file_rank",
            "municipality",
            "year",
            "sector",
            "type",
            "unit",
            "value",
        )
    }
    for rank, path in files:
        result, data = open_raw(load.raw_dir, path, SOURCE)
        result.raw.encoding = "json"
        load.add(result)
        if data is None:
            continue
        name = _JSON_NAME.match(path.name)
        rel = result.raw.source_file
        if name is None:
            load.error(
                rel,
                "file name must be <municipality code>_<year>.json, e.g. 101_2023.json",
                "json_file_name",
            )
            continue
        code, year = name.group(1), name.group(2)
        if code not in known:
            load.error(
                rel, f"unknown municipality code '{code}' in the file name", "unknown_municipality"
            )
            continue
        elements = _json_elements(load, rel, data)
        if elements is None:
            continue
        result.raw.rows = len(elements)
        for index, element in enumerate(elements, start=1):
            columns["source_file"].append(rel)
            columns["row_number"].append(index)
            columns["file_rank"].append(rank)
            columns["municipality"].append(code)
            columns["year"].append(year)
            for key, target in JSON_KEYS.items():
                columns[target].append(cell_text(element.get(key)))
    if columns["source_file"]:
        types = {"row_number": "integer", "file_rank": "integer"}
        insert_columns(
            load.con, raw, {name: (types.get(name, "varchar"), v) for name, v in columns.items()}
        )


def _json_elements(load: Load, rel: str, data: bytes) -> list[dict] | None:
    if not data.strip():
        load.error(rel, 'file is empty; expected a saved API answer {"data": [...]}', "empty_file")
        return None
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        load.error(rel, "file is not UTF-8 text; expected a saved API answer (JSON)", "binary_file")
        return None
    except json.JSONDecodeError as exc:
        load.error(
            rel,
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            'expected a saved API answer {"data": [...]}',
            "invalid_json",
        )
        return None
    data_list = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data_list, list):
        load.error(rel, 'expected an object with a list under "data"', "json_shape", column="data")
        return None
    elements: list[dict] = []
    for index, element in enumerate(data_list, start=1):
        if not isinstance(element, dict):
            load.error(
                rel, "expected an object with sektor, type, enhed, værdi", "json_shape", index
            )
            elements.append({})
            continue
        normalised = {str(k).strip().casefold(): v for k, v in element.items()}
        for key in JSON_KEYS:
            if key not in normalised:
                load.error(rel, f"required field '{key}' is missing", "missing_column", index, key)
        elements.append(normalised)
    return elements


def _check(load: Load, raw: str) -> None:
    load.con.execute(
        f"""
        create or replace temp table {raw}_typed as
        select r.*,
            klima_code(r.municipality) as municipality_code,
            klima_int(r.year) as year_int,
            klima_num(r.value) as value_num,
            s.sector as sector_code,
            klima_label(r.type) = '{EMISSIONS_TYPE}' and klima_label(r.unit) = '{EMISSIONS_UNIT}'
                as is_emissions,
            m.municipality_code is not null as known_municipality,
            m.municipality_name as ref_name,
            klima_label(r.type) = '{EMISSIONS_TYPE}' or klima_label(r.type) in (
                select klima_label(inventory_type) from ref.indicator
                where coalesce(inventory_type, '') <> '') as known_type,
            coalesce(rs.may_be_negative, true) or s.sector = 'total' as may_be_negative
        from {raw} r
        left join ref.inventory_sector s on klima_label(s.source_sector) = klima_label(r.sector)
        left join ref.sector rs on rs.sector = s.sector
        left join ref.municipality m on m.municipality_code = klima_code(r.municipality)
        """
    )
    load.temp_tables.append(f"{raw}_typed")
    load.check(
        f"{raw}_typed",
        [
            Check(
                "unknown_municipality",
                "Kommunekode",
                "not known_municipality",
                "'unknown municipality code ''' || coalesce(municipality, '') || "
                "'''; expected a code of ref.municipality such as 101, 0101 or 101 København'",
            ),
            name_check("Kommunekode", "klima_code_name(municipality)"),
            name_check("Kommune", "municipality_name"),
            *data_year_checks("År", "year", 2023),
            Check(
                "invalid_number",
                "Værdi",
                "klima_bad_num(value)",
                "'expected a number such as 1234,5 or 1.234,5 or 1234.5, found ''' "
                "|| value || ''''",
            ),
            Check(
                "empty_value",
                "Værdi",
                "klima_missing(value)",
                "'empty value for ' || coalesce(sector, '?') || ' / ' || coalesce(type, '?') "
                "|| '; the row is skipped'",
                "warning",
            ),
            Check(
                "unknown_sector",
                "Sektor",
                "sector_code is null",
                "'unknown sector ''' || coalesce(sector, '') || '''; kept without a sector code'",
                "warning",
            ),
            Check(
                "unknown_type",
                "Type",
                "not coalesce(known_type, false)",
                "'unknown type ''' || coalesce(type, '') || '''; kept, but used for nothing'",
                "warning",
            ),
            Check(
                "negative_emissions",
                "Værdi",
                "is_emissions and value_num < 0 and not may_be_negative",
                "'negative emissions (' || value || ') for sector ''' || sector || '''; only "
                "Landbrug, Arealanvendelse and Samlet may be negative'",
            ),
        ],
    )
    # Grouping first keeps this cheap on a million rows: only keys seen twice are ranked.
    load.con.execute(
        f"""
        create or replace temp table {raw}_dupes as
        with repeated as (
            select source_file, municipality_code, year_int, klima_label(sector) as s,
                klima_label(type) as t, klima_label(unit) as u
            from {raw}_typed
            where value_num is not null
            group by all
            having count(*) > 1
        )
        select r.source_file, r.row_number, r.value, r.value_num,
            first_value(r.value_num) over w as first_value,
            first_value(r.row_number) over w as first_row, row_number() over w as nth
        from {raw}_typed r
        join repeated d on d.source_file = r.source_file
            and d.municipality_code is not distinct from r.municipality_code
            and d.year_int is not distinct from r.year_int
            and d.s is not distinct from klima_label(r.sector)
            and d.t is not distinct from klima_label(r.type)
            and d.u is not distinct from klima_label(r.unit)
        where r.value_num is not null
        window w as (partition by r.source_file, d.municipality_code, d.year_int, d.s, d.t, d.u
            order by r.row_number)
        """
    )
    load.temp_tables.append(f"{raw}_dupes")
    load.check(
        f"{raw}_dupes",
        [
            Check(
                "duplicate_key",
                "Værdi",
                "nth > 1 and value_num <> first_value",
                "'same municipality, year, sector, type and unit as row ' || first_row || "
                "' but a different value (' || value || '); expected one value per key in a file'",
            ),
            Check(
                "duplicate_row",
                None,
                "nth > 1 and value_num = first_value",
                "'repeats row ' || first_row || ' with the same value; the repeat is skipped'",
                "warning",
            ),
        ],
    )


def _write(load: Load, raw: str) -> None:
    load.writes.append(
        f"""
        create or replace table staging.inventory as
        select source_file, row_number, file_rank, municipality_code, year_int as year,
            trim(sector) as source_sector, sector_code as sector, trim(type) as type_label,
            trim(unit) as unit_label, case when is_emissions then 'emissions' end as measure,
            value_num as value
        from {raw}_typed t
        where value_num is not null and not exists (
            select 1 from {raw}_dupes d
            where d.nth > 1 and d.source_file = t.source_file and d.row_number = t.row_number)
        """
    )
