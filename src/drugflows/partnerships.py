"""Partnership outcomes: what the US spent with a partner, and what followed there.

Assistance from ``us_assistance`` (USAID Greenbook, ForeignAssistance.gov, State CBJ); outcomes from
``country_indicators`` (homicide, governance, corruption), ``crop_estimates`` and ``unodc_seizures``.
Designs from :mod:`drugflows.estimators`: an event study with placebo (permutation) inference and a
synthetic control, both around the programme's start year.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from drugflows import cultivation, estimators
from drugflows.flows import unodc_series

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

#: Counter-narcotics assistance series: label -> (source, account_or_sector values, transaction).
ASSISTANCE_SERIES = {
    "State INCLE and Andean Counterdrug Initiative, obligations (Greenbook)": (
        "USAID Greenbook",
        (
            "International Narcotics Control and Law Enforcement",
            "Andean Counterdrug Initiative, Department of State",
        ),
        ("obligations",),
    ),
    "Defense counter-drug, obligations (Greenbook)": (
        "USAID Greenbook",
        ("Drug Interdiction and Counter-Drug Activities, Defense",),
        ("obligations",),
    ),
    "DEA, obligations (Greenbook)": (
        "USAID Greenbook",
        (
            "Interagency Drug Enforcement, Drug Enforcement Administration",
            "Salaries and Expenses, Drug Enforcement Administration",
        ),
        ("obligations",),
    ),
    "Counter-narcotics sector, all agencies, disbursements (ForeignAssistance.gov)": (
        "ForeignAssistance.gov USG sector summary",
        ("Counter-Narcotics",),
        ("disbursements",),
    ),
    "INCLE, allocation or request (State CBJ)": (
        "State Department CBJ",
        ("INCLE",),
        ("allocation", "request"),
    ),
}


def counternarcotics_assistance(assistance: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Fiscal years x series: US counter-narcotics assistance to ``countries`` (summed), current US$.

    The series overlap (the sector total includes INCLE) and must never be added together.
    """
    rows = assistance[assistance["iso3"].isin(countries) & ~assistance["is_aggregate"]]
    out = {}
    for label, (source, accounts, transactions) in ASSISTANCE_SERIES.items():
        part = rows[
            (rows["source"] == source)
            & rows["account_or_sector"].isin(accounts)
            & rows["transaction_type"].isin(transactions)
        ]
        if not part.empty:
            out[label] = part.groupby("fiscal_year")["usd_current"].sum()
    return pd.DataFrame(out).rename_axis("fiscal_year").sort_index()


def outcome_panel(
    outcome: str, indicators: pd.DataFrame, crops: pd.DataFrame, unodc: pd.DataFrame
) -> pd.DataFrame:
    """Long panel iso3, year, value for one outcome of :data:`OUTCOMES` (every country on file)."""
    if outcome.endswith("_cultivation_ha"):
        crop = outcome.removesuffix("_cultivation_ha")
        wide = cultivation.one_series(crops, crop, cultivation.crop_countries(crops, crop))
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
    event: pd.DataFrame | None  # estimators.event_study output for the treated group
    placebo_effects: pd.DataFrame  # relative_year x unit: each placebo's effect path
    effect: float | None  # mean effect from the start on (outcome units)
    p_value: float | None  # share of placebos at least as large (counting the observed)
    synthetic: estimators.Synthetic | None
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
        event = estimators.event_study(data, "value", "iso3", "year", treated, start_year, window)
        effect = estimators.post_effect(event)
        placebo_paths = estimators.placebo_studies(data, "value", "iso3", "year", treated, start_year, window)
    except ValueError as error:
        notes.append(f"no event study ({error})")
    if effect is not None and placebo_paths.shape[1] >= MIN_PLACEBOS:
        p_value = estimators.placebo_p_value(effect, estimators.placebo_effects(placebo_paths))
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
            synthetic = estimators.synthetic_control(
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


def majors_status(majors: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Fiscal years x countries: 'major' (on the Majors List), 'failed demonstrably' or 'not listed'."""
    years = sorted(majors["fiscal_year"].unique())
    rows = majors[majors["iso3"].isin(countries)]
    status = pd.DataFrame("not listed", index=pd.Index(years, name="fiscal_year"), columns=countries)
    for row in rows.itertuples():
        if row.on_list:
            status.loc[row.fiscal_year, row.iso3] = (
                "major; failed demonstrably" if row.failed_demonstrably else "major"
            )
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


def reading(
    program: str, treated_names: str, start_year: int, studies: list[Study], spent: pd.DataFrame
) -> list[str]:
    """Plain sentences: money, then each outcome's estimated change and how unusual it is."""
    out = []
    greenbook = [c for c in spent.columns if "Greenbook" in c]
    if greenbook:
        window = spent.loc[start_year : start_year + WINDOW[1], greenbook].sum(axis=1, min_count=1)
        if window.notna().any():
            out.append(
                f"US counter-narcotics obligations to {treated_names} (Greenbook: State, "
                f"Defense and DEA) came to US${window.sum() / 1e9:,.2f} billion (current "
                f"dollars) in fiscal {window.dropna().index.min()}-"
                f"{window.dropna().index.max()}, peaking in {int(window.idxmax())}."
            )
    for s in studies:
        label = OUTCOMES[s.outcome]
        if s.effect is None:
            out.append(f"{label}: no estimate ({s.note}).")
            continue
        direction = "above" if s.effect > 0 else "below"
        if s.p_value is None:
            strength = f"no placebo inference: {s.note}"
        elif s.p_value <= 0.1:
            strength = (
                f"unusual among the placebo countries (p = {s.p_value:.2f}, "
                f"{s.placebo_effects.shape[1]} placebos)"
            )
        else:
            strength = (
                f"within what placebo countries show by chance (p = {s.p_value:.2f}, "
                f"{s.placebo_effects.shape[1]} placebos)"
            )
        out.append(
            f"{label}: from {start_year} on, {treated_names} ran {abs(s.effect):,.2f} "
            f"{direction} the comparison countries, net of the gap before; {strength}."
        )
    return out


@dataclass(frozen=True)
class Setup:
    """Validated parameters of a partnership_outcomes report."""

    program: str
    treated: list[str]
    start_year: int
    why: str
    outcomes: list[str]
    comparison: list[str]
    comparison_is_default: bool


def validate(
    program: object,
    country: object,
    start_year: object,
    outcomes: object,
    comparison: object,
    countries: pd.DataFrame,
    indicators: pd.DataFrame,
) -> Setup:
    """Check the report's parameters; ParameterError naming the parameter and the valid values.

    ``country`` and ``start_year`` may be None for a programme of :data:`PROGRAMS` (its own);
    ``comparison`` None means the regional peers (:func:`regional_peers`). The start year must
    leave a year of outcome indicators on file before and after it.
    """
    from drugflows import params

    if not isinstance(program, str) or not program.strip():
        raise params.ParameterError(
            f"Parameter 'program' must be a name, got {program!r}. Known programmes: {', '.join(PROGRAMS)}"
        )
    known = next((p for p in PROGRAMS if p.casefold() == program.strip().casefold()), None)
    spec = PROGRAMS.get(known, {})
    if known is None and (country is None or start_year is None):
        raise params.ParameterError(
            f"Unknown program {program!r}: give 'country' and 'start_year' for a programme of your "
            f"own, or one of: {', '.join(PROGRAMS)}"
        )
    treated = params.country_list("country", spec["countries"] if country is None else country, countries)
    start = spec["start_year"] if start_year is None else start_year
    years = indicators.loc[indicators["indicator"].isin(OUTCOMES), "year"]
    first, last = int(years.min()) + 1, int(years.max()) - 1
    if isinstance(start, bool) or not isinstance(start, int) or not first <= start <= last:
        raise params.ParameterError(
            f"Parameter 'start_year' must be a whole year from {first} to "
            f"{last} (outcomes need years before and after), got "
            f"{start_year!r}"
        )
    names = params.as_list("outcomes", outcomes, f"an outcome name ({', '.join(OUTCOMES)})")
    chosen = [params.choose("outcomes", o, OUTCOMES) for o in names]
    peers = (
        regional_peers(treated, countries)
        if comparison is None
        else [c for c in params.country_list("comparison", comparison, countries) if c not in treated]
    )
    if not peers:
        raise params.ParameterError("Parameter 'comparison' leaves no comparison country")
    why = (
        spec.get("why", "chosen by the user")
        if start_year in (None, spec.get("start_year"))
        else "chosen by the user"
    )
    return Setup(known or program.strip(), treated, start, why, chosen, peers, comparison is None)


def trends(
    panel: pd.DataFrame, treated: list[str], comparison: list[str], treated_label: str
) -> pd.DataFrame:
    """Long year, group, value: the treated countries' mean and the comparison countries' mean."""
    rows = []
    for label, members in ((treated_label, treated), ("Comparison countries (mean)", comparison)):
        mean = panel[panel["iso3"].isin(members)].groupby("year")["value"].mean()
        rows.append(pd.DataFrame({"year": mean.index, "group": label, "value": mean.to_numpy()}))
    return pd.concat(rows, ignore_index=True)
