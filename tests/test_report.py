"""The status report, built from the small fixture warehouse of report_fixture.py."""

from __future__ import annotations

import io
import os
import re
import string
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pypdf import PdfReader
from report_fixture import INJECTION, REPORT_YEAR, FixtureOptions, build_fixture

from klima_pipeline.report import build_report
from klima_pipeline.report.escape import md_escape
from klima_pipeline.report.files import neutralise_formulas
from klima_pipeline.report.fmt import Formatter
from klima_pipeline.report.messages import Messages

FILES = {"da": "statusrapport", "en": "status-report"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path]]:
    root = tmp_path_factory.mktemp("report")
    warehouse = build_fixture(
        root / "klima.duckdb",
        FixtureOptions(injection_name=INJECTION, injection_title=INJECTION),
    )
    written = build_report(warehouse, root / "reports", REPORT_YEAR)
    return warehouse, root / "reports" / str(REPORT_YEAR), written


def markdown(out: Path, lang: str) -> str:
    return (out / f"{FILES[lang]}-{REPORT_YEAR}.md").read_text("utf-8")


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def md_unescape(text: str) -> str:
    """CommonMark: a backslash before ASCII punctuation stands for the mark itself."""
    return re.sub(r"\\([" + re.escape(string.punctuation) + "])", r"\1", text)


def section(md: str, section_id: str) -> str:
    start = md.index(f'<a id="{section_id}"></a>')
    end = md.find('<a id="', start + 1)
    return md[start : end if end > 0 else None]


def fmt(lang: str) -> Formatter:
    return Formatter(lang, Messages(lang).months())


def test_writes_both_languages_with_charts_and_data(built):
    _, out, written = built
    for lang, stem in FILES.items():
        assert (out / f"{stem}-{REPORT_YEAR}.md") in written
        pdf = out / f"{stem}-{REPORT_YEAR}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF")
        for chart in ("trend", "status_map", "status_by_region", "sectors", "actions"):
            assert (out / "charts" / f"{chart}-{lang}.svg").exists()
            assert (out / "charts" / f"{chart}-{lang}.png").exists()
    md = markdown(out, "da")
    for link in re.findall(r"\]\(((?:charts|data)/[^)]+)\)", md):
        assert (out / link).exists(), link
        assert (out / link).with_suffix(".parquet").exists() or link.startswith("charts/")
    assert not list(out.rglob("*.tmp")), "temporary files left behind"
    assert all(p.exists() for p in written)


def test_each_png_is_its_svg_rendered_at_150_ppi(built):
    """The Markdown shows the PNGs: each is the chart of its SVG (rendered from it), at
    the SVG's size at 150 pixels per inch, and not blank."""
    from PIL import Image

    _, out, _ = built
    svgs = sorted((out / "charts").glob("*.svg"))
    assert len(svgs) >= 10
    for svg in svgs:
        width_pt, height_pt = (
            float(v)
            for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg.read_text()).groups()
        )
        with Image.open(svg.with_suffix(".png")) as png:
            assert png.size == (round(width_pt * 150 / 72), round(height_pt * 150 / 72)), svg.name
            colours = png.convert("RGB").getcolors(maxcolors=1 << 20)
        # A chart has more than a background: its lines, bars or areas in the palette.
        assert colours is not None and len(colours) > 20, svg.name
        dark = sum(n for n, rgb in colours if sum(rgb) < 3 * 128)
        assert dark > 100, f"{svg.name}: no text or lines drawn"


def test_fact_sheet_columns_are_as_wide_as_typst_sets_their_widest_cell():
    """The fact sheets' tables get their column widths from render.column_widths, not
    from typst's table layout: a column narrower than its widest cell as typst sets it
    would wrap that cell. Checked against typst's own measure for cells with wide and
    narrow letters, ligatures, Danish letters, superscripts and a bold header; and a
    table too wide for the sheet is left to typst's table (`none`)."""
    import json

    import typst

    from klima_pipeline.report.escape import typst_escape
    from klima_pipeline.report.model import Table
    from klima_pipeline.report.render import column_widths

    header = ("Indikator", "Værdi", "Effektforhold", "WWW")
    rows = (
        ("Affald og spildevand", "9.595,5 t CO2e/km²", "13,98", "Ringkøbing-Skjern"),
        ("Waste and wastewater", "1.094.145", "–", "Æblefiffi ½"),
        ("Illiterate fjord office", "40,3 %", "ikke beregnet", "MMMMM"),
    )
    table = Table("t", "caption", header, rows, ("left", "right", "right", "left"), small=True)
    widths = re.findall(r"([\d.]+)em \+ 8pt", column_widths(table))
    assert len(widths) == 4
    cells = [[f"strong[{typst_escape(h)}]" for h in header]] + [
        [f"[{typst_escape(c)}]" for c in row] for row in rows
    ]
    source = (
        '#set text(font: "Libertinus Serif", size: 7.5pt)\n'
        "#context [#metadata(("
        + ", ".join(f"measure({cell}).width / 7.5pt" for row in cells for cell in row)
        + ")) <m>]"
    )
    [measured] = json.loads(typst.query(source.encode(), "<m>", field="value"))
    for i, width in enumerate(widths):
        widest = max(measured[r * 4 + i] for r in range(len(cells)))
        assert widest <= float(width) <= widest * 1.05, (header[i], widest, width)

    wide = Table("t", "c", header, (("x" * 400, "1", "2", "3"),), ("left",) * 4, small=True)
    assert column_widths(wide) == "none"


def summary_figures(warehouse: Path, lang: str, year: int) -> list[tuple[str, str, str]]:
    """The summary's key figures (label, note, value) in the report's order, recomputed
    from the mart and formatted for `lang`."""
    f, t = fmt(lang), Messages(lang)

    def one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
        [row] = con.execute(sql, [year] if "?" in sql else []).fetchall()
        return row

    def latest_and_change(con: duckdb.DuckDBPyConnection, table: str, label: str) -> tuple:
        latest, gross = one(
            con,
            f"select year, gross_t from mart.{table} where gross_t is not null "
            "order by year desc limit 1",
        )
        [base] = one(con, f"select gross_t from mart.{table} where year = 2018")
        change = t("change_since", change=f.pct(100 * (gross / base - 1), sign=True), year=2018)
        return t(label, year=latest), change, t("value_t", value=f.tonnes(gross))

    with duckdb.connect(str(warehouse), read_only=True) as con:
        figures = [
            latest_and_change(con, "cohort_year", "kf_cohort"),
            latest_and_change(con, "national_year", "kf_national"),
        ]
        summary = {
            projection: rest
            for projection, *rest in con.execute(
                "select projection, members, on_track, at_risk, off_track, insufficient_data "
                "from mart.status_summary where scope = 'cohort' and report_year = ?",
                [year],
            ).fetchall()
        }
        done, active = one(
            con,
            "select sum(in_progress + completed), sum(planned + in_progress + completed) "
            "from mart.actions where report_year = ?",
        )
        covered, members = one(
            con,
            "select count(*) filter (where plan_coverage_pct >= 100), count(*) "
            "from mart.municipality_status where report_year = ?",
        )
    for projection in ("linear", "exponential", "conservative"):
        m, on_track, *_ = summary[projection]
        label = t("kf_on_track", projection=t(f"projection_{projection}"))
        figures.append((label, "", t("of", n=f.integer(on_track), m=f.integer(m))))
    m, *counts = summary["status"]
    statuses = ("on_track", "at_risk", "off_track", "insufficient_data")
    for status, n in zip(statuses, counts, strict=True):
        label = t("kf_status", status=t(f"status_{status}"))
        figures.append((label, "", t("of", n=f.integer(n), m=f.integer(m))))
    note = t("kf_implementation_note", done=f.integer(done), active=f.integer(active))
    figures.append((t("kf_implementation"), note, f.pct(100 * done / active)))
    figures.append(
        (
            t("kf_coverage"),
            t("kf_coverage_note"),
            t("of", n=f.integer(covered), m=f.integer(members)),
        )
    )
    return figures


def assert_summary_equals_the_mart(md: str, pdf: Path, figures: list[tuple[str, str, str]]):
    """Each key figure in the Markdown with its label and note; in the PDF, every value in
    the same order as in the report."""
    summary = md_unescape(section(md, "summary"))
    for label, note, value in figures:
        cell = label + (f"<br><sub>{note}</sub>" if note else "")
        assert f"| {cell} | **{value}** |" in summary, (label, value)
    text = squeeze(pdf_text(pdf))
    position = text.index(squeeze(figures[0][0]))
    for label, _, value in figures:
        found = text.find(squeeze(value), position)
        assert found >= 0, (label, value)
        position = found + len(squeeze(value))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_summary_numbers_equal_the_mart(built, lang):
    warehouse, out, _ = built
    assert_summary_equals_the_mart(
        markdown(out, lang),
        out / f"{FILES[lang]}-{REPORT_YEAR}.pdf",
        summary_figures(warehouse, lang, REPORT_YEAR),
    )


@pytest.mark.parametrize("lang", ["da", "en"])
def test_summary_numbers_equal_the_mart_on_the_embedded_data(embedded_run, lang):
    out = embedded_run.reports / "2024"
    assert_summary_equals_the_mart(
        (out / f"{FILES[lang]}-2024.md").read_text("utf-8"),
        out / f"{FILES[lang]}-2024.pdf",
        summary_figures(embedded_run.warehouse, lang, 2024),
    )


def test_number_formats_per_language(built):
    warehouse, out, _ = built
    with duckdb.connect(str(warehouse), read_only=True) as con:
        gross = con.execute("select gross_t from mart.cohort_year where year = 2018").fetchone()[0]
    assert gross == 5_140_000
    assert "5.140.000" in markdown(out, "da")
    assert "5,140,000" in markdown(out, "en")
    assert fmt("da").number(1234.5, 1) == "1.234,5"
    assert fmt("en").number(1234.5, 1) == "1,234.5"
    assert fmt("da").pct(-0.04) == "0,0 %"
    assert fmt("da").date("2024-03-14") == "14. marts 2024"
    assert fmt("en").date("2024-03-14") == "14 March 2024"


def test_markdown_and_charts_are_byte_identical_across_runs(built, tmp_path):
    warehouse, out, _ = built
    again = build_report(warehouse, tmp_path, REPORT_YEAR, fact_sheets=False)
    for lang, stem in FILES.items():
        second = tmp_path / str(REPORT_YEAR) / f"{stem}-{REPORT_YEAR}.md"
        assert second in again
        assert second.read_bytes() == (out / f"{stem}-{REPORT_YEAR}.md").read_bytes(), lang
    # SVG element ids included: the same data gives the same files, so a changed chart
    # shows up as a changed file and nothing else does.
    charts = sorted((out / "charts").glob("*.svg"))
    assert len(charts) >= 10
    for chart in charts:
        repeated = tmp_path / str(REPORT_YEAR) / "charts" / chart.name
        assert repeated.read_bytes() == chart.read_bytes(), chart.name


@pytest.mark.parametrize("lang", ["da", "en"])
def test_injection_strings_render_literally(built, lang):
    _, out, _ = built
    md = markdown(out, lang)
    assert md_escape(INJECTION) in md
    assert INJECTION in md_unescape(md)
    assert "<script>" not in md
    # Name (member table) and track title (development tracks) both appear in the PDF.
    text = squeeze(pdf_text(out / f"{FILES[lang]}-{REPORT_YEAR}.pdf"))
    assert text.count(squeeze(INJECTION)) >= 2


def test_missing_optional_inputs_are_said(tmp_path):
    warehouse = build_fixture(
        tmp_path / "klima.duckdb",
        FixtureOptions(regional_data=False, budget=False, tracks=False, sample=False),
    )
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop table mart.data_quality; drop table mart.plan_revision")
    build_report(warehouse, tmp_path / "r", REPORT_YEAR, languages=("en",), fact_sheets=False)
    md = md_unescape((tmp_path / "r" / str(REPORT_YEAR) / "status-report-2024.md").read_text())
    t = Messages("en")
    assert t("budget_none") in section(md, "budget")
    assert t("regions_no_indicators") in section(md, "regions")
    assert t("not_available") in section(md, "data_quality")
    assert t("tracks_none") in section(md, "tracks")
    assert t("revision_none") in section(md, "revision")
    # A warehouse without mart.revisions: the appendix does not mention revisions.
    assert t("revisions_none") not in md
    assert "Sample data" not in md


def test_no_regional_tables_at_all(tmp_path):
    warehouse = build_fixture(tmp_path / "klima.duckdb", FixtureOptions(regional_data=False))
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop table mart.carbon_budget; drop table mart.region_year")
    build_report(warehouse, tmp_path / "r", REPORT_YEAR, languages=("da",), fact_sheets=False)
    md = md_unescape((tmp_path / "r" / str(REPORT_YEAR) / "statusrapport-2024.md").read_text())
    t = Messages("da")
    assert t("regions_no_data") in section(md, "regions")
    assert t("budget_none") in section(md, "budget")


def test_sample_notice_lists_invented_parts(built):
    _, out, _ = built
    assert "Eksempeldata" in markdown(out, "da").split("## Indhold")[0]
    assert "Sample data" in markdown(out, "en").split("## Contents")[0]
    assert "Klimaplaner (opdigtede)" in markdown(out, "da")
    assert "Kilde: Energi- og CO2-regnskabet, Energistyrelsen" in markdown(out, "en")
    assert "Eksempeldata" in pdf_text(out / f"statusrapport-{REPORT_YEAR}.pdf")


def test_the_status_maps_data_lists_the_members_by_code_in_every_run(built):
    """mart.municipality_status has no order of its own: the report orders its rows, so
    the data file behind the map (and the chart drawn from it) is the same every run."""
    _, out, _ = built
    frame = pd.read_csv(out / "data" / "status_map.csv", dtype={"municipality_code": str})
    codes = frame["municipality_code"].tolist()
    assert len(codes) > 2
    assert codes == sorted(codes)


def test_csv_neutralises_formulas_but_keeps_numbers(built):
    frame = pd.DataFrame(
        {"name": ["=SUM(A1)", "+1", "-x", "@cmd", "ok", None], "t": [-5.0, 1, 2, 3, 4, 5]}
    )
    safe = neutralise_formulas(frame)
    assert safe["name"].tolist()[:5] == ["'=SUM(A1)", "'+1", "'-x", "'@cmd", "ok"]
    assert safe["t"].tolist()[0] == -5.0
    _, out, _ = built
    csv = (out / "data" / "cohort_year.csv").read_text("utf-8-sig")
    assert "'" not in csv
    parquet = pd.read_parquet(out / "data" / "members.parquet")
    assert INJECTION in set(parquet["municipality_name"])


def test_fact_sheets_per_member_and_combined(built):
    warehouse, out, written = built
    with duckdb.connect(str(warehouse), read_only=True) as con:
        codes = [c for (c,) in con.execute(
            "select municipality_code from mart.municipality_status where report_year = ?",
            [REPORT_YEAR]).fetchall()]  # fmt: skip
    for code in codes:
        assert (out / "kommuner" / f"faktaark-{REPORT_YEAR}-{code}.md") in written
        assert (out / "kommuner" / f"fact-sheet-{REPORT_YEAR}-{code}.md") in written
    combined = out / "kommuner" / f"faktaark-{REPORT_YEAR}.pdf"
    reader = PdfReader(io.BytesIO(combined.read_bytes()))
    assert len(reader.pages) == len(codes)  # one page per member
    assert squeeze(INJECTION) in squeeze(pdf_text(combined))
    sheet = (out / "kommuner" / f"fact-sheet-{REPORT_YEAR}-147.md").read_text("utf-8")
    assert sheet.startswith(f"# {md_escape(INJECTION)}\n")


def test_commentary_is_placed_in_its_section(built, tmp_path, caplog):
    warehouse, _, _ = built
    # The default place, which `klima run` reads: <reports>/commentary/<year>/<lang>/.
    folder = tmp_path / "r" / "commentary" / str(REPORT_YEAR) / "en"
    folder.mkdir(parents=True)
    (folder / "summary.md").write_text(
        "A **strong** year with *some* progress.\n\n- first point\n- second #point\n"
    )
    (folder / "tracks.md").write_text("Two new tracks start next year.\n")
    (folder / "sumary.md").write_text("A typo in the file name.\n")
    build_report(warehouse, tmp_path / "r", REPORT_YEAR, languages=("en",), fact_sheets=False)
    md = (tmp_path / "r" / str(REPORT_YEAR) / "status-report-2024.md").read_text("utf-8")
    summary = section(md, "summary")
    assert "> A **strong** year with *some* progress." in summary
    assert "> - second \\#point" in summary
    assert "> Two new tracks start next year." in section(md, "tracks")
    assert "typo" not in md
    assert any("sumary.md matches no report section" in r.getMessage() for r in caplog.records)
    text = pdf_text(tmp_path / "r" / str(REPORT_YEAR) / "status-report-2024.pdf")
    assert "second #point" in text
    assert "Two new tracks start next year." in text


# Inventory values a newer data version changed: 101's energy 2021 by 20,000 t (about
# 1.7 % of its gross emissions), 461's road transport 2020 by 500 t (well under 1 %), and
# 101's source total, which is the sum of its sectors.
REVISED = (
    ("101", 2021, "energy", "El", 480_000.0, 500_000.0),
    ("101", 2021, "total", "Samlet", 1_160_000.0, 1_180_000.0),
    ("461", 2020, "transport", "Vejtransport", 280_000.0, 279_500.0),
)


def test_significant_inventory_revisions_are_listed(tmp_path):
    warehouse = build_fixture(tmp_path / "klima.duckdb", FixtureOptions(revisions=REVISED))
    build_report(warehouse, tmp_path / "r", REPORT_YEAR, languages=("en",), fact_sheets=False)
    md = md_unescape((tmp_path / "r" / str(REPORT_YEAR) / "status-report-2024.md").read_text())
    appendix = section(md, "data_quality")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        gross = {
            (code, year): value
            for code, year, value in con.execute(
                "select municipality_code, year, gross_t from mart.municipality_year"
            ).fetchall()
        }
        names = dict(
            con.execute(
                "select municipality_code, municipality_name from mart.municipality"
            ).fetchall()
        )
    sectors = [r for r in REVISED if r[2] != "total"]
    significant = [r for r in sectors if abs(r[5] - r[4]) >= 0.01 * abs(gross[r[0], r[1]])]
    assert 0 < len(significant) < len(sectors)  # the fixture has both kinds
    t = Messages("en")
    assert t("revisions_text", n=len(sectors), m=len(significant), threshold="1%") in appendix
    table = appendix.split(f"**{t('table_revisions')}**")[1]
    for row in REVISED:
        code, year, _, label, old, new = row
        f = fmt("en")
        listed = (
            f"| {names[code]} | {year} | {label} | {f.tonnes(old)} | {f.tonnes(new)} |" in table
        )
        assert listed == (row in significant), row


def test_no_inventory_revisions_is_one_line(tmp_path):
    warehouse = build_fixture(tmp_path / "klima.duckdb", FixtureOptions(revisions=()))
    build_report(warehouse, tmp_path / "r", REPORT_YEAR, languages=("da",), fact_sheets=False)
    md = md_unescape((tmp_path / "r" / str(REPORT_YEAR) / "statusrapport-2024.md").read_text())
    t = Messages("da")
    assert t("revisions_none") in section(md, "data_quality")
    assert t("table_revisions") not in md


def test_report_files_are_readable_by_everyone_the_folder_allows(tmp_path):
    from klima_pipeline.report.files import write_text

    previous = os.umask(0o022)
    try:
        path = write_text(tmp_path / "statusrapport.md", "# Statusrapport\n")
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_year_is_replaced_as_one_set_and_one_language_keeps_the_other(tmp_path):
    warehouse = build_fixture(tmp_path / "klima.duckdb", FixtureOptions())
    reports = tmp_path / "reports"
    build_report(warehouse, reports, REPORT_YEAR, fact_sheets=False)
    year = reports / str(REPORT_YEAR)
    english = (year / f"{FILES['en']}-{REPORT_YEAR}.pdf").read_bytes()

    written = build_report(warehouse, reports, REPORT_YEAR, languages=("da",), fact_sheets=False)

    assert all(path.is_file() and year in path.parents for path in written)
    assert (year / f"{FILES['en']}-{REPORT_YEAR}.pdf").read_bytes() == english
    assert sorted(p.name for p in reports.iterdir()) == [str(REPORT_YEAR)], "nothing left aside"


def test_a_run_killed_between_the_two_renames_is_undone_by_the_next(tmp_path):
    warehouse = build_fixture(tmp_path / "klima.duckdb", FixtureOptions())
    reports = tmp_path / "reports"
    build_report(warehouse, reports, REPORT_YEAR, languages=("da",), fact_sheets=False)
    year = reports / str(REPORT_YEAR)
    danish = (year / f"{FILES['da']}-{REPORT_YEAR}.md").read_bytes()
    # Killed after moving the old set aside, before the new set arrived, with a half-built
    # folder left behind.
    year.rename(reports / f".{REPORT_YEAR}.replaced-99999")
    (reports / f".{REPORT_YEAR}.building-x").mkdir()
    (reports / f".{REPORT_YEAR}.building-x" / "half.pdf").write_bytes(b"%PDF-")

    from klima_pipeline.report.files import recover_folder

    recover_folder(year)
    assert (year / f"{FILES['da']}-{REPORT_YEAR}.md").read_bytes() == danish
    assert sorted(p.name for p in reports.iterdir()) == [str(REPORT_YEAR)]


def test_an_error_in_the_second_language_stops_the_build_and_keeps_the_old_set(built, tmp_path):
    """The languages after the first are built in a process of their own; what fails
    there fails the build, with its own exception and the language named."""
    warehouse, _, _ = built
    reports = tmp_path / "r"
    build_report(warehouse, reports, REPORT_YEAR, languages=("da",), fact_sheets=False)
    year = reports / str(REPORT_YEAR)
    before = sorted(p.relative_to(year) for p in year.rglob("*"))
    folder = reports / "commentary" / str(REPORT_YEAR) / "en"
    folder.mkdir(parents=True)
    (folder / "summary.md").write_bytes("Résumé".encode("latin-1"))  # not UTF-8
    with pytest.raises(UnicodeDecodeError) as caught:
        build_report(warehouse, reports, REPORT_YEAR, fact_sheets=False)
    assert any("'en' report" in note for note in caught.value.__notes__)
    assert sorted(p.relative_to(year) for p in year.rglob("*")) == before
    assert not (year / f"{FILES['en']}-{REPORT_YEAR}.md").exists()


SYNTHETIC = 210  # members added to the fixture's, to pass the report's listing limit


def scale_warehouse(path: Path) -> Path:
    """The fixture warehouse with more than FACT_SHEET_LIMIT members: copies of member 101
    (recertified in the report year) and of 400 (revision overdue) under new codes."""
    from klima_pipeline.report.build import FACT_SHEET_LIMIT

    warehouse = build_fixture(path, FixtureOptions())
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            """
            create temp table extra as
            select 'S' || lpad(i::varchar, 4, '0') as code, 'Synthkommune ' || i as name,
                   case when i % 2 = 0 then '101' else '400' end as model
            from range(1, ? + 1) r(i)
            """,
            [SYNTHETIC],
        )
        for table in ("municipality", "municipality_status", "plan_revision"):
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'mart' and table_name = ? order by ordinal_position",
                [table]).fetchall()]  # fmt: skip
            picked = ", ".join(
                "e.code" if c == "municipality_code"
                else "e.name" if c == "municipality_name" else f"t.{c}"
                for c in columns
            )  # fmt: skip
            con.execute(
                f"insert into mart.{table} select {picked} from mart.{table} t "
                "join extra e on t.municipality_code = e.model"
            )
        [(members,)] = con.execute(
            "select count(*) from mart.municipality where is_member"
        ).fetchall()
    assert members > FACT_SHEET_LIMIT
    return warehouse


def test_above_the_limit_long_member_lists_are_in_the_data_files_only(tmp_path):
    warehouse = scale_warehouse(tmp_path / "klima.duckdb")
    build_report(warehouse, tmp_path / "r", REPORT_YEAR, fact_sheets=False)
    out = tmp_path / "r" / str(REPORT_YEAR)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        expected = {
            name: n
            for name, n in con.execute(
                """
                select 'members', count(*) from mart.municipality_status
                where report_year = $y
                union all
                select 'plan_revision_recertified', count(*) from mart.plan_revision
                where report_year = $y and year(recertified_on) = $y
                union all
                select 'plan_revision_overdue', count(*) from mart.plan_revision
                where report_year = $y and is_overdue
                """,
                {"y": REPORT_YEAR},
            ).fetchall()
        }
    captions = {"members": "table_members", "plan_revision_recertified": "table_recertified",
                "plan_revision_overdue": "table_overdue"}  # fmt: skip
    for name, rows in expected.items():
        # Every row in the files, the synthetic members included.
        assert len(pd.read_csv(out / "data" / f"{name}.csv", encoding="utf-8-sig")) == rows
        assert len(pd.read_parquet(out / "data" / f"{name}.parquet")) == rows
    for lang in FILES:
        t, f = Messages(lang), fmt(lang)
        md = md_unescape(markdown(out, lang))
        text = squeeze(pdf_text(out / f"{FILES[lang]}-{REPORT_YEAR}.pdf"))
        for name, rows in expected.items():
            said = t("table_in_data", table=t(captions[name], year=REPORT_YEAR),
                     n=f.integer(rows), csv=f"data/{name}.csv",
                     parquet=f"data/{name}.parquet")  # fmt: skip
            assert said in md, (lang, name)
            assert squeeze(said) in text, (lang, name)
        # No member is listed by name, in neither format.
        assert "Synthkommune" not in md
        assert squeeze("Synthkommune") not in text
        assert t("col_implementation") not in section(md, "members")


def test_units_from_the_sources_are_translated_in_english(built):
    _warehouse, out, _written = built
    # The fixture's total_per_capita_t comes with Energistyrelsen's unit `t CO2e/indb.`.
    for code in ("101", "147"):
        english = (out / "kommuner" / f"fact-sheet-{REPORT_YEAR}-{code}.md").read_text("utf-8")
        danish = (out / "kommuner" / f"faktaark-{REPORT_YEAR}-{code}.md").read_text("utf-8")
        if "t CO2e/indb." in danish:
            break
    else:
        pytest.fail("no fact sheet shows a per-inhabitant indicator")
    assert "t CO2e per resident" in md_unescape(english)
    assert "indb." not in english
    en_report = md_unescape(markdown(out, "en"))
    assert "indb." not in en_report and "t CO2e per resident" in en_report
    # A unit without a label stays as the source wrote it, in every language.
    assert Messages("en").unit("%") == "%" and Messages("da").unit("t CO2e/indb.") == (
        "t CO2e/indb."
    )


def test_fact_sheets_compare_with_similar_municipalities(built):
    _warehouse, out, _written = built
    # 101 (report_fixture.PEERS): 1.33 t per resident against a median of 2.10 among the
    # 8 large urban municipalities, Denmark 5.74, first of 8; reduction 33.3 % against
    # 25.0 % (18.2 % for Denmark), second.
    en = md_unescape((out / "kommuner" / f"fact-sheet-{REPORT_YEAR}-101.md").read_text("utf-8"))
    da = md_unescape((out / "kommuner" / f"faktaark-{REPORT_YEAR}-101.md").read_text("utf-8"))
    assert "Compared with similar municipalities (8): 60,000 residents or more · urban" in en
    assert "Sammenlignet med lignende kommuner (8): 60.000 indbyggere og flere · bykommune" in da
    assert "| Emissions per resident (t CO2e) | 1.33 | 2.10 | 5.74 | 1 of 8 |" in en
    assert "| Udledning pr. indbygger (t CO2e) | 1,33 | 2,10 | 5,74 | 1 af 8 |" in da
    assert "| Reduction since the baseline | 33.3% | 25.0% | 18.2% | 2 of 7 |" in en
    # The indicators table has the peer median as a column.
    assert "Similar (median)" in en and "Lignende (median)" in da


def test_fact_sheets_show_sector_gaps_and_a_status_change(built):
    _warehouse, out, _written = built
    en = md_unescape((out / "kommuner" / f"fact-sheet-{REPORT_YEAR}-400.md").read_text("utf-8"))
    da = md_unescape((out / "kommuner" / f"faktaark-{REPORT_YEAR}-400.md").read_text("utf-8"))
    # Energy still needs 120,000 t, planned and ongoing actions bring 45,000 t.
    energy = next(line for line in en.splitlines() if line.startswith("| Energy |"))
    assert energy.endswith("| 120,000 | 45,000 |")
    assert next(line for line in da.splitlines() if line.startswith("| Energi |")).endswith(
        "| 120.000 | 45.000 |"
    )
    # 400 was at risk in the report for 2023 and moved with a new inventory year.
    assert "Status in the report for 2023: At risk (changed with a new inventory year)." in en
    assert "Status i rapporten for 2023: " in da
    # 101 did not move: no such line.
    sheet_101 = (out / "kommuner" / f"fact-sheet-{REPORT_YEAR}-101.md").read_text("utf-8")
    assert "Status in the report for" not in sheet_101


def test_summary_counts_the_members_that_moved_between_statuses(built):
    _warehouse, out, _written = built
    # report_fixture.STATUS_CHANGES: 147 (revised inventory), 400 (new inventory year) and
    # 461 (new plan data) moved since the report for 2023.
    en = md_unescape(section(markdown(out, "en"), "summary"))
    da = md_unescape(section(markdown(out, "da"), "summary"))
    assert (
        "Since the report for 2023, 3 members have moved between statuses: 1 because of a "
        "revised inventory, 1 with a new inventory year and 1 with new plan data." in en
    )
    assert (
        "Siden rapporten for 2023 har 3 medlemmer skiftet status: 1 på grund af et revideret "
        "klimaregnskab, 1 med et nyt opgørelsesår og 1 med nye plandata." in da
    )


def test_revisions_appendix_links_revisions_to_the_status_changes_they_caused(built):
    _warehouse, out, _written = built
    en = md_unescape(section(markdown(out, "en"), "data_quality"))
    da = md_unescape(section(markdown(out, "da"), "data_quality"))
    assert "Revised inventories changed the status of 1 member" not in en  # singular form
    assert "A revised inventory changed the status of 1 member since the report for 2023" in en
    assert "Status changes caused by revised inventories" in en
    assert "Statusskift forårsaget af reviderede klimaregnskaber" in da
    # 147 (its name is the injection string in this fixture): on track → at risk, 2 values.
    row = next(line for line in en.splitlines() if line.endswith("| On track | At risk | 2 |"))
    assert squeeze(INJECTION) in squeeze(row)
    # 400 moved with a new inventory year: not a revision, not in this table.
    assert "Bornholm" not in en


def test_effect_section_shows_what_each_sector_still_needs(built):
    _warehouse, out, _written = built
    en = md_unescape(section(markdown(out, "en"), "effect"))
    da = md_unescape(section(markdown(out, "da"), "effect"))
    assert "Reduction still needed and planned and ongoing actions by sector" in en
    # Six members × energy 120,000 t needed, 45,000 t in planned and ongoing actions.
    assert "| Energy | 720,000 | 270,000 | 450,000 | 37.5% |" in en
    assert "| Energi | 720.000 | 270.000 | 450.000 | 37,5 % |" in da
    # Transport is covered: the gap is negative, the coverage above 100 %.
    assert "| Transport | 540,000 | 570,000 | -30,000 | 105.6% |" in en


@pytest.mark.parametrize(
    ("ticks", "lang", "labels"),
    [
        ([0.14, 0.15, 0.16, 0.17], "da", ["0,14", "0,15", "0,16", "0,17"]),
        ([12.5, 15.0, 17.5, 20.0], "da", ["12,5", "15,0", "17,5", "20,0"]),
        ([520000.0, 522000.0, 524000.0], "da", ["520.000", "522.000", "524.000"]),
        ([0.25, 0.3, 0.35], "en", ["0.25", "0.30", "0.35"]),
        ([64.0, 65.0], "en", ["64", "65"]),
    ],
)
def test_indicator_chart_ticks_have_the_decimals_their_step_needs(ticks, lang, labels):
    """The small multiples' tick labels: never two alike (0,14 and 0,15 both read "0,1"
    with one fixed decimal), no decimals where the step is whole."""
    from klima_pipeline.report.axes import tick_labels

    assert tick_labels(ticks, fmt(lang)) == labels


# In a process of its own, as `klima run` is: languages built in processes started ahead.
_BUILT_AHEAD = """
import sys
from pathlib import Path
from klima_pipeline.report import build_report, children

children.start_language_processes(2)
try:
    build_report(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
finally:
    children.stop_language_processes()
print(",".join(m for m in ("fontTools", "pandas", "typst") if m in sys.modules))
"""


def test_languages_built_in_processes_started_ahead_give_the_same_report(built, tmp_path):
    """`klima run` starts a process for every language before it builds the warehouse; the
    run's own process then only hands the languages out and writes the site's entry page,
    and never imports the drawing and rendering code. The report is the same."""
    import subprocess
    import sys

    warehouse, out, _ = built
    done = subprocess.run(
        [sys.executable, "-c", _BUILT_AHEAD, str(warehouse), str(tmp_path), str(REPORT_YEAR)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "", f"the run's process imported {done.stdout.strip()}"
    ahead = tmp_path / str(REPORT_YEAR)
    for stem in FILES.values():
        name = f"{stem}-{REPORT_YEAR}.md"
        assert (ahead / name).read_bytes() == (out / name).read_bytes(), name
        assert (ahead / f"{stem}-{REPORT_YEAR}.pdf").read_bytes().startswith(b"%PDF")
    assert (ahead / "site" / "index.html").read_text("utf-8") == (
        out / "site" / "index.html"
    ).read_text("utf-8")


def test_a_language_refuses_a_warehouse_published_again_while_the_report_is_built(tmp_path):
    """Each language reads the warehouse in its own process: if a publish replaced the file
    after the report began, a language would show other numbers than the others."""
    from klima_pipeline.report.data import read_warehouse, warehouse_version

    warehouse = build_fixture(tmp_path / "klima.duckdb", FixtureOptions())
    began_with = warehouse_version(warehouse)
    os.replace(build_fixture(tmp_path / "newer.duckdb", FixtureOptions()), warehouse)
    with pytest.raises(RuntimeError, match=r"klima\.duckdb was published again"):
        read_warehouse(warehouse, REPORT_YEAR, began_with)
    now = read_warehouse(warehouse, REPORT_YEAR, warehouse_version(warehouse))
    assert not now["municipality"].empty


def test_a_rebuild_redraws_the_charts_whose_data_changed_and_keeps_the_others(tmp_path):
    """Charts and fact sheets are kept from the previous build by what they are made from
    (reuse.py): a changed number must give a new chart and new sheets, an unchanged chart
    must stay as it was."""
    warehouse = build_fixture(tmp_path / "klima.duckdb", FixtureOptions())
    options = {"languages": ("en",), "fact_sheets": True, "website": False}
    build_report(warehouse, tmp_path / "r", REPORT_YEAR, **options)
    charts = tmp_path / "r" / str(REPORT_YEAR) / "charts"
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in charts.glob("*.svg")}
    sheets = sorted((tmp_path / "r" / str(REPORT_YEAR) / "kommuner").glob("fact-sheet-*.md"))
    sheets_before = [p.read_bytes() for p in sheets]
    build_report(warehouse, tmp_path / "r", REPORT_YEAR, **options)
    # Nothing changed: every chart and fact sheet is the previous build's file.
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in charts.glob("*.svg")} == before
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update mart.emissions set emissions_t = emissions_t * 3 where sector = 'energy'"
        )
    build_report(warehouse, tmp_path / "r", REPORT_YEAR, **options)
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in charts.glob("*.svg")}
    assert after.keys() == before.keys()
    assert after["trend-en.svg"][0] != before["trend-en.svg"][0], "the trend shows the new values"
    assert after["actions-en.svg"] == before["actions-en.svg"], "a chart of unchanged data is kept"
    assert [p.read_bytes() for p in sheets] != sheets_before, "the sheets show the new values"


def test_a_pdf_cut_short_on_its_way_from_typst_is_an_error_not_a_file(tmp_path, monkeypatch):
    """The compile runs in a process of its own and sends the PDF through a pipe; a PDF
    that arrives cut short (seen under a profiler) must stop the report, never be written
    as a report that no reader opens."""
    import typst

    from klima_pipeline.report import render

    source = "#set page(width: 8cm, height: 4cm)\n" + "Kommune. " * 2000
    whole = render.compile_pdf(source, tmp_path)
    assert whole.rstrip().endswith(b"%%EOF")
    cut = render._COMPILE.replace(
        "sys.stdout.buffer.write(pdf)", "sys.stdout.buffer.write(pdf[: len(pdf) // 2])"
    )
    assert cut != render._COMPILE
    monkeypatch.setattr(render, "_COMPILE", cut)
    with pytest.raises(typst.TypstError, match="incomplete"):
        render.write_pdf(tmp_path / "cut.pdf", source, tmp_path)
    assert not (tmp_path / "cut.pdf").exists()
