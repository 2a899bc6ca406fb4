"""statbank/<TABLE>*.csv: Statistics Denmark tables (formats.md §2) → staging.statbank.

The header is the table's variable ids, so columns are not fixed: OMRÅDE and TID are
required, INDHOLD is the value, and every other variable goes into `dimensions`.
"""

from __future__ import annotations

from klima_pipeline.ingest.framework import Check, Load, current_year, read_file, sql_text

SOURCE = "statbank"
TABLES = ("FOLK1A", "BIL54", "BOL102")
REQUIRED_TABLES = ("FOLK1A",)
AREA, TIME, VALUE = "OMRÅDE", "TID", "INDHOLD"


def load_statbank(load: Load) -> None:
    con = load.con
    raw = load.temp("statbank_raw")
    con.execute(
        f"create temp table {raw} (source_file varchar, row_number integer, table_name varchar, "
        "area varchar, time varchar, value varchar, dimensions map(varchar, varchar))"
    )
    found: set[str] = set()
    for path in load.export_files(SOURCE, required=False, suffixes=(".csv",)):
        rel = path.relative_to(load.raw_dir).as_posix()
        table_name = next((t for t in TABLES if path.name.upper().startswith(t)), None)
        if table_name is None:
            load.warning(
                rel,
                f"not a table the pipeline uses ({', '.join(TABLES)}); the file is ignored",
                "unknown_table",
            )
            continue
        result = read_file(con, load.raw_dir, path, SOURCE)
        load.add(result)
        if result.table is None:
            continue
        found.add(table_name)
        header = [h.strip().upper() for h in result.header]
        for index, name in enumerate(header):
            if header.index(name) != index:
                load.error(
                    rel,
                    f"variable '{name}' appears twice in the header",
                    "duplicate_column",
                    result.header_row,
                    name,
                )
        for needed in (AREA, TIME, VALUE):
            if needed not in header:
                load.error(
                    rel,
                    f"required column '{needed}' is missing; a StatBank CSV has the variable ids "
                    f"as header, {AREA} and {TIME} among them, and {VALUE} last",
                    "missing_column",
                    result.header_row,
                    needed,
                )
        if header and header[-1] != VALUE and VALUE in header:
            load.error(
                rel,
                f"expected {VALUE} as the last column",
                "missing_column",
                result.header_row,
                VALUE,
            )
        if any(f.severity == "error" and f.source_file == rel for f in load.findings):
            continue
        others = [(i, h) for i, h in enumerate(header) if h not in (AREA, TIME, VALUE)]
        keys = "[" + ", ".join(sql_text(h) for _, h in others) + "]"
        values = "[" + ", ".join(f"c{i}" for i, _ in others) + "]"
        con.execute(
            f"""
            insert into {raw}
            select source_file, row_number, {sql_text(table_name)}, c{header.index(AREA)},
                c{header.index(TIME)}, c{header.index(VALUE)}, map({keys}::varchar[], {values})
            from {result.table}
            """
        )
    for table_name in REQUIRED_TABLES:
        if table_name not in found:
            load.error(
                f"{SOURCE}/",
                f"the {table_name} table is required (population): expected a file "
                f"{SOURCE}/{table_name}*.csv in the raw folder",
                "missing_source",
            )
    _check_and_write(load, raw)


def _check_and_write(load: Load, raw: str) -> None:
    con = load.con
    # Codes of variables the mapping knows (DRIV, OPVARM) must be in it; other
    # variables (KØN, ALDER …) are not checked here.
    con.execute(
        f"""
        create temp table {raw}_unknown as
        with entries as (
            select source_file, row_number, table_name, unnest(map_entries(dimensions)) as d
            from {raw}
        )
        select e.source_file, e.row_number,
            string_agg(e.d.key || '=' || e.d.value, ', ' order by e.d.key) as unknown_codes,
            min(e.d.key) as unknown_variable
        from entries e
        join (select distinct table_name, variable from ref.statbank_mapping) v
            on v.table_name = e.table_name and v.variable = e.d.key
        left join ref.statbank_mapping s
            on s.table_name = e.table_name and s.variable = e.d.key and s.code = e.d.value
        where s.code is null
        group by all
        """
    )
    load.temp_tables.append(f"{raw}_unknown")
    con.execute(
        f"""
        create temp table {raw}_typed as
        with coded as (
            select r.*, klima_code(r.area) as code,
                regexp_extract(r.time, '^(\\d{{4}})(K([1-4]))?$', ['y', 'k', 'q']) as t
            from {raw} r
        )
        select c.*,
            case when c.area = '000' then '000'
                 when length(c.code) = 2 then klima_region(c.area)
                 else m.municipality_code end as area_code,
            case when c.area = '000' then 'national'
                 when length(c.code) = 2 and klima_region(c.area) is not null then 'region'
                 when m.municipality_code is not null then 'municipality' end as area_type,
            nullif(c.t.y, '')::integer as year,
            nullif(c.t.q, '')::integer as quarter,
            klima_num(c.value) as value_num,
            u.unknown_codes,
            u.unknown_variable
        from coded c
        left join ref.municipality m on m.municipality_code = c.code
        left join {raw}_unknown u on u.source_file = c.source_file and u.row_number = c.row_number
        """
    )
    load.temp_tables.append(f"{raw}_typed")
    year = current_year()
    load.check(
        f"{raw}_typed",
        [
            Check(
                "invalid_time",
                TIME,
                "year is null",
                "'expected a year such as 2024 or a quarter such as 2024K1, found ''' "
                "|| coalesce(time, '') || ''''",
            ),
            Check(
                "future_year",
                TIME,
                f"year > {year}",
                f"'year ' || year || ' is after the current year {year}'",
            ),
            Check(
                "invalid_number",
                VALUE,
                "klima_bad_num(value)",
                "'expected a number (or .. for not available), found ''' || value || ''''",
            ),
            Check(
                "unknown_area",
                AREA,
                "area_code is null",
                "'area code ''' || coalesce(area, '') || ''' is not the country (000), a region "
                "(081–085) or a known municipality; the row is ignored'",
                "warning",
            ),
            Check(
                "unknown_category",
                None,
                "unknown_codes is not null and area_code is not null",
                "'unknown code(s) ' || unknown_codes || ' (not in the StatBank mapping); "
                "the row is ignored'",
                "warning",
                column_expression="unknown_variable",
            ),
        ],
    )
    load.writes.append(
        f"""
        create or replace table staging.statbank as
        select source_file, row_number, table_name, area_code, area_type, year, quarter,
            dimensions, value_num as value
        from {raw}_typed
        where area_code is not null and unknown_codes is null
        """
    )
