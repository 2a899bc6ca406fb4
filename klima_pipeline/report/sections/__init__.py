"""The sections of the national report, in the order of its table of contents.

Each module of this package builds one section: `blocks(context)` returns what the
section says, from the report's data (`Context.data`) in the context's language, and
calls the charts it needs (charts.py). The section's id is its anchor in the report, the
key of its title in the message catalogue (`sec_<id>`) and the name of the analyst
commentary placed at its top (`<section-id>.md`, commentary.py), so an id does not change
once a report has been published.

A new section is a new module here and one line in `CONTENTS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..context import Context
from ..model import Block
from . import (
    actions,
    carbon_budget,
    data_quality,
    effect,
    indicators,
    members,
    methodology,
    plan_revision,
    regions,
    sectors,
    status_by_region,
    status_map,
    summary,
    tracks,
    trend,
)


class Entry(NamedTuple):
    id: str
    blocks: Callable[[Context], list[Block]]


CONTENTS: tuple[Entry, ...] = (
    Entry("summary", summary.blocks),
    Entry("trend", trend.blocks),
    Entry("map", status_map.blocks),
    Entry("regions_status", status_by_region.blocks),
    Entry("sectors", sectors.blocks),
    Entry("actions", actions.blocks),
    Entry("effect", effect.blocks),
    Entry("indicators", indicators.blocks),
    Entry("regions", regions.blocks),
    Entry("budget", carbon_budget.blocks),
    Entry("revision", plan_revision.blocks),
    Entry("tracks", tracks.blocks),
    Entry("members", members.blocks),
    Entry("methodology", methodology.blocks),
    Entry("data_quality", data_quality.blocks),
)
