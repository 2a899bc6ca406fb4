"""The alliance's first and third blocks in the report: development tracks and plan
revision, from hand-made raw exports through ingest, the SQL layers and the report.

tests/test_metrics.py checks the mart values of these rules; here each rule is checked
where a reader meets it: the report's sections in both languages, the data behind the
participation map, the fact sheets, and the error a wrong tracks export gives.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from klima_pipeline.errors import InputError
from klima_pipeline.ingest import LOADERS, load_reference
from klima_pipeline.report import build_report
from klima_pipeline.report.fmt import Formatter
from klima_pipeline.report.messages import Messages
from klima_pipeline.sample_data import write_sample_data
from klima_pipeline.sql import build_layers

YEAR = 2024
FILES = {"da": "statusrapport", "en": "status-report"}
REGION = "1084"  # all six sample municipalities (101 … 157) lie in Region Hovedstaden

# Revision columns per member: status, recertified on, next revision year.
REVISION = {
    "101": ("Recertificeret", "2024-05-02", "2028"),  # recertified in the report year
    "147": ("I gang", "", "2022"),  # overdue
    "151": ("Indsendt", "", "2023"),  # overdue: the year before the report year
    "153": ("Recertificeret", "2023-11-20", "2027"),  # recertified before R: neither
    "155": ("Ikke startet", "", "2026"),  # not due yet
    "157": ("", "", ""),  # no revision data: unknown, never overdue
}
TRACKS_HEADER = "Spor-id;Titel;Tema;Deltagere;Status;Start;Slut;Budget (kr.)"
TRACKS = [
    "KUS-1;Fælles varmeplan;Energi;101,147;I gang;2022-01-01;;2000000",
    # Only the region takes part: its municipalities are not enrolled by it.
    f"KUS-2;Regional mobilitet;Transport;{REGION};I gang;2023-03-01;2026-12-31;",
    # Planned: 153 takes part in nothing that counts yet.
    "KUS-3;Biogas i landbruget;Landbrug;153;Planlagt;2025-01-01;;",
    f"KUS-4;Skov og grundvand;Landbrug;155,{REGION};Afsluttet;2021-01-01;2023-12-31;500000",
]


@dataclass(frozen=True)
class Built:
    warehouse: Path
    out: Path

    def markdown(self, lang: str) -> str:
        return (self.out / f"{FILES[lang]}-{YEAR}.md").read_text("utf-8")

    def pdf(self, lang: str) -> str:
        return pdf_text(self.out / f"{FILES[lang]}-{YEAR}.pdf")

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()


def write_raw(raw: Path, tracks: list[str]) -> Path:
    """Six sample municipalities with the hand-made revision columns and tracks above."""
    write_sample_data(raw, municipalities=6)
    plans = raw / "plans" / "plans.csv"
    rows = list(csv.reader(io.StringIO(plans.read_text("utf-8-sig")), delimiter=";"))
    for row in rows[1:]:
        row[-3:] = REVISION[row[0]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(rows)
    plans.write_text(buffer.getvalue(), "utf-8")
    folder = raw / "tracks"
    for old in folder.iterdir():
        old.unlink()
    (folder / "udviklingsspor.csv").write_text("\n".join([TRACKS_HEADER, *tracks]) + "\n")
    return raw


def pdf_text(path: Path) -> str:
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    # Typst hyphenates long words at line ends; join them before comparing.
    return re.sub(r"\s+", "", re.sub(r"-\s*\n", "", text))


def plain(md: str) -> str:
    """Markdown escapes removed: a backslash before punctuation stands for the mark."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", md)


def section(md: str, section_id: str) -> str:
    start = md.index(f'<a id="{section_id}"></a>')
    end = md.find('<a id="', start + 1)
    return plain(md[start : end if end > 0 else None])


def table_after(text: str, caption: str) -> str:
    """The rows of the Markdown table under a bold caption."""
    rest = text.split(f"**{caption}**", 1)[1]
    return rest.split("\n\n", 2)[1]


def fmt(lang: str) -> Formatter:
    return Formatter(lang, Messages(lang).months())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("tracks_revision")
    raw = write_raw(root / "raw", TRACKS)
    warehouse = root / "klima.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        load_reference(con, raw)
        for loader in LOADERS.values():
            loader(con, raw)
        build_layers(con)
    build_report(warehouse, root / "reports", YEAR)
    return Built(warehouse, root / "reports" / str(YEAR))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_overdue_and_recertified_revisions(built: Built, lang: str) -> None:
    t, f = Messages(lang), fmt(lang)
    names = dict(built.query("select municipality_code, municipality_name from mart.municipality"))
    revision = section(built.markdown(lang), "revision")
    overdue = table_after(revision, t("table_overdue", year=YEAR))
    recertified = table_after(revision, t("table_recertified", year=YEAR))
    # Overdue: the next revision year is before R and there is no recertification.
    assert [code for code in REVISION if f"| {names[code]} |" in overdue] == ["147", "151"]
    assert f"| {t('revision_in_progress')} | 2022 |" in overdue  # 147: status, year due
    # Recertified this year, with its date in the report's language; 153 was in 2023.
    assert [code for code in REVISION if f"| {names[code]} |" in recertified] == ["101"]
    assert f"| {f.date('2024-05-02')} | 2028 |" in recertified
    assert t("revision_unknown") in revision  # 157 has no revision data
    text = built.pdf(lang)
    for expected in (t("table_overdue", year=YEAR), f.date("2024-05-02"), names["151"]):
        assert re.sub(r"\s+", "", expected) in text, expected
    # The fact sheets say it per member.
    sheet = (built.out / "kommuner" / f"{t('fs_file')}-{YEAR}-147.md").read_text("utf-8")
    assert t("fs_overdue") in sheet and t("fs_next_revision", year=2022) in sheet
    sheet = (built.out / "kommuner" / f"{t('fs_file')}-{YEAR}-101.md").read_text("utf-8")
    assert t("fs_recertified", date=f.date("2024-05-02")) in sheet
    assert t("fs_overdue") not in sheet


def map_counts(built: Built) -> dict[str, int]:
    path = built.out / "data" / "track_participation_map.csv"
    rows = csv.DictReader(io.StringIO(path.read_text("utf-8-sig")))
    return {row["municipality_code"]: int(row["tracks"]) for row in rows}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_region_participant_is_shown_but_enrols_no_municipality(built: Built, lang: str):
    t = Messages(lang)
    region = dict(built.query("select region_code, region_name from mart.region"))[REGION]
    region_en = dict(built.query("select region_code, region_name_en from mart.region"))[REGION]
    region_name = region.removeprefix("Region ") if lang == "da" else region_en
    tracks = section(built.markdown(lang), "tracks")
    listing = table_after(tracks, t("table_tracks"))
    # The region-only track: no municipalities, the region by name.
    row = next(line for line in listing.splitlines() if line.startswith("| Regional mobilitet"))
    assert row.endswith(f"| 0 | {region_name} |")
    coverage = table_after(tracks, t("table_track_coverage", year=YEAR))
    region_row = next(line for line in coverage.splitlines() if (region if lang == "da"
                      else region_en) in line)  # fmt: skip
    assert region_row.endswith(f"| {t('yes')} |")
    # 151 lies in the region and is in no track of its own: 0 on the map.
    counts = map_counts(built)
    assert counts["151"] == 0
    assert counts["101"] == 1 and counts["155"] == 1  # KUS-4 is finished: it counts


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_municipality_in_no_track(built: Built, lang: str) -> None:
    t = Messages(lang)
    counts = map_counts(built)
    # 157 takes part in nothing; 153 only in a planned track, which does not count yet.
    assert counts["157"] == 0 and counts["153"] == 0
    folder = built.out / "kommuner"
    assert t("fs_tracks", tracks=t("fs_none")) in (
        folder / f"{t('fs_file')}-{YEAR}-157.md"
    ).read_text("utf-8")
    planned = t("fs_track_item", title="Biogas i landbruget", status=t("track_planned"))
    assert planned in plain((folder / f"{t('fs_file')}-{YEAR}-153.md").read_text("utf-8"))
    # The national share counts only members in a running or finished track.
    [(members, in_track, share)] = built.query(
        f"select members, members_in_track, share_pct from mart.track_coverage "
        f"where report_year = {YEAR} and scope = 'national'"
    )
    assert (members, in_track) == (6, 3)  # 101, 147 (KUS-1) and 155 (KUS-4)
    sentence = t("tracks_coverage", n=in_track, m=members, share=fmt(lang).pct(share), year=YEAR)
    assert sentence in section(built.markdown(lang), "tracks")
    assert re.sub(r"\s+", "", sentence) in built.pdf(lang)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_new_sections_show_in_markdown_and_pdf(built: Built, lang: str) -> None:
    t = Messages(lang)
    md, text = built.markdown(lang), built.pdf(lang)
    for key in ("sec_tracks", "sec_revision", "table_tracks_by_theme", "table_revision"):
        assert t(key) in md, key
        assert re.sub(r"\s+", "", t(key)) in text, key
    caption = t("participation_caption", year=YEAR)
    assert caption in md and re.sub(r"\s+", "", caption) in text
    for suffix in ("svg", "png"):
        assert (built.out / "charts" / f"track_participation_map-{lang}.{suffix}").is_file()


def test_an_unknown_participant_code_names_file_row_and_column(tmp_path: Path) -> None:
    raw = write_raw(tmp_path / "raw", [TRACKS[0], "KUS-9;Ukendt deltager;Energi;101,999;I gang;"
                                       "2022-01-01;;"])  # fmt: skip
    with duckdb.connect(":memory:") as con:
        load_reference(con, raw)
        with pytest.raises(InputError) as caught:
            LOADERS["tracks"](con, raw)
    message = str(caught.value)
    assert "tracks/udviklingsspor.csv, row 3, column 'Deltagere'" in message
    assert "999" in message
    assert [f.row_number for f in caught.value.findings] == [3]
