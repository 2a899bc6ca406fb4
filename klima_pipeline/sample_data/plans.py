"""Invented plan registry and action surveys (formats.md §3 and §4).

Magnitudes follow the municipality's real emissions: baselines are the inventory
value of the baseline year as an older vintage of the source stated it (a few percent
off), and the expected reductions of a member's actions add up to a plausible share of
the reduction its target still requires.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from klima_pipeline.sample_data.files import decimal
from klima_pipeline.sample_data.profiles import SECTORS, Profile, stream

PLAN_HEADER = (
    "Kommunekode",
    "Godkendt",
    "Basisår",
    "Basisudledning (ton CO2e)",
    "Målår",
    "Reduktionsmål (%)",
    "Klimaneutral år",
    "Målgrundlag",
    "Revisionsstatus",
    "Recertificeret",
    "Næste revision",
)
ACTION_HEADER = (
    "Rapporteringsår",
    "Kommunekode",
    "Indsats-id",
    "Titel",
    "Sektor",
    "Status",
    "Forventet reduktion (ton CO2e/år)",
)
SECTOR_LABEL = {
    "energy": "Energi",
    "transport": "Transport",
    "agriculture": "Landbrug",
    "waste": "Affaldsdeponi",
    "wastewater": "Spildevand",
    "industry": "Kemiske processer",
    "cross_cutting": "Tværgående",
}
APPROVED_FIRST, APPROVED_LAST = dt.date(2020, 6, 1), dt.date(2023, 12, 15)
# Recertification ends after the last approval, so every approved plan can have one.
RECERTIFIED_FIRST, RECERTIFIED_LAST = dt.date(2023, 3, 1), dt.date(2024, 11, 30)
PLANNED, RUNNING, DONE, DROPPED = "Ikke igangsat", "Igangsat", "Gennemført", "Opgivet"
# How an action's status moves from one survey to the next.
TRANSITIONS = {
    PLANNED: ((PLANNED, 0.5), (RUNNING, 0.4), (DONE, 0.05), (DROPPED, 0.05)),
    RUNNING: ((RUNNING, 0.65), (DONE, 0.32), (DROPPED, 0.03)),
    DONE: ((DONE, 1.0),),
    DROPPED: ((DROPPED, 1.0),),
}
FIRST_STATUS = ((PLANNED, 0.35), (RUNNING, 0.45), (DONE, 0.15), (DROPPED, 0.05))

TITLES = {
    "energy": (
        "Fjernvarmeudbygning i {by}",
        "Udfasning af oliefyr i kommunale bygninger",
        "Energirenovering af skoler og daginstitutioner",
        "Solceller på kommunens tage",
        "Store varmepumper i fjernvarmen",
        "Energitjek; boligejere i landdistrikter",
        'Kampagnen "Skift fyret" i {by}',
        "Vindmøller ved {by} – lokalplan",
        "Solcellepark på tidligere landbrugsjord",
        "LED-gadebelysning i hele kommunen",
        "Overskudsvarme fra industrien til fjernvarmen",
        "Udfasning af naturgas i {by}",
    ),
    "transport": (
        "Fossilfri kommunal bilflåde",
        "Elbusser på bybuslinjerne",
        "Ladestandere ved kommunale arbejdspladser",
        "Cykelsti mellem {by} og nabobyen",
        "Samkørselsordning for pendlere",
        "Grønne krav i kommunens kørselsudbud",
        "Parkeringsnorm og delebiler i nye lokalplaner",
        'Kampagnen "Cykl til arbejde"',
        "Fossilfri entreprenørmaskiner i anlægsprojekter",
        "Mobilitetsplan for {by}",
    ),
    "agriculture": (
        "Udtagning af lavbundsjorder",
        "Skovrejsning ved {by}",
        "Klimarådgivning til landmænd",
        "Vådområder langs vandløbene",
        "Biogas fra husdyrgødning",
        "Ekstensivering af kommunens jorder",
        "Partnerskab med landbruget om klimaregnskaber",
    ),
    "waste": (
        "Udsortering af plast fra husholdningsaffald",
        "Reduktion af lattergas på renseanlægget",
        "Genbrug af byggematerialer",
        "Madaffald til biogas",
        "Lukning af gammel losseplads",
        "Metanfangst fra deponi",
    ),
    "industry": (
        "Klimapartnerskab med virksomheder i {by}",
        "Energieffektivisering i industrien",
        "CO2-fangst ved større punktkilder",
        "Grøn omstilling af procesvarme",
    ),
    "cross_cutting": (
        "Klimaborgerting",
        "Grønne indkøb i kommunen",
        "Klimaregnskab for kommunen som virksomhed",
        "Klimakommunikation til borgere",
        "Klimasekretariat og tværgående styregruppe",
        "Grøn omstillingspulje til lokale initiativer",
        "Klimaplanens handleplan 2025-2027\n(revideret)",
    ),
}


@dataclass
class Plan:
    """A member's row in the plan registry, plus what its action survey needs."""

    cells: list[str]
    baseline_year: int
    baseline_t: float | None
    reduction_pct: float


@dataclass(frozen=True)
class Roles:
    """Which real members get the rarer plan features, drawn once per seed so the
    default sample has each of them a fixed number of times."""

    unapproved: frozenset[str] = field(default_factory=frozenset)
    baseline_1990: frozenset[str] = field(default_factory=frozenset)
    blank_1990: frozenset[str] = field(default_factory=frozenset)
    net_basis: frozenset[str] = field(default_factory=frozenset)


def draw_roles(members: Sequence[str], seed: int) -> Roles:
    rng = stream(seed, "plan-roles")
    picked = rng.sample(sorted(members, key=int), min(len(members), 9))
    return Roles(
        unapproved=frozenset(picked[0:2]),
        baseline_1990=frozenset(picked[2:6]),
        blank_1990=frozenset(picked[2:3]),
        net_basis=frozenset(picked[6:8]),
    )


def _date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _recertified_on(rng: random.Random, approved_on: dt.date) -> dt.date:
    """A recertification date on or after the approval (the plan_fields check).

    The approval and recertification windows overlap in 2023, so a first draw can fall
    before the approval; only then is it drawn again from the approval on. A draw that
    is already consistent is kept as it is, so the default sample stays the same bytes.
    """
    day = _date(rng, RECERTIFIED_FIRST, RECERTIFIED_LAST)
    if day < approved_on:
        day = _date(rng, approved_on, RECERTIFIED_LAST)
    return day


def _date_label(rng: random.Random, day: dt.date) -> str:
    # Most rows are ISO dates; a few carry the Danish form the registry also accepts.
    return day.strftime("%d-%m-%Y") if rng.random() < 0.1 else day.isoformat()


def _pick(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    """A weighted draw; one random number, cheaper than `random.choices` at scale."""
    target = rng.random() * sum(weight for _, weight in options)
    for option, weight in options:
        target -= weight
        if target < 0:
            return option
    return options[-1][0]


def plan_row(profile: Profile, roles: Roles, seed: int) -> Plan:
    rng = stream(seed, "plan", profile.code)
    code = profile.code
    synthetic = profile.municipality.synthetic
    unapproved = code in roles.unapproved or (synthetic and rng.random() < 0.03)
    approved_on = None if unapproved else _date(rng, APPROVED_FIRST, APPROVED_LAST)
    approved = "" if approved_on is None else _date_label(rng, approved_on)
    if code in roles.baseline_1990 or (synthetic and rng.random() < 0.04):
        baseline_year = 1990
        blank = code in roles.blank_1990
        factor = rng.uniform(1.25, 1.9)
        baseline = None if blank else round(profile.gross_tenths(2018) / 10 * factor, -2)
    else:
        baseline_year = 2018 if rng.random() < 0.6 else 2019
        factor = rng.uniform(0.96, 1.06)
        gross = profile.gross_tenths(baseline_year) / 10
        # A plan states its baseline from the vintage of its day; some leave it to the
        # inventory. A negative total (land-use sinks) is never a plan's baseline.
        baseline = round(gross * factor) if gross > 0 and rng.random() < 0.8 else None
    reduction = float(rng.choice((50, 55, 60, 65, 70, 70, 70, 70, 75)))
    if rng.random() < 0.05:
        reduction += 2.5
    net_zero = rng.choice((2050, 2050, 2050, 2050, 2045, 2045, 2040))
    if code in roles.net_basis or (synthetic and rng.random() < 0.02):
        basis = "netto"
    else:
        basis = "brutto" if rng.random() < 0.85 else ""
    revision = ["", "", ""]
    if rng.random() < 0.75:
        status = _pick(
            rng,
            (("Ikke startet", 25), ("I gang", 35), ("Indsendt", 15), ("Recertificeret", 25)),
        )
        if status == "Recertificeret" and approved_on is None:
            # Only an approved plan can be recertified; an unapproved one is in review.
            status = "Indsendt"
        if status == "Recertificeret" and approved_on is not None:
            recertified = _recertified_on(rng, approved_on)
            revision = [status, _date_label(rng, recertified), str(recertified.year + 4)]
        else:
            # A few revisions were due in 2023 and are overdue by the 2024 report.
            due = rng.choice((2023, 2024, 2025, 2025, 2026, 2026, 2027, 2027))
            revision = [status, "", str(due)]
    cells = [
        code,
        approved,
        str(baseline_year),
        "" if baseline is None else str(int(baseline)),
        "2030",
        decimal(reduction, 1).removesuffix(",0"),
        str(net_zero),
        basis,
        *revision,
    ]
    return Plan(cells, baseline_year, baseline, reduction)


@dataclass
class Action:
    action_id: str
    title: str
    sector_label: str
    status: str
    expected_t: float | None


def _expected_label(value: float | None) -> str:
    if value is None:
        return ""
    if value < 50:
        return decimal(value, 1)
    return str(round(value, -1 if value >= 1000 else 0)).removesuffix(".0")


def _id_style(rng: random.Random) -> str:
    return rng.choice(("{prefix}-{n:02d}", "{n}", "KP-{n:03d}", "{prefix}{n}"))


_ID_PREFIX = {
    "energy": "E",
    "transport": "T",
    "agriculture": "L",
    "waste": "A",
    "industry": "I",
    "cross_cutting": "X",
}


@dataclass
class _ActionDeck:
    """Draws one member's actions: sectors in proportion to its emissions, titles dealt
    from a shuffled deck per sector, reductions around a mean that makes the actions
    of a survey cover the intended share of the gap."""

    rng: random.Random
    town: str
    style: str
    weights: dict[str, float]
    mean_t: float
    decks: dict[str, list[str]] = field(default_factory=dict)
    rounds: dict[str, int] = field(default_factory=dict)

    def draw(self, number: int) -> Action:
        rng = self.rng
        sector = _pick(rng, list(self.weights.items()))
        deck = self.decks.setdefault(sector, [])
        if not deck:
            self.rounds[sector] = self.rounds.get(sector, 0) + 1
            deck.extend(rng.sample(TITLES[sector], len(TITLES[sector])))
        title = deck.pop().format(by=self.town)
        # Once every title of a sector is used, a plan repeats kinds of action in
        # stages rather than under the same title.
        if self.rounds[sector] > 1:
            title = f"{title} – etape {self.rounds[sector]}"
        if sector == "cross_cutting":
            blank = rng.random() < 0.6
            expected = None if blank else self.mean_t * rng.uniform(0.05, 0.3)
        else:
            blank = rng.random() < 0.12
            expected = None if blank else self.mean_t * rng.expovariate(1.0)
        if expected is not None and expected < 1:
            expected = None
        action_id = self.style.format(prefix=_ID_PREFIX[sector], n=number)
        label = SECTOR_LABEL["wastewater" if "renseanlæg" in title else sector]
        return Action(action_id, title, label, _pick(rng, FIRST_STATUS), expected)


def survey_rows(
    profile: Profile, plan: Plan, report_years: Sequence[int], latest_year: int, seed: int
) -> list[list[str]]:
    """One member's actions in every survey: statuses move on from year to year and a
    few actions are added; the first survey's reductions cover 30–120 % of the gap."""
    rng = stream(seed, "actions", profile.code)
    latest = min(report_years[0], latest_year)
    sectors = profile.sectors(latest)
    gross = sum(sectors.values()) / 10
    baseline = plan.baseline_t if plan.baseline_t is not None else gross
    gap = gross - baseline * (1 - plan.reduction_pct / 100)
    if gap <= 0:
        # Already below target (or a sink): actions still cut energy and transport.
        gap = 0.15 * (sectors["energy"] + sectors["transport"]) / 10
    weights = {s: max(sectors[s], 0) / 10 for s in SECTORS}
    weights["industry"] *= 0.5
    cross_share = 0.1
    weights["cross_cutting"] = cross_share / (1 - cross_share) * sum(weights.values())
    population = profile.population(latest)
    count = 5 + round(35 * min(max((population - 2000) / 200000, 0), 1) ** 0.5)
    count = min(max(count + rng.randint(-3, 3), 5), 40)
    coverage = rng.uniform(0.3, 1.2)
    # Sector actions are (1 - cross_share) of all, and 12 % of them leave it blank.
    mean = gap * coverage / (count * (1 - cross_share) * 0.88)
    deck = _ActionDeck(rng, profile.municipality.name, _id_style(rng), weights, mean)
    actions = [deck.draw(n) for n in range(1, count + 1)]
    rows = []
    for index, year in enumerate(report_years):
        if index:
            for action in actions:
                action.status = _pick(rng, TRANSITIONS[action.status])
            start = len(actions) + 1
            for number in range(start, start + rng.randint(0, 3)):
                action = deck.draw(number)
                # An action new to the plan has not got far yet.
                action.status = PLANNED if rng.random() < 0.7 else RUNNING
                actions.append(action)
        rows += [
            [
                str(year),
                profile.code,
                a.action_id,
                a.title,
                a.sector_label,
                a.status,
                _expected_label(a.expected_t),
            ]
            for a in actions
        ]
    return rows
