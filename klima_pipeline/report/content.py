"""From the mart data to the content model of the national report, in one language.

Every figure here comes straight from a mart value or from a sum computed in
`data.py`; this module only chooses, formats and words them. Charts and the tables
behind them are written as they are made, through `Assets`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure as MplFigure

from . import charts, style
from .data import ReportData
from .files import write_table
from .fmt import Formatter
from .messages import Messages
from .model import (
    Block,
    Figure,
    ItemList,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Report,
    Section,
    Table,
)

BASE_YEAR = 2018  # the first year of Energistyrelsen's current series (metrics.md)
MUNICIPALITIES_IN_DENMARK = 98
REVISION_ORDER = ("not_started", "in_progress", "submitted", "recertified")
TRACK_STATUS_ORDER = ("running", "planned", "finished")
# A revision of an inventory value is significant when it moves the municipality's gross
# emissions of that year by at least this much (percent); the table shows the largest.
REVISION_THRESHOLD_PCT = 1.0
REVISIONS_SHOWN = 25
# Up to this many members the report lists them one by one: the member table, the plan
# revision lists and, by default, a fact sheet each. Above it (scale tests with thousands
# of synthetic members) those lists would fill hundreds of pages and gigabytes of typst
# memory; the report says where the full tables are (data/*.csv, *.parquet) instead.
FACT_SHEET_LIMIT = 200


@dataclass
class Assets:
    """Writes charts and data files under the report folder and remembers the paths."""

    root: Path
    # The data behind a chart or table is the same in every language: only the first
    # language's builder writes it (see build.py), the others refer to it.
    write_data: bool = True
    written: list[Path] = field(default_factory=list)
    data_done: set[str] = field(default_factory=set)

    def data(self, name: str, frame: pd.DataFrame) -> str:
        if name not in self.data_done:
            if self.write_data:
                self.written += write_table(self.root / "data", name, frame)
            self.data_done.add(name)
        return f"data/{name}.csv"

    def chart(self, name: str, fig: MplFigure) -> tuple[str, str]:
        saved = charts.save(fig, self.root / "charts", name)
        self.written += [saved.svg, saved.png]
        return f"charts/{saved.svg.name}", f"charts/{saved.png.name}"


@dataclass
class Builder:
    data: ReportData
    lang: str
    assets: Assets
    commentary: Callable[[str], list[Block]] = lambda _section: []

    def __post_init__(self) -> None:
        self.t = Messages(self.lang)
        self.f = Formatter(self.lang, self.t.months())
        self.year = self.data.year
        name_col = "name_da" if self.lang == "da" else "name_en"
        sectors = self.data["sector"]
        self.sector_names = dict(zip(sectors["sector"], sectors[name_col], strict=True))
        regions = self.data["region"]
        region_col = "region_name" if self.lang == "da" else "region_name_en"
        self.region_names = dict(zip(regions["region_code"], regions[region_col], strict=True))
        self.status_names = {s: self.t(f"status_{s}") for s in (*style.STATUS_ORDER, "not_member")}
        munis = self.data["municipality"]
        self.names = dict(zip(munis["municipality_code"], munis["municipality_name"], strict=True))
        self.municipality_region = dict(
            zip(munis["municipality_code"], munis["region_code"], strict=True)
        )
        self.members = munis[munis["is_member"].astype(bool)]
        self.lists_members = len(self.members) <= FACT_SHEET_LIMIT
        catalogue = self.data["indicator_catalogue"]
        self.indicator_names = dict(zip(catalogue["indicator"], catalogue[name_col], strict=True))

    # -- helpers ---------------------------------------------------------------------

    def sector(self, code: str) -> str:
        return self.sector_names.get(code, code)

    def region(self, code: object) -> str:
        return self.region_names.get(str(code), str(code))

    def region_of(self, municipality_code: object) -> str:
        return self.municipality_region.get(str(municipality_code), "")

    def short_region(self, code: object) -> str:
        # "Region Midtjylland" -> "Midtjylland" keeps the member table narrow; English
        # names ("Region of Southern Denmark") do not shorten that way.
        name = self.region(code)
        return name.removeprefix("Region ") if self.lang == "da" else name

    def table(
        self,
        name: str,
        caption: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        align: str,
        frame: pd.DataFrame,
        *,
        small: bool = False,
        note: str = "",
    ) -> Table:
        """`align` is one letter per column, l or r."""
        return Table(
            id=name,
            caption=caption,
            header=tuple(header),
            rows=tuple(tuple(r) for r in rows),
            align=tuple("right" if a == "r" else "left" for a in align),
            data=self.assets.data(name, frame),
            note=note,
            small=small,
        )

    def figure(
        self,
        name: str,
        fig: MplFigure,
        caption: str,
        alt: str,
        frame: pd.DataFrame,
        credit: str = "",
        width_pct: int = 100,
    ) -> Figure:
        svg, png = self.assets.chart(f"{name}-{self.lang}", fig)
        return Figure(
            id=name,
            caption=caption,
            alt=alt,
            svg=svg,
            png=png,
            data=self.assets.data(name, frame),
            credit=credit,
            width_pct=width_pct,
        )

    def in_data_only(self, name: str, caption: str, frame: pd.DataFrame) -> Paragraph:
        """Instead of a table too long to print: where its rows are (all of them)."""
        csv = self.assets.data(name, frame)
        return Paragraph.of(
            self.t(
                "table_in_data",
                table=caption,
                n=self.f.integer(len(frame)),
                csv=csv,
                parquet=csv.removesuffix(".csv") + ".parquet",
            )
        )

    def section(self, sid: str, title_key: str) -> Section:
        return Section(id=sid, title=self.t(title_key), commentary=self.commentary(sid))

    def unavailable(self, section: Section) -> Section:
        return section.add(Paragraph.of(self.t("not_available")))

    # -- the report ------------------------------------------------------------------

    def build(self) -> Report:
        sections = [
            self.summary(),
            self.trend(),
            self.status_map(),
            self.regions_status(),
            self.sectors(),
            self.actions(),
            self.effect(),
            self.indicators(),
            self.regions(),
            self.budget(),
            self.revision(),
            self.tracks(),
            self.member_table(),
            self.methodology(),
            self.data_quality(),
        ]
        return Report(
            lang=self.lang,
            title=self.t("title", year=self.year),
            subtitle=self.t("subtitle"),
            year=self.year,
            cover_notes=self.sample_notes(),
            cover_credits=[
                self.t("credit_emissions"),
                self.t("credit_map"),
                self.t("credit_generated", year=self.year),
            ],
            labels={
                k: self.t(f"label_{k}")
                for k in ("contents", "page", "data", "commentary", "figure", "table")
            },
            sections=sections,
        )

    def sample_notes(self) -> list[str]:
        parts = self.data["dataset_part"]
        sample = parts[parts["kind"] == "sample"]
        if sample.empty:
            return []
        column = f"description_{self.lang}"
        return [self.t("cover_sample")] + [
            self.t("cover_sample_part", description=d) for d in sample[column]
        ]

    def latest_complete(self, frame: pd.DataFrame) -> pd.Series | None:
        complete = frame[frame["gross_t"].notna()]
        return None if complete.empty else complete.iloc[-1]

    def change_since_base(self, frame: pd.DataFrame, latest: pd.Series) -> str:
        base = frame[(frame["year"] == BASE_YEAR) & frame["gross_t"].notna()]
        if base.empty or not base.iloc[0]["gross_t"]:
            return ""
        change = 100 * (latest["gross_t"] / base.iloc[0]["gross_t"] - 1)
        return self.t("change_since", change=self.f.pct(change, sign=True), year=BASE_YEAR)

    def summary(self) -> Section:
        s = self.section("summary", "sec_summary")
        t, f = self.t, self.f
        cohort = self.data["cohort_year"]
        latest = self.latest_complete(cohort)
        intro = (
            t(
                "summary_intro",
                members=f.integer(len(self.members)),
                municipalities=MUNICIPALITIES_IN_DENMARK,
                year=int(latest["year"]),
            )
            if latest is not None
            else t("summary_no_latest")
        )
        s.add(Paragraph.of(intro))
        figures: list[KeyFigure] = []
        if latest is not None:
            figures.append(
                KeyFigure(
                    t("kf_cohort", year=int(latest["year"])),
                    t("value_t", value=f.tonnes(latest["gross_t"])),
                    self.change_since_base(cohort, latest),
                )
            )
        national = self.data["national_year"]
        nat_latest = self.latest_complete(national)
        if nat_latest is not None:
            figures.append(
                KeyFigure(
                    t("kf_national", year=int(nat_latest["year"])),
                    t("value_t", value=f.tonnes(nat_latest["gross_t"])),
                    self.change_since_base(national, nat_latest),
                )
            )
        summary = self.data["status_summary"]
        cohort_rows = summary[summary["scope"] == "cohort"].set_index("projection")
        for projection in ("linear", "exponential", "conservative"):
            if projection in cohort_rows.index:
                row = cohort_rows.loc[projection]
                figures.append(
                    KeyFigure(
                        t("kf_on_track", projection=t(f"projection_{projection}")),
                        t("of", n=f.integer(row["on_track"]), m=f.integer(row["members"])),
                    )
                )
        if "status" in cohort_rows.index:
            row = cohort_rows.loc["status"]
            for status in style.STATUS_ORDER:
                figures.append(
                    KeyFigure(
                        t("kf_status", status=self.status_names[status]),
                        t("of", n=f.integer(row[status]), m=f.integer(row["members"])),
                    )
                )
        actions = self.data["actions"]
        if not actions.empty:
            done = int(actions["in_progress"].sum() + actions["completed"].sum())
            active = int(actions[["planned", "in_progress", "completed"]].to_numpy().sum())
            figures.append(
                KeyFigure(
                    t("kf_implementation"),
                    f.pct(100 * done / active if active else None),
                    t("kf_implementation_note", done=f.integer(done), active=f.integer(active)),
                )
            )
        status = self.data["status"]
        if not status.empty:
            covered = int((status["plan_coverage_pct"] >= 100).sum())
            figures.append(
                KeyFigure(
                    t("kf_coverage"),
                    t("of", n=f.integer(covered), m=f.integer(len(status))),
                    t("kf_coverage_note"),
                )
            )
        if figures:
            s.add(KeyFigures(tuple(figures)))
            s.add(Paragraph.of(t("summary_projection_note"), note=True))
        else:
            self.unavailable(s)
        s.add(Paragraph.of(t("credit_emissions"), note=True))
        return s

    def combined_path(self) -> tuple[pd.DataFrame, int]:
        paths = self.data["member_path"]
        n = paths["municipality_code"].nunique()
        combined = paths.groupby("year", as_index=False)["path_t"].sum()
        return combined, n

    def trend(self) -> Section:
        s = self.section("trend", "sec_trend")
        cohort = self.data["cohort_year"]
        complete_years = set(cohort.loc[cohort["gross_t"].notna(), "year"])
        sector_year = self.data["sector_year"]
        sector_year = sector_year[sector_year["year"].isin(complete_years)]
        if sector_year.empty:
            return self.unavailable(s)
        path, n = self.combined_path()
        # From the first inventory year to the last target year: the path before the
        # inventories (1990 baselines) shows nothing to compare with.
        first = int(sector_year["year"].min())
        last = max(int(self.data["status"]["target_year"].max()) if n else self.year, self.year)
        names = {k: v for k, v in self.sector_names.items() if k != "cross_cutting"}
        fig = charts.trend(
            sector_year,
            path,
            names,
            {"path": self.t("path"), "unit_kt": self.t("unit_kt")},
            self.f,
            (first, last),
        )
        chart_data = sector_year.pivot_table(
            index="year", columns="sector", values="emissions_t"
        ).reset_index()
        shown_path = path[(path["year"] >= first) & (path["year"] <= last)]
        chart_data = chart_data.merge(shown_path, on="year", how="outer").sort_values("year")
        s.add(Paragraph.of(self.t("trend_text", n=n, first=first, last=last)))
        s.add(
            self.figure(
                "trend",
                fig,
                self.t("trend_caption"),
                self.t("trend_alt"),
                chart_data,
                self.t("credit_emissions"),
            )
        )
        table = cohort.merge(path, on="year", how="left")
        rows = [
            (
                str(int(r.year)),
                self.f.tonnes(r.gross_t),
                self.f.tonnes(r.path_t),
                self.f.integer(r.municipalities_missing),
                self.f.number(r.per_capita_t, 2),
            )
            for r in table.itertuples()
        ]
        header = [
            self.t(k)
            for k in ("col_year", "col_gross", "col_path", "col_missing", "col_per_capita")
        ]
        s.add(self.table("cohort_year", self.t("table_trend"), header, rows, "lrrrr", table))
        return s

    def status_map(self) -> Section:
        s = self.section("map", "sec_map")
        status = self.data["status"]
        if status.empty:
            return self.unavailable(s)
        by_code = dict(zip(status["municipality_code"], status["status"], strict=True))
        counts = status["status"].value_counts().to_dict()
        counts["not_member"] = MUNICIPALITIES_IN_DENMARK - sum(
            1 for code in by_code if code in charts.map_codes()
        )
        fig = charts.status_map(by_code, self.status_names, counts, self.t("credit_map"))
        frame = status[["municipality_code", "status"]].copy()
        frame.insert(1, "municipality_name", frame["municipality_code"].map(self.names))
        s.add(Paragraph.of(self.t("map_text")))
        s.add(
            self.figure(
                "status_map",
                fig,
                self.t("map_caption", year=self.year),
                self.t("map_alt"),
                frame,
                self.t("credit_map"),
                width_pct=85,
            )
        )
        unplaced = sum(1 for code in by_code if code not in charts.map_codes())
        if unplaced:
            s.add(Paragraph.of(self.t("map_unplaced", n=unplaced), note=True))
        return s

    def regions_status(self) -> Section:
        s = self.section("regions_status", "sec_regions_status")
        summary = self.data["status_summary"]
        regions = summary[summary["scope"] == "region"]
        if regions.empty:
            return self.unavailable(s)
        status_rows = regions[regions["projection"] == "status"].copy()
        status_rows["region"] = status_rows["scope_code"].map(self.region)
        status_rows = status_rows.sort_values("scope_code")
        fig = charts.status_bars(
            status_rows, "region", self.status_names, {"members": self.t("members_word")}
        )
        s.add(
            self.figure(
                "status_by_region",
                fig,
                self.t("regions_status_caption"),
                self.t("regions_status_alt"),
                regions.drop(columns="scope"),
            )
        )
        on_track = regions[regions["projection"] != "status"].pivot_table(
            index="scope_code", columns="projection", values="on_track", aggfunc="sum"
        )
        projections = ("linear", "exponential", "conservative")
        header = [self.t("col_region"), self.t("col_members")]
        header += [self.status_names[x] for x in style.STATUS_ORDER]
        header += [
            self.t("col_on_track_proj", projection=self.t(f"projection_{p}")) for p in projections
        ]
        rows = []
        for r in status_rows.itertuples():
            proj = on_track.loc[r.scope_code] if r.scope_code in on_track.index else None
            rows.append(
                [r.region, self.f.integer(r.members)]
                + [self.f.integer(getattr(r, x)) for x in style.STATUS_ORDER]
                + [self.f.integer(proj.get(p) if proj is not None else None) for p in projections]
            )
        s.add(
            self.table(
                "status_summary",
                self.t("regions_status_caption"),
                header,
                rows,
                "lrrrrrrrr",
                summary,
                small=True,
            )
        )
        return s

    def sectors(self) -> Section:
        s = self.section("sectors", "sec_sectors")
        cohort = self.data["cohort_year"]
        complete = sorted(cohort.loc[cohort["gross_t"].notna(), "year"])
        sector_year = self.data["sector_year"]
        if not complete or sector_year.empty:
            return self.unavailable(s)
        first = BASE_YEAR if BASE_YEAR in complete else complete[0]
        last = complete[-1]
        wide = sector_year[sector_year["year"].isin([first, last])].pivot_table(
            index="sector", columns="year", values="emissions_t"
        )
        order = [x for x in self.sector_names if x in wide.index]
        wide = wide.reindex(order)
        frame = pd.DataFrame(
            {
                "sector": order,
                "name": [self.sector(x) for x in order],
                f"emissions_{first}_t": wide.get(first),
                f"emissions_{last}_t": wide.get(last),
            }
        ).reset_index(drop=True)
        frame["change_pct"] = 100 * (
            frame[f"emissions_{last}_t"] / frame[f"emissions_{first}_t"] - 1
        )
        fig = charts.grouped_bars(
            frame,
            "name",
            [
                (f"emissions_{first}_t", str(first), style.MUTED),
                (f"emissions_{last}_t", str(last), style.ACCENT),
            ],
            {"unit": self.t("unit_kt")},
            self.f,
        )
        s.add(Paragraph.of(self.t("sectors_text", first=first, last=last)))
        s.add(
            self.figure(
                "sectors",
                fig,
                self.t("sectors_caption", first=first, last=last),
                self.t("sectors_alt"),
                frame,
                self.t("credit_emissions"),
            )
        )
        rows = [
            (
                r.name,
                self.f.tonnes(getattr(r, f"emissions_{first}_t")),
                self.f.tonnes(getattr(r, f"emissions_{last}_t")),
                self.f.pct(r.change_pct, sign=True),
            )
            for r in frame.itertuples()
        ]
        header = [self.t("col_sector"), str(first), str(last), self.t("col_change")]
        s.add(
            self.table(
                "sectors_table",
                self.t("sectors_caption", first=first, last=last)
                .replace(" (1.000 t CO2e)", "")
                .replace(" (1,000 t CO2e)", ""),
                header,
                rows,
                "lrrr",
                frame,
            )
        )
        return s

    def actions(self) -> Section:
        s = self.section("actions", "sec_actions")
        actions = self.data["actions"]
        if actions.empty:
            return self.unavailable(s)
        counts = ["planned", "in_progress", "completed", "cancelled"]
        by_sector = actions.groupby("sector", as_index=False)[
            [*counts, "expected_t", "expected_completed_t"]
        ].sum()
        order = {code: i for i, code in enumerate(self.sector_names)}
        by_sector = by_sector.sort_values("sector", key=lambda c: c.map(order)).reset_index(
            drop=True
        )
        by_sector.insert(1, "name", by_sector["sector"].map(self.sector))
        by_sector["total"] = by_sector[counts].sum(axis=1)
        total = int(by_sector["total"].sum())
        names = {x: self.t(f"action_{x}") for x in counts}
        fig = charts.stacked_actions(by_sector, "name", names, {"actions": self.t("actions_word")})
        s.add(Paragraph.of(self.t("actions_text", total=self.f.integer(total), year=self.year)))
        s.add(
            self.figure("actions", fig, self.t("actions_caption"), self.t("actions_alt"), by_sector)
        )
        header = [
            self.t("col_sector"),
            *names.values(),
            self.t("col_total"),
            self.t("col_expected"),
            self.t("col_expected_completed"),
        ]
        rows = [
            [
                r.name,
                *(self.f.integer(getattr(r, c)) for c in counts),
                self.f.integer(r.total),
                self.f.tonnes(r.expected_t),
                self.f.tonnes(r.expected_completed_t),
            ]
            for r in by_sector.itertuples()
        ]
        s.add(
            self.table(
                "actions_by_sector",
                self.t("actions_caption"),
                header,
                rows,
                "lrrrrrrr",
                by_sector,
                small=True,
            )
        )
        return s

    def effect(self) -> Section:
        s = self.section("effect", "sec_effect")
        effect = self.data["effect"]
        if effect.empty:
            return self.unavailable(s)
        # Sector totals: the ratio of sums, like the members' ratios (metrics.md).
        by_sector = effect.groupby("sector", as_index=False)[
            ["observed_reduction_t", "expected_completed_t"]
        ].sum(min_count=1)
        by_sector["effect_ratio"] = by_sector["observed_reduction_t"] / by_sector[
            "expected_completed_t"
        ].where(by_sector["expected_completed_t"] > 0)
        order = {code: i for i, code in enumerate(self.sector_names)}
        by_sector = by_sector.sort_values("sector", key=lambda c: c.map(order)).reset_index(
            drop=True
        )
        by_sector.insert(1, "name", by_sector["sector"].map(self.sector))
        fig = charts.grouped_bars(
            by_sector,
            "name",
            [
                ("observed_reduction_t", self.t("observed"), style.ACCENT),
                ("expected_completed_t", self.t("expected_completed"), style.OKABE_ITO["green"]),
            ],
            {"unit": self.t("unit_kt")},
            self.f,
        )
        s.add(Paragraph.of(self.t("effect_text")))
        s.add(self.figure("effect", fig, self.t("effect_caption"), self.t("effect_alt"), by_sector))
        header = [
            self.t("col_sector"),
            self.t("col_observed"),
            self.t("col_expected_completed"),
            self.t("col_effect_ratio"),
        ]
        rows = [
            (
                r.name,
                self.f.tonnes(r.observed_reduction_t),
                self.f.tonnes(r.expected_completed_t),
                self.f.ratio(r.effect_ratio),
            )
            for r in by_sector.itertuples()
        ]
        s.add(
            self.table(
                "effect_by_sector",
                self.t("effect_caption").split(" (")[0],
                header,
                rows,
                "lrrr",
                by_sector,
            )
        )
        return s

    def indicators(self) -> Section:
        s = self.section("indicators", "sec_indicators")
        summary = self.data["indicator_summary"]
        munis = summary[summary["entity_type"] == "municipality"]
        if munis.empty:
            return self.unavailable(s)
        catalogue = self.data["indicator_catalogue"].set_index("indicator")
        series = self.data["indicator_series"]
        national = series[series["entity_type"] == "national"]
        s.add(Paragraph.of(self.t("indicators_text")))
        if not national.empty:
            shown = [i for i in catalogue.index if i in set(national["indicator"])]
            titles = {i: self.indicator_names.get(i, i) for i in shown}
            units = {i: catalogue.loc[i, "unit"] for i in shown}
            fig = charts.small_multiples(national, titles, units, self.f)
            s.add(
                self.figure(
                    "indicators",
                    fig,
                    self.t("indicators_caption"),
                    self.t("indicators_alt"),
                    national,
                )
            )
        # Best and worst by rank (1 = best in the indicator's better direction).
        ranked = munis.dropna(subset=["rank"]).sort_values(["indicator", "rank", "entity_code"])
        best = ranked.groupby("indicator").head(1).set_index("indicator")
        worst = ranked.groupby("indicator").tail(1).set_index("indicator")
        rows, records = [], []
        not_computed = False
        for indicator in [i for i in catalogue.index if i in best.index]:
            b, w = best.loc[indicator], worst.loc[indicator]
            unit = b["unit"]
            # The metrics layer computes national values only from summed counts
            # (methodology.md); for the others the cell says so instead of a dash.
            if pd.isna(b["national_value"]):
                national_text = self.t("not_computed")
                not_computed = True
            else:
                national_text = f"{self.f.number(b['national_value'], 1)} {unit}"
            rows.append(
                (
                    self.indicator_names.get(indicator, indicator),
                    national_text,
                    f"{self.names.get(b['entity_code'], b['entity_code'])} "
                    f"({self.f.number(b['value'], 1)})",
                    f"{self.names.get(w['entity_code'], w['entity_code'])} "
                    f"({self.f.number(w['value'], 1)})",
                )
            )
            records.append(
                {
                    "indicator": indicator,
                    "national_value": b["national_value"],
                    "unit": unit,
                    "best_code": b["entity_code"],
                    "best_value": b["value"],
                    "worst_code": w["entity_code"],
                    "worst_value": w["value"],
                }
            )
        header = [self.t(k) for k in ("col_indicator", "col_national", "col_best", "col_worst")]
        s.add(
            self.table(
                "indicators_best_worst",
                self.t("sec_indicators"),
                header,
                rows,
                "lrll",
                pd.DataFrame(records),
                small=True,
                note=self.t("indicators_national_note") if not_computed else "",
            )
        )
        return s

    def regions(self) -> Section:
        s = self.section("regions", "sec_regions")
        region_year = self.data["region_year"]
        summary = self.data["indicator_summary"]
        regional = summary[summary["entity_type"] == "region"]
        if region_year.empty and regional.empty:
            return s.add(Paragraph.of(self.t("regions_no_data")))
        complete = region_year[region_year["gross_t"].notna()]
        if not complete.empty:
            year = int(complete["year"].max())
            latest = complete[complete["year"] == year]
            s.add(Paragraph.of(self.t("regions_text", year=year)))
            rows = [
                (
                    self.region(r.region_code),
                    self.f.tonnes(r.gross_t),
                    self.f.integer(r.population),
                    self.f.number(r.per_capita_t, 2),
                )
                for r in latest.itertuples()
            ]
            header = [
                self.t("col_region"),
                self.t("col_gross"),
                self.t("col_population"),
                self.t("col_per_capita"),
            ]
            s.add(
                self.table(
                    "region_year",
                    self.t("table_region_year", year=year),
                    header,
                    rows,
                    "lrrr",
                    region_year,
                )
            )
        if regional.empty:
            s.add(Paragraph.of(self.t("regions_no_indicators")))
            return s
        rows = [
            (
                self.region(r.entity_code),
                self.indicator_names.get(r.indicator, r.indicator),
                str(int(r.latest_year)),
                f"{self.f.number(r.value, 1)} {r.unit}",
                self.f.number(r.change_1y, 1, sign=True),
            )
            for r in regional.sort_values(["indicator", "entity_code"]).itertuples()
        ]
        header = [
            self.t(k)
            for k in ("col_region", "col_indicator", "col_year", "col_value", "col_change_1y")
        ]
        s.add(
            self.table(
                "regional_indicators",
                self.t("table_region_ind"),
                header,
                rows,
                "llrrr",
                regional,
                small=True,
            )
        )
        return s

    def budget(self) -> Section:
        s = self.section("budget", "sec_budget")
        budget = self.data["carbon_budget"]
        if budget.empty:
            return s.add(Paragraph.of(self.t("budget_none")))
        runs_out = int(budget["budget_runs_out_year"].notna().sum())
        s.add(
            Paragraph.of(
                self.t("budget_text", n=self.f.integer(runs_out), m=self.f.integer(len(budget)))
            )
        )
        frame = budget.copy()
        frame.insert(1, "municipality_name", frame["municipality_code"].map(self.names))
        frame = frame.sort_values(["budget_runs_out_year", "municipality_name"], na_position="last")
        rows = [
            (
                str(r.municipality_name),
                self.f.tonnes(r.budget_share_t),
                self.f.tonnes(r.cumulative_t),
                self.f.year(r.budget_runs_out_year),
            )
            for r in frame.itertuples()
        ]
        header = [
            self.t(k)
            for k in ("col_municipality", "col_budget_share", "col_cumulative", "col_runs_out")
        ]
        s.add(
            self.table(
                "carbon_budget", self.t("table_budget"), header, rows, "lrrr", frame, small=True
            )
        )
        return s

    # -- the third block: plan revision -------------------------------------------------

    def revision(self) -> Section:
        s = self.section("revision", "sec_revision")
        t, f = self.t, self.f
        revision = self.data["plan_revision"]
        if revision.empty:
            return s.add(Paragraph.of(t("revision_none")))
        frame = revision.copy()
        frame.insert(1, "municipality_name", frame["municipality_code"].map(self.names))
        frame.insert(2, "region_code", frame["municipality_code"].map(self.region_of))
        frame["recertified_on"] = pd.to_datetime(frame["recertified_on"])
        frame = frame.sort_values(["municipality_name", "municipality_code"])
        overdue = frame[frame["is_overdue"].fillna(False).astype(bool)]
        this_year = frame[frame["recertified_on"].dt.year == self.year]
        s.add(
            Paragraph.of(
                t(
                    "revision_text",
                    members=f.integer(len(frame)),
                    recertified=f.integer(len(this_year)),
                    overdue=f.integer(len(overdue)),
                    year=self.year,
                )
            )
        )
        statuses = frame["revision_status"].fillna("unknown")
        counts = statuses.value_counts()
        order = [k for k in (*REVISION_ORDER, "unknown") if k in counts.index]
        count_frame = pd.DataFrame(
            {"revision_status": order, "members": [int(counts[k]) for k in order]}
        )
        s.add(
            self.table(
                "plan_revision_status",
                t("table_revision"),
                [t("col_revision_status"), t("col_members"), t("col_share")],
                [
                    (t(f"revision_{k}"), f.integer(n), f.pct(100 * n / len(frame)))
                    for k, n in zip(order, count_frame["members"], strict=True)
                ],
                "lrr",
                count_frame,
            )
        )
        columns = ["municipality_code", "municipality_name", "region_code", "revision_status",
                   "recertified_on", "next_revision_year"]  # fmt: skip
        if this_year.empty:
            s.add(Paragraph.of(t("revision_no_recertified", year=self.year)))
        elif not self.lists_members:
            s.add(
                self.in_data_only(
                    "plan_revision_recertified",
                    t("table_recertified", year=self.year),
                    this_year[columns],
                )
            )
        else:
            rows = [
                (
                    str(r.municipality_name),
                    self.short_region(r.region_code),
                    f.date(r.recertified_on),
                    f.year(r.next_revision_year),
                )
                for r in this_year.sort_values(["recertified_on", "municipality_name"]).itertuples()
            ]
            header = [t(k) for k in ("col_municipality", "col_region", "col_recertified",
                                     "col_next_revision")]  # fmt: skip
            s.add(
                self.table(
                    "plan_revision_recertified",
                    t("table_recertified", year=self.year),
                    header,
                    rows,
                    "llrr",
                    this_year[columns],
                )
            )
        if overdue.empty:
            s.add(Paragraph.of(t("revision_no_overdue")))
        elif not self.lists_members:
            s.add(
                self.in_data_only(
                    "plan_revision_overdue", t("table_overdue", year=self.year), overdue[columns]
                )
            )
            s.add(Paragraph.of(t("revision_overdue_rule", year=self.year), note=True))
        else:
            rows = [
                (
                    str(r.municipality_name),
                    self.short_region(r.region_code),
                    self.revision_label(r.revision_status),
                    f.year(r.next_revision_year),
                )
                for r in overdue.itertuples()
            ]
            header = [t(k) for k in ("col_municipality", "col_region", "col_revision_status",
                                     "col_revision_due")]  # fmt: skip
            s.add(
                self.table(
                    "plan_revision_overdue",
                    t("table_overdue", year=self.year),
                    header,
                    rows,
                    "lllr",
                    overdue[columns],
                    note=t("revision_overdue_rule", year=self.year),
                )
            )
        return s

    def revision_label(self, status: object) -> str:
        return (
            self.t(f"revision_{status}") if isinstance(status, str) else self.t("revision_unknown")
        )

    # -- the first block: development tracks --------------------------------------------

    def tracks(self) -> Section:
        s = self.section("tracks", "sec_tracks")
        t, f = self.t, self.f
        tracks = self.data["tracks"]
        if tracks.empty:
            return s.add(Paragraph.of(t("tracks_none")))
        by_status = tracks["status"].value_counts()
        coverage = self.data["track_coverage"]
        national = coverage[coverage["scope"] == "national"]
        s.add(
            Paragraph.of(
                t(
                    "tracks_text",
                    n=f.integer(len(tracks)),
                    **{k: f.integer(by_status.get(k, 0)) for k in TRACK_STATUS_ORDER},
                )
            )
        )
        if not national.empty:
            row = national.iloc[0]
            s.add(
                Paragraph.of(
                    t(
                        "tracks_coverage",
                        n=f.integer(row["members_in_track"]),
                        m=f.integer(row["members"]),
                        share=f.pct(row["share_pct"]),
                        year=self.year,
                    )
                )
            )
            s.add(Paragraph.of(t("tracks_rule", year=self.year), note=True))
        s.add(self.tracks_by_theme(tracks))
        s.add(*self.participation_map())
        if not coverage[coverage["scope"] == "region"].empty:
            s.add(self.track_coverage_table(coverage))
        # Running first, then planned, then finished; oldest first within each.
        order = {k: i for i, k in enumerate(TRACK_STATUS_ORDER)}
        listed = tracks.sort_values(
            ["status", "start_date", "track_id"],
            key=lambda c: c.map(order) if c.name == "status" else c,
        )
        s.add(self.track_table(listed))
        s.add(*self.track_participants(listed))
        return s

    def tracks_by_theme(self, tracks: pd.DataFrame) -> Table:
        t, f = self.t, self.f
        counts = tracks.pivot_table(
            index="theme", columns="status", values="track_id", aggfunc="count", fill_value=0
        ).reindex(columns=list(TRACK_STATUS_ORDER), fill_value=0)
        order = {code: i for i, code in enumerate(self.sector_names)}
        counts = counts.sort_index(key=lambda c: c.map(order).fillna(len(order)))
        counts["total"] = counts.sum(axis=1)
        frame = counts.reset_index()
        rows = [
            (self.sector(r.theme), *(f.integer(getattr(r, k)) for k in (*TRACK_STATUS_ORDER,
                                                                        "total")))
            for r in frame.itertuples()
        ]  # fmt: skip
        totals = frame[[*TRACK_STATUS_ORDER, "total"]].sum()
        rows.append((t("col_total"), *(f.integer(totals[k]) for k in totals.index)))
        header = [t("col_theme"), *(t(f"track_{k}") for k in TRACK_STATUS_ORDER), t("col_total")]
        return self.table(
            "tracks_by_theme", t("table_tracks_by_theme"), header, rows, "lrrrr", frame
        )

    def participation_map(self) -> list[Block]:
        t = self.t
        counts = self.data["track_count"]
        if counts.empty:
            return []
        frame = counts.copy()
        frame["is_member"] = frame["is_member"].astype(bool)
        frame["tracks"] = frame["tracks"].astype(int)
        top = len(style.PARTICIPATION_COLOURS) - 1
        # Members with no track are a colour of their own; a non-member only when it takes
        # part, otherwise it is grey as on the status map.
        shown = frame[frame["is_member"] | (frame["tracks"] > 0)]
        classes = shown["tracks"].clip(upper=top)
        colours = dict(
            zip(shown["municipality_code"], classes.map(style.PARTICIPATION_COLOURS.__getitem__),
                strict=True)
        )  # fmt: skip
        on_map = charts.map_codes()
        placed = classes[shown["municipality_code"].isin(on_map)].value_counts()
        labels = [t("participation_0"), t("participation_1")]
        labels += [t("participation_n", n=k) for k in range(2, top)]
        labels.append(t("participation_max", n=top))
        legend = [
            (style.PARTICIPATION_COLOURS[k], f"{label} ({int(placed.get(k, 0))})")
            for k, label in enumerate(labels)
        ]
        grey = ~frame["is_member"] & (frame["tracks"] == 0)
        grey_placed = int(frame.loc[grey, "municipality_code"].isin(on_map).sum())
        missing = MUNICIPALITIES_IN_DENMARK - int(frame["municipality_code"].isin(on_map).sum())
        legend.append(
            (style.STATUS_COLOURS["not_member"],
             f"{t('participation_not_member')} ({grey_placed + max(missing, 0)})")
        )  # fmt: skip
        fig = charts.municipality_map(
            colours, style.STATUS_COLOURS["not_member"], legend, t("credit_map")
        )
        frame.insert(1, "municipality_name", frame["municipality_code"].map(self.names))
        blocks: list[Block] = [
            self.figure(
                "track_participation_map",
                fig,
                t("participation_caption", year=self.year),
                t("participation_alt"),
                frame,
                t("credit_map"),
                width_pct=85,
            )
        ]
        unplaced = int((~shown["municipality_code"].isin(on_map)).sum())
        if unplaced:
            blocks.append(Paragraph.of(t("map_unplaced", n=unplaced), note=True))
        return blocks

    def track_coverage_table(self, coverage: pd.DataFrame) -> Table:
        t, f = self.t, self.f
        regions = coverage[coverage["scope"] == "region"]
        national = coverage[coverage["scope"] == "national"]
        rows = [
            (
                self.region(r.scope_code),
                f.integer(r.members),
                f.integer(r.members_in_track),
                f.pct(r.share_pct),
                t("yes") if pd.notna(r.region_participates) and r.region_participates else t("no"),
            )
            for r in regions.itertuples()
        ]
        for r in national.itertuples():
            rows.append((t("col_all_members"), f.integer(r.members),
                         f.integer(r.members_in_track), f.pct(r.share_pct), ""))  # fmt: skip
        header = [t(k) for k in ("col_region", "col_members", "col_in_track", "col_share",
                                 "col_region_takes_part")]  # fmt: skip
        return self.table(
            "track_coverage",
            t("table_track_coverage", year=self.year),
            header,
            rows,
            "lrrrl",
            coverage,
        )

    def track_table(self, tracks: pd.DataFrame) -> Table:
        t, f = self.t, self.f
        part = self.data["track_participation"]
        regions = part[part["participant_type"] == "region"]
        region_names = regions.assign(name=regions["participant_code"].map(self.short_region))
        region_names = region_names.groupby("track_id")["name"].agg(", ".join).to_dict()
        rows = [
            (
                str(r.title),
                self.sector(r.theme),
                t(f"track_{r.status}"),
                self.period(r.start_date, r.end_date),
                f.number(r.budget_dkk / 1e6, 1) if pd.notna(r.budget_dkk) else f.missing,
                f.integer(r.participating_municipalities),
                region_names.get(r.track_id, ""),
            )
            for r in tracks.itertuples()
        ]
        header = [t(k) for k in ("col_title", "col_theme", "col_status", "col_period",
                                 "col_budget_m", "col_municipalities", "col_regions")]  # fmt: skip
        return self.table(
            "development_tracks", t("table_tracks"), header, rows, "llllrrl", tracks, small=True
        )

    def period(self, start: object, end: object) -> str:
        """Years only: the table stays narrow, the CSV behind it has the dates."""
        first, last = self.f.year(_year(start)), self.f.year(_year(end))
        if last == self.f.missing:
            return self.t("period_open", start=first)
        return first if first == last else f"{first}–{last}"

    def track_participants(self, tracks: pd.DataFrame) -> list[Block]:
        """Who takes part: the municipalities of each track by name."""
        part = self.data["track_participation"]
        munis = part[part["participant_type"] == "municipality"]
        if munis.empty:
            return []
        names = munis.assign(
            name=munis["participant_code"].map(self.names).fillna(munis["participant_code"])
        )
        by_track = names.sort_values("name").groupby("track_id")["name"].agg(list).to_dict()
        items = [
            self.t("tracks_who_item", title=r.title, names=", ".join(by_track[r.track_id]))
            for r in tracks.itertuples()
            if r.track_id in by_track
        ]
        return [Paragraph.of(self.t("tracks_who")), ItemList.of(items)]

    def member_table(self) -> Section:
        s = self.section("members", "sec_members")
        status = self.data["status"]
        if status.empty:
            return self.unavailable(s)
        frame = status.merge(
            self.data["municipality"][["municipality_code", "municipality_name", "region_code"]],
            on="municipality_code",
            how="left",
        ).sort_values(["municipality_name", "municipality_code"])
        if not self.lists_members:
            caption = self.t("table_members", year=self.year)
            return s.add(self.in_data_only("members", caption, frame))
        s.add(Paragraph.of(self.t("members_text")))
        f = self.f
        rows = [
            (
                str(r.municipality_name),
                self.short_region(r.region_code),
                f.year(r.latest_year),
                f.tonnes(r.latest_t),
                f.pct(r.reduction_pct),
                f.tonnes(r.gap_t),
                self.status_names.get(r.status, str(r.status)),
                f.pct(r.implementation_pct),
                f.pct(r.plan_coverage_pct),
            )
            for r in frame.itertuples()
        ]
        header = [
            self.t(k)
            for k in (
                "col_municipality",
                "col_region",
                "col_latest_year",
                "col_latest_t",
                "col_reduction",
                "col_gap",
                "col_status",
                "col_implementation",
                "col_coverage",
            )
        ]
        s.add(
            self.table(
                "members",
                self.t("table_members", year=self.year),
                header,
                rows,
                "llrrrrlrr",
                frame,
                small=True,
            )
        )
        return s

    def methodology(self) -> Section:
        s = self.section("methodology", "sec_methodology")
        s.add(ItemList.of(self.t("method_items").split("|")))
        s.add(Paragraph.of(self.t("method_more"), note=True))
        return s

    def data_quality(self) -> Section:
        s = self.section("data_quality", "sec_data_quality")
        findings = self.data["data_quality"]
        if "data_quality" in self.data.missing:
            self.unavailable(s)
        elif findings.empty:
            s.add(Paragraph.of(self.t("dq_none")))
        else:
            s.add(Paragraph.of(self.t("dq_text")))
            rows = [
                (
                    r.source_file,
                    r.rule,
                    self.t(f"severity_{r.severity}")
                    if self.t.has(f"severity_{r.severity}")
                    else str(r.severity),
                    self.f.integer(r.findings),
                )
                for r in findings.itertuples()
            ]
            header = [self.t(k) for k in ("col_source", "col_rule", "col_severity", "col_findings")]
            s.add(
                self.table(
                    "data_quality", self.t("table_dq"), header, rows, "lllr", findings, small=True
                )
            )
        return s.add(*self.revisions())

    def revisions(self) -> list[Block]:
        """Inventory values the latest data version changed. Nothing without the table
        (warehouses before it existed), one line when nothing changed."""
        t, f = self.t, self.f
        if "revisions" in self.data.missing:
            return []
        revisions = self.data["revisions"]
        if revisions.empty:
            return [Paragraph.of(t("revisions_none"))]
        threshold = f.pct(REVISION_THRESHOLD_PCT, 0)
        significant = revisions[revisions["share_of_gross_pct"].abs() >= REVISION_THRESHOLD_PCT]
        blocks: list[Block] = [
            Paragraph.of(
                t(
                    "revisions_text",
                    n=f.integer(len(revisions)),
                    m=f.integer(len(significant)),
                    threshold=threshold,
                )
            )
        ]
        if significant.empty:
            return blocks
        shown = significant.head(REVISIONS_SHOWN)
        rows = [
            (
                self.names.get(r.municipality_code, str(r.municipality_code)),
                str(int(r.year)),
                str(r.source_sector),
                f.tonnes(r.old_t),
                f.tonnes(r.new_t),
                f.number(r.change_t, sign=True),
                f.pct(r.share_of_gross_pct, sign=True),
            )
            for r in shown.itertuples()
        ]
        header = [t(k) for k in ("col_municipality", "col_year", "col_sector", "col_before",
                                 "col_after", "col_change_t", "col_share_of_gross")]  # fmt: skip
        note = t("revisions_rule", threshold=threshold)
        if len(significant) > len(shown):
            note += " " + t("revisions_more", shown=len(shown), m=f.integer(len(significant)))
        frame = revisions.copy()
        frame.insert(1, "municipality_name", frame["municipality_code"].map(self.names))
        blocks.append(
            self.table(
                "revisions", t("table_revisions"), header, rows, "lrlrrrr", frame, small=True,
                note=note,
            )
        )  # fmt: skip
        return blocks


def _year(value: object) -> int | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).year
