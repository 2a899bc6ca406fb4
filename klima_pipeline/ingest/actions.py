"""actions/: the yearly action status survey (formats.md §4) → staging.actions."""

from __future__ import annotations

from klima_pipeline.ingest.framework import (
    Check,
    Load,
    data_year_checks,
    label_case,
    labels,
    name_check,
)
from klima_pipeline.ingest.reading import Column

SOURCE = "actions"
STATUS = {
    "Ikke igangsat": "planned",
    "Igangsat": "in_progress",
    "Gennemført": "completed",
    "Opgivet": "cancelled",
}
COLUMNS = [
    Column("Rapporteringsår", "report_year"),
    Column("Kommunekode", "municipality"),
    Column("Indsats-id", "action_id"),
    Column("Titel", "title"),
    Column("Sektor", "sector"),
    Column("Status", "status"),
    Column("Forventet reduktion (ton CO2e/år)", "expected"),
]


def load_actions(load: Load) -> None:
    raw = load.read_exports(SOURCE, COLUMNS, required=True)
    status = label_case("status", STATUS)
    load.con.execute(
        f"""
        create temp table {raw}_typed as
        select r.*, m.municipality_code, m.municipality_name as ref_name,
            klima_int(r.report_year) as year_int,
            s.sector as sector_code, {status} as status_code,
            klima_num(r.expected) as expected_num,
            first_value(r.source_file || ', row ' || r.row_number) over w as first_at,
            row_number() over w as nth
        from {raw} r
        left join ref.municipality m on m.municipality_code = klima_code(r.municipality)
        left join klima_sector_label s on s.label = klima_label(r.sector)
        window w as (partition by m.municipality_code, klima_int(r.report_year), r.action_id
            order by r.source_file, r.row_number)
        """
    )
    load.temp_tables.append(f"{raw}_typed")
    load.check(
        f"{raw}_typed",
        [
            *data_year_checks("Rapporteringsår", "report_year", 2024),
            Check(
                "unknown_municipality",
                "Kommunekode",
                "municipality_code is null",
                "'unknown municipality code ''' || coalesce(municipality, '') || "
                "'''; expected a code such as 101, 0101 or 101 København'",
            ),
            name_check("Kommunekode", "klima_code_name(municipality)"),
            Check(
                "missing_value",
                "Indsats-id",
                "action_id is null",
                "'every action needs the municipality''s own id'",
            ),
            Check(
                "duplicate_key",
                "Indsats-id",
                "nth > 1 and action_id is not null and municipality_code is not null",
                "'action id ''' || action_id || ''' is already used at ' || first_at || "
                "' for the same municipality and year; expected it once'",
            ),
            Check(
                "unknown_sector",
                "Sektor",
                "sector_code is null",
                "'expected a sector as in the inventory (Energi, Transport, Landbrug, …) "
                "or Tværgående, found ''' || coalesce(sector, '') || ''''",
            ),
            Check(
                "unknown_label",
                "Status",
                "status_code is null",
                f"'expected one of {labels(STATUS)}, found ''' || coalesce(status, '') || ''''",
            ),
            Check(
                "invalid_number",
                "Forventet reduktion (ton CO2e/år)",
                "klima_bad_num(expected) or expected_num < 0",
                "'expected tonnes per year as a number ≥ 0 (or empty), found ''' "
                "|| expected || ''''",
            ),
        ],
    )
    load.writes.append(
        f"""
        create or replace table staging.actions as
        select source_file, row_number, year_int as report_year, municipality_code, action_id,
            title, sector_code as sector, status_code as status, expected_num as expected_t
        from {raw}_typed
        """
    )
