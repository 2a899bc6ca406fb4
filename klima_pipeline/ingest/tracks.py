"""tracks/: the development tracks (formats.md §6) → staging.tracks."""

from __future__ import annotations

from klima_pipeline.ingest.framework import Check, Load, label_case, labels
from klima_pipeline.ingest.reading import Column

SOURCE = "tracks"
STATUS = {"Planlagt": "planned", "I gang": "running", "Afsluttet": "finished"}
COLUMNS = [
    Column("Spor-id", "track_id"),
    Column("Titel", "title"),
    Column("Tema", "theme"),
    Column("Deltagere", "participants"),
    Column("Status", "status"),
    Column("Start", "start_date"),
    Column("Slut", "end_date"),
    Column("Budget (kr.)", "budget", required=False),
]


def load_tracks(load: Load) -> None:
    raw = load.read_exports(SOURCE, COLUMNS, required=False)
    con = load.con
    status = label_case("status", STATUS)
    # One row per listed participant, normalised: a region code as 1084 or 084, a
    # municipality code as 101 or 0101.
    con.execute(
        f"""
        create temp table {raw}_participants as
        with listed as (
            select source_file, row_number,
                trim(unnest(string_split(participants, ','))) as code,
                generate_subscripts(string_split(participants, ','), 1) as position
            from {raw}
        )
        select l.source_file, l.row_number, l.position, l.code,
            coalesce(m.municipality_code, g.region_code) as normalised
        from listed l
        left join ref.municipality m
            on m.municipality_code = klima_code(l.code) and length(klima_code(l.code)) > 2
        left join ref.region g on g.region_code = klima_region(l.code)
        where l.code <> ''
        """
    )
    load.temp_tables.append(f"{raw}_participants")
    con.execute(
        f"""
        create temp table {raw}_typed as
        select r.*, s.sector as theme_code, {status} as status_code,
            klima_date(r.start_date) as start_on, klima_date(r.end_date) as end_on,
            klima_num(r.budget) as budget_num,
            (select list(p.normalised order by p.position) from {raw}_participants p
             where p.source_file = r.source_file and p.row_number = r.row_number) as codes,
            first_value(r.source_file || ', row ' || r.row_number) over w as first_at,
            row_number() over w as nth
        from {raw} r
        left join klima_sector_label s on s.label = klima_label(r.theme)
        window w as (partition by r.track_id order by r.source_file, r.row_number)
        """
    )
    load.temp_tables.append(f"{raw}_typed")
    load.check(
        f"{raw}_participants",
        [
            Check(
                "unknown_participant",
                "Deltagere",
                "normalised is null",
                "'unknown participant code ''' || code || '''; expected municipality codes "
                "(101, 0101) and region codes (1084, 084) separated by commas'",
            ),
        ],
    )
    load.check(
        f"{raw}_typed",
        [
            Check("missing_value", "Spor-id", "track_id is null", "'every track needs an id'"),
            Check(
                "duplicate_key",
                "Spor-id",
                "nth > 1 and track_id is not null",
                "'track id ''' || track_id || ''' is already used at ' || first_at",
            ),
            Check(
                "unknown_sector",
                "Tema",
                "theme_code is null",
                "'expected a sector as in the inventory or Tværgående, found ''' "
                "|| coalesce(theme, '') || ''''",
            ),
            Check(
                "missing_value",
                "Deltagere",
                "participants is null",
                "'expected the participating municipality and region codes'",
            ),
            Check(
                "unknown_label",
                "Status",
                "status_code is null",
                f"'expected one of {labels(STATUS)}, found ''' || coalesce(status, '') || ''''",
            ),
            Check(
                "invalid_date",
                "Start",
                "start_on is null",
                "'expected a date (1990–2100) as 2021-06-30 or 30-06-2021, found ''' "
                "|| coalesce(start_date, '') || ''''",
            ),
            Check(
                "invalid_date",
                "Slut",
                "end_date is not null and end_on is null",
                "'expected a date (1990–2100) as 2021-06-30 or 30-06-2021 (or empty), found ''' "
                "|| end_date || ''''",
            ),
            Check(
                "invalid_number",
                "Budget (kr.)",
                "klima_bad_num(budget)",
                "'expected an amount in kroner such as 1.500.000, found ''' || budget || ''''",
            ),
        ],
    )
    load.writes.append(
        f"""
        create or replace table staging.tracks as
        select source_file, row_number, track_id, title, theme_code as theme,
            status_code as status, start_on as start_date, end_on as end_date,
            budget_num as budget_dkk, coalesce(codes, []::varchar[]) as participants
        from {raw}_typed
        """
    )
