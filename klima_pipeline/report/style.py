"""One style for every chart, so they look like they belong to the same report.

Colours are the Okabe–Ito palette, which stays distinguishable for the common forms of
colour blindness; status colours never rely on red against green alone (the map and
bars also label every category).
"""

from __future__ import annotations

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}

STATUS_ORDER = ("on_track", "at_risk", "off_track", "insufficient_data")
STATUS_COLOURS = {
    "on_track": OKABE_ITO["green"],
    "at_risk": OKABE_ITO["orange"],
    "off_track": OKABE_ITO["vermillion"],
    "insufficient_data": OKABE_ITO["grey"],
    "not_member": "#DCDCDC",
}

ACTION_STATUS_ORDER = ("completed", "in_progress", "planned", "cancelled")
ACTION_STATUS_COLOURS = {
    "completed": OKABE_ITO["green"],
    "in_progress": OKABE_ITO["sky"],
    "planned": OKABE_ITO["yellow"],
    "cancelled": OKABE_ITO["grey"],
}

SECTOR_COLOURS = {
    "energy": OKABE_ITO["blue"],
    "transport": OKABE_ITO["orange"],
    "agriculture": OKABE_ITO["green"],
    "waste": OKABE_ITO["purple"],
    "industry": OKABE_ITO["sky"],
    "lulucf": OKABE_ITO["yellow"],
    "cross_cutting": OKABE_ITO["grey"],
}

# Development tracks a municipality takes part in: 0, 1, 2, 3, 4 or more. A light tan for
# none, then a single-hue blue ramp (ColorBrewer Blues), which reads by lightness alone.
PARTICIPATION_COLOURS = ("#F3E6C4", "#C6DBEF", "#6BAED6", "#2171B5", "#08306B")

PATH_COLOUR = OKABE_ITO["black"]
ACCENT = OKABE_ITO["blue"]
MUTED = OKABE_ITO["grey"]

# Sizes in inches: the PDF's text width on A4 with 2 cm margins is about 6.7 in. Text
# sizes and line widths are in charts.py and svg.py.
WIDTH = 6.5
HEIGHT = 3.2
PNG_DPI = 150
