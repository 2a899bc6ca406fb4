"""The website as files: built from the fixture warehouse of report_fixture.py.

The same site in a real browser, over `klima serve`, is tests/test_site_browser.py."""

from __future__ import annotations

import csv
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import duckdb
import pandas as pd
import pytest
from report_fixture import REPORT_YEAR, FixtureOptions, build_fixture
from test_report import fmt, scale_warehouse

from klima_pipeline.report import build_report
from klima_pipeline.report.messages import Messages
from klima_pipeline.report.site import ChartAssets

# Every mark the issue names: markup, a quote, an ampersand and Jinja's own braces.
SITE_INJECTION = '<script>window.pwned=1</script> "Kommune" & {{ 7*7 }} {% raw %}'
TRACK_INJECTION = 'Spor <img src=x onerror="window.pwned=2"> & {{ track }}'


class Page(HTMLParser):
    """What a test reads from a page: its links, its text by element id or class."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.scripts: list[str] = []
        self.lang = ""
        self.h1 = ""
        self.classes: dict[str, list[str]] = {}
        self._open: list[tuple[str, list[str]]] = []
        self._text: dict[int, list[str]] = {}
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        for name in ("href", "src"):
            if a.get(name):
                self.links.append(a[name] or "")
        if tag == "script":
            self.scripts.append(a.get("src") or "inline")
        if tag in {"meta", "link", "img", "input", "br"}:
            return
        self._open.append((tag, (a.get("class") or "").split()))
        self._text[len(self._open)] = []

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            return
        depth = len(self._open)
        name, classes = self._open.pop()
        text = "".join(self._text.pop(depth, []))
        if self._open:
            self._text[len(self._open)].append(text)
        if name == "h1" and not self.h1:
            self.h1 = text.strip()
        for c in classes:
            self.classes.setdefault(c, []).append(" ".join(text.split()))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text[len(self._open)].append(data)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("site")
    warehouse = build_fixture(
        root / "klima.duckdb",
        FixtureOptions(injection_name=SITE_INJECTION, injection_title=TRACK_INJECTION),
    )
    build_report(warehouse, root / "reports", REPORT_YEAR, fact_sheets=False)
    return warehouse, root / "reports" / str(REPORT_YEAR)


def read(path: Path) -> Page:
    return Page(path.read_text("utf-8"))


def targets(path: Path) -> set[Path]:
    """The files a page links to."""
    return {(path.parent / urldefrag(link)[0]).resolve() for link in read(path).links}


def pages(out: Path) -> list[Path]:
    return sorted((out / "site").rglob("*.html"))


def codes(warehouse: Path, sql: str) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [str(c) for (c,) in con.execute(sql).fetchall()]


def test_a_page_per_section_member_region_and_municipality_in_both_languages(site):
    warehouse, out = site
    members = codes(warehouse, "select municipality_code from mart.municipality where is_member")
    others = codes(warehouse, "select municipality_code from mart.municipality where not is_member")
    regions = codes(warehouse, "select region_code from mart.region")
    assert members and others and len(regions) == 5
    md = (out / f"statusrapport-{REPORT_YEAR}.md").read_text("utf-8")
    sections = [line.split('"')[1] for line in md.splitlines() if line.startswith('<a id="')]
    for lang in ("da", "en"):
        folder = out / "site" / lang
        assert (folder / "index.html").is_file()
        for section in sections:
            page = "kommuner/index.html" if section == "members" else f"{section}.html"
            assert (folder / page).is_file(), (lang, section)
        for code in members + others:
            assert (folder / "kommuner" / f"{code}.html").is_file(), (lang, code)
        for code in regions:
            assert (folder / "regioner" / f"{code}.html").is_file(), (lang, code)


def test_every_page_has_the_notice_the_credits_and_a_working_language_switch(site):
    _, out = site
    for lang, other in (("da", "en"), ("en", "da")):
        t = Messages(lang)
        for path in (out / "site" / lang).rglob("*.html"):
            page = read(path)
            assert page.lang == lang
            assert t("cover_sample") in page.classes["sample"][0], path
            footer = page.classes["site-footer"][0]
            assert t("credit_emissions") in footer and t("credit_map") in footer, path
            # The <a> and the <link rel="alternate">: one target.
            [switch] = {
                link for link in page.links if f"../{other}/" in link and link.endswith(".html")
            }
            target = (path.parent / switch).resolve()
            # The same page in the other language.
            assert target == (out / "site" / other / path.relative_to(out / "site" / lang))


def test_every_link_and_image_resolves_and_nothing_is_fetched_from_elsewhere(site):
    _, out = site
    checked = 0
    for path in [*pages(out)]:
        page = read(path)
        for link in page.links:
            assert not urlsplit(link).scheme and not link.startswith("//"), (path, link)
            target, _ = urldefrag(link)
            if not target:
                continue
            resolved = (path.parent / urlsplit(target).path).resolve()
            assert resolved.is_file(), (path, link)
            assert out in resolved.parents, (path, link)  # nothing outside the year
            checked += 1
        # No inline script (so no data value can become one), only the site's own file.
        assert all(s.endswith("assets/site.js") for s in page.scripts), (path, page.scripts)
    assert checked > 1000


@pytest.mark.parametrize("lang", ["da", "en"])
def test_injection_strings_show_literally(site, lang):
    _, out = site
    html = (out / "site" / lang / "kommuner" / "147.html").read_text("utf-8")
    page = Page(html)
    assert page.h1 == SITE_INJECTION  # the text a reader sees
    assert "<script>window" not in html and "{{ 7*7 }}" in html and "49" not in page.h1
    assert "&lt;script&gt;" in html and "&amp;" in html and "&#34;Kommune&#34;" in html
    assert page.scripts == ["../../assets/site.js"]
    tracks = (out / "site" / lang / "tracks.html").read_text("utf-8")
    assert "<img src=x" not in tracks and TRACK_INJECTION in Page(tracks).classes["left"]
    index = (out / "site" / lang / "kommuner" / "index.html").read_text("utf-8")
    assert "<script>window" not in index and Page(index).scripts == ["../../assets/site.js"]


def test_the_member_index_links_every_member_with_its_code(site):
    warehouse, out = site
    with duckdb.connect(str(warehouse), read_only=True) as con:
        members = dict(
            con.execute(
                "select municipality_code, municipality_name from mart.municipality where is_member"
            ).fetchall()
        )
    index = out / "site" / "en" / "kommuner" / "index.html"
    page = read(index)
    linked = targets(index)
    for code in members:
        assert index.parent / f"{code}.html" in linked, code
    assert page.classes["code"] == sorted(members, key=lambda c: (members[c], c))


def numbers(cells: list[str]) -> list[str]:
    """The cells that are numbers (labels such as sector names are in the page's language;
    the data file is written once, by the first language)."""
    return [c if re.fullmatch(r"-?[\d.e+-]+", c) else "label" for c in cells]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_under_every_chart_its_data_and_both_downloads(site, lang):
    _, out = site
    figures = 0
    for path in (out / "site" / lang).glob("*.html"):
        html = path.read_text("utf-8")
        page = Page(html)
        for chart in html.split('<figure class="chart"')[1:]:
            figures += 1
            after = chart.split("</figure>", 1)[1].split("<figure", 1)[0]
            data = after.split('<details class="chart-data">', 1)[1]
            csv_link = data.split("download>CSV", 1)[0].rsplit('href="', 1)[1].split('"')[0]
            parquet_link = data.split("download>Parquet", 1)[0].rsplit('href="', 1)[1]
            assert data.index("</details>") < data.index("download>CSV")
            csv_path = (path.parent / csv_link).resolve()
            assert (path.parent / parquet_link.split('"')[0]).resolve().is_file()
            with csv_path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.reader(handle))
            # The table's header is the file's, its first row the file's first row.
            table = data.split("</details>")[0]
            header = [unescape(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)]
            first = table.split("<tbody>")[1].split("</tr>")[0]
            cells = [unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", first)]
            assert header == rows[0], csv_path.name
            if lang == "da":  # the language that wrote the file: the very same cells
                assert cells == rows[1], csv_path.name
            assert numbers(cells) == numbers(rows[1]), csv_path.name
            assert re.search(r'<img src="[^"]+\.svg" alt="[^"]+" aria-describedby="figcap-', chart)
        assert page.lang == lang
    assert figures >= 8


def _text(values: list[object]) -> pd.Series:
    return pd.Series(values, dtype="str")


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"name": _text(["Aarhus", None, "Nord-Fyn"]), "t": [1.5, -2.0, None]}),
        pd.DataFrame({"name": _text(["ok", "=SUM(A1)", None]), "code": _text(["+1", "2", "3"])}),
        pd.DataFrame(
            {
                "name": _text(["a", "b", "c"]),
                "since": pd.to_datetime(["2024-01-01", None, "2023-06-30"]),
                "reason": pd.Series(["-x", "ok", None], dtype=object),
            }
        ),
    ],
    ids=["plain", "formulas", "dates-and-objects"],
)
def test_a_charts_data_table_shows_the_cells_of_its_csv_file(tmp_path, frame):
    """The table under a chart is the data file's first rows, cell for cell: a text that
    a spreadsheet would run as a formula has its apostrophe on the page as in the file."""
    assets = ChartAssets(tmp_path, write_data=True)
    relative = assets.data("chart", frame)
    with (tmp_path / relative).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    shown = assets.table(relative)
    assert shown is not None
    assert [list(shown.header), *(list(r) for r in shown.rows)] == rows


def test_member_key_figures_equal_the_mart(site):
    warehouse, out = site
    with duckdb.connect(str(warehouse), read_only=True) as con:
        latest_year, latest_t, gap_t = con.execute(
            "select latest_year, latest_t, gap_t from mart.municipality_status "
            "where municipality_code = '461' and report_year = ?",
            [REPORT_YEAR],
        ).fetchone()
    for lang in ("da", "en"):
        t, f = Messages(lang), fmt(lang)
        page = read(out / "site" / lang / "kommuner" / "461.html")
        figures = page.classes["value"]
        assert t("value_t", value=f.tonnes(latest_t)) == figures[0]
        assert t("value_t", value=f.tonnes(gap_t)) == figures[2]
        assert t("fs_latest", year=latest_year) in page.classes["key-figures"][0]


def test_region_page_counts_equal_the_mart(site):
    warehouse, out = site
    with duckdb.connect(str(warehouse), read_only=True) as con:
        members, on_track = con.execute(
            "select members, on_track from mart.status_summary where report_year = ? "
            "and scope = 'region' and scope_code = '1084' and projection = 'status'",
            [REPORT_YEAR],
        ).fetchone()
        names = [n for (n,) in con.execute(
            "select municipality_name from mart.municipality where region_code = '1084' "
            "and is_member order by 1").fetchall()]  # fmt: skip
    t, f = Messages("en"), fmt("en")
    page = read(out / "site" / "en" / "regioner" / "1084.html")
    assert page.classes["value"][0] == f.integer(members)
    assert t("of", n=f.integer(on_track), m=f.integer(members)) == page.classes["value"][1]
    listed = page.classes["columns"][0]
    assert all(" ".join(name.split()) in listed for name in names)


def test_one_language_keeps_the_other_languages_pages(site, tmp_path):
    warehouse, _ = site
    reports = tmp_path / "r"
    build_report(warehouse, reports, REPORT_YEAR, fact_sheets=False)
    english = (reports / str(REPORT_YEAR) / "site" / "en" / "kommuner" / "101.html").read_bytes()
    build_report(warehouse, reports, REPORT_YEAR, languages=("da",), fact_sheets=False)
    out = reports / str(REPORT_YEAR)
    assert (out / "site" / "en" / "kommuner" / "101.html").read_bytes() == english
    switch = [link for link in read(out / "site" / "da" / "index.html").links if "../en/" in link]
    assert switch == ["../en/index.html", "../en/index.html"]  # <link rel=alternate> and <a>
    assert "en/index.html" in read(out / "site" / "index.html").links


def test_above_the_listing_limit_only_members_get_a_page_unless_all_pages(tmp_path):
    warehouse = scale_warehouse(tmp_path / "klima.duckdb")
    members = codes(warehouse, "select municipality_code from mart.municipality where is_member")
    others = codes(warehouse, "select municipality_code from mart.municipality where not is_member")
    build_report(warehouse, tmp_path / "r", REPORT_YEAR, languages=("en",), fact_sheets=False)
    out = tmp_path / "r" / str(REPORT_YEAR) / "site" / "en"
    written = {p.stem for p in (out / "kommuner").glob("*.html")} - {"index"}
    assert written == set(members)
    assert {out / "kommuner" / f"{code}.html" for code in members} <= targets(
        out / "kommuner" / "index.html"
    )
    build_report(
        warehouse, tmp_path / "r", REPORT_YEAR, languages=("en",), fact_sheets=False, all_pages=True
    )
    written = {p.stem for p in (out / "kommuner").glob("*.html")} - {"index"}
    assert written == set(members) | set(others)
