"""The sample-data generator: deterministic, real where it claims to be, complete."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import materialize

from klima_pipeline.checks import ERROR, RULES, rule_findings
from klima_pipeline.config import PROJECT_ROOT
from klima_pipeline.sample_data import write_sample_data

EMISSION_SECTORS = {
    "Energi",
    "Transport",
    "Landbrug",
    "Affaldsdeponi",
    "Spildevand",
    "Affaldsdeponi + Spildevand",
    "Kemiske processer",
}
NATIONAL_TOTAL_2023 = Decimal("34039454")


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _emission_rows(folder: Path) -> list[tuple[str, int, str, Decimal]]:
    """(municipality, year, source sector, tonnes) of every emission row written."""
    rows = []
    for path in sorted((folder / "klimaregnskab").glob("*.json")):
        code, year = path.stem.split("_")
        for item in json.loads(path.read_text(encoding="utf-8"))["data"]:
            if (item["type"], item["enhed"]) == ("Samlet CO2-udledning", "Ton CO2e"):
                rows.append((code, int(year), item["sektor"], Decimal(str(item["værdi"]))))
    for path in sorted((folder / "klimaregnskab").glob("*.csv")):
        for row in _csv(path):
            if (row["Type"], row["Enhed"]) == ("Samlet CO2-udledning", "Ton CO2e"):
                rows.append(
                    (row["Kommunekode"], int(row["År"]), row["Sektor"], _number(row["Værdi"]))
                )
    return rows


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_data(tmp_path_factory.mktemp("default"))


def test_same_seed_gives_identical_bytes(default: Path, tmp_path: Path) -> None:
    assert _files(write_sample_data(tmp_path / "again")) == _files(default)


def test_seeds_differ_in_invented_parts_only(default: Path, tmp_path: Path) -> None:
    other = write_sample_data(tmp_path / "seed1", seed=1)
    first, second = _files(default), _files(other)
    for name in ("plans/plans.csv", "actions/indsatser_2023.csv", "statbank/BIL54.csv"):
        assert first[name] != second[name], name
    # Real emissions (and the derived indicators beside them) do not depend on the seed.
    inventory = [name for name in first if name.startswith("klimaregnskab/")]
    assert inventory
    assert all(first[name] == second[name] for name in inventory)
    assert _emission_rows(default) == _emission_rows(other)


def test_real_2023_total_adds_up_to_the_national_figure(default: Path) -> None:
    rows = [row for row in _emission_rows(default) if row[1] == 2023]
    assert len({code for code, *_ in rows}) == 98
    sectors = sum(tonnes for _, _, sector, tonnes in rows if sector in EMISSION_SECTORS)
    source_total = sum(tonnes for _, _, sector, tonnes in rows if sector == "Samlet")
    assert abs(sectors - NATIONAL_TOTAL_2023) <= Decimal("0.5")
    assert abs(source_total - NATIONAL_TOTAL_2023) <= Decimal("0.5")


def test_waste_is_split_into_the_two_api_sectors(default: Path) -> None:
    sectors = {sector for _, _, sector, _ in _emission_rows(default)}
    assert {"Affaldsdeponi", "Spildevand"} <= sectors
    assert "Affaldsdeponi + Spildevand" not in sectors


def test_95_members_and_surveys_for_two_report_years(default: Path) -> None:
    members = {row["Kommunekode"] for row in _csv(default / "plans/plans.csv")}
    assert len(members) == 95
    for year in (2023, 2024):
        rows = _csv(default / f"actions/indsatser_{year}.csv")
        assert {row["Kommunekode"] for row in rows} == members
        assert {row["Rapporteringsår"] for row in rows} == {str(year)}
        per_member: dict[str, int] = {}
        for row in rows:
            per_member[row["Kommunekode"]] = per_member.get(row["Kommunekode"], 0) + 1
        assert min(per_member.values()) >= 5 and max(per_member.values()) <= 43
        keys = [(row["Kommunekode"], row["Indsats-id"]) for row in rows]
        assert len(keys) == len(set(keys))


def test_manifest_labels_real_and_sample_parts(default: Path) -> None:
    manifest = json.loads((default / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["generator"] == {
        "command": "klima sample-data",
        "seed": 0,
        "municipalities": 98,
        "real_municipalities": 98,
        "synthetic_municipalities": 0,
        "first_year": 2018,
        "last_year": 2023,
        "report_years": [2023, 2024],
    }
    kinds = {(part["source"], part["kind"]) for part in manifest["parts"]}
    assert ("klimaregnskab", "real") in kinds
    assert ("statbank/FOLK1A", "derived") in kinds
    for source in ("plans", "actions", "statbank/BIL54", "statbank/BOL102", "regions", "tracks"):
        assert (source, "sample") in kinds
    real = next(p for p in manifest["parts"] if p["kind"] == "real")
    assert real["credit"] == "Kilde: Energi- og CO2-regnskabet, Energistyrelsen"


def test_synthetic_municipalities_are_covered_by_every_export(tmp_path: Path) -> None:
    folder = write_sample_data(tmp_path / "large", municipalities=1500, first_year=2021)
    listed = _csv(folder / "synthetic_municipalities.csv")
    codes = {row["municipality_code"] for row in listed}
    assert len(codes) == 1500 - 98
    assert min(int(code) for code in codes) == 1001
    assert not any(1081 <= int(code) <= 1085 for code in codes)
    assert {row["region_code"] for row in listed} == {"1081", "1082", "1083", "1084", "1085"}
    assert not list((folder / "klimaregnskab").glob("*.json"))
    inventory = {code for code, *_ in _emission_rows(folder)}
    assert codes < inventory
    for table in ("FOLK1A", "BIL54", "BOL102"):
        assert codes < {row["OMRÅDE"] for row in _csv(folder / f"statbank/{table}.csv")}
    members = {row["Kommunekode"] for row in _csv(folder / "plans/plans.csv")}
    synthetic_members = members & codes
    assert len(synthetic_members) > 0.9 * len(codes)
    surveyed = {row["Kommunekode"] for row in _csv(folder / "actions/indsatser_2024.csv")}
    assert synthetic_members <= surveyed
    tracks = _csv(folder / "tracks/udviklingsspor.csv")
    participants = {code for row in tracks for code in row["Deltagere"].split(",")}
    assert participants & codes


def test_a_large_sample_passes_every_blocking_check(tmp_path: Path) -> None:
    """At scale the synthetic members' plans must satisfy the same rules as the real ones,
    or `klima run` stops on the sample folder that is meant to measure it."""
    folder = write_sample_data(tmp_path / "raw", municipalities=1500, first_year=2022)
    run = materialize(folder, tmp_path / "out")
    assert run.result.success
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        findings = [f for rule in RULES if rule.severity == ERROR for f in rule_findings(con, rule)]
        # The case that used to break: recertified plans approved in 2023, when the
        # approval and recertification windows overlap.
        overlapping = con.execute(
            "select count(*) from core.plan where revision_status = 'recertified' "
            "and approved_on >= date '2023-03-01'"
        ).fetchall()[0][0]
        plans = con.execute("select count(*) from core.plan").fetchall()[0][0]
    assert plans > 1400
    assert overlapping > 0
    assert not findings, "\n".join(map(str, findings[:10]))


def test_rewriting_a_sample_folder_leaves_no_stale_files(default: Path, tmp_path: Path) -> None:
    folder = write_sample_data(tmp_path / "rewrite", municipalities=120, first_year=2023)
    write_sample_data(folder)
    assert _files(folder) == _files(default)


def test_refuses_a_folder_with_other_data(tmp_path: Path) -> None:
    (tmp_path / "mine.csv").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_sample_data(tmp_path)


def test_embedded_raw_folder_is_the_default_output(default: Path) -> None:
    assert _files(PROJECT_ROOT / "data" / "raw") == _files(default)


def test_reference_areas_are_those_of_the_shipped_boundaries() -> None:
    # reference/municipality_areas.csv is written once from the boundaries
    # (python -m klima_pipeline.sample_data.profiles); it must not drift from them.
    from klima_pipeline.sample_data.profiles import AREAS_FILE, real_areas_km2

    rows = AREAS_FILE.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "municipality_code;area_km2"
    areas = {code: float(area) for code, area in (row.split(";") for row in rows[1:])}
    assert areas == real_areas_km2()
    assert len(areas) == 98
    # Denmark is about 42,900 km²; the simplified boundaries come within 0.5 %.
    assert sum(areas.values()) == pytest.approx(42_933, rel=0.005)
