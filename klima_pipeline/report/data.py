"""The one place that reads the warehouse.

The warehouse is opened read-only (analysts may have it open; a report never changes
it). A mart table that does not exist is read as empty with the expected columns, so a
missing optional input gives a report that says so instead of failing.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

# name -> (columns, SQL). `$year` is the report year. Each query reads what one part of
# the report shows; sums and counts happen here, in SQL, not in Python loops.
QUERIES: dict[str, tuple[tuple[str, ...], str]] = {
    "municipality": (
        (
            "municipality_code",
            "municipality_name",
            "region_code",
            "region_name",
            "is_member",
            "plan_approved",
        ),
        """select municipality_code, municipality_name, region_code, region_name,
                  is_member, plan_approved
           from mart.municipality order by region_code, municipality_name,
                municipality_code""",
    ),
    "status": (
        (
            "municipality_code",
            "baseline_year",
            "baseline_t",
            "target_year",
            "target_t",
            "net_zero_year",
            "latest_year",
            "latest_t",
            "path_t",
            "gap_t",
            "reduction_pct",
            "r_obs",
            "r_req",
            "proj_lin_t",
            "proj_exp_t",
            "proj_cons_t",
            "status",
            "implementation_pct",
            "plan_coverage_pct",
        ),
        """select municipality_code, baseline_year, baseline_t, target_year, target_t,
                  net_zero_year, latest_year, latest_t, path_t, gap_t, reduction_pct,
                  r_obs, r_req, proj_lin_t, proj_exp_t, proj_cons_t, status,
                  implementation_pct, plan_coverage_pct
           from mart.municipality_status where report_year = $year
           order by municipality_code""",
    ),
    "cohort_year": (
        (
            "year",
            "gross_t",
            "net_t",
            "population",
            "per_capita_t",
            "municipalities_missing",
            "members",
        ),
        """select year, gross_t, net_t, population, per_capita_t, municipalities_missing,
                  members
           from mart.cohort_year where year <= $year order by year""",
    ),
    "national_year": (
        ("year", "gross_t", "net_t", "population", "per_capita_t", "municipalities_missing"),
        """select year, gross_t, net_t, population, per_capita_t, municipalities_missing
           from mart.national_year where year <= $year order by year""",
    ),
    "region_year": (
        (
            "region_code",
            "year",
            "gross_t",
            "net_t",
            "population",
            "per_capita_t",
            "municipalities_missing",
        ),
        """select region_code, year, gross_t, net_t, population, per_capita_t,
                  municipalities_missing
           from mart.region_year where year <= $year order by region_code, year""",
    ),
    "status_summary": (
        (
            "scope",
            "scope_code",
            "projection",
            "members",
            "on_track",
            "at_risk",
            "off_track",
            "insufficient_data",
        ),
        """select scope, scope_code, projection, members, on_track, at_risk, off_track,
                  insufficient_data
           from mart.status_summary where report_year = $year
           order by scope, scope_code, projection""",
    ),
    "sector_year": (
        ("year", "sector", "emissions_t"),
        """select e.year, e.sector, sum(e.emissions_t) as emissions_t
           from mart.emissions e join mart.municipality m using (municipality_code)
           where m.is_member and e.year <= $year
           group by e.year, e.sector order by e.year, e.sector""",
    ),
    # Each member's target path P(y) of metrics.md, per year, for the combined path and
    # the fact sheets.
    "member_path": (
        ("municipality_code", "year", "path_t"),
        """select s.municipality_code, y.year::integer as year,
                  case
                      when y.year <= s.baseline_year then s.baseline_t
                      when y.year <= s.target_year then s.baseline_t
                          + (s.target_t - s.baseline_t) * (y.year - s.baseline_year)
                          / nullif(s.target_year - s.baseline_year, 0)
                      when y.year >= s.net_zero_year then 0
                      else s.target_t * (s.net_zero_year - y.year)
                          / nullif(s.net_zero_year - s.target_year, 0)
                  end as path_t
           from mart.municipality_status s
           cross join range(
               (select min(baseline_year) from mart.municipality_status
                where report_year = $year),
               2051) y(year)
           where s.report_year = $year and s.baseline_t is not null
                 and s.target_t is not null
           order by s.municipality_code, year""",
    ),
    "member_year": (
        (
            "municipality_code",
            "year",
            "gross_t",
            "net_t",
            "population",
            "per_capita_t",
            "is_complete",
        ),
        """select y.municipality_code, y.year, y.gross_t, y.net_t, y.population,
                  y.per_capita_t, y.is_complete
           from mart.municipality_year y join mart.municipality m using (municipality_code)
           where m.is_member and y.year <= $year order by y.municipality_code, y.year""",
    ),
    # Each member's sector emissions at its baseline and latest year.
    "member_sector": (
        ("municipality_code", "sector", "baseline_t", "latest_t"),
        """select s.municipality_code, e.sector,
                  sum(e.emissions_t) filter (where e.year = s.baseline_year) as baseline_t,
                  sum(e.emissions_t) filter (where e.year = s.latest_year) as latest_t
           from mart.municipality_status s
           join mart.emissions e on e.municipality_code = s.municipality_code
                and e.year in (s.baseline_year, s.latest_year)
           where s.report_year = $year
           group by all order by 1, 2""",
    ),
    "actions": (
        (
            "municipality_code",
            "sector",
            "planned",
            "in_progress",
            "completed",
            "cancelled",
            "expected_t",
            "expected_completed_t",
        ),
        """select municipality_code, sector, planned, in_progress, completed, cancelled,
                  expected_t, expected_completed_t
           from mart.actions where report_year = $year order by 1, 2""",
    ),
    "effect": (
        (
            "municipality_code",
            "sector",
            "observed_reduction_t",
            "expected_completed_t",
            "effect_ratio",
        ),
        """select municipality_code, sector, observed_reduction_t, expected_completed_t,
                  effect_ratio
           from mart.implementation_effect where report_year = $year order by 1, 2""",
    ),
    "indicator_summary": (
        (
            "entity_type",
            "entity_code",
            "indicator",
            "latest_year",
            "value",
            "change_1y",
            "change_5y",
            "rank",
            "rank_of",
            "national_value",
            "unit",
        ),
        """select entity_type, entity_code, indicator, latest_year, value, change_1y,
                  change_5y, rank, rank_of, national_value, unit
           from mart.indicator_summary where report_year = $year
           order by indicator, entity_type, rank nulls last, entity_code""",
    ),
    "indicator_catalogue": (
        ("indicator", "name_da", "name_en", "sector", "unit", "better", "source", "level"),
        """select indicator, name_da, name_en, sector, unit, better, source, level
           from mart.indicator_catalogue order by indicator""",
    ),
    # National and regional series only: the small multiples show these.
    "indicator_series": (
        ("entity_type", "entity_code", "indicator", "year", "value", "unit"),
        """select entity_type, entity_code, indicator, year, value, unit
           from mart.indicators
           where entity_type in ('national', 'region') and year <= $year
           order by 1, 2, 3, 4""",
    ),
    "carbon_budget": (
        (
            "municipality_code",
            "budget_start_year",
            "budget_share_t",
            "cumulative_t",
            "budget_runs_out_year",
        ),
        """select municipality_code, budget_start_year, budget_share_t, cumulative_t,
                  budget_runs_out_year
           from mart.carbon_budget where report_year = $year order by 1""",
    ),
    "dataset_part": (
        ("source", "kind", "description_da", "description_en"),
        "select source, kind, description_da, description_en from mart.dataset_part "
        "order by source",
    ),
    "sector": (
        ("sector", "name_da", "name_en", "in_total", "sort_order"),
        "select sector, name_da, name_en, in_total, sort_order from mart.sector "
        "order by sort_order",
    ),
    "region": (
        ("region_code", "region_name", "region_name_en"),
        "select region_code, region_name, region_name_en from mart.region order by 1",
    ),
    "plan_revision": (
        (
            "municipality_code",
            "revision_status",
            "recertified_on",
            "next_revision_year",
            "is_overdue",
        ),
        """select municipality_code, revision_status, recertified_on, next_revision_year,
                  is_overdue
           from mart.plan_revision where report_year = $year order by 1""",
    ),
    "tracks": (
        (
            "track_id",
            "title",
            "theme",
            "status",
            "start_date",
            "end_date",
            "budget_dkk",
            "participants",
            "participating_municipalities",
            "participating_regions",
        ),
        """select track_id, title, theme, status, start_date, end_date, budget_dkk,
                  participants, participating_municipalities, participating_regions
           from mart.development_tracks order by track_id""",
    ),
    "track_participation": (
        ("track_id", "participant_type", "participant_code", "participant_name"),
        """select track_id, participant_type, participant_code, participant_name
           from mart.track_participation order by 1, 2, participant_name, 3""",
    ),
    "track_coverage": (
        ("scope", "scope_code", "members", "members_in_track", "share_pct", "region_participates"),
        """select scope, scope_code, members, members_in_track, share_pct,
                  region_participates
           from mart.track_coverage where report_year = $year
           order by scope, scope_code nulls first""",
    ),
    # Per municipality, the tracks it takes part in by the rule of mart.track_coverage
    # (running or finished, started by the end of the report year), for the map.
    "track_count": (
        ("municipality_code", "is_member", "tracks"),
        """select m.municipality_code, m.is_member,
                  count(distinct t.track_id) filter (
                      where t.status in ('running', 'finished')
                      and (t.start_date is null or year(t.start_date) <= $year)
                  ) as tracks
           from mart.municipality m
           left join mart.track_participation p
                on p.participant_type = 'municipality'
                and p.participant_code = m.municipality_code
           left join mart.development_tracks t on t.track_id = p.track_id
           group by all order by 1""",
    ),
    # Inventory values the latest data version changed (mart.revisions), below the
    # report year, sector rows only (the source's Samlet total is their sum), each with
    # the municipality's gross emissions that year to judge its size by.
    "revisions": (
        (
            "municipality_code",
            "year",
            "sector",
            "source_sector",
            "old_t",
            "new_t",
            "change_t",
            "gross_t",
            "share_of_gross_pct",
            "old_source_file",
            "new_source_file",
        ),
        """with latest as (
               select r.*, row_number() over (
                   partition by municipality_code, year, lower(trim(source_sector))
                   order by new_loaded_at desc, new_source_file desc) as nth
               from mart.revisions r
               where r.sector is distinct from 'total' and r.year <= $year
           )
           select l.municipality_code, l.year, l.sector, l.source_sector, l.old_t, l.new_t,
                  l.change_t, y.gross_t,
                  100 * l.change_t / nullif(abs(y.gross_t), 0) as share_of_gross_pct,
                  l.old_source_file, l.new_source_file
           from latest l
           left join mart.municipality_year y
                on y.municipality_code = l.municipality_code and y.year = l.year
           where l.nth = 1
           order by abs(share_of_gross_pct) desc nulls last, abs(l.change_t) desc,
                    l.municipality_code, l.year, l.source_sector""",
    ),
    # Each member against its peer group and the country (mart.peer_comparison): the
    # fact sheets' "compared with similar municipalities".
    "peer_comparison": (
        (
            "municipality_code",
            "peer_group",
            "measure_kind",
            "measure",
            "year",
            "value",
            "unit",
            "peer_median",
            "peers_with_value",
            "rank_in_group",
            "position",
            "national_value",
        ),
        """select municipality_code, peer_group, measure_kind, measure, year, value, unit,
                  peer_median, peers_with_value, rank_in_group, position, national_value
           from mart.peer_comparison where report_year = $year
           order by municipality_code, measure_kind desc, measure""",
    ),
    "peer_group": (
        (
            "municipality_code",
            "peer_group",
            "group_size",
            "size_name_da",
            "size_name_en",
            "density_name_da",
            "density_name_en",
        ),
        """select municipality_code, peer_group, group_size, size_name_da, size_name_en,
                  density_name_da, density_name_en
           from mart.peer_group where report_year = $year and is_member order by 1""",
    ),
    # Members whose status moved since the previous report year, and why.
    "status_change": (
        (
            "municipality_code",
            "previous_report_year",
            "previous_status",
            "current_status",
            "status_changed",
            "reason",
            "revised_values",
        ),
        """select municipality_code, previous_report_year, previous_status, current_status,
                  status_changed, reason, revised_values
           from mart.status_change where current_report_year = $year
           order by municipality_code""",
    ),
    "sector_gaps": (
        (
            "municipality_code",
            "sector",
            "latest_year",
            "needed_t",
            "expected_open_t",
            "remaining_gap_t",
            "open_coverage_pct",
        ),
        """select municipality_code, sector, latest_year, needed_t, expected_open_t,
                  remaining_gap_t, open_coverage_pct
           from mart.sector_gaps where report_year = $year order by 1, 2""",
    ),
    "data_quality": (
        ("source_file", "rule", "severity", "findings"),
        """select source_file, rule, severity, count(*) as findings
           from mart.data_quality group by all
           order by severity, source_file, rule""",
    ),
    "data_quality_findings": (
        ("source_file", "row_number", "column_name", "rule", "severity", "message"),
        """select source_file, row_number, column_name, rule, severity, message
           from mart.data_quality
           order by severity, source_file, row_number nulls first, column_name, rule, message""",
    ),
}


@dataclass(frozen=True)
class ReportData:
    year: int
    frames: dict[str, pd.DataFrame]
    missing: tuple[str, ...]  # queries that found no table

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]


def warehouse_version(warehouse: Path) -> tuple[int, int, int, int]:
    """Which file the path names now: a publish replaces the file (a new inode), so the
    processes that build the report's languages can tell that they all read the same one."""
    if not Path(warehouse).exists():
        raise FileNotFoundError(f"warehouse not found: {warehouse}")
    stat = os.stat(warehouse)
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def member_count(warehouse: Path) -> int:
    """The members the report covers (0 without a municipality table): it decides the
    report's form (fact sheets, lists) before the languages are built."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            row = con.execute("select count(*) from mart.municipality where is_member").fetchone()
        except duckdb.CatalogException:
            return 0
    return int(row[0]) if row else 0


def read_warehouse(
    warehouse: Path, report_year: int, version: tuple[int, int, int, int] | None = None
) -> ReportData:
    """Every frame the report shows. With `version` (warehouse_version), the file read must
    be that one: the languages of one report come from the same warehouse."""
    import pandas as pd

    if not Path(warehouse).exists():
        raise FileNotFoundError(f"warehouse not found: {warehouse}")
    frames: dict[str, pd.DataFrame] = {}
    missing: list[str] = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # Checked once the file is open: a file replaced after this keeps being read.
        if version is not None and warehouse_version(warehouse) != version:
            raise RuntimeError(
                f"the warehouse {warehouse} was published again while the report was built; "
                "build the report again"
            )
        for name, (columns, sql) in QUERIES.items():
            try:
                params = {"year": report_year} if "$year" in sql else {}
                frame = con.execute(sql, params).df()
            except duckdb.CatalogException as exc:
                # Tables missing from this warehouse read as empty; the report says the
                # data is not available.
                log.warning("report: %s not available (%s)", name, str(exc).splitlines()[0])
                frame = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
                missing.append(name)
            frames[name] = frame
    return ReportData(report_year, frames, tuple(missing))
