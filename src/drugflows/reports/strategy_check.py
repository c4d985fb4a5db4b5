"""The strategy_check report: the claims of the National Drug Control Strategy's "International
Partnerships" page, each checked against the data on file by a stated rule.

A check is a claim paraphrased in one line, the evidence computed from the tables (a sentence with
its numbers and a small table), a verdict on one fixed scale (:data:`SCALE`) and the rule that gave
it. Verdicts come from the rule functions below (:func:`all_or_some`, :func:`direction`,
:func:`share`), never typed; a claim the data cannot test says which data would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from drugflows import params, tables, wording
from drugflows.domain import colombia_panel, demand, precursors, threat_finance, violence
from drugflows.domain.crops import CROPS, ESTIMATORS, estimator_label, side_by_side
from drugflows.domain.drugs import DRUGS
from drugflows.domain.outcomes import MIN_POPULATION, OUTCOMES, PROGRAMS, populations
from drugflows.domain.seizures import AT_THE_BORDER, LAND_BORDER_REGIONS
from drugflows.fiscal import fiscal_year_of
from drugflows.params import links as checked_links

#: The processed tables the report reads, in the order its vintage table lists them.
TABLES = (
    "cbp_seizures_monthly",
    "amo_seizures_monthly",
    "unodc_seizures",
    "crop_estimates",
    "colombia_municipal_coca",
    "country_indicators",
    "countries",
    "ofac_narcotics_designations",
    "mexico_victims_monthly",
    "overdose_deaths_12m_by_state",
)

__all__ = ["checked_links"]

SUPPORTED = "supported"
PARTLY = "partly supported"
CONTRADICTED = "contradicted"
NOT_CHECKABLE = "not checkable with the data on file"
#: The one scale every verdict is on, in the order the summary lists them.
SCALE = (SUPPORTED, PARTLY, CONTRADICTED, NOT_CHECKABLE)


def all_or_some(flags: dict[str, bool]) -> str:
    """Every flag true: supported; some: partly supported; none: contradicted; no flags: not
    checkable."""
    if not flags:
        return NOT_CHECKABLE
    held = sum(bool(v) for v in flags.values())
    return SUPPORTED if held == len(flags) else PARTLY if held else CONTRADICTED


#: :func:`direction`: the share of units that must move the claimed way for "supported".
DIRECTION_MAJORITY = 2 / 3


def direction(changes: dict[str, float], wanted: int, tolerance: float | dict[str, float]) -> str:
    """Changes per unit (country, series) against the claimed direction (``wanted`` = -1: a fall,
    +1: a rise). A change within ``tolerance`` of zero (one number, or one per unit) counts as no
    move. At least :data:`DIRECTION_MAJORITY` of units moving the claimed way: supported; more
    moving the claimed way than the other: partly supported; else (as many or more moving the other
    way, or none moving): contradicted. No units: not checkable."""
    moves = []
    for unit, change in changes.items():
        if pd.isna(change):
            continue
        limit = tolerance[unit] if isinstance(tolerance, dict) else tolerance
        moves.append(0 if abs(change) <= limit else (1 if change * wanted > 0 else -1))
    if not moves:
        return NOT_CHECKABLE
    claimed, other = sum(m == 1 for m in moves), sum(m == -1 for m in moves)
    if claimed >= DIRECTION_MAJORITY * len(moves):
        return SUPPORTED
    return PARTLY if claimed > other else CONTRADICTED


def share(value: float, supported_at: float, contradicted_below: float) -> str:
    """A share (0-1) at or above ``supported_at``: supported; below ``contradicted_below``:
    contradicted; between: partly supported; missing: not checkable."""
    if pd.isna(value):
        return NOT_CHECKABLE
    return SUPPORTED if value >= supported_at else CONTRADICTED if value < contradicted_below else PARTLY


@dataclass(frozen=True)
class Claim:
    """One claim of the page: ``key`` (stable id), ``text`` (paraphrase), ``rule`` (how the verdict
    is computed, in words) and ``reports`` (catalog runs that go deeper, ``notebook/run``)."""

    key: str
    text: str
    rule: str
    reports: tuple[str, ...] = ()


#: Each claim in a few words, for the headline's lists, by claim key.
TOPICS = {
    "trafficking": "large-scale trafficking of drugs and precursors",
    "southwest_border": "heroin, methamphetamine and fentanyl across the Southwest Border",
    "continuing": "cocaine and marijuana still moving",
    "eradication_coca": "less coca with eradication",
    "eradication_opium_poppy": "less opium poppy with eradication",
    "alternative_development": "alternative development",
    "investigations": "investigations dismantling organizations",
    "threat_finance": "threat finance",
    "leadership_abroad": "leadership based abroad",
    "violence": "less violence in partner nations",
    "institutions": "less corruption, stronger institutions",
    "leads": "interdiction yielding leads",
    "prevention_abroad": "prevention, treatment and recovery abroad",
    "harm_at_home": "less harm at home",
}


@dataclass
class Check:
    """A claim with its evidence (one sentence with its numbers), its verdict and, where it helps,
    a small table. ``needs``: for a claim not checkable, the data that would check it."""

    claim: Claim
    verdict: str
    evidence: str
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    needs: str = ""


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name."""
    return {name: tables.load(name) for name in TABLES}


#: Years between the two figures a trend compares (cultivation, homicide rates, governance), unless
#: the parameters say otherwise; the fewest and most allowed.
SPAN_YEARS = 10
SPAN_BOUNDS = (3, 20)


@dataclass(frozen=True)
class Setup:
    """The checked parameters: the CBP fiscal year the flow claims use (a complete one) and the
    years a trend spans."""

    fiscal_year: int
    span_years: int


def select(fiscal_year: object, span_years: object, data: dict[str, pd.DataFrame]) -> Setup:
    """The parameters checked against the tables; ParameterError names the valid values.
    ``fiscal_year`` None: the latest fiscal year CBP's table covers in all 12 months."""
    complete = _complete_fiscal_years(data["cbp_seizures_monthly"])
    if complete and fiscal_year is None:
        fiscal_year = complete[-1]
    if fiscal_year not in complete or isinstance(fiscal_year, bool):
        raise params.ParameterError(
            f"Parameter 'fiscal_year' = {fiscal_year!r} is not a complete fiscal year of CBP's table. "
            f"Valid values: {', '.join(map(str, complete))}"
        )
    low, high = SPAN_BOUNDS
    if isinstance(span_years, bool) or not isinstance(span_years, int) or not low <= span_years <= high:
        raise params.ParameterError(
            f"Parameter 'span_years' must be a whole number of years from {low} to {high}, got {span_years!r}"
        )
    return Setup(int(fiscal_year), span_years)


# --- helpers -------------------------------------------------------------------------------------

#: The drugs of the page's flow claims, by report drug name.
FLOW_DRUGS = ("fentanyl", "methamphetamine", "heroin", "cocaine", "cannabis")
SOUTHWEST_BORDER = LAND_BORDER_REGIONS[0]  # CBP's name of the region


def _complete_fiscal_years(monthly: pd.DataFrame) -> list[int]:
    """Fiscal years the monthly table covers in all 12 months."""
    months = pd.Series(pd.to_datetime(monthly["month"].unique()))
    counts = fiscal_year_of(months).value_counts()
    return sorted(int(fy) for fy, n in counts.items() if n == 12)


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def border_kg(cbp: pd.DataFrame, fiscal_year: int) -> pd.DataFrame:
    """Kilograms seized at the border (CBP OFO and USBP) in ``fiscal_year``, by report drug of
    :data:`FLOW_DRUGS` (rows; zero where none was seized) and region (columns, with the Southwest
    Border always among them), with a ``total`` column."""
    rows = cbp[cbp["fiscal_year"] == fiscal_year]
    wide = rows.pivot_table(index="drug", columns="region", values="kg", aggfunc="sum", fill_value=0.0)
    for region in LAND_BORDER_REGIONS:
        if region not in wide.columns:
            wide[region] = 0.0
    wide["total"] = wide.sum(axis=1)
    return wide.reindex([DRUGS[d].cbp for d in FLOW_DRUGS], fill_value=0.0).set_axis(list(FLOW_DRUGS))


def _flow_table(kg: pd.DataFrame, fiscal_year: int) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "Drug": [DRUGS[d].label.capitalize() for d in FLOW_DRUGS],
            f"Seized at the border, FY{fiscal_year} (kg)": [kg.loc[d, "total"] for d in FLOW_DRUGS],
            "Share at the Southwest Border (%)": [
                100 * kg.loc[d, SOUTHWEST_BORDER] / kg.loc[d, "total"]
                if kg.loc[d, "total"] > 0
                else float("nan")
                for d in FLOW_DRUGS
            ],
        }
    )
    return out


# --- the claims ----------------------------------------------------------------------------------

#: Countries whose precursor seizures the trafficking claim looks for: the United States and Mexico,
#: the last stop before it.
PRECURSOR_COUNTRIES = ("USA", "MEX")

#: Kilograms a drug must reach at the border in a fiscal year to count as "large-scale" trafficking.
LARGE_SCALE_KG = 1000

TRAFFICKING = Claim(
    "trafficking",
    "Drugs and precursor chemicals are trafficked into the United States from abroad on a large scale.",
    f"Supported when CBP seized at least {LARGE_SCALE_KG:,} kg of each of fentanyl, methamphetamine, "
    "heroin and cocaine at the border in the fiscal year chosen; partly supported when some reach it. "
    "The precursor half of the claim is reported apart: no precursor seizures by the United States or "
    "Mexico are on file, so it is not checkable here.",
    ("border_seizures/fentanyl-southwest-border", "trafficking_flows/fentanyl", "trafficking_flows/cocaine"),
)


def check_trafficking(cbp: pd.DataFrame, unodc: pd.DataFrame, fy: int) -> Check:
    kg = border_kg(cbp, fy)
    drugs = ("fentanyl", "methamphetamine", "heroin", "cocaine")
    flags = {d: kg.loc[d, "total"] >= LARGE_SCALE_KG for d in drugs}
    seized = precursors.precursor_seizures(unodc)
    at_home = seized[seized["iso3"].isin(PRECURSOR_COUNTRIES)]
    latest_year = int(seized["year"].max()) if not seized.empty else None
    reporting = seized.loc[seized["year"] == latest_year, "iso3"].nunique() if latest_year else 0
    amounts = ", ".join(f"{DRUGS[d].label} {wording.kg_text(kg.loc[d, 'total'])}" for d in drugs)
    short = [DRUGS[d].label for d in drugs if not flags[d]]
    evidence = (
        f"In fiscal {fy}, CBP seized {amounts} {AT_THE_BORDER}, in bulk weight as seized"
        + (f"; under the rule's {LARGE_SCALE_KG:,} kg: {', '.join(short)}. " if short else ". ")
        + (
            f"Precursor seizures by the United States or Mexico are on file ({len(at_home)} country-years)."
            if not at_home.empty
            else f"Precursors, not checkable here: UNODC's seizure export has precursor seizures from "
            f"{reporting} countries in {latest_year} but none from the United States or Mexico. "
            + precursors.FENTANYL_GAP
        )
    )
    return Check(TRAFFICKING, all_or_some(flags), evidence, _flow_table(kg, fy))


#: Share of a drug's border seizures that must be at the Southwest Border for a "significant flow
#: across the Southwest Border" (with at least :data:`LARGE_SCALE_KG` seized there); below half of
#: that share the claim is contradicted for the drug.
SOUTHWEST_SHARE = 0.5

SOUTHWEST = Claim(
    "southwest_border",
    "A significant flow of heroin, methamphetamine and now fentanyl crosses the Southwest Border.",
    f"Per drug, supported when at least {_pct(SOUTHWEST_SHARE)} of CBP's border seizures of it in the "
    f"fiscal year chosen were at the Southwest Border and they came to at least {LARGE_SCALE_KG:,} kg, "
    f"contradicted below {_pct(SOUTHWEST_SHARE / 2)}, partly supported between; the claim is supported "
    "when every drug is, contradicted when every drug is, partly supported otherwise.",
    (
        "border_seizures/heroin-southwest-border",
        "border_seizures/methamphetamine-southwest-border",
        "border_seizures/fentanyl-southwest-border",
    ),
)


def check_southwest(cbp: pd.DataFrame, fy: int) -> Check:
    kg = border_kg(cbp, fy)
    first = _complete_fiscal_years(cbp)[0]
    before = border_kg(cbp, first)
    drugs = ("heroin", "methamphetamine", "fentanyl")
    shares = {
        d: kg.loc[d, SOUTHWEST_BORDER] / kg.loc[d, "total"] if kg.loc[d, "total"] else float("nan")
        for d in drugs
    }
    verdicts = {}
    for d, part in shares.items():
        verdict = share(part, SOUTHWEST_SHARE, SOUTHWEST_SHARE / 2)
        if verdict == SUPPORTED and kg.loc[d, SOUTHWEST_BORDER] < LARGE_SCALE_KG:
            verdict = PARTLY
        verdicts[d] = verdict
    if all(v == SUPPORTED for v in verdicts.values()):
        overall = SUPPORTED
    elif all(v == CONTRADICTED for v in verdicts.values()):
        overall = CONTRADICTED
    else:
        overall = PARTLY
    evidence = (
        f"In fiscal {fy}, the Southwest Border's share of CBP's border seizures was "
        + ", ".join(
            f"{_pct(part)} for {DRUGS[d].label} ({wording.kg_text(kg.loc[d, SOUTHWEST_BORDER])} there, "
            f"against {wording.kg_text(before.loc[d, SOUTHWEST_BORDER])} in fiscal {first})"
            for d, part in shares.items()
        )
        + "."
        + "".join(
            f" {DRUGS[d].label.capitalize()} is under the rule's {LARGE_SCALE_KG:,} kg."
            for d in drugs
            if kg.loc[d, SOUTHWEST_BORDER] < LARGE_SCALE_KG
        )
    )
    return Check(SOUTHWEST, overall, evidence, _flow_table(kg, fy))


#: Fiscal years in a row a drug must be seized in for "continuing movement".
CONTINUING_YEARS = 3

CONTINUING = Claim(
    "continuing",
    "Cocaine and marijuana continue to move into the United States.",
    f"Supported when CBP seized at least {LARGE_SCALE_KG:,} kg of each on the land borders (Southwest and "
    f"Northern) in each of the {CONTINUING_YEARS} complete fiscal years to the chosen one; partly "
    "supported when one of the two is. Seizures at airports, seaports and mail facilities inland "
    "(Coastal/Interior) are left out: CBP's data do not say whether they were coming in or going out.",
    ("border_seizures/cocaine-southwest-border", "border_seizures/marijuana-southwest-border"),
)


def check_continuing(cbp: pd.DataFrame, fy: int) -> Check:
    years = [y for y in _complete_fiscal_years(cbp) if y <= fy][-CONTINUING_YEARS:]
    drugs = ("cocaine", "cannabis")
    by_year = {fy: border_kg(cbp, fy)[list(LAND_BORDER_REGIONS)].sum(axis=1) for fy in years}
    flags = {d: all(by_year[fy][d] >= LARGE_SCALE_KG for fy in years) for d in drugs}
    table = pd.DataFrame(
        {
            "Drug": [DRUGS[d].label.capitalize() for d in drugs],
            **{f"FY{fy}, land borders (kg)": [by_year[fy][d] for d in drugs] for fy in years},
        }
    )
    first, last = years[0], years[-1]
    evidence = "Seized by CBP on the Southwest and Northern Borders: " + "; ".join(
        f"{DRUGS[d].label} {wording.kg_text(by_year[first][d])} in fiscal {first} and "
        f"{wording.kg_text(by_year[last][d])} in fiscal {last}"
        for d in drugs
    )
    return Check(CONTINUING, all_or_some(flags), evidence + ".", table)


#: The source countries of each crop the eradication claim is checked on.
CROP_COUNTRIES = {"coca": ("COL", "PER", "BOL"), "opium_poppy": ("AFG", "MMR", "MEX")}
#: The eradication panels on file, by crop: municipality-year tables of eradication and later
#: cultivation, the only design here that can test eradication's association with cultivation.
ERADICATION_PANELS = {"coca": "colombia_municipal_coca"}
#: The eradication types of the panel the coca rule asks about.
ERADICATION_TYPES = ("aerial_spraying_ha", "manual_eradication_ha")


def eradication_claim(crop: str, names: dict[str, str], span: int) -> Claim:
    """The eradication claim for one crop (``coca`` or ``opium_poppy``); ``names``: ISO3 -> name."""
    label = CROPS[crop]["label"]
    where = ", ".join(names.get(c, c) for c in CROP_COUNTRIES[crop])
    if crop in ERADICATION_PANELS:
        rule = (
            "In the municipal panel on file (Colombia; eradication in one year, coca the next; within "
            "municipality and year, standard errors clustered by municipality): supported when both "
            "aerial spraying and manual eradication go with less coca (95% interval below zero) and the "
            "lead test shows no sign that eradication followed earlier coca; partly supported when one "
            "does; contradicted when neither does. An association, not an effect. National cultivation "
            f"in {where} ({span} years to the latest on file) is shown beside it, not used: its endpoints "
            "mix eradication with prices, policy and conflict."
        )
    else:
        rule = (
            f"Not checkable: no panel of {label} eradication and cultivation is on file, and national "
            f"cultivation ({where}, shown for {span} years to the latest on file) cannot be tied to US "
            "eradication (Afghanistan's fall follows the Taliban's April 2022 ban; US eradication "
            "support there ended in 2021)."
        )
    return Claim(
        f"eradication_{crop}",
        f"US-supported eradication of {label} reduces its cultivation.",
        rule,
        (f"source_countries/{crop.replace('_', '-')}",)
        + (("colombia_eradication/lag-1",) if crop == "coca" else ()),
    )


def panel_evidence(panel: pd.DataFrame) -> tuple[dict[str, bool], str]:
    """Per eradication type of :data:`ERADICATION_TYPES`: whether the Colombian panel (lag one
    year, every usable year) finds less coca the next year with an interval below zero and no sign
    of targeting in the lead test on the same years; and the sentence that says so."""
    data = colombia_panel.analysis_panel(panel, lag=1)
    years = colombia_panel.usable_years(data)
    fit = colombia_panel.estimate(data, years[0], years[-1])
    lead = colombia_panel.lead_test(data, years[0], years[-1])
    window = f"{years[0]}-{years[-1]}"
    flags, parts = {}, []
    for name in ERADICATION_TYPES:
        row, lead_row = fit[name], lead[name]
        flags[name] = bool(row["ci_high"] < 0 and not colombia_panel.excludes_zero(lead_row))
        parts.append(
            f"{colombia_panel.REGRESSORS[name].lower()}: {colombia_panel.lead_text(row, window)} "
            f"{colombia_panel.UNITS[name]} the next year; lead test "
            + ("shows targeting" if colombia_panel.excludes_zero(lead_row) else "no sign of targeting")
        )
    return flags, "In Colombia's municipal panel, " + "; ".join(parts) + "."


#: A change within this fraction counts as no move (national cultivation, shown beside the rule).
CULTIVATION_TOLERANCE = 0.1


def cultivation_changes(estimates: pd.DataFrame, crop: str, span: int = SPAN_YEARS) -> pd.DataFrame:
    """Per source country of ``crop``: the latest cultivation figure (ha) on file, from the
    estimator with the latest year (ties: :data:`domain.crops.ESTIMATORS` order), the same
    estimator's figure ``span`` years earlier (or its nearest later year) and the
    change. A country's two figures never come from two estimators."""
    countries = list(CROP_COUNTRIES[crop])
    rows = side_by_side(estimates, crop, countries)
    out = []
    for iso3, part in rows.groupby("iso3"):
        latest = part.groupby("estimate_by")["year"].max()
        estimator = max(latest.index, key=lambda e: (latest[e], -ESTIMATORS.index(e)))
        series = part[part["estimate_by"] == estimator].set_index("year").sort_index()
        last_year = int(series.index.max())
        first_year = int(series.index[series.index >= last_year - span].min())
        out.append(
            {
                "iso3": iso3,
                "estimator": estimator,
                "first_year": first_year,
                "first_ha": series.loc[first_year, "value"],
                "last_year": last_year,
                "last_ha": series.loc[last_year, "value"],
                "last_is_floor": bool(series.loc[last_year, "floor"]),
            }
        )
    frame = pd.DataFrame(out).set_index("iso3").reindex([c for c in countries if c in set(rows["iso3"])])
    frame["change"] = frame["last_ha"] / frame["first_ha"] - 1
    return frame.reset_index()


def _short_span(first_year: int, last_year: int, span: int) -> str:
    """ ", 7 years: its series starts then" where a series covers less than ``span`` years."""
    years = last_year - first_year
    return f", {years} years: its series starts then" if years < span else ""


def check_eradication(
    estimates: pd.DataFrame, panels: dict[str, pd.DataFrame], crop: str, names: dict[str, str], span: int
) -> Check:
    changes = cultivation_changes(estimates, crop, span)
    parts = [
        f"{names.get(r.iso3, r.iso3)} {'+' if r.change > 0 else ''}{100 * r.change:.0f}% "
        f"({r.first_year}-{r.last_year}{', latest a floor' if r.last_is_floor else ''}"
        f"{_short_span(r.first_year, r.last_year, span)}; "
        f"{wording.in_sentence(estimator_label(r.estimator))})"
        for r in changes.itertuples()
    ]
    national = f"National {CROPS[crop]['label']} cultivation: " + "; ".join(parts) + "."
    if crop in panels:
        flags, panel_text = panel_evidence(panels[crop])
        verdict, evidence = all_or_some(flags), f"{panel_text} {national}"
    else:
        verdict, evidence = (
            NOT_CHECKABLE,
            f"{national} It would need a {CROPS[crop]['label']} eradication panel.",
        )
    table = pd.DataFrame(
        {
            "Country": [names.get(c, c) for c in changes["iso3"]],
            "Estimator": [estimator_label(e) for e in changes["estimator"]],
            "From year": changes["first_year"],
            "Hectares then": changes["first_ha"],
            "Latest year": changes["last_year"],
            "Hectares latest": changes["last_ha"],
            "Change (%)": 100 * changes["change"],
        }
    )
    needs = (
        ""
        if crop in panels
        else f"a municipal or provincial panel of {CROPS[crop]['label']} eradication and cultivation"
    )
    return Check(eradication_claim(crop, names, span), verdict, evidence, table, needs=needs)


#: What a claim the data cannot check would need, by claim key.
NOT_ON_FILE = {
    "alternative_development": (
        "Alternative development makes farmers leave coca and poppy for licit crops.",
        "US obligations for alternative development by country and year (ForeignAssistance.gov's "
        "'Alternative Development and Alternative Livelihoods' sector) and household or municipal "
        "surveys of the farmers reached (e.g. UNODC's alternative-development monitoring).",
        ("colombia_eradication/lag-1",),
    ),
    "investigations": (
        "Law enforcement operations and investigations with partner nations dismantle trafficking "
        "organizations.",
        "case-level data on joint investigations, arrests and extraditions (e.g. DEA and DOJ "
        "OCDETF statistics, extradition records by country and year).",
        (),
    ),
    "leads": (
        "Interdiction yields leads for investigations.",
        "records linking interdiction events to investigations (JIATF-South and DEA case data), "
        "which are not public.",
        (),
    ),
    "prevention_abroad": (
        "The US supports prevention, treatment and recovery abroad.",
        "US obligations for demand reduction by country (State INL demand-reduction programmes) and "
        "treatment coverage in partner countries (e.g. UNODC treatment data).",
        (),
    ),
}


def not_checkable(key: str) -> Check:
    text, needs, reports = NOT_ON_FILE[key]
    claim = Claim(key, text, "No table on file measures it.", reports)
    return Check(claim, NOT_CHECKABLE, f"No table on file measures this. It would need {needs}", needs=needs)


#: Homicide rates: the move within which a change counts as none (per 100,000).
HOMICIDE_TOLERANCE = 1.0
#: WGI estimates: a change counts only beyond this many standard errors of the difference of the
#: two estimates (the World Bank publishes each estimate's standard error).
WGI_Z = 1.96
#: WGI estimate -> its standard-error indicator.
WGI_STD_ERRORS = {
    "wgi_control_of_corruption_estimate": "wgi_control_of_corruption_std_error",
    "wgi_rule_of_law_estimate": "wgi_rule_of_law_std_error",
}


def partners(indicators: pd.DataFrame) -> dict[str, str]:
    """ISO3 -> programme, for the partner countries of :data:`domain.outcomes.PROGRAMS` with at least
    :data:`domain.outcomes.MIN_POPULATION` people (as the partnership_outcomes designs leave out
    smaller ones: their rates swing with a handful of cases)."""
    people = populations(indicators)
    return {
        iso3: program
        for program, spec in PROGRAMS.items()
        for iso3 in spec["countries"]
        if people.get(iso3, 0) >= MIN_POPULATION
    }


def partner_changes(indicators: pd.DataFrame, indicator: str, span: int = SPAN_YEARS) -> pd.DataFrame:
    """Per partner country (:func:`partners`): the latest value of ``indicator`` on file, the value
    ``span`` years earlier (or the nearest later year), the change and, for a WGI estimate, the
    standard error of the change (``change_se``)."""
    rows = []
    for iso3, program in partners(indicators).items():
        mine = indicators[indicators["iso3"] == iso3]
        series = mine[mine["indicator"] == indicator].dropna(subset=["value"]).set_index("year")["value"]
        series = series.sort_index()
        if series.empty:
            continue
        last_year = int(series.index.max())
        first_year = int(series[series.index >= last_year - span].index.min())
        errors = mine[mine["indicator"] == WGI_STD_ERRORS.get(indicator)].set_index("year")["value"]
        rows.append(
            {
                "program": program,
                "iso3": iso3,
                "first_year": first_year,
                "first": series[first_year],
                "last_year": last_year,
                "last": series[last_year],
                "change_se": (errors.get(first_year, np.nan) ** 2 + errors.get(last_year, np.nan) ** 2)
                ** 0.5,
            }
        )
    out = pd.DataFrame(rows)
    out["change"] = out["last"] - out["first"]
    return out


def _partner_table(changes: pd.DataFrame, names: dict[str, str], unit: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Programme": changes["program"],
            "Country": [names.get(c, c) for c in changes["iso3"]],
            "From year": changes["first_year"],
            f"Then ({unit})": changes["first"],
            "Latest year": changes["last_year"],
            f"Latest ({unit})": changes["last"],
            "Change": changes["change"],
        }
    )


def _spans(changes: pd.DataFrame) -> str:
    years = changes["last_year"] - changes["first_year"]
    low, high = int(years.min()), int(years.max())
    return f"{low} years" if low == high else f"{low}-{high} years"


def _move_rule(span: int) -> str:
    return (
        f"latest year on file against {span} years earlier (or the first year after it with a figure). "
        "Supported when at least two thirds moved the hoped-for way; partly supported when more moved "
        "that way than the other; contradicted otherwise (as many or more moved the other way). "
        "Partner countries of under one million people are left out, as in the partnership_outcomes designs."
    )


def violence_claim(span: int) -> Claim:
    return Claim(
        "violence",
        "Partnerships bring less violence in partner nations.",
        f"The homicide rate of each partner country of the programmes on file (a move within "
        f"±{HOMICIDE_TOLERANCE:g} per 100,000 is none), " + _move_rule(span) + " A trend, not an effect: "
        "the partnership_outcomes reports test effects against fixed comparison countries.",
        (
            "partnership_outcomes/merida-initiative",
            "partnership_outcomes/carsi",
            "mexico_violence/intentional-homicide",
        ),
    )


def check_violence(
    indicators: pd.DataFrame, victims: pd.DataFrame, names: dict[str, str], span: int
) -> Check:
    changes = partner_changes(indicators, "homicide_rate", span)
    verdict = direction(
        dict(zip(changes["iso3"], changes["change"], strict=True)), wanted=-1, tolerance=HOMICIDE_TOLERANCE
    )
    fell = int((changes["change"] < -HOMICIDE_TOLERANCE).sum())
    rose = int((changes["change"] > HOMICIDE_TOLERANCE).sum())
    evidence = (
        f"Of {len(changes)} partner countries, the homicide rate fell by more than "
        f"{HOMICIDE_TOLERANCE:g} per 100,000 in {fell} and rose by more in {rose}, over "
        f"{_spans(changes)} to the latest year on file"
        + (": more rose than fell. " if rose > fell else ". ")
        + violence.national_homicide_sentence(victims)
    )
    return Check(violence_claim(span), verdict, evidence, _partner_table(changes, names, "per 100,000"))


def institutions_claim(span: int) -> Claim:
    return Claim(
        "institutions",
        "Partnerships bring less corruption and stronger institutions.",
        "The World Bank's governance estimates (control of corruption, rule of law) of each partner country "
        f"(a change counts only beyond {WGI_Z:g} standard errors of the difference of the two estimates), "
        + _move_rule(span),
        ("partnership_outcomes/plan-colombia", "partnership_outcomes/merida-initiative"),
    )


def check_institutions(indicators: pd.DataFrame, names: dict[str, str], span: int) -> Check:
    frames = {m: partner_changes(indicators, m, span) for m in WGI_STD_ERRORS}
    changes = {f"{m} {r.iso3}": r.change for m, f in frames.items() for r in f.itertuples()}
    limits = {f"{m} {r.iso3}": WGI_Z * r.change_se for m, f in frames.items() for r in f.itertuples()}
    verdict = direction(changes, wanted=+1, tolerance=limits)
    rose = sum(changes[k] > limits[k] for k in changes)
    fell = sum(changes[k] < -limits[k] for k in changes)
    everything = pd.concat(frames.values())
    evidence = (
        f"Of {len(changes)} partner country-measures (control of corruption and rule of law), {rose} "
        f"improved and {fell} worsened beyond their standard errors over {_spans(everything)} to the "
        f"latest year on file; the other {len(changes) - rose - fell} did not move beyond them"
        + (": the hoped-for improvement is not in the data." if rose <= fell else ".")
    )
    table = pd.concat(
        [
            _partner_table(f, names, "estimate").assign(Measure=OUTCOMES[m].split(" (")[0])
            for m, f in frames.items()
        ]
    )
    return Check(institutions_claim(span), verdict, evidence, table[["Measure", *table.columns[:-1]]])


THREAT_FINANCE = Claim(
    "threat_finance",
    "The US targets the trafficking organizations' money (threat finance).",
    "Supported when OFAC added entries under the narcotics sanctions programmes in every calendar year "
    "its list's scrape history covers and a measure of the proceeds blocked or seized is on file; "
    "partly supported when only the designations hold; contradicted when no year added any.",
    ("threat_finance/all-programs",),
)


def check_threat_finance(designations: pd.DataFrame) -> Check:
    designations = threat_finance.on_newest_list(designations)
    per_year = threat_finance.first_seen_years(designations)
    per_year = per_year.reindex(range(per_year.index.min(), per_year.index.max() + 1), fill_value=0)
    designated = bool(len(per_year)) and bool((per_year > 0).all())
    verdict = PARTLY if designated else CONTRADICTED
    counts = threat_finance.entries_by_program(designations)
    evidence = (
        f"OFAC's list held {len(designations):,} entries under the narcotics programmes ("
        + "; ".join(f"{label} {n:,}" for label, n in counts.items())
        + f"; an entry can carry several) on {wording.date_text(threat_finance.list_date(designations))}; "
        f"{int(per_year.sum()):,} of them were first seen after the scrape history began on "
        f"{wording.date_text(threat_finance.FIRST_SCRAPE)}: "
        + ", ".join(f"{n} in {y}" for y, n in per_year.items())
        + " (entries added and removed again in that time are not in this table). No table on file "
        "measures the proceeds blocked or seized, so the designations show activity, not what it took "
        "from the organizations."
    )
    table = pd.DataFrame({"Year first seen": list(per_year.index), "New entries": list(per_year.values)})
    return Check(THREAT_FINANCE, verdict, evidence, table)


LEADERSHIP = Claim(
    "leadership_abroad",
    "The trafficking organizations' leadership is largely based abroad.",
    "Not checkable with OFAC's list: the Kingpin Act and EO 14059 designate foreign persons by design, so "
    "the share of designated people outside the United States shows whom the US targets, not where the "
    "organizations' leaders are. The evidence gives that share for what it is.",
    ("threat_finance/all-programs",),
)


def check_leadership(designations: pd.DataFrame, names: dict[str, str]) -> Check:
    designations = threat_finance.on_newest_list(designations)
    people = designations[designations["sdn_type"] == "individual"]
    known = people.dropna(subset=["iso3"])
    us_tie = known["countries_iso3"].fillna("").str.split("; ").map(lambda codes: "USA" in codes)
    abroad = known[~us_tie]
    top = abroad["iso3"].value_counts().head(5)
    evidence = (
        f"{len(abroad):,} of the {len(known):,} designated individuals with a known country have no US "
        f"address or US document on the list, and {int(us_tie.sum()):,} have one; most are placed in "
        + ", ".join(f"{names.get(c, c)} ({n:,})" for c, n in top.items())
        + ". It would need an independent census of the organizations' leaders and where they live "
        "(e.g. indictments and extraditions by country)."
    )
    table = pd.DataFrame({"Country": [names.get(c, c) for c in top.index], "Individuals": list(top.values)})
    needs = "an independent record of the organizations' leaders and where they live"
    return Check(LEADERSHIP, NOT_CHECKABLE, evidence, table, needs=needs)


#: Harm at home: the fall from the peak that counts as falling, and the years back for the
#: "below its earlier level" test.
HARM_FALL = 0.1
HARM_YEARS_BACK = 5

HARM = Claim(
    "harm_at_home",
    "Drug harm at home falls: fewer Americans die of overdoses involving fentanyl.",
    f"CDC's 12-month-ending deaths involving synthetic opioids (mostly fentanyl), United States: "
    f"supported when the latest month is at least {_pct(HARM_FALL)} below the peak and below its level "
    f"{HARM_YEARS_BACK} years earlier; partly supported when only the first holds; contradicted "
    "otherwise. A fall at home is not by itself an effect of partnerships abroad.",
    ("us_demand/fentanyl",),
)


def check_harm(deaths_by_state: pd.DataFrame) -> Check:
    us = deaths_by_state[deaths_by_state["state"] == demand.NATIONAL_STATE].dropna(subset=["deaths_12m"])
    us = us.assign(month=pd.to_datetime(us["month"])).set_index("month")["deaths_12m"].sort_index()
    peak_month, peak = us.idxmax(), us.max()
    latest_month, latest = us.index.max(), us.iloc[-1]
    back_month = latest_month - pd.DateOffset(years=HARM_YEARS_BACK)
    back = us.get(back_month, float("nan"))
    fell = latest <= (1 - HARM_FALL) * peak
    verdict = (SUPPORTED if latest < back else PARTLY) if fell else CONTRADICTED
    evidence = (
        f"Deaths involving synthetic opioids in the 12 months to {latest_month:%B %Y}: {latest:,.0f} "
        f"(provisional), {_pct(1 - latest / peak)} below the peak of {peak:,.0f} in the 12 months to "
        f"{peak_month:%B %Y}, and {'below' if latest < back else 'above'} the {back:,.0f} of the 12 "
        f"months to {back_month:%B %Y}."
    )
    national = deaths_by_state[deaths_by_state["state"] == demand.NATIONAL_STATE]
    predicted = (
        national.dropna(subset=["deaths_12m_predicted"])
        if "deaths_12m_predicted" in national
        else national.iloc[:0]
    )
    if not predicted.empty:
        predicted = predicted.assign(month=pd.to_datetime(predicted["month"])).set_index("month")
        predicted = predicted["deaths_12m_predicted"].sort_index()
        evidence += (
            f" The rule uses the reported counts; CDC's predicted counts (adjusted for records still to "
            f"come) give {predicted.iloc[-1]:,.0f} against a peak of {predicted.max():,.0f} in "
            f"{predicted.idxmax():%B %Y}, {_pct(1 - predicted.iloc[-1] / predicted.max())} below."
        )
    table = pd.DataFrame(
        {
            "12 months to": [f"{m:%B %Y}" for m in (back_month, peak_month, latest_month)],
            "Deaths (reported)": [back, peak, latest],
        }
    )
    return Check(HARM, verdict, evidence, table)


def checks(data: dict[str, pd.DataFrame], setup: Setup) -> list[Check]:
    """Every check, in the order of the page."""
    fy, span = setup.fiscal_year, setup.span_years
    panels = {crop: data[table] for crop, table in ERADICATION_PANELS.items()}
    names = data["countries"].set_index("iso3")["name"].to_dict()
    builders: list[Callable[[], Check]] = [
        lambda: check_trafficking(data["cbp_seizures_monthly"], data["unodc_seizures"], fy),
        lambda: check_southwest(data["cbp_seizures_monthly"], fy),
        lambda: check_continuing(data["cbp_seizures_monthly"], fy),
        lambda: check_eradication(data["crop_estimates"], panels, "coca", names, span),
        lambda: check_eradication(data["crop_estimates"], panels, "opium_poppy", names, span),
        lambda: not_checkable("alternative_development"),
        lambda: not_checkable("investigations"),
        lambda: check_threat_finance(data["ofac_narcotics_designations"]),
        lambda: check_leadership(data["ofac_narcotics_designations"], names),
        lambda: check_violence(data["country_indicators"], data["mexico_victims_monthly"], names, span),
        lambda: check_institutions(data["country_indicators"], names, span),
        lambda: not_checkable("leads"),
        lambda: not_checkable("prevention_abroad"),
        lambda: check_harm(data["overdose_deaths_12m_by_state"]),
    ]
    return [build() for build in builders]


def verdict_table(found: list[Check]) -> pd.DataFrame:
    """One row per claim: its number, the claim and the verdict."""
    return pd.DataFrame(
        {
            "No.": range(1, len(found) + 1),
            "Claim": [c.claim.text for c in found],
            "Verdict": [c.verdict for c in found],
        }
    )


def reading(found: list[Check]) -> list[str]:
    """Headline findings: how many claims get each verdict, then, per verdict, which claims, and
    the evidence of each contradicted claim."""
    counts = pd.Series([c.verdict for c in found]).value_counts()
    out = [
        f"Of {len(found)} claims of the page checked against the data on file, "
        + ", ".join(f"{counts.get(v, 0)} {v}" for v in SCALE)
        + ", each by the rule stated beside it."
    ]
    for verdict in SCALE:
        topics = [TOPICS[c.claim.key] for c in found if c.verdict == verdict]
        if topics:
            out.append(f"{verdict.capitalize()}: " + "; ".join(topics) + ".")
    out += [f"Contradicted, {TOPICS[c.claim.key]}: {c.evidence}" for c in found if c.verdict == CONTRADICTED]
    return out


def report_links(check: Check, related_reports: list[tuple[str, str]] | None) -> list[tuple[str, str]]:
    """(title, href) of the reports the claim cites that the catalog has, from the runner's
    ``related_reports`` ([title, href] of every report; hrefs ``../<notebook>/<run>.html``)."""
    by_run = {href.removeprefix("../").removesuffix(".html"): title for title, href in related_reports or []}
    return [(by_run[run], f"../{run}.html") for run in check.claim.reports if run in by_run]


def verdict_counts(found: list[Check]) -> pd.Series:
    """Claims per verdict, in :data:`SCALE` order (verdicts no claim got left out)."""
    counts = pd.Series([c.verdict for c in found]).value_counts()
    return counts.reindex([v for v in SCALE if v in counts.index]).rename(lambda v: v.capitalize())


def table_formats(frame: pd.DataFrame) -> dict[str, str]:
    """Formats for a check's table: kilograms, hectares and deaths as whole numbers, shares and
    changes in percent to whole numbers, governance estimates to two decimals, years as is."""
    formats = {}
    for column in frame.columns:
        if frame[column].dtype.kind not in "fi" or "year" in column.lower():
            continue
        two_decimals = "estimate" in column or (column == "Change" and frame[column].abs().max() < 5)
        formats[column] = "{:,.2f}" if two_decimals else "{:,.0f}"
    return formats
