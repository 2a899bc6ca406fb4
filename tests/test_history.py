"""Every version of a raw file stays in the warehouse by its hash, and mart.revisions
lists the inventory values a later version changed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import EMBEDDED_RAW

from klima_pipeline.history import carry_forward
from klima_pipeline.ingest import LOADERS, load_reference
from klima_pipeline.resources import WarehouseResource
from klima_pipeline.sql import build_layers

INVENTORY = "klimaregnskab/klimaregnskab_2018-2022.csv"
# Sorts after every other inventory file, so its values win (later file wins).
LATER_EDITION = "klimaregnskab/klimaregnskab_2024-udgave.csv"
HEADER = "Kommunekode;Kommune;År;Sektor;Type;Enhed;Værdi"


def load_and_publish(warehouse: WarehouseResource, raw: Path, run_id: str) -> None:
    """What a full run does to the warehouse, without Dagster: build privately, publish."""
    warehouse.start_build(run_id)
    with warehouse.build(run_id) as con:
        carry_forward(con, warehouse.published_path)
        load_reference(con, raw)
        for loader in LOADERS.values():
            loader(con, raw)
        build_layers(con)
    warehouse.publish(run_id)


def query(warehouse: WarehouseResource, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def emission_line(raw: Path, code: str, year: int, sector: str) -> str:
    prefix = f"{code};"
    for line in (raw / INVENTORY).read_text(encoding="utf-8").splitlines():
        fields = line.split(";")
        if line.startswith(prefix) and fields[2:5] == [str(year), sector, "Samlet CO2-udledning"]:
            return line
    raise AssertionError(f"no {sector} {year} line for {code} in {INVENTORY}")


def value_of(line: str) -> float:
    return float(line.rsplit(";", 1)[1].replace(",", "."))


def with_value(line: str, value: float) -> str:
    return line.rsplit(";", 1)[0] + ";" + f"{value:.1f}".replace(".", ",")


@pytest.fixture(scope="module")
def two_vintages(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Load the embedded inventory, then a revision: the 2018-2022 file replaced in place
    with 2018 changed for 101, and a later edition that revises 2021 for 147 and repeats
    2020 for 147 unchanged."""
    folder = tmp_path_factory.mktemp("vintages")
    raw = Path(shutil.copytree(EMBEDDED_RAW, folder / "raw"))
    warehouse = WarehouseResource(path=str(folder / "warehouse" / "klima.duckdb"))
    load_and_publish(warehouse, raw, "first")
    first_hash = digest(raw / INVENTORY)

    in_place = emission_line(raw, "101", 2018, "Energi")
    revised_2021 = emission_line(raw, "147", 2021, "Transport")
    unchanged_2020 = emission_line(raw, "147", 2020, "Transport")
    text = (raw / INVENTORY).read_text(encoding="utf-8")
    new_in_place = with_value(in_place, value_of(in_place) + 1000)
    (raw / INVENTORY).write_text(text.replace(in_place, new_in_place), encoding="utf-8")
    new_2021 = with_value(revised_2021, value_of(revised_2021) * 0.9)
    (raw / LATER_EDITION).write_text(f"{HEADER}\n{new_2021}\n{unchanged_2020}\n", encoding="utf-8")
    load_and_publish(warehouse, raw, "second")
    return {
        "raw": raw,
        "warehouse": warehouse,
        "first_hash": first_hash,
        "second_hash": digest(raw / INVENTORY),
        "edition_hash": digest(raw / LATER_EDITION),
        "in_place": (in_place, new_in_place),
        "revised_2021": (revised_2021, new_2021),
    }


def test_a_later_file_revising_past_years_gives_one_revision_per_changed_value(
    two_vintages: dict,
) -> None:
    warehouse = two_vintages["warehouse"]
    rows = query(
        warehouse,
        """
        select municipality_code, year, sector, source_sector, old_t, new_t, change_t,
            change_pct, old_source_file, old_sha256, new_source_file, new_sha256,
            old_loaded_at < new_loaded_at
        from mart.revisions order by municipality_code, year
        """,
    )
    old, new = (value_of(line) for line in two_vintages["in_place"])
    old_2021, new_2021 = (value_of(line) for line in two_vintages["revised_2021"])
    assert rows == [
        (
            "101",
            2018,
            "energy",
            "Energi",
            old,
            new,
            pytest.approx(new - old),
            pytest.approx(100 * (new - old) / abs(old)),
            INVENTORY,
            two_vintages["first_hash"],
            INVENTORY,
            two_vintages["second_hash"],
            True,
        ),
        (
            "147",
            2021,
            "transport",
            "Transport",
            old_2021,
            new_2021,
            pytest.approx(new_2021 - old_2021),
            pytest.approx(100 * (new_2021 - old_2021) / abs(old_2021)),
            # Within one load the versions follow the file names, as "later file wins".
            INVENTORY,
            two_vintages["second_hash"],
            LATER_EDITION,
            two_vintages["edition_hash"],
            False,
        ),
    ]
    [(emissions,)] = query(
        warehouse,
        "select emissions_t from mart.emissions "
        "where municipality_code = '147' and year = 2021 and sector = 'transport'",
    )
    assert emissions == pytest.approx(new_2021), "the revised value is the one used"


def test_every_version_stays_by_hash_though_its_file_was_replaced(two_vintages: dict) -> None:
    warehouse = two_vintages["warehouse"]
    versions = dict(
        query(
            warehouse,
            "select sha256, count(*) from core.inventory_vintage "
            "where source_file in (?, ?) group by sha256",
            [INVENTORY, LATER_EDITION],
        )
    )
    assert set(versions) == {
        two_vintages["first_hash"],
        two_vintages["second_hash"],
        two_vintages["edition_hash"],
    }
    assert versions[two_vintages["edition_hash"]] == 2
    [(files,)] = query(
        warehouse,
        "select count(*) from core.file_version where sha256 = ?",
        [two_vintages["first_hash"]],
    )
    assert files == 1


def test_loading_the_same_files_again_adds_no_version_and_no_revision(two_vintages: dict) -> None:
    warehouse = two_vintages["warehouse"]
    before = query(warehouse, "select * from core.inventory_vintage order by all")
    revisions = query(warehouse, "select * from mart.revisions order by all")
    load_and_publish(warehouse, two_vintages["raw"], "third")
    assert query(warehouse, "select * from core.inventory_vintage order by all") == before
    assert query(warehouse, "select * from mart.revisions order by all") == revisions


def test_a_revision_that_flips_a_status_shows_as_its_cause(tmp_path: Path) -> None:
    """The status of report year 2023 as the first run published it, against 2024 after a
    later edition revised 151's 2023 energy upwards: mart.status_change names the
    revision, and a rerun on the same files keeps saying so."""
    raw = Path(shutil.copytree(EMBEDDED_RAW, tmp_path / "raw"))
    warehouse = WarehouseResource(path=str(tmp_path / "warehouse" / "klima.duckdb"))
    load_and_publish(warehouse, raw, "first")
    change_sql = (
        "select previous_status, current_status, status_changed, reason, revised_values"
        " from mart.status_change where municipality_code = '151' and current_report_year = 2024"
    )
    assert query(warehouse, change_sql) == [("on_track", "on_track", False, None, 0)]
    [(energy_2023,)] = query(
        warehouse,
        "select emissions_t from mart.emissions"
        " where municipality_code = '151' and year = 2023 and sector = 'energy'",
    )
    revised = with_value(
        "151;Gentofte;2023;Energi;Samlet CO2-udledning;Ton CO2e;0", energy_2023 + 80000
    )
    (raw / LATER_EDITION).write_text(f"{HEADER}\n{revised}\n", encoding="utf-8")
    load_and_publish(warehouse, raw, "second")
    [(previous, current, changed, reason, revised_values)] = query(warehouse, change_sql)
    assert (previous, changed, reason, revised_values) == ("on_track", True, "revised_inventory", 1)
    assert current in {"at_risk", "off_track"}
    # The same files again: the earlier report's status is still the reference point.
    load_and_publish(warehouse, raw, "third")
    assert query(warehouse, change_sql) == [(previous, current, True, "revised_inventory", 1)]
