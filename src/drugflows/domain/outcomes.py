"""Partnership outcomes: what followed in a partner country, against comparison countries.

Outcomes from ``country_indicators`` (homicide, governance, corruption, organized crime scores),
``crop_estimates`` and ``unodc_seizures``; Majors List status from ``majors_list``. The partnership
programmes the default reports study are in :data:`PROGRAMS`. Designs from
:mod:`drugflows.domain.statistics`: an event study with placebo (permutation) inference and leads,
and a synthetic control with RMSPE-ratio placebo inference, both around the programme's start year,
on a fixed comparison panel (:func:`comparison_pool`, then the same countries every year of the
design) and behind stated gates (:data:`MIN_PRE_YEARS`, :data:`MIN_PLACEBOS`,
:data:`MIN_PRE_YEARS_SYNTHETIC`, :data:`SYNTHETIC_FIT_MULTIPLE`); p-values Holm-adjusted over a
programme's outcomes (:func:`adjust`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction

import pandas as pd

from drugflows.domain import statistics
from drugflows.domain.crops import crop_countries, one_series
from drugflows.domain.seizures import unodc_series
from drugflows.sources.unodc import HISTORIC_SERIES

#: The default runs: programme -> partner countries (ISO3), start year and why that year, and
#: (``concurrent``) an event that began with the programme in the same partner, which the design
#: cannot tell apart from it (said in the design notes and the headline).
PROGRAMS = {
    "Plan Colombia": {
        "countries": ["COL"],
        "start_year": 2000,
        "why": "the US emergency supplemental for Plan Colombia, July 2000",
    },
    "Merida Initiative": {
        "countries": ["MEX"],
        "start_year": 2008,
        "why": "the first Merida Initiative appropriation, fiscal 2008",
        "concurrent": (
            "The start year coincides with Mexico's military offensive against the cartels (troops "
            "deployed from December 2006, under President Calderón): any change in homicides after "
            "2007 cannot be told apart from the offensive with this design"
        ),
    },
    "CARSI": {
        "countries": ["GTM", "HND", "SLV"],
        "start_year": 2008,
        "why": "Central America's share of the Merida Initiative from fiscal 2008, which became CARSI",
    },
    "CBSI": {
        "countries": [
            "ATG",
            "BHS",
            "BRB",
            "DMA",
            "DOM",
            "GRD",
            "GUY",
            "JAM",
            "KNA",
            "LCA",
            "SUR",
            "TTO",
            "VCT",
        ],
        "start_year": 2010,
        "why": "the Caribbean Basin Security Initiative's first funding, fiscal 2010",
    },
    "Peru counternarcotics": {
        "countries": ["PER"],
        "start_year": 2002,
        "why": "the first year the Andean Counterdrug Initiative account appears in the Greenbook",
    },
    "Afghanistan counternarcotics": {
        "countries": ["AFG"],
        "start_year": 2002,
        "why": "the first US counternarcotics funds after 2001",
    },
}


#: Outcome name -> label with unit, and where it comes from ("indicator" or a builder below).
OUTCOMES = {
    "homicide_rate": "Homicides per 100,000 people",
    "wgi_rule_of_law_estimate": "Rule of law (WGI estimate, -2.5 to 2.5)",
    "wgi_control_of_corruption_estimate": "Control of corruption (WGI estimate, -2.5 to 2.5)",
    "wgi_government_effectiveness_estimate": "Government effectiveness (WGI estimate, -2.5 to 2.5)",
    "corruption_perceptions_index": "Corruption Perceptions Index, 0-100 (100 clean)",
    "coca_cultivation_ha": "Coca cultivation, hectares",
    "opium_poppy_cultivation_ha": "Opium poppy cultivation, hectares",
    "cocaine_seizures_kg": "Cocaine seized, kg",
    "heroin_seizures_kg": "Heroin seized, kg",
}


DEFAULT_OUTCOMES = ["homicide_rate", "wgi_rule_of_law_estimate", "wgi_control_of_corruption_estimate"]


#: Window of the designs, in years relative to the start.
WINDOW = (-6, 10)


#: The gate of an estimate: at least this many pre-start years in the design...
MIN_PRE_YEARS = 3
#: ...and at least this many placebo units (with fewer, no p-value can fall below 0.1).
MIN_PLACEBOS = 9
#: A synthetic control fitted on fewer pre-start years than this fits by construction: not run.
MIN_PRE_YEARS_SYNTHETIC = 5
#: Pre-fit gate of a synthetic control: its pre-start RMSPE at most this multiple of the median
#: pre-start RMSPE of its placebo fits; a twin that fits worse gives no estimate.
SYNTHETIC_FIT_MULTIPLE = 2.0
#: A design's result is called unusual when its Holm-adjusted placebo p-value is at most this.
ALPHA = 0.1
#: Comparison countries need at least this many people (latest UN estimate on file).
MIN_POPULATION = 1_000_000
#: The population file holds UN WPP 2017 estimates to 2015 and projections after (its SOURCE.md).
LAST_POPULATION_ESTIMATE = 2015

#: Rounding step of an effect, in the outcome's unit (what the data support).
EFFECT_STEP = {
    "homicide_rate": 0.1,
    "wgi_rule_of_law_estimate": 0.01,
    "wgi_control_of_corruption_estimate": 0.01,
    "wgi_government_effectiveness_estimate": 0.01,
    "corruption_perceptions_index": 1.0,
    "coca_cultivation_ha": 100.0,
    "opium_poppy_cultivation_ha": 100.0,
    "cocaine_seizures_kg": 100.0,
    "heroin_seizures_kg": 10.0,
}


def round_effect(outcome: str, value: float) -> float:
    """``value`` rounded to the outcome's step (:data:`EFFECT_STEP`); hectares and kilograms of
    10,000 or more to the nearest 1,000."""
    step = EFFECT_STEP[outcome]
    if step >= 100 and abs(value) >= 10_000:
        step = 1000.0
    return round(value / step) * step


def effect_text(outcome: str, value: float, signed: bool = False) -> str:
    """An effect (or level) in the outcome's unit, rounded (:func:`round_effect`)."""
    rounded = round_effect(outcome, value)
    step = EFFECT_STEP[outcome]
    decimals = 0 if step >= 1 else len(f"{step:g}".split(".")[1])
    if rounded == 0:
        rounded = 0.0  # no "-0.0"
    return f"{rounded:{'+' if signed else ''},.{decimals}f}"


def outcome_panel(
    outcome: str, indicators: pd.DataFrame, crops: pd.DataFrame, unodc: pd.DataFrame
) -> pd.DataFrame:
    """Long panel iso3, year, value for one outcome of :data:`OUTCOMES` (every country on file).
    Seizures come from one UNODC vintage, the national series (1990-2019), so that no change before
    and after a start year spans two vintages (the portal export from 2018 counts differently)."""
    if outcome.endswith("_cultivation_ha"):
        crop = outcome.removesuffix("_cultivation_ha")
        wide = one_series(crops, crop, crop_countries(crops, crop))
        return wide.reset_index().melt("year", var_name="iso3", value_name="value").dropna()
    if outcome.endswith("_seizures_kg"):
        series = unodc_series(unodc, outcome.removesuffix("_seizures_kg"), series=HISTORIC_SERIES)
        return series.rename(columns={"kg": "value"})[["iso3", "year", "value"]]
    rows = indicators[indicators["indicator"] == outcome]
    return rows[["iso3", "year", "value"]].reset_index(drop=True)


def other_programmes(
    program: str, treated: list[str], start_year: int, window: tuple[int, int] = WINDOW
) -> dict[str, str]:
    """iso3 -> "programme, from year": the countries another programme of :data:`PROGRAMS` treats
    inside the window (programmes on file have no end year: a partner counts as treated from its
    start year on), the treated countries themselves left out."""
    last = start_year + window[1]
    out = {}
    for name, spec in PROGRAMS.items():
        if name == program or spec["start_year"] > last:
            continue
        for iso3 in spec["countries"]:
            if iso3 not in treated:
                out.setdefault(iso3, f"{name}, from {spec['start_year']}")
    return out


def populations(indicators: pd.DataFrame) -> pd.Series:
    """iso3 -> people: the latest UN estimate on file (no later than :data:`LAST_POPULATION_ESTIMATE`)."""
    rows = indicators[
        (indicators["indicator"] == "population") & (indicators["year"] <= LAST_POPULATION_ESTIMATE)
    ]
    return rows.sort_values("year").groupby("iso3")["value"].last()


@dataclass(frozen=True)
class Pool:
    """The comparison pool before outcome data are looked at: who is in, who was left out and why."""

    members: list[str]
    dropped: dict[str, str]  # iso3 -> reason


def comparison_pool(
    candidates: list[str],
    treated: list[str],
    program: str,
    start_year: int,
    indicators: pd.DataFrame,
    window: tuple[int, int] = WINDOW,
) -> Pool:
    """The candidates without the treated countries, those another programme treats inside the
    window (:func:`other_programmes`) and those under :data:`MIN_POPULATION` people or without a
    UN population estimate on file (territories)."""
    treated_elsewhere = other_programmes(program, treated, start_year, window)
    people = populations(indicators)
    members, dropped = [], {}
    for iso3 in candidates:
        if iso3 in treated:
            continue
        if iso3 in treated_elsewhere:
            dropped[iso3] = f"treated by another programme in the window ({treated_elsewhere[iso3]})"
        elif iso3 not in people.index:
            dropped[iso3] = "no UN population estimate on file"
        elif people[iso3] < MIN_POPULATION:
            dropped[iso3] = (
                f"under {MIN_POPULATION / 1e6:.0f} million people ({LAST_POPULATION_ESTIMATE} UN estimate)"
            )
        else:
            members.append(iso3)
    return Pool(members, dropped)


def partner_pool(treated: list[str], indicators: pd.DataFrame) -> Pool:
    """The partners a design compares: the same population rule as :func:`comparison_pool`
    (those under :data:`MIN_POPULATION` people or without a UN population estimate on file left
    out), so that partners and comparison countries are alike in size."""
    people = populations(indicators)
    members, dropped = [], {}
    for iso3 in treated:
        if iso3 not in people.index:
            dropped[iso3] = "no UN population estimate on file"
        elif people[iso3] < MIN_POPULATION:
            dropped[iso3] = (
                f"under {MIN_POPULATION / 1e6:.0f} million people ({LAST_POPULATION_ESTIMATE} UN estimate)"
            )
        else:
            members.append(iso3)
    return Pool(members, dropped)


def regional_peers(treated: list[str], countries: pd.DataFrame) -> list[str]:
    """The default candidates for comparison: every other country in the treated countries' UN
    regions (the United States, the funder, left out); :func:`comparison_pool` then fixes the pool."""
    regions = countries.loc[countries["iso3"].isin(treated), "un_region"].unique()
    peers = countries[countries["un_region"].isin(regions) & ~countries["iso3"].isin([*treated, "USA"])]
    return sorted(peers["iso3"])


@dataclass(frozen=True)
class Study:
    """One outcome around the start year on a fixed panel: the event study with its placebos and
    leads, and a synthetic control with its RMSPE-ratio placebos. Numbers are None below a gate."""

    outcome: str
    start_year: int
    years: list[int]  # the design's years (the window years every treated country has)
    members: list[str]  # comparison countries with a value in every one of those years
    left_out: dict[str, str]  # comparison candidates without a value in every year -> why
    event: pd.DataFrame | None = None  # statistics.event_study output for the treated group
    placebo_effects: pd.DataFrame = field(default_factory=pd.DataFrame)  # relative_year x unit
    effect: float | None = None  # mean effect from the start on (outcome units)
    p_value: float | None = None  # share of placebos at least as large (counting the observed)
    pre_trend_p: float | None = None  # share of placebos whose leads stray at least as far
    synthetic: statistics.Synthetic | None = None
    synthetic_placebos: pd.DataFrame = field(default_factory=pd.DataFrame)  # statistics.synthetic_placebos
    synthetic_p: float | None = None  # RMSPE-ratio placebo p-value
    synthetic_fit_limit: float | None = None  # SYNTHETIC_FIT_MULTIPLE x the placebos' median pre-RMSPE
    note: str = ""  # why the event study gave no estimate (below a gate), or ""
    synthetic_note: str = ""  # why the synthetic control gave no estimate, or ""
    p_holm: float | None = None  # p_value, Holm-adjusted over the programme's outcomes
    synthetic_p_holm: float | None = None  # synthetic_p, Holm-adjusted likewise
    p_holm_floor: float | None = None  # the smallest p_holm the design could give (:func:`adjust`)
    synthetic_p_holm_floor: float | None = None  # the smallest synthetic_p_holm likewise

    @property
    def placebos(self) -> int:
        """Placebo units of the event study."""
        return 0 if self.placebo_effects.empty else self.placebo_effects.shape[1]

    @property
    def pre_years(self) -> int:
        """Years of the design before the start."""
        return sum(y < self.start_year for y in self.years)

    @property
    def synthetic_effect(self) -> float | None:
        """The synthetic control's mean gap from the start on, if it passed its gates."""
        return self.synthetic.post_effect if self.synthetic_p is not None else None


TREATED_GROUP = "Treated (average)"


def _years(n: int) -> str:
    return f"{n} year" if n == 1 else f"{n} years"


def study(
    outcome: str,
    panel: pd.DataFrame,
    treated: list[str],
    comparison: list[str],
    start_year: int,
    window: tuple[int, int] = WINDOW,
) -> Study:
    """Event study with permutation inference and a synthetic control of the treated average, on a
    balanced panel: the design's years are the window years in which every treated country has a
    value; the comparison countries are those of ``comparison`` with a value in every one of them.

    Gates: :data:`MIN_PRE_YEARS` pre-start years, one year from the start on and
    :data:`MIN_PLACEBOS` comparison countries (placebos) for any estimate; a synthetic control also
    needs :data:`MIN_PRE_YEARS_SYNTHETIC` pre-start years, :data:`MIN_PLACEBOS` placebo fits and a
    pre-start RMSPE within :data:`SYNTHETIC_FIT_MULTIPLE` times the median of its placebos'. Below
    a gate the numbers are None and the reason is kept in ``note`` / ``synthetic_note``.
    """
    data = panel[
        panel["iso3"].isin(treated + comparison)
        & panel["year"].between(start_year + window[0], start_year + window[1])
        & panel["value"].notna()
    ]
    years = [
        int(y)
        for y in sorted(data["year"].unique())
        if set(treated) <= set(data.loc[data["year"] == y, "iso3"])
    ]
    candidates = data[data["iso3"].isin(comparison)]
    members = statistics.balanced_members(candidates, "iso3", "year", "value", years) if years else []
    left_out = {}
    for iso3 in comparison:
        if iso3 not in members:
            have = candidates.loc[
                (candidates["iso3"] == iso3) & candidates["year"].isin(years), "year"
            ].nunique()
            left_out[iso3] = (
                f"data in {have} of the {len(years)} years" if have else "no data in the design's years"
            )
    result = Study(outcome, start_year, years, members, left_out)
    pre_years = result.pre_years
    reasons = []
    if not years:
        reasons.append("no year of the window with data for every partner")
    elif pre_years < MIN_PRE_YEARS:
        reasons.append(
            f"{_years(pre_years)} before the start with data for every partner, {MIN_PRE_YEARS} needed"
        )
    if years and len(years) == pre_years:
        reasons.append("no year from the start on with data for every partner")
    if years and len(members) < MIN_PLACEBOS:
        reasons.append(
            f"{len(members)} comparison countr{'y' if len(members) == 1 else 'ies'} with data in "
            f"every year of the design, {MIN_PLACEBOS} needed as placebos"
        )
    if reasons:
        return replace(result, note="; ".join(reasons), synthetic_note="; ".join(reasons))
    balanced = data[data["iso3"].isin(treated + members) & data["year"].isin(years)]
    event = statistics.event_study(balanced, "value", "iso3", "year", treated, start_year, window)
    effect = statistics.post_effect(event)
    paths = statistics.placebo_studies(balanced, "value", "iso3", "year", treated, start_year, window)
    p_value = statistics.placebo_p_value(effect, statistics.placebo_effects(paths))
    placebo_leads = (paths[paths.index < 0] ** 2).mean() ** 0.5
    pre_trend_p = (1 + int((placebo_leads >= statistics.lead_rms(event)).sum())) / (1 + len(placebo_leads))
    result = replace(
        result, event=event, placebo_effects=paths, effect=effect, p_value=p_value, pre_trend_p=pre_trend_p
    )
    if pre_years < MIN_PRE_YEARS_SYNTHETIC:
        return replace(
            result,
            synthetic_note=f"{_years(pre_years)} before the start, {MIN_PRE_YEARS_SYNTHETIC} needed",
        )
    group = balanced[balanced["iso3"].isin(treated)].groupby("year", as_index=False)["value"].mean()
    frame = pd.concat([balanced[balanced["iso3"].isin(members)], group.assign(iso3=TREATED_GROUP)])
    synthetic = statistics.synthetic_control(frame, "value", "iso3", "year", TREATED_GROUP, start_year)
    placebos = statistics.synthetic_placebos(frame, "value", "iso3", "year", TREATED_GROUP, start_year)
    result = replace(result, synthetic=synthetic, synthetic_placebos=placebos)
    if len(placebos) < MIN_PLACEBOS:
        return replace(
            result,
            synthetic_note=f"{len(placebos)} placebo fits, {MIN_PLACEBOS} needed",
        )
    limit = SYNTHETIC_FIT_MULTIPLE * float(placebos["pre_rmspe"].median())
    result = replace(result, synthetic_fit_limit=limit)
    if synthetic.pre_rmspe > limit:
        return replace(
            result,
            synthetic_note=(
                "the twin misses the partner before the start: pre-start RMSPE "
                f"{effect_text(outcome, synthetic.pre_rmspe)}, more than {SYNTHETIC_FIT_MULTIPLE:g} times "
                f"the placebos' median of {effect_text(outcome, limit / SYNTHETIC_FIT_MULTIPLE)}"
            ),
        )
    p = statistics.rmspe_ratio_p_value(synthetic.rmspe_ratio, placebos["rmspe_ratio"])
    return replace(result, synthetic_p=p)


def smallest_p(placebos: int) -> float:
    """The smallest placebo p-value ``placebos`` placebo units allow: 1 / (placebos + 1), the
    partner ranked first (it counts itself)."""
    return 1 / (placebos + 1)


def placebos_needed(family: int, alpha: float = ALPHA) -> int:
    """The fewest placebo units with which a Holm-adjusted p-value over ``family`` outcomes can
    reach ``alpha`` or less: the smallest n with family / (n + 1) <= alpha."""
    return math.ceil(Fraction(family) / Fraction(str(alpha))) - 1


def adjust(studies: list[Study]) -> list[Study]:
    """The studies of one programme with Holm-adjusted p-values (:func:`statistics.holm`), the event
    study and the synthetic control each adjusted over the outcomes it gave an estimate for; with
    each, the smallest adjusted p-value the design could give (every outcome's raw p-value at its
    floor :func:`smallest_p`: Holm's adjustment never falls when a raw p-value rises)."""
    out = list(studies)
    for name, target, count in (
        ("p_value", "p_holm", lambda s: s.placebos),
        ("synthetic_p", "synthetic_p_holm", lambda s: len(s.synthetic_placebos)),
    ):
        which = [i for i, s in enumerate(out) if getattr(s, name) is not None]
        adjusted = statistics.holm([getattr(out[i], name) for i in which])
        floors = statistics.holm([smallest_p(count(out[i])) for i in which])
        for i, p, floor in zip(which, adjusted, floors, strict=True):
            out[i] = replace(out[i], **{target: p, f"{target}_floor": floor})
    return out


def summary(studies: list[Study]) -> pd.DataFrame:
    """One row per outcome: the design's years and comparison countries, the event-study effect
    with its placebo, Holm and pre-trend p-values, the synthetic-control gap, fit and p-values
    (None below a gate)."""
    rows = []
    for s in studies:
        fit = s.synthetic
        rows.append(
            {
                "outcome": OUTCOMES[s.outcome],
                "years": f"{s.years[0]}-{s.years[-1]} ({len(s.years)} years)" if s.years else "none",
                "comparison_countries": len(s.members),
                "event_study_effect": s.effect,
                "placebos": s.placebos,
                "placebo_p_value": s.p_value,
                "placebo_p_holm": s.p_holm,
                "pre_trend_p_value": s.pre_trend_p,
                "synthetic_effect": s.synthetic_effect,
                "synthetic_pre_rmspe": fit.pre_rmspe if fit is not None else None,
                "synthetic_fit_limit": s.synthetic_fit_limit,
                "synthetic_placebos": len(s.synthetic_placebos),
                "synthetic_p_value": s.synthetic_p,
                "synthetic_p_holm": s.synthetic_p_holm,
            }
        )
    return pd.DataFrame(rows)


#: The statuses :func:`majors_status` gives a country in a fiscal year.
NOT_LISTED, MAJOR, MAJOR_FAILED = "not listed", "major", "major; failed demonstrably"


def majors_status(majors: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Fiscal years x countries: 'major' (on the Majors List), 'failed demonstrably' or 'not listed'."""
    years = sorted(majors["fiscal_year"].unique())
    rows = majors[majors["iso3"].isin(countries)]
    status = pd.DataFrame(NOT_LISTED, index=pd.Index(years, name="fiscal_year"), columns=countries)
    for row in rows.itertuples():
        if row.on_list:
            status.loc[row.fiscal_year, row.iso3] = MAJOR_FAILED if row.failed_demonstrably else MAJOR
    return status


def organized_crime_scores(indicators: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Latest GI-TOC Global Organized Crime Index scores (criminality, resilience and the drug
    markets), one row per country."""
    names = [
        "goc_criminality",
        "goc_resilience",
        "goc_cocaine_trade",
        "goc_heroin_trade",
        "goc_synthetic_drug_trade",
        "goc_cannabis_trade",
    ]
    rows = indicators[indicators["indicator"].isin(names) & indicators["iso3"].isin(countries)]
    if rows.empty:
        return pd.DataFrame()
    latest = rows[rows["year"] == rows["year"].max()]
    return (
        latest.pivot_table(index="iso3", columns="indicator", values="value")
        .reindex(columns=names)
        .assign(year=int(latest["year"].max()))
    )


def trends(
    panel: pd.DataFrame, treated: list[str], comparison: list[str], treated_label: str
) -> pd.DataFrame:
    """Long year, group, value: the treated countries' mean and the comparison countries' mean."""
    rows = []
    for label, members in ((treated_label, treated), ("Comparison countries (mean)", comparison)):
        mean = panel[panel["iso3"].isin(members)].groupby("year")["value"].mean()
        rows.append(pd.DataFrame({"year": mean.index, "group": label, "value": mean.to_numpy()}))
    return pd.concat(rows, ignore_index=True)


#: Outcome indicators compared with the regional peers (labels: OUTCOMES).
PEER_OUTCOMES = (
    "homicide_rate",
    "wgi_rule_of_law_estimate",
    "wgi_control_of_corruption_estimate",
    "corruption_perceptions_index",
)


#: Organized crime index scores shown in the profile (latest year), name -> label.
CRIME_SCORES = {
    "goc_criminality": "Criminality (1-10, higher worse)",
    "goc_resilience": "Resilience (1-10, higher better)",
    "goc_cocaine_trade": "Cocaine trade (1-10)",
    "goc_heroin_trade": "Heroin trade (1-10)",
    "goc_synthetic_drug_trade": "Synthetic drug trade (1-10)",
    "goc_cannabis_trade": "Cannabis trade (1-10)",
}
#: How the scores are printed: two decimals, as GI-TOC publishes them.
CRIME_SCORE_FORMATS = {label: "{:.2f}" for label in CRIME_SCORES.values()}


def latest_value(
    indicators: pd.DataFrame, iso3: str, indicator: str, until: int | None = None
) -> tuple[float, int] | None:
    """(value, year) of the latest figure of an indicator for a country (no later than ``until``),
    or None."""
    rows = indicators[(indicators["iso3"] == iso3) & (indicators["indicator"] == indicator)]
    if until is not None:
        rows = rows[rows["year"] <= until]
    if rows.empty:
        return None
    row = rows.loc[rows["year"].idxmax()]
    return float(row["value"]), int(row["year"])


#: A peer line needs at least this many peers with a value in every year it is drawn.
MIN_PEERS = 2


def fixed_peers(panel: pd.DataFrame, iso3: str, peer_codes: list[str]) -> tuple[list[int], list[str]]:
    """(years, peers) of a peer comparison that keeps the same peers every year: the longest run of
    consecutive years the country has (the latest of equal runs) in which at least half of the peers
    with data, and no fewer than :data:`MIN_PEERS`, have a value every year; ([], []) if none."""
    own = sorted(int(y) for y in panel.loc[(panel["iso3"] == iso3) & panel["value"].notna(), "year"].unique())
    rows = panel[panel["iso3"].isin(peer_codes) & panel["value"].notna()]
    target = max(MIN_PEERS, -(-rows["iso3"].nunique() // 2))
    best: tuple[list[int], list[str]] = ([], [])
    for first in range(len(own)):
        for last in range(len(own), first, -1):
            years = own[first:last]
            if len(years) < len(best[0]):
                break
            members = statistics.balanced_members(rows, "iso3", "year", "value", years)
            if len(members) >= target:
                if len(years) >= len(best[0]):
                    best = (years, members)
                break
    return best


def outcomes_against_peers(
    indicators: pd.DataFrame, iso3: str, peer_codes: list[str], country_label: str
) -> pd.DataFrame:
    """Long outcome, year, group, value: the country (every year on file) and the mean of a fixed
    set of peers (:func:`fixed_peers`: the same peers every year, peers under
    :data:`MIN_POPULATION` people or without a UN population estimate left out), for each of
    :data:`PEER_OUTCOMES` the country has. ``attrs["peers"]``: outcome label -> (years, peers)."""
    people = populations(indicators)
    large = [c for c in peer_codes if people.get(c, 0) >= MIN_POPULATION]
    parts, used = [], {}
    for name in PEER_OUTCOMES:
        label = OUTCOMES[name]
        panel = indicators.loc[indicators["indicator"] == name, ["iso3", "year", "value"]]
        if not (panel["iso3"] == iso3).any():
            continue
        years, members = fixed_peers(panel, iso3, large)
        own = trends(panel, [iso3], [], country_label)
        own = own[own["group"] == country_label].dropna(subset=["value"])
        peers = trends(panel[panel["year"].isin(years)], [], members, country_label)
        peers = peers[peers["group"] != country_label].replace({"Comparison countries (mean)": PEER_GROUP})
        parts.append(pd.concat([own, peers]).assign(outcome=label))
        used[label] = (years, members)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    out.attrs["peers"] = used
    return out


#: The peer line's label in :func:`outcomes_against_peers`.
PEER_GROUP = "Regional peers (mean of the same peers every year)"


def crime_scores(indicators: pd.DataFrame, iso3s: list[str]) -> pd.DataFrame:
    """Latest Global Organized Crime Index scores, one row per country, labelled columns."""
    scores = organized_crime_scores(indicators, iso3s)
    return scores.rename(columns=CRIME_SCORES)
