"""plans/: the plan registry (formats.md §3) → staging.plans, one row per member."""

from __future__ import annotations

from klima_pipeline.ingest.framework import (
    Check,
    Load,
    label_case,
    labels,
    missing_value_check,
    name_check,
)
from klima_pipeline.ingest.reading import Column

SOURCE = "plans"
LATEST_NET_ZERO_YEAR = 2050
TARGET_BASIS = {"brutto": "gross", "netto": "net"}
REVISION_STATUS = {
    "Ikke startet": "not_started",
    "I gang": "in_progress",
    "Indsendt": "submitted",
    "Recertificeret": "recertified",
}
COLUMNS = [
    Column("Kommunekode", "municipality"),
    Column("Godkendt", "approved"),
    Column("Basisår", "baseline_year"),
    Column("Basisudledning (ton CO2e)", "baseline_t"),
    Column("Målår", "target_year"),
    Column("Reduktionsmål (%)", "target_reduction"),
    Column("Klimaneutral år", "net_zero_year"),
    Column("Målgrundlag", "target_basis", required=False),
    Column("Revisionsstatus", "revision_status", required=False),
    Column("Recertificeret", "recertified", required=False),
    Column("Næste revision", "next_revision", required=False),
]


def load_plans(load: Load) -> None:
    raw = load.read_exports(SOURCE, COLUMNS, required=True)
    basis = label_case("target_basis", TARGET_BASIS)
    revision = label_case("revision_status", REVISION_STATUS)
    load.con.execute(
        f"""
        create temp table {raw}_typed as
        select r.*, m.municipality_code, m.municipality_name as ref_name,
            klima_date(approved) as approved_on, klima_int(baseline_year) as baseline_year_int,
            klima_num(baseline_t) as baseline_num, klima_int(target_year) as target_year_int,
            klima_num(target_reduction) as reduction_num,
            klima_int(net_zero_year) as net_zero_int,
            coalesce({basis}, case when target_basis is null then 'gross' end) as basis_code,
            {revision} as revision_code, klima_date(recertified) as recertified_on,
            klima_int(next_revision) as next_revision_int,
            first_value(r.source_file || ', row ' || r.row_number) over (
                partition by m.municipality_code order by r.source_file, r.row_number) as first_at,
            row_number() over (
                partition by m.municipality_code order by r.source_file, r.row_number) as nth
        from {raw} r
        left join ref.municipality m on m.municipality_code = klima_code(r.municipality)
        """
    )
    load.temp_tables.append(f"{raw}_typed")
    load.check(f"{raw}_typed", _checks())
    load.writes.append(
        f"""
        create or replace table staging.plans as
        select source_file, row_number, municipality_code, approved_on,
            baseline_year_int as baseline_year, baseline_num as baseline_t,
            target_year_int as target_year, reduction_num as target_reduction_pct,
            net_zero_int as net_zero_year, basis_code as target_basis,
            revision_code as revision_status, recertified_on,
            next_revision_int as next_revision_year
        from {raw}_typed
        """
    )


NO_TARGET_PATH = "the member has no target path, so its status is insufficient_data"


def _year_check(column: str, label: str) -> Check:
    return Check(
        "invalid_year",
        label,
        f"not klima_missing({column}) and klima_int({column}) is null",
        f"'expected a year (1990–2100) such as 2030, found ''' || {column} || ''''",
    )


def _date_check(column: str, label: str) -> Check:
    return Check(
        "invalid_date",
        label,
        f"{column} is not null and klima_date({column}) is null",
        f"'expected a date (1990–2100) as 2021-06-30 or 30-06-2021, found ''' || {column} || ''''",
    )


def _checks() -> list[Check]:
    return [
        Check(
            "unknown_municipality",
            "Kommunekode",
            "municipality_code is null",
            "'unknown municipality code ''' || coalesce(municipality, '') || "
            "'''; expected a code such as 101, 0101 or 101 København'",
        ),
        Check(
            "duplicate_key",
            "Kommunekode",
            "nth > 1 and municipality_code is not null",
            "'municipality ' || municipality_code || ' is already listed at ' || first_at || "
            "'; expected one plan row per municipality'",
        ),
        name_check("Kommunekode", "klima_code_name(municipality)"),
        _date_check("approved", "Godkendt"),
        _year_check("baseline_year", "Basisår"),
        missing_value_check("Basisår", "baseline_year", NO_TARGET_PATH),
        Check(
            "invalid_number",
            "Basisudledning (ton CO2e)",
            "klima_bad_num(baseline_t)",
            "'expected tonnes as a number such as 1.234.567 or 1234567,5, found ''' "
            "|| baseline_t || ''''",
        ),
        _year_check("target_year", "Målår"),
        missing_value_check("Målår", "target_year", NO_TARGET_PATH),
        Check(
            "invalid_number",
            "Reduktionsmål (%)",
            "klima_bad_num(target_reduction) or reduction_num < 0 or reduction_num > 100",
            "'expected a percentage between 0 and 100, found ''' || target_reduction || ''''",
        ),
        missing_value_check("Reduktionsmål (%)", "target_reduction", NO_TARGET_PATH),
        _year_check("net_zero_year", "Klimaneutral år"),
        missing_value_check(
            "Klimaneutral år",
            "net_zero_year",
            "the target path ends in the target year; after it the member has no path",
        ),
        Check(
            "baseline_after_target",
            "Basisår, Målår",
            "baseline_year_int >= target_year_int",
            "'baseline year ' || baseline_year_int || ' is not before the target year ' "
            "|| target_year_int",
        ),
        Check(
            "net_zero_before_target",
            "Klimaneutral år, Målår",
            "net_zero_int < target_year_int",
            "'net-zero year ' || net_zero_int || ' is before the target year ' || target_year_int",
        ),
        Check(
            "net_zero_after_2050",
            "Klimaneutral år",
            f"net_zero_int > {LATEST_NET_ZERO_YEAR}",
            f"'net-zero year ' || net_zero_int || ' is after {LATEST_NET_ZERO_YEAR}'",
            "warning",
        ),
        Check(
            "unknown_label",
            "Målgrundlag",
            "basis_code is null",
            f"'expected {labels(TARGET_BASIS)} (or empty for brutto), found ''' "
            "|| target_basis || ''''",
        ),
        Check(
            "unknown_label",
            "Revisionsstatus",
            "revision_status is not null and revision_code is null",
            f"'expected one of {labels(REVISION_STATUS)} or empty, found ''' "
            "|| revision_status || ''''",
        ),
        _date_check("recertified", "Recertificeret"),
        _year_check("next_revision", "Næste revision"),
    ]
