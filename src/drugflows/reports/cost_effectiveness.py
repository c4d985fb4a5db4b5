"""The cost_effectiveness report: what a kilogram kept off US streets costs, after Mejia and
Restrepo (2016), and a plain accounting.

Mejia, D. and Restrepo, P. (2016), "The economics of the war on illegal drug production and
trafficking", Journal of Economic Behavior & Organization 126: 255-275. Their headline (abstract):
the marginal cost to the US of cutting the cocaine transacted in retail markets by one kilogram is
about US$940,000 when it subsidises eradication in Colombia and about US$175,000 when it subsidises
interdiction. Their general-equilibrium model and its calibration are in the paper, not in this
project's data; this module writes the headline as the chain it rests on,

    marginal cost per retail kg = US cost per unit of effort / retail kg removed per unit of effort,

fills each link it can from the project's data, and solves for the one link no public table gives
(how much of a kilogram removed in Colombia is missing at US retail after traffickers and growers
respond).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from drugflows import params, tables
from drugflows.countries import names_by_code
from drugflows.domain.assistance import GREENBOOK_SUM, INCLE_NOTE, greenbook_counternarcotics
from drugflows.domain.colombia_panel import coca_avoided_by_spraying, national_totals
from drugflows.domain.crops import complete_eradication, pick_vintage, yield_kg_per_ha
from drugflows.domain.seizures import unodc_series
from drugflows.periods import year_runs

#: The processed tables the report reads, in the order its vintage table lists them.
TABLES = ("us_assistance", "crop_estimates", "unodc_seizures", "colombia_municipal_coca")
#: Read too, for country names only; not listed in the vintage table.
NAME_TABLE = "countries"


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name (:data:`TABLES` and :data:`NAME_TABLE`)."""
    return {name: tables.load(name) for name in (NAME_TABLE, *TABLES)}


#: The paper's headline marginal costs, US$ per kilogram less at retail.
PAPER_USD_PER_RETAIL_KG = {"eradication": 940_000, "interdiction": 175_000}
PAPER_PERIOD = (2000, 2008)
PAPER = "Mejia and Restrepo (2016), Journal of Economic Behavior & Organization 126: 255-275, abstract"


@dataclass(frozen=True)
class Chain:
    """The links of the headline for one policy. Dollars are constant US$."""

    policy: str
    usd_per_unit: float  # US$ per hectare eradicated, or per kg seized
    upstream_kg_per_unit: float  # kg of cocaine removed in Colombia per unit of effort
    retail_share: float  # kg less at US retail per kg removed upstream

    @property
    def usd_per_retail_kg(self) -> float:
        return self.usd_per_unit / (self.upstream_kg_per_unit * self.retail_share)


def implied_retail_share(
    policy: str,
    usd_per_unit: float,
    upstream_kg_per_unit: float,
    target_usd_per_retail_kg: float | None = None,
) -> float:
    """The retail share that makes the chain give the paper's headline (or ``target``)."""
    target = target_usd_per_retail_kg or PAPER_USD_PER_RETAIL_KG[policy]
    return usd_per_unit / (upstream_kg_per_unit * target)


def usd(amount: float, markdown: bool = True) -> str:
    """Dollars as printed: two significant digits, in millions or billions from a million
    ("US$90 million", "US$1.2 billion", "US$940,000"); ``markdown`` escapes the dollar sign, which
    the Markdown renderer would otherwise read as the start of mathematics."""
    sign = "US\\$" if markdown else "US$"
    if not np.isfinite(amount):
        return "no finite amount"
    for size, word in ((1e9, " billion"), (1e6, " million")):
        if abs(amount) >= size:
            return f"{sign}{float(f'{amount / size:.2g}'):g}{word}"
    return f"{sign}{float(f'{amount:.2g}'):,.0f}"


def sprayed_years(estimates: pd.DataFrame, years: tuple[int, int]) -> pd.Series:
    """Hectares of coca sprayed from the air in Colombia, by year within ``years`` where a figure
    is on file (Government of Colombia; the figures behind :func:`eradication`)."""
    rows = pick_vintage(
        estimates[
            (estimates["iso3"] == "COL")
            & (estimates["crop"] == "coca")
            & (estimates["measure"] == "aerial_spraying_ha")
        ]
    )
    series = rows.set_index("year")["value"].sort_index()
    return series.loc[years[0] : years[1]].dropna()


def colombia_links(
    assistance: pd.DataFrame,
    estimates: pd.DataFrame,
    unodc: pd.DataFrame,
    years: tuple[int, int],
    eradication_budget_share: float,
    coca_avoided_per_ha: float,
    avoided_interval: tuple[float, float] | None = None,
    sprayed_ha: pd.Series | None = None,
) -> pd.DataFrame:
    """The links computable from the project's data for Colombia over ``years``.

    eradication (aerial spraying, what the US paid for under Plan Colombia): US$ per hectare
    sprayed = State obligations x ``eradication_budget_share`` / hectares sprayed, money and
    hectares over the same years (those of ``years`` with a spraying figure); upstream kg per
    hectare = ``coca_avoided_per_ha`` (hectares of coca avoided per hectare *sprayed*: the
    spraying coefficient, not manual eradication's) x yield, with ``avoided_interval`` carried
    to ``upstream_low`` and ``upstream_high``. ``sprayed_ha`` (hectares by year) replaces the
    spraying figures of ``crop_estimates``: pass the municipal panel's national totals to take
    hectares from the panel the spraying coefficient is estimated on.
    interdiction: US$ per kg seized = (Defense obligations + State x (1 - share)) / kg of cocaine
    seized in Colombia (UNODC), over the years with a seizure figure; upstream kg per kg = 1.
    Both policies use one window: the years of ``years`` with spraying, State obligations and a
    seizure figure on file (fiscal 2000, the Plan Colombia supplemental, drops out of both when
    the spraying figures start in 2001). Each row has ``years`` (that window, as text), the unit
    of its kilograms (``kg_unit``: pure cocaine of potential production for eradication, bulk
    seizures for interdiction) and the retail share the paper's headline implies
    (:func:`implied_retail_share`: worked backwards from the paper, not a finding). Where
    ``avoided_interval`` includes zero the hectares avoided are no estimate (:func:`estimable`):
    the eradication row's kilograms, their range and its implied shares are missing (NaN).
    """
    money = greenbook_counternarcotics(assistance, "COL")
    state = money.get("State", pd.Series(dtype=float))
    defense = money.get("Defense", pd.Series(dtype=float))
    sprayed = (
        sprayed_years(estimates, years)
        if sprayed_ha is None
        else sprayed_ha.loc[years[0] : years[1]].dropna()
    )
    seized = unodc_series(unodc, "cocaine")
    seized = seized[(seized["iso3"] == "COL") & seized["year"].between(*years)].set_index("year")["kg"]
    on_file = set(state.index) & {int(y) for y in seized.dropna().index}
    spray_years = [int(y) for y in sprayed.index if int(y) in on_file and sprayed[y] > 0]
    if not spray_years:
        raise params.ParameterError(
            f"Parameters 'first_year' and 'last_year' ({years[0]}-{years[1]}) cover no year with aerial "
            "spraying, State obligations and seizures on file (spraying ran to 2015)"
        )
    seize_years = spray_years  # one window for both policies
    state_erad = state.loc[spray_years].sum() * eradication_budget_share
    yield_kg = yield_kg_per_ha(estimates, "COL", (min(spray_years), max(spray_years)))
    low, high = avoided_interval if avoided_interval is not None else (coca_avoided_per_ha,) * 2
    if not estimable(avoided_interval):
        coca_avoided_per_ha = low = high = np.nan
    rest = defense.reindex(seize_years).fillna(0).sum() + state.loc[seize_years].sum() * (
        1 - eradication_budget_share
    )
    kg = seized.loc[seize_years].sum()
    links = pd.DataFrame(
        [
            {
                "policy": "eradication",
                "years": year_runs(spray_years, empty="none"),
                "usd": state_erad,
                "effort": sprayed.loc[spray_years].sum(),
                "effort_unit": "ha sprayed from the air",
                "kg_unit": "kg of pure cocaine (potential production)",
                "usd_per_unit": state_erad / sprayed.loc[spray_years].sum(),
                "upstream_kg_per_unit": coca_avoided_per_ha * yield_kg,
                "upstream_low": low * yield_kg,
                "upstream_high": high * yield_kg,
                "yield_kg_per_ha": yield_kg,
            },
            {
                "policy": "interdiction",
                "years": year_runs(seize_years, empty="none"),
                "usd": rest,
                "effort": kg,
                "effort_unit": "kg seized",
                "kg_unit": SEIZED_UNIT,
                "usd_per_unit": rest / kg,
                "upstream_kg_per_unit": 1.0,
                "upstream_low": 1.0,
                "upstream_high": 1.0,
                "yield_kg_per_ha": np.nan,
            },
        ]
    )
    links["implied_retail_share"] = [
        implied_retail_share(r.policy, r.usd_per_unit, r.upstream_kg_per_unit) for r in links.itertuples()
    ]
    # From the high end of the avoided interval (more coca avoided: a smaller share needed) to its
    # low end (NaN where the interval reaches zero or below: no share gives the paper's figure).
    links["implied_share_low"] = [
        implied_retail_share(r.policy, r.usd_per_unit, r.upstream_high) if r.upstream_high > 0 else np.nan
        for r in links.itertuples()
    ]
    links["implied_share_high"] = [
        implied_retail_share(r.policy, r.usd_per_unit, r.upstream_low) if r.upstream_low > 0 else np.nan
        for r in links.itertuples()
    ]
    return links


def estimable(avoided_interval: tuple[float, float] | None) -> bool:
    """Whether hectares avoided per hectare sprayed pass the report's gate: set in the parameters
    (no interval: an assumption), or an estimate whose 95% interval lies above zero. An interval
    that includes zero (or lies below it) cannot tell spraying from no change or an increase in
    coca: no estimate, and no cost per kilogram through spraying."""
    return avoided_interval is None or avoided_interval[0] > 0


#: What the interdiction kilograms are: UNODC's cocaine-type seizures, by bulk weight.
SEIZED_UNIT = (
    "kg of cocaine-type drugs seized in Colombia, bulk weight (UNODC: base, paste and salts, and other "
    "cocaine-type; not purity-adjusted)"
)


def sensitivity(usd_per_unit: float, upstream_kg_per_unit: float, retail_shares: list[float]) -> pd.Series:
    """US$ per retail kg for each retail share (the link the paper's model supplies)."""
    return pd.Series(
        {share: usd_per_unit / (upstream_kg_per_unit * share) for share in retail_shares},
        name="usd_per_retail_kg",
    ).rename_axis("retail_share")


def accounting(
    assistance: pd.DataFrame,
    estimates: pd.DataFrame,
    unodc: pd.DataFrame,
    countries: list[str],
    years: tuple[int, int],
) -> pd.DataFrame:
    """By country over ``years``: US obligations of the Greenbook accounts (:data:`GREENBOOK_SUM`,
    constant US$), hectares
    eradicated (coca and poppy), kg of cocaine and opiates seized, and dollars per hectare and per
    kilogram. Each ratio divides the money of the years it has figures for (``eradication_years``,
    ``seizure_years``: only years with complete eradication figures, :func:`complete_eradication`)
    by the figures of those years, and puts the whole budget on one activity: an upper bound."""
    money = greenbook_counternarcotics(assistance)
    eradicated = [
        complete_eradication(estimates, crop, countries).loc[years[0] : years[1]]
        for crop in ("coca", "opium_poppy")
    ]
    seized = pd.concat([unodc_series(unodc, d) for d in ("cocaine", "heroin")])
    rows = []
    for iso3 in countries:
        spent = (
            money.loc[iso3].loc[years[0] : years[1]].sum(axis=1)
            if iso3 in money.index.get_level_values(0)
            else pd.Series(dtype=float)
        )
        ha = pd.concat([f[iso3] for f in eradicated if iso3 in f], axis=1).sum(axis=1, min_count=1).dropna()
        kg = seized[(seized["iso3"] == iso3) & seized["year"].between(*years)].groupby("year")["kg"].sum()
        ha_years = [int(y) for y in ha.index if y in spent.index]
        kg_years = [int(y) for y in kg.index if y in spent.index]
        usd_ha, usd_kg = spent.reindex(ha_years).sum(), spent.reindex(kg_years).sum()
        rows.append(
            {
                "iso3": iso3,
                "usd_constant": spent.sum(),
                "eradication_years": year_runs(ha_years, empty="none"),
                "ha_eradicated": ha.loc[ha_years].sum() if ha_years else np.nan,
                "usd_per_ha_eradicated": usd_ha / ha.loc[ha_years].sum() if ha_years else np.nan,
                "seizure_years": year_runs(kg_years, empty="none"),
                "kg_seized": kg.loc[kg_years].sum() if kg_years else np.nan,
                "usd_per_kg_seized": usd_kg / kg.loc[kg_years].sum() if kg_years else np.nan,
            }
        )
    return pd.DataFrame(rows)


#: Hectares avoided per hectare eradicated drawn in the eradication sensitivity table, besides
#: zero and the ends of the project's spraying interval (:func:`eradication_grid`).
AVOIDED_GRID = (0.02, 0.05, 0.1, 0.2, 0.3)

#: The parameter ``coca_avoided_per_ha`` as a headline names it.
AVOIDED_LABEL = (
    "hectares of coca avoided a year later per hectare sprayed (set as a parameter of this report)"
)

#: The ends of the budget-share range the report shows besides the share chosen: a quarter and
#: three quarters of State's obligations counted as paying for spraying (assumptions; no table on
#: file splits them).
BUDGET_SHARE_ENDS = (0.25, 0.75)

#: What a cell of :func:`eradication_grid` says where no coca is avoided: no finite cost.
NO_FINITE_COST = "no finite cost (no coca avoided)"
#: ... and where spraying goes with more coca (the low end of the project's interval).
MORE_COCA = "no finite cost (more coca after spraying)"


def eradication_grid(
    links: pd.DataFrame, retail_shares: list[float], interval: tuple[float, float] | None = None
) -> pd.DataFrame:
    """US$ per retail kg through eradication (two significant digits, as text), for each assumed
    number of hectares avoided per hectare sprayed (rows) and each retail share (columns). The rows
    run over both ends of the range: :data:`AVOIDED_GRID`, zero, and where given the ends of the
    project's 95% ``interval`` for the hectares avoided (its low end below zero: spraying associated
    with more coca); where no coca is avoided the cell reads :data:`NO_FINITE_COST`, where more
    coca follows :data:`MORE_COCA`. Column
    ``Row``: what the row is (an assumption, or an end of the interval)."""
    row = links.set_index("policy").loc["eradication"]
    rows = {a: "assumption" for a in (0.0, *AVOIDED_GRID)}
    if interval is not None:
        rows |= {
            float(f"{interval[0]:.2g}"): "project's 95% interval, low end",
            float(f"{interval[1]:.2g}"): "project's 95% interval, high end",
        }

    def cost(avoided: float, share: float) -> str:
        if avoided <= 0:
            return MORE_COCA if avoided < 0 else NO_FINITE_COST
        return f"{_two_digits(row['usd_per_unit'] / (avoided * row['yield_kg_per_ha'] * share)):,.0f}"

    ordered = sorted(rows)
    table = pd.DataFrame(
        {f"retail share {share:g}": [cost(a, share) for a in ordered] for share in retail_shares},
        index=pd.Index(ordered, name="Ha avoided per ha sprayed"),
    )
    table.insert(0, "Row", [rows[a] for a in ordered])
    return table


def budget_share_ends(links: pd.DataFrame, share: float) -> pd.DataFrame:
    """US$ per hectare sprayed and per kg seized (two significant digits) at each end of
    :data:`BUDGET_SHARE_ENDS` and at the ``share`` chosen: State's obligations over the chain's
    years move between the two policies (more to spraying makes a hectare dearer and a kilogram
    seized cheaper), Defense's stay with interdiction."""
    by_policy = links.set_index("policy")
    erad, inter = by_policy.loc["eradication"], by_policy.loc["interdiction"]
    state = erad["usd"] / share
    defense = inter["usd"] - state * (1 - share)
    shares = sorted({*BUDGET_SHARE_ENDS, share})
    return pd.DataFrame(
        {
            "Share of State's obligations counted as paying for spraying": [
                f"{s:.0%}" + (" (chosen)" if s == share else " (assumption)") for s in shares
            ],
            "US$ per ha sprayed": [_two_digits(state * s / erad["effort"]) for s in shares],
            "US$ per kg seized (bulk)": [
                _two_digits((defense + state * (1 - s)) / inter["effort"]) for s in shares
            ],
        }
    )


def _budget_range(links: pd.DataFrame, share: float) -> str:
    """The first headline's range over :data:`BUDGET_SHARE_ENDS`: both ends of the assumption."""
    ends = budget_share_ends(links, share).iloc[[0, -1]]
    low, high = BUDGET_SHARE_ENDS
    per_ha, per_kg = ends["US$ per ha sprayed"].tolist(), ends["US$ per kg seized (bulk)"].tolist()
    return (
        f"The share is an assumption: from {low:.0%} to {high:.0%} of State's obligations, a hectare "
        f"sprayed costs {usd(per_ha[0])} to {usd(per_ha[1])} and a kilogram seized {usd(per_kg[0])} "
        f"to {usd(per_kg[1])}."
    )


def heading(links: pd.DataFrame, setup: Setup) -> str:
    """The report's first heading: the fiscal years the chain uses, and where they differ from the
    years chosen, why (fiscal 2000, the Plan Colombia supplemental, has no spraying figure)."""
    used = str(links.set_index("policy").loc["eradication", "years"])
    chosen = f"{setup.years[0]}-{setup.years[1]}"
    why = f" (the years of {chosen} with spraying figures, which start in 2001)" if used != chosen else ""
    return f"## Plan Colombia, fiscal {used}{why}"


@dataclass(frozen=True)
class Setup:
    """Validated parameters of the cost_effectiveness report."""

    years: tuple[int, int]
    eradication_budget_share: float
    coca_avoided_per_ha: float | None
    retail_shares: list[float]
    accounting_countries: list[str]
    accounting_years: tuple[int, int]


def _fraction(name: str, value: object, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise params.ParameterError(
            f"Parameter {name!r} must be a number above 0 and at most 1"
            f"{' (or None)' if allow_none else ''}, got {value!r}"
        )
    return float(value)


def validate(
    first_year: object,
    last_year: object,
    eradication_budget_share: object,
    coca_avoided_per_ha: object,
    retail_shares: object,
    accounting_countries: object,
    accounting_first_year: object,
    accounting_last_year: object,
    countries: pd.DataFrame,
    assistance: pd.DataFrame,
) -> Setup:
    """Check the report's parameters; ParameterError naming the parameter and what is allowed.
    Years must be Greenbook years of those accounts on file."""
    on_file = greenbook_counternarcotics(assistance).index.get_level_values("fiscal_year").unique()
    years = params.year_range("first_year", first_year, "last_year", last_year, on_file)
    shares = sorted(
        _fraction("retail_shares", v)
        for v in params.as_list("retail_shares", retail_shares, "a number in (0, 1]")
    )
    return Setup(
        years=years,
        eradication_budget_share=_fraction("eradication_budget_share", eradication_budget_share),
        coca_avoided_per_ha=_fraction("coca_avoided_per_ha", coca_avoided_per_ha, allow_none=True),
        retail_shares=shares,
        accounting_countries=params.country_list("accounting_countries", accounting_countries, countries),
        accounting_years=params.year_range(
            "accounting_first_year",
            accounting_first_year,
            "accounting_last_year",
            accounting_last_year,
            on_file,
        ),
    )


def reading(links: pd.DataFrame, avoided: float, avoided_note: str, setup: Setup) -> list[str]:
    """Plain sentences from the computed links; the retail shares the paper's headline implies
    are worked backwards from it and said to be so, never stated as findings. Below the gate
    (:func:`estimable`: the spraying interval includes zero) no cost per kilogram, implied share or
    comparison is given for spraying. Pure kilograms (spraying) and bulk kilograms (seizures) are
    never put in one ratio."""
    by_policy = links.set_index("policy")
    erad, inter = by_policy.loc["eradication"], by_policy.loc["interdiction"]
    set_by_hand = avoided_note == "set in the parameters"
    out = [
        f"Fiscal years {erad['years']} for both policies (the years of {setup.years[0]}-"
        f"{setup.years[1]} with aerial spraying, State obligations and seizures on file"
        + (
            "; fiscal 2000, the Plan Colombia supplemental, is left out of both because the spraying "
            "figures start in 2001"
            if setup.years[0] <= 2000 < int(str(erad["years"])[:4])
            else ""
        )
        + f"). With {setup.eradication_budget_share:.0%} of State's INCLE and Andean Counterdrug "
        "Initiative obligations to "
        f"Colombia counted as paying for aerial spraying, the US paid about "
        f"{usd(erad['usd_per_unit'])} per hectare sprayed and, with Defense's obligations, about "
        f"{usd(inter['usd_per_unit'])} per {SEIZED_UNIT.replace('kg', 'kilogram', 1)}; "
        f"constant dollars. {_budget_range(links, setup.eradication_budget_share)}",
    ]
    yield_kg = erad["yield_kg_per_ha"]
    if pd.isna(erad["upstream_kg_per_unit"]):
        out.append(
            "No estimate of a cost per kilogram through spraying: spraying's association with later "
            f"coca cannot be told from zero (or from an increase). {avoided_note[0].upper()}"
            f"{avoided_note[1:]}. The report "
            "needs a 95% interval wholly on the side of less coca; without it there is no cost per "
            "kilogram, no implied retail share and no comparison with seizures for spraying. The "
            f"chain runs only on {AVOIDED_LABEL}, as an assumption."
        )
        out.append(
            "What the paper's numbers imply, worked backwards (not a finding of this report): for its "
            f"US\\${PAPER_USD_PER_RETAIL_KG['interdiction']:,} per kilogram less at retail through "
            f"interdiction, a kilogram seized in Colombia (bulk) would have to cut US retail by "
            f"{inter['implied_retail_share']:#.2g} kg. No share is worked out for its "
            f"US\\${PAPER_USD_PER_RETAIL_KG['eradication']:,} through eradication: without an "
            "estimate of the coca spraying avoids there is nothing to divide. The paper's model "
            "supplies that link; this project's data cannot check it."
        )
        return out
    per_kg = erad["usd_per_unit"] / erad["upstream_kg_per_unit"]
    low, high = erad["upstream_low"], erad["upstream_high"]
    if set_by_hand:
        out.append(
            f"Taking {avoided:#.2g} {AVOIDED_LABEL}, an assumption and not a finding: at "
            f"{yield_kg:#.2g} kg of pure cocaine per "
            f"hectare a year (potential production), that is {erad['upstream_kg_per_unit']:#.2g} kg "
            f"of pure cocaine less in Colombia per hectare sprayed, or {usd(per_kg)} per kilogram "
            "of pure cocaine."
        )
    else:
        out.append(
            f"Coca a year later is {avoided:#.2g} ha lower per hectare sprayed ({avoided_note}): an "
            "association within municipality, not a measured effect, and where its lead test finds "
            f"targeting it cannot be read as hectares avoided. At {yield_kg:#.2g} kg of pure cocaine "
            f"per hectare a year (potential production) that is {erad['upstream_kg_per_unit']:#.2g} "
            f"kg of pure cocaine less per hectare sprayed (from {low:#.2g} to {high:#.2g} kg within the "
            "interval): "
            f"{usd(per_kg)} per kilogram of pure cocaine, from {usd(erad['usd_per_unit'] / high)} to "
            f"{usd(erad['usd_per_unit'] / low)} within the interval."
        )
    share_range = (
        "the hectares avoided are set in the parameters, without an interval"
        if set_by_hand
        else f"from {erad['implied_share_low']:#.2g} to {erad['implied_share_high']:#.2g} within the "
        "spraying interval"
    )
    out.append(
        "What the paper's numbers imply, worked backwards (not a finding of this report): for the "
        f"chain to give the paper's US\\${PAPER_USD_PER_RETAIL_KG['eradication']:,} per kilogram less "
        f"at retail through eradication, a kilogram of pure cocaine not produced in Colombia would "
        f"have to cut US retail by {erad['implied_retail_share']:#.2g} kg ({share_range}); for its "
        f"US\\${PAPER_USD_PER_RETAIL_KG['interdiction']:,} through interdiction, a kilogram seized "
        f"(bulk) by {inter['implied_retail_share']:#.2g} kg. The paper's model supplies that link; "
        "this project's data cannot check it."
    )
    out.append(
        f"Side by side, not as a ratio, because the kilograms differ (pure against bulk): "
        f"{usd(per_kg)} per kg of pure cocaine not produced through spraying, "
        f"{usd(inter['usd_per_unit'])} per {SEIZED_UNIT.replace('kg', 'kilogram', 1)}, "
        f"fiscal {erad['years']}."
    )
    return out


def coca_avoided(setup: Setup, municipal_coca: pd.DataFrame) -> tuple[float, str, tuple[float, float] | None]:
    """Hectares of coca avoided per hectare sprayed, where the figure comes from and its 95%
    interval: the parameter (no interval), or else the project's estimate for aerial spraying
    (``colombia_municipal_coca``; the spraying coefficient, matching the hectares sprayed)."""
    if setup.coca_avoided_per_ha is not None:
        return setup.coca_avoided_per_ha, "set in the parameters", None
    spraying = coca_avoided_by_spraying(municipal_coca)
    return spraying["ha_per_ha"], spraying["note"], spraying["ci"]


#: Formats of :func:`chain_table`.
CHAIN_FORMATS = {
    "US$ million counted (constant)": "{:,.0f}",
    "Effort": "{:,.0f}",
    "US$ per unit": "{:,.0f}",
    "Kg removed in Colombia per unit": "{:.2g}",
    "Yield (kg per ha a year)": "{:.1f}",
    "What the paper's number implies: retail share": "{:.2g}",
}


def chain_table(links: pd.DataFrame) -> pd.DataFrame:
    """The links of :func:`colombia_links` with reader-facing column names and units; money to
    two significant digits."""
    shown = links.assign(
        usd=(links["usd"] / 1e6).map(lambda v: float(f"{v:.2g}")),
        effort=links["effort"].map(lambda v: float(f"{v:.2g}")),
        usd_per_unit=links["usd_per_unit"].map(lambda v: float(f"{v:.2g}")),
    )
    return shown[
        [
            "policy",
            "years",
            "usd",
            "effort",
            "effort_unit",
            "usd_per_unit",
            "upstream_kg_per_unit",
            "kg_unit",
            "yield_kg_per_ha",
            "implied_retail_share",
        ]
    ].rename(
        columns={
            "policy": "Policy",
            "years": "Years",
            "usd": "US$ million counted (constant)",
            "effort": "Effort",
            "effort_unit": "Unit",
            "usd_per_unit": "US$ per unit",
            "upstream_kg_per_unit": "Kg removed in Colombia per unit",
            "kg_unit": "Kilograms of",
            "yield_kg_per_ha": "Yield (kg per ha a year)",
            "implied_retail_share": "What the paper's number implies: retail share",
        }
    )


def sensitivity_curves(links: pd.DataFrame, retail_shares: list[float]) -> pd.DataFrame:
    """Long retail_share, usd_per_retail_kg, policy: :func:`sensitivity` of each policy's chain."""
    return pd.concat(
        [
            sensitivity(r.usd_per_unit, r.upstream_kg_per_unit, retail_shares)
            .reset_index()
            .assign(policy=r.policy)
            for r in links.itertuples()
            if pd.notna(r.upstream_kg_per_unit)
        ]
    )


#: The paper's headlines as reference lines of the sensitivity chart: label -> US$ per retail kg.
PAPER_REFERENCES = {f"{p} (paper): US${v:,}": v for p, v in PAPER_USD_PER_RETAIL_KG.items()}


def named_accounting(data: dict[str, pd.DataFrame], setup: Setup) -> pd.DataFrame:
    """:func:`accounting` of the report's countries and years, with each country's name."""
    table = accounting(
        data["us_assistance"],
        data["crop_estimates"],
        data["unodc_seizures"],
        setup.accounting_countries,
        setup.accounting_years,
    )
    table["country"] = table["iso3"].map(names_by_code(data[NAME_TABLE]))
    return table


def per_kg_ranking(table: pd.DataFrame) -> pd.Series:
    """US$ per kg seized by country name, largest first (countries without seizures left out)."""
    shown = table.dropna(subset=["usd_per_kg_seized"]).sort_values("usd_per_kg_seized", ascending=False)
    return shown.set_index("country")["usd_per_kg_seized"]


#: Formats of :func:`accounting_table`: money to two significant digits, in millions.
ACCOUNTING_FORMATS = {
    "US$ million (constant), all years": "{:,.0f}",
    "Ha eradicated": "{:,.0f}",
    "Kg seized": "{:,.0f}",
    "US$ per ha eradicated": "{:,.0f}",
    "US$ per kg seized": "{:,.0f}",
}


def _two_digits(value: float) -> float:
    return float(f"{value:.2g}") if pd.notna(value) else np.nan


def accounting_table(table: pd.DataFrame) -> pd.DataFrame:
    """The plain accounting (:func:`named_accounting`) with reader-facing column names: money
    and ratios to two significant digits, hectares to the nearest 100, and the years behind each
    ratio."""
    shown = table.assign(
        usd_constant=(table["usd_constant"] / 1e6).map(_two_digits),
        ha_eradicated=table["ha_eradicated"].round(-2),
        kg_seized=table["kg_seized"].map(_two_digits),
        usd_per_ha_eradicated=table["usd_per_ha_eradicated"].map(_two_digits),
        usd_per_kg_seized=table["usd_per_kg_seized"].map(_two_digits),
    )
    return shown[
        [
            "country",
            "usd_constant",
            "eradication_years",
            "ha_eradicated",
            "usd_per_ha_eradicated",
            "seizure_years",
            "kg_seized",
            "usd_per_kg_seized",
        ]
    ].rename(
        columns={
            "country": "Country",
            "usd_constant": "US$ million (constant), all years",
            "eradication_years": "Years with money and eradication figures",
            "ha_eradicated": "Ha eradicated",
            "usd_per_ha_eradicated": "US$ per ha eradicated",
            "seizure_years": "Years with money and seizure figures",
            "kg_seized": "Kg seized",
            "usd_per_kg_seized": "US$ per kg seized",
        }
    )


def sprayed_by_year(municipal_coca: pd.DataFrame) -> pd.Series:
    """Hectares sprayed from the air in Colombia by year: the municipal panel's national totals
    (the panel the spraying coefficient is estimated on; one edition for every year)."""
    return national_totals(municipal_coca)["aerial_spraying_ha"]


#: Title of the per-kilogram chart of the plain accounting.
PER_KG_TITLE = "US drug-control obligations per kilogram seized"


def per_kg_caveat(setup: Setup) -> str:
    """The caveat of the per-kilogram chart: what the money is, the years, the upper bound."""
    first, last = setup.accounting_years
    return (
        f"{GREENBOOK_SUM[0].upper()}{GREENBOOK_SUM[1:]} (Greenbook), fiscal {first}-{last} years with "
        "seizure figures (listed in the table below); the whole budget of those years put on seizures: "
        f"an upper bound. {INCLE_NOTE}"
    )
