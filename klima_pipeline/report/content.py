"""From the mart data to the content model of the national report, in one language.

Every figure comes straight from a mart value or from a sum computed in `data.py`; the
sections (sections/, in the order of `sections.CONTENTS`) only choose, format and word
them. Charts and the tables behind them are written as they are made, through `Assets`.
This module adds the cover and puts the sections in order.
"""

from __future__ import annotations

from .context import FACT_SHEET_LIMIT, Assets, Context
from .model import Report, Section
from .sections import CONTENTS

__all__ = ["FACT_SHEET_LIMIT", "Assets", "Builder"]


class Builder(Context):
    """The report of one language; the fact sheets (factsheets.py) use its context too."""

    def build(self) -> Report:
        sections = [
            Section(
                id=entry.id,
                title=self.t(f"sec_{entry.id}"),
                commentary=self.commentary(entry.id),
                blocks=entry.blocks(self),
            )
            for entry in CONTENTS
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
        """The cover's notice that parts of the data are invented, one line per part."""
        parts = self.data["dataset_part"]
        sample = parts[parts["kind"] == "sample"]
        if sample.empty:
            return []
        column = f"description_{self.lang}"
        return [self.t("cover_sample")] + [
            self.t("cover_sample_part", description=d) for d in sample[column]
        ]
