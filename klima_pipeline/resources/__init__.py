"""Resources: the warehouse, the raw exports, the reports folder and the StatBank client."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from klima_pipeline.config import DEFAULTS, resolve
from klima_pipeline.resources.warehouse import WarehouseResource


class RawExportsResource(dg.ConfigurableResource):
    """The folder of raw exports (`KLIMA_RAW_DIR`). Read only: nothing here is ever changed."""

    path: str = DEFAULTS["KLIMA_RAW_DIR"]

    @property
    def folder(self) -> Path:
        return resolve(self.path)


class ReportsResource(dg.ConfigurableResource):
    """Where reports are written (`KLIMA_REPORTS_DIR`)."""

    path: str = DEFAULTS["KLIMA_REPORTS_DIR"]

    @property
    def folder(self) -> Path:
        return resolve(self.path)


__all__ = ["RawExportsResource", "ReportsResource", "WarehouseResource"]
