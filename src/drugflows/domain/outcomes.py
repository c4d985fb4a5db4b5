"""Partnership outcomes: what followed in a partner country, against comparison countries.

Outcomes from ``country_indicators`` (homicide, governance, corruption, organized crime scores),
``crop_estimates`` and ``unodc_seizures``; Majors List status from ``majors_list``. The partnership
programmes the default reports study are in :data:`PROGRAMS`. Designs from
:mod:`drugflows.domain.statistics`: an event study with placebo (permutation) inference and a
synthetic control, both around the programme's start year.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from drugflows.domain import statistics
from drugflows.domain.crops import crop_countries, one_series
from drugflows.domain.seizures import unodc_series

#: The default runs: programme -> partner countries (ISO3), start year and why that year.
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
    "corruption_perceptions_index": "Corruption Perceptions Index (0 corrupt to 100 clean)",
    "coca_cultivation_ha": "Coca cultivation, hectares",
    "opium_poppy_cultivation_ha": "Opium poppy cultivation, hectares",
    "cocaine_seizures_kg": "Cocaine seized, kg",
    "heroin_seizures_kg": "Heroin seized, kg",
}


DEFAULT_OUTCOMES = ["homicide_rate", "wgi_rule_of_law_estimate", "wgi_control_of_corruption_estimate"]


#: Window of the designs, in years relative to the start.
WINDOW = (-6, 10)


#: Fewer placebos than this cannot give a p-value below 0.1: no inference is reported.
MIN_PLACEBOS = 9


#: A synthetic control fitted on fewer pre-start years than this fits by construction: not run.
MIN_PRE_YEARS_SYNTHETIC = 5


def outcome_panel(
    outcome: str, indicators: pd.DataFrame, crops: pd.DataFrame, unodc: pd.DataFrame
) -> pd.DataFrame:
    """Long panel iso3, year, value for one outcome of :data:`OUTCOMES` (every country on file)."""
    if outcome.endswith("_cultivation_ha"):
        crop = outcome.removesuffix("_cultivation_ha")
        wide = one_series(crops, crop, crop_countries(crops, crop))
        return wide.reset_index().melt("year", var_name="iso3", value_name="value").dropna()
    if outcome.endswith("_seizures_kg"):
        series = unodc_series(unodc, outcome.removesuffix("_seizures_kg"))
        return series.rename(columns={"kg": "value"})[["iso3", "year", "value"]]
    rows = indicators[indicators["indicator"] == outcome]
    return rows[["iso3", "year", "value"]].reset_index(drop=True)


def regional_peers(treated: list[str], countries: pd.DataFrame) -> list[str]:
    """The default comparison group: every other country in the treated countries' UN regions
    (the United States, the funder, left out)."""
    regions = countries.loc[countries["iso3"].isin(treated), "un_region"].unique()
    peers = countries[countries["un_region"].isin(regions) & ~countries["iso3"].isin([*treated, "USA"])]
    return sorted(peers["iso3"])


@dataclass(frozen=True)
class Study:
    """One outcome around the start year: the event study, its placebos and a synthetic control."""

    outcome: str
    event: pd.DataFrame | None  # statistics.event_study output for the treated group
    placebo_effects: pd.DataFrame  # relative_year x unit: each placebo's effect path
    effect: float | None  # mean effect from the start on (outcome units)
    p_value: float | None  # share of placebos at least as large (counting the observed)
    synthetic: statistics.Synthetic | None
    note: str  # why a design could not run, or ""


TREATED_GROUP = "Treated (average)"


def study(
    outcome: str,
    panel: pd.DataFrame,
    treated: list[str],
    comparison: list[str],
    start_year: int,
    window: tuple[int, int] = WINDOW,
) -> Study:
    """Event study with permutation inference and a synthetic control of the treated average.

    Designs that lack data (no treated or comparison series in the window, fewer than three
    pre-start years) are skipped and the reason is kept in ``note``.
    """
    data = panel[
        panel["iso3"].isin(treated + comparison)
        & panel["year"].between(start_year + window[0], start_year + window[1])
    ]
    notes = []
    event, effect, p_value = None, None, None
    placebo_paths = pd.DataFrame()
    try:
        event = statistics.event_study(data, "value", "iso3", "year", treated, start_year, window)
        effect = statistics.post_effect(event)
        placebo_paths = statistics.placebo_studies(data, "value", "iso3", "year", treated, start_year, window)
    except ValueError as error:
        notes.append(f"no event study ({error})")
    if effect is not None and placebo_paths.shape[1] >= MIN_PLACEBOS:
        p_value = statistics.placebo_p_value(effect, statistics.placebo_effects(placebo_paths))
    elif effect is not None:
        notes.append(
            f"{placebo_paths.shape[1]} comparison countries with data before and after the "
            f"start: too few for placebo inference"
        )
    synthetic = None
    group = data[data["iso3"].isin(treated)].groupby("year", as_index=False)["value"].mean()
    donors = data[data["iso3"].isin(comparison)]
    pre_years = int((group["year"] < start_year).sum())
    if pre_years < MIN_PRE_YEARS_SYNTHETIC:
        notes.append(
            f"no synthetic control ({pre_years} years before the start; {MIN_PRE_YEARS_SYNTHETIC} needed)"
        )
    else:
        try:
            synthetic = statistics.synthetic_control(
                pd.concat([donors, group.assign(iso3=TREATED_GROUP)]),
                "value",
                "iso3",
                "year",
                TREATED_GROUP,
                start_year,
            )
        except ValueError as error:
            notes.append(f"no synthetic control ({error})")
    return Study(outcome, event, placebo_paths, effect, p_value, synthetic, "; ".join(notes))


def summary(studies: list[Study]) -> pd.DataFrame:
    """One row per outcome: effect, placebo p-value and count, synthetic control effect and fit."""
    rows = []
    for s in studies:
        rows.append(
            {
                "outcome": OUTCOMES[s.outcome],
                "event_study_effect": s.effect,
                "placebo_p_value": s.p_value,
                "placebos": s.placebo_effects.shape[1] if not s.placebo_effects.empty else 0,
                "synthetic_effect": s.synthetic.post_effect if s.synthetic else None,
                "synthetic_pre_rmspe": s.synthetic.pre_rmspe if s.synthetic else None,
                "top_donors": ", ".join(
                    f"{k} {v:.2f}" for k, v in s.synthetic.weights.head(3).items() if v >= 0.01
                )
                if s.synthetic
                else "",
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


#: The population file holds UN WPP 2017 estimates to 2015 and projections after (its SOURCE.md).
LAST_POPULATION_ESTIMATE = 2015


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


def outcomes_against_peers(
    indicators: pd.DataFrame, iso3: str, peer_codes: list[str], country_label: str
) -> pd.DataFrame:
    """Long outcome, year, group, value: the country and the mean of its peers, for each of
    :data:`PEER_OUTCOMES` the country has."""
    parts = []
    for name in PEER_OUTCOMES:
        label = OUTCOMES[name]
        panel = indicators.loc[indicators["indicator"] == name, ["iso3", "year", "value"]]
        if not (panel["iso3"] == iso3).any():
            continue
        trend = trends(panel, [iso3], peer_codes, country_label)
        parts.append(trend.assign(outcome=label))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def crime_scores(indicators: pd.DataFrame, iso3s: list[str]) -> pd.DataFrame:
    """Latest Global Organized Crime Index scores, one row per country, labelled columns."""
    scores = organized_crime_scores(indicators, iso3s)
    return scores.rename(columns=CRIME_SCORES)
