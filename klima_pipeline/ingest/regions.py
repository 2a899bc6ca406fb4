"""regions/: what the regions report (formats.md §5) → staging.regional_indicators."""

from __future__ import annotations

from klima_pipeline.ingest.framework import Check, Load, data_year_checks, missing_value_check
from klima_pipeline.ingest.reading import Column

SOURCE = "regions"
COLUMNS = [
    Column("Regionskode", "region"),
    Column("Indikator", "indicator"),
    Column("År", "year"),
    Column("Værdi", "value"),
    Column("Enhed", "unit"),
]


def load_regions(load: Load) -> None:
    raw = load.read_exports(SOURCE, COLUMNS, required=False)
    load.con.execute(
        f"""
        create temp table {raw}_typed as
        select r.*, g.region_code, i.indicator as indicator_id, i.unit as expected_unit,
            klima_int(r.year) as year_int, klima_num(r.value) as value_num,
            first_value(r.source_file || ', row ' || r.row_number) over w as first_at,
            row_number() over w as nth
        from {raw} r
        left join ref.region g on g.region_code = klima_region(r.region)
        left join ref.indicator i on i.level = 'region' and i.indicator = trim(r.indicator)
        window w as (partition by g.region_code, i.indicator, klima_int(r.year)
            order by r.source_file, r.row_number)
        """
    )
    load.temp_tables.append(f"{raw}_typed")
    load.check(
        f"{raw}_typed",
        [
            Check(
                "unknown_region",
                "Regionskode",
                "region_code is null",
                "'expected a region code 1081–1085 (or 081–085), found ''' "
                "|| coalesce(region, '') || ''''",
            ),
            Check(
                "unknown_indicator",
                "Indikator",
                "indicator_id is null",
                "'unknown regional indicator ''' || coalesce(indicator, '') || '''; expected "
                "one of ' || (select string_agg(indicator, ', ' order by indicator) "
                "from ref.indicator where level = 'region')",
            ),
            *data_year_checks("År", "year", 2024),
            missing_value_check(
                "Værdi", "value", "not available that year; the row is skipped (a gap)"
            ),
            Check(
                "invalid_number",
                "Værdi",
                "klima_bad_num(value)",
                "'expected a number such as 12,5, found ''' || value || ''''",
            ),
            Check(
                "unit_mismatch",
                "Enhed",
                "indicator_id is not null and klima_label(unit) is distinct from "
                "klima_label(expected_unit)",
                "'unit ''' || coalesce(unit, '') || ''' does not match the catalogue: "
                "expected ''' || expected_unit || ''' for ' || indicator_id",
            ),
            Check(
                "duplicate_key",
                "Værdi",
                "nth > 1 and region_code is not null and indicator_id is not null",
                "'region, indicator and year already given at ' || first_at",
            ),
        ],
    )
    load.writes.append(
        f"""
        create or replace table staging.regional_indicators as
        select source_file, row_number, region_code, indicator_id as indicator,
            year_int as year, value_num as value, expected_unit as unit
        from {raw}_typed
        where value_num is not null
        """
    )
