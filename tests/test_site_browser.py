"""The website in a real browser: Debian's Chromium driven by Playwright, over `klima serve`
started as its own process, on the site of the full run on the embedded data."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright
from test_report import fmt

from klima_pipeline.report.messages import Messages

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox (tests run as root in CI), and nothing Chromium would fetch on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(embedded_run) -> Iterator[str]:
    """`klima serve` on a free loopback port; yields the address it prints."""
    process = subprocess.Popen(
        [sys.executable, "-m", "klima_pipeline.cli", "serve", "--year", "2024", "--port", "0",
         "--reports", str(embedded_run.reports)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=os.environ.copy(),
    )  # fmt: skip
    try:
        line = process.stdout.readline() if process.stdout else ""
        found = re.search(r"http://127\.0\.0\.1:\d+/site/", line)
        assert found, f"klima serve printed {line!r}"
        yield found.group(0)
    finally:
        process.terminate()
        try:
            assert process.wait(timeout=10) == 0  # klima serve stops cleanly when asked
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, errors


def member(embedded_run, name_like: str) -> dict:
    [row] = embedded_run.query(
        "select m.municipality_code, m.municipality_name, s.* exclude (municipality_code) "
        "from mart.municipality m join mart.municipality_status s using (municipality_code) "
        "where s.report_year = 2024 and m.municipality_name like ?",
        [name_like],
    )
    columns = [d for (d,) in embedded_run.query(
        "select column_name from information_schema.columns where table_schema = 'mart' "
        "and table_name = 'municipality_status' and column_name <> 'municipality_code' "
        "order by ordinal_position")]  # fmt: skip
    return dict(zip(["code", "name", *columns], row, strict=True))


def expected_key_figures(m: dict, lang: str) -> list[tuple[str, str]]:
    """A member's key figures (label, value) as the mart has them, in `lang`."""
    t, f = Messages(lang), fmt(lang)
    return [
        (t("fs_latest", year=m["latest_year"]), t("value_t", value=f.tonnes(m["latest_t"]))),
        (t("fs_reduction", year=m["baseline_year"]), f.pct(m["reduction_pct"])),
        (t("fs_gap"), t("value_t", value=f.tonnes(m["gap_t"]))),
        (t("fs_target", year=m["target_year"]), t("value_t", value=f.tonnes(m["target_t"]))),
        (t("fs_rates"), f"{f.pct(100 * m['r_obs'])} / {f.pct(100 * m['r_req'])}"),
        (
            t("fs_implementation") + " / " + t("fs_coverage"),
            f"{f.pct(m['implementation_pct'])} / {f.pct(m['plan_coverage_pct'])}",
        ),
    ]


def key_figures(page: Page) -> list[tuple[str, str]]:
    items = page.locator(".key-figures > div")
    return [
        (items.nth(i).locator("dt").inner_text(), items.nth(i).locator("dd.value").inner_text())
        for i in range(items.count())
    ]


def test_a_reader_finds_their_municipality_and_its_data(embedded_run, server, page):
    aarhus = member(embedded_run, "Aarhus")
    page.goto(server)
    page.get_by_role("link", name=Messages("da")("site_read_in")).first.click()
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.title() == Messages("da")("title", year=2024)
    # Over to English, then search from the front page.
    page.get_by_role("link", name=Messages("en")("site_read_in")).click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/site/en/index.html")
    t = Messages("en")
    page.get_by_label(t("site_search")).fill("aarh")
    page.get_by_role("button", name=t("site_members")).click()
    rows = page.locator("#table-members tbody tr:visible")
    assert rows.count() == 1
    assert page.locator("#member-count").inner_text() == t(
        "site_search_count", n=1, m=embedded_run.query(
            "select count(*) from mart.municipality_status where report_year = 2024")[0][0]
    )  # fmt: skip
    # By code as well.
    search = page.get_by_label(t("site_search"))
    search.fill(aarhus["code"])
    assert rows.count() == 1 and aarhus["code"] in rows.first.inner_text()
    rows.first.get_by_role("link", name=aarhus["name"]).click()
    assert page.url.endswith(f"/site/en/kommuner/{aarhus['code']}.html")
    assert page.locator("h1").inner_text() == aarhus["name"]
    assert key_figures(page) == expected_key_figures(aarhus, "en")
    # The same page in Danish, with Danish numbers.
    page.get_by_role("link", name=Messages("da")("site_read_in")).click()
    assert page.url.endswith(f"/site/da/kommuner/{aarhus['code']}.html")
    assert key_figures(page) == expected_key_figures(aarhus, "da")


def test_a_chart_download_is_its_csv(embedded_run, server, page):
    page.goto(server + "en/map.html")
    figure = page.locator("#figure-status_map")
    assert figure.get_by_role("img").get_attribute("alt") == Messages("en")("map_alt")
    with page.expect_download() as download:
        page.locator("#figure-status_map ~ .downloads a", has_text="CSV").first.click()
    text = Path(download.value.path()).read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = dict(embedded_run.query(
        "select municipality_code, status from mart.municipality_status "
        "where report_year = 2024"))  # fmt: skip
    assert {r["municipality_code"]: r["status"] for r in rows} == expected
    # The data table under the chart opens and shows the same rows.
    page.get_by_text(Messages("en")("site_show_data")).first.click()
    data_rows = page.locator(".chart-data table tbody tr")
    assert data_rows.first.is_visible()
    assert data_rows.count() == min(len(rows), 200)


def test_every_page_loads_without_errors_and_every_link_works(server, page):
    """Crawl the whole site from its entry page: every page in the browser, every other
    link (charts, data files, style sheet) by request."""
    seen: set[str] = set()
    queue = [server]
    files: set[str] = set()
    failures: list[str] = []
    origin = urlsplit(server).netloc
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        if response is None or response.status != 200:
            failures.append(f"{url}: {response.status if response else 'no response'}")
            continue
        for link in page.eval_on_selector_all(
            "a[href], link[href], img[src], script[src]",
            "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))",
        ):
            target = urldefrag(urljoin(url, link))[0]
            assert urlsplit(target).netloc == origin, f"{url} links outside the site: {link}"
            if urlsplit(target).path.endswith((".html", "/")):
                queue.append(target.split("?")[0])
            else:
                files.add(target)
    for url in sorted(files):
        status = page.request.get(url).status
        if status != 200:
            failures.append(f"{url}: {status}")
    assert not failures, failures
    # 2 front pages, 15 sections, 95 members, 3 other municipalities, 5 regions.
    assert len(seen) >= 1 + 2 * (1 + 15 + 95 + 3 + 5)
    assert any(u.endswith(".parquet") for u in files) and any(u.endswith(".svg") for u in files)


@pytest.mark.parametrize("path", ["en/index.html", "da/tracks.html", "en/kommuner/751.html",
                                  "da/kommuner/index.html"])  # fmt: skip
def test_no_serious_accessibility_violations(server, page, path):
    page.goto(server + path)
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not serious, serious


def test_the_member_index_works_without_javascript(embedded_run, browser):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    try:
        index = embedded_run.reports / "2024" / "site" / "da" / "kommuner" / "index.html"
        page.goto(index.as_uri())  # straight from the file, no server
        [(members,)] = embedded_run.query(
            "select count(*) from mart.municipality_status where report_year = 2024"
        )
        assert page.locator("#table-members tbody tr:visible").count() == members
        assert not page.locator("#member-search").is_visible()  # search needs the script
        page.locator("#table-members tbody tr").first.get_by_role("link").click()
        assert "/site/da/kommuner/" in page.url and page.locator(".key-figures").is_visible()
    finally:
        context.close()


def test_columns_sort_by_their_numbers(embedded_run, server, page):
    page.goto(server + "da/kommuner/index.html")
    t = Messages("da")
    page.get_by_role("button", name=t("col_latest_t")).click()
    page.get_by_role("button", name=t("col_latest_t")).click()  # largest first
    first = page.locator("#table-members tbody tr").first.locator("th").inner_text()
    [(largest,)] = embedded_run.query(
        "select m.municipality_name from mart.municipality_status s "
        "join mart.municipality m using (municipality_code) where s.report_year = 2024 "
        "order by s.latest_t desc limit 1"
    )
    assert first == largest
    header = page.locator("th", has=page.get_by_role("button", name=t("col_latest_t")))
    assert header.get_attribute("aria-sort") == "descending"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", ["da/index.html", "da/kommuner/101.html"])
def test_pages_fit_the_screen(server, browser, viewport, path, tmp_path):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(server + path)
        # Nothing wider than the screen: wide tables scroll inside their own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
        assert (tmp_path / "page.png").stat().st_size > 10_000
    finally:
        context.close()


def test_injection_strings_show_literally_and_run_nothing(browser, tmp_path):
    from report_fixture import REPORT_YEAR, FixtureOptions, build_fixture
    from test_site import SITE_INJECTION, TRACK_INJECTION

    from klima_pipeline.report import build_report

    warehouse = build_fixture(
        tmp_path / "klima.duckdb",
        FixtureOptions(injection_name=SITE_INJECTION, injection_title=TRACK_INJECTION),
    )
    build_report(warehouse, tmp_path / "r", REPORT_YEAR, languages=("en",), fact_sheets=False)
    site = tmp_path / "r" / str(REPORT_YEAR) / "site" / "en"
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto((site / "kommuner" / "147.html").as_uri())
        assert page.locator("h1").inner_text() == SITE_INJECTION
        assert page.evaluate("window.pwned") is None
        page.goto((site / "tracks.html").as_uri())
        assert page.get_by_text(TRACK_INJECTION, exact=True).first.is_visible()
        assert page.evaluate("window.pwned") is None
        page.goto((site / "kommuner" / "index.html").as_uri())
        page.get_by_label(Messages("en")("site_search")).fill("{{")
        assert page.locator("#table-members tbody tr:visible").count() == 1
        assert page.evaluate("window.pwned") is None  # no injected script or handler ran
    finally:
        context.close()
