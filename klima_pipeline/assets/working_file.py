"""The run's private working copy of the warehouse, shared by every asset of the run."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator

import duckdb

from klima_pipeline.history import carry_forward
from klima_pipeline.resources import WarehouseResource


@contextlib.contextmanager
def working_connection(
    warehouse: WarehouseResource, run_id: str, *, fresh: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Connect to the run's working file, creating it on first use.

    The root asset (`fresh=True`) starts from an empty file, so a full run rebuilds the
    warehouse whole; only the history of the raw files is carried over from the published
    warehouse (klima_pipeline/history.py). A run that materialises only some assets starts
    from a copy of the published warehouse, so the tables it does not rebuild keep their
    published state.

    The connection stays open after the step, for the next one; publishing closes it.
    """
    path = warehouse.working_path(run_id)
    published = warehouse.published_path
    if fresh or not path.exists():
        warehouse.start_build(run_id)
        if not fresh and published.exists():
            shutil.copy2(published, path)
    # One connection for all the run's steps in this process (warehouse.run_connection).
    con = warehouse.run_connection(run_id)
    if fresh:
        carry_forward(con, published)
    yield con
