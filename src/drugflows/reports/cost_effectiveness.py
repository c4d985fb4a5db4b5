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
from drugflows.domain.assistance import greenbook_counternarcotics
from drugflows.domain.colombia_panel import coca_avoided_by_spraying
from drugflows.domain.crops import eradication, yield_kg_per_ha
from drugflows.domain.seizures import unodc_series

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


def colombia_links(
    assistance: pd.DataFrame,
    estimates: pd.DataFrame,
    unodc: pd.DataFrame,
    years: tuple[int, int],
    eradication_budget_share: float,
    coca_avoided_per_ha: float,
) -> pd.DataFrame:
    """The links computable from the project's data for Colombia over ``years``.

    eradication: US$ per hectare eradicated = State obligations x ``eradication_budget_share`` /
    hectares eradicated (:func:`drugflows.domain.crops.eradication`, aerial and manual); upstream
    kg per hectare = ``coca_avoided_per_ha`` x yield.
    interdiction: US$ per kg seized = (Defense obligations + State x (1 - share)) / kg of cocaine
    seized in Colombia (UNODC); upstream kg per kg seized = 1.
    Each with the retail share that gives the paper's headline (:func:`implied_retail_share`).
    """
    money = greenbook_counternarcotics(assistance, "COL").loc[years[0] : years[1]]
    hectares = eradication(estimates, "coca", ["COL"]).loc[years[0] : years[1], "COL"].sum()
    seized = unodc_series(unodc, "cocaine")
    seized = seized[(seized["iso3"] == "COL") & seized["year"].between(*years)]["kg"].sum()
    state = money.get("State", pd.Series(dtype=float)).sum()
    defense = money.get("Defense", pd.Series(dtype=float)).sum()
    yield_kg = yield_kg_per_ha(estimates, "COL", years)
    links = pd.DataFrame(
        [
            {
                "policy": "eradication",
                "usd": state * eradication_budget_share,
                "effort": hectares,
                "effort_unit": "ha eradicated",
                "usd_per_unit": state * eradication_budget_share / hectares,
                "upstream_kg_per_unit": coca_avoided_per_ha * yield_kg,
                "yield_kg_per_ha": yield_kg,
            },
            {
                "policy": "interdiction",
                "usd": defense + state * (1 - eradication_budget_share),
                "effort": seized,
                "effort_unit": "kg seized",
                "usd_per_unit": (defense + state * (1 - eradication_budget_share)) / seized,
                "upstream_kg_per_unit": 1.0,
                "yield_kg_per_ha": np.nan,
            },
        ]
    )
    links["implied_retail_share"] = [
        implied_retail_share(r.policy, r.usd_per_unit, r.upstream_kg_per_unit) for r in links.itertuples()
    ]
    return links


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
    """By country over ``years``: US counter-narcotics obligations (constant US$), hectares
    eradicated (coca and poppy), kg of cocaine and opiates seized, and dollars per hectare and per
    kilogram. Each ratio puts the whole budget on one activity: an upper bound for each."""
    money = greenbook_counternarcotics(assistance)
    eradicated = [
        eradication(estimates, crop, countries).loc[years[0] : years[1]] for crop in ("coca", "opium_poppy")
    ]
    seized = pd.concat([unodc_series(unodc, d) for d in ("cocaine", "heroin")])
    rows = []
    for iso3 in countries:
        spent = money.loc[iso3].loc[years[0] : years[1]].sum().sum() if iso3 in money.index else 0.0
        hectares = sum(frame[iso3].sum() for frame in eradicated if iso3 in frame)
        kg = seized[(seized["iso3"] == iso3) & seized["year"].between(*years)]["kg"].sum()
        rows.append(
            {
                "iso3": iso3,
                "usd_constant": spent,
                "ha_eradicated": hectares,
                "kg_seized": kg,
                "usd_per_ha_eradicated": spent / hectares if hectares else np.nan,
                "usd_per_kg_seized": spent / kg if kg else np.nan,
            }
        )
    return pd.DataFrame(rows)


#: Hectares avoided per hectare eradicated drawn in the eradication sensitivity table.
AVOIDED_GRID = (0.02, 0.05, 0.1, 0.2, 0.3)


def eradication_grid(links: pd.DataFrame, retail_shares: list[float]) -> pd.DataFrame:
    """US$ per retail kg through eradication, for each of :data:`AVOIDED_GRID` (rows, ha avoided
    per ha eradicated) and each retail share (columns)."""
    row = links.set_index("policy").loc["eradication"]
    return pd.DataFrame(
        {
            share: [row["usd_per_unit"] / (a * row["yield_kg_per_ha"] * share) for a in AVOIDED_GRID]
            for share in retail_shares
        },
        index=pd.Index(AVOIDED_GRID, name="ha avoided per ha"),
    ).rename(columns=lambda s: f"retail share {s:g}")


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
    Years must be Greenbook counter-narcotics years on file."""
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
    """Plain sentences from the computed links and the implied retail shares."""
    by_policy = links.set_index("policy")
    erad, inter = by_policy.loc["eradication"], by_policy.loc["interdiction"]
    first, last = setup.years
    out = [
        f"With {setup.eradication_budget_share:.0%} of State's counter-narcotics obligations to "
        f"Colombia in {first}-{last} counted as eradication, the US paid about "
        f"US${erad['usd_per_unit']:,.0f} per hectare eradicated and, with Defense's, about "
        f"US${inter['usd_per_unit']:,.0f} per kilogram of cocaine seized in Colombia (constant dollars).",
        f"A hectare eradicated avoids {avoided:.3f} ha of coca ({avoided_note}); at "
        f"{erad['yield_kg_per_ha']:.2f} kg of pure cocaine per hectare a year, that is "
        f"{erad['upstream_kg_per_unit']:.3f} kg less in Colombia per hectare eradicated.",
        f"To match the paper's US${PAPER_USD_PER_RETAIL_KG['eradication']:,} (eradication) and "
        f"US${PAPER_USD_PER_RETAIL_KG['interdiction']:,} (interdiction) per kilogram less at retail, "
        f"a kilogram removed in Colombia must cut US retail by {erad['implied_retail_share']:.4f} kg "
        f"through eradication and {inter['implied_retail_share']:.4f} kg through interdiction: "
        "traffickers and growers replace almost all of what is removed.",
    ]
    threshold = erad["usd_per_unit"] / (erad["upstream_kg_per_unit"] * inter["usd_per_unit"])
    ratio = erad["implied_retail_share"] / inter["implied_retail_share"]
    out.append(
        f"Eradication would be the cheaper route only if a kilogram it avoids reached US retail "
        f"at least {threshold:.2f} times as surely as a kilogram seized; the paper's figures "
        f"imply {ratio:.2f} times (growers replant and raise yields, and a kilogram is worth "
        "less at the farm than at the border)."
    )
    return out


def coca_avoided(setup: Setup, municipal_coca: pd.DataFrame) -> tuple[float, str]:
    """Hectares of coca avoided per hectare eradicated, and where the figure comes from: the
    parameter, or else the project's estimate for aerial spraying (``colombia_municipal_coca``)."""
    if setup.coca_avoided_per_ha is not None:
        return setup.coca_avoided_per_ha, "set in the parameters"
    spraying = coca_avoided_by_spraying(municipal_coca)
    return spraying["ha_per_ha"], spraying["note"]


#: Formats of :func:`chain_table`.
CHAIN_FORMATS = {
    "US$ counted (constant)": "{:,.0f}",
    "Effort": "{:,.0f}",
    "US$ per unit": "{:,.0f}",
    "Kg removed in Colombia per unit": "{:.3f}",
    "Yield (kg per ha a year)": "{:.2f}",
    "Implied retail share": "{:.4f}",
}


def chain_table(links: pd.DataFrame) -> pd.DataFrame:
    """The links of :func:`colombia_links` with reader-facing column names and units."""
    return links.rename(
        columns={
            "policy": "Policy",
            "usd": "US$ counted (constant)",
            "effort": "Effort",
            "effort_unit": "Unit",
            "usd_per_unit": "US$ per unit",
            "upstream_kg_per_unit": "Kg removed in Colombia per unit",
            "yield_kg_per_ha": "Yield (kg per ha a year)",
            "implied_retail_share": "Implied retail share",
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
        ]
    )


#: The paper's headlines as reference lines of the sensitivity chart: label -> US$ per retail kg.
PAPER_REFERENCES = {f"{p} (paper): US${v:,.0f}": v for p, v in PAPER_USD_PER_RETAIL_KG.items()}


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


#: Formats of :func:`accounting_table`.
ACCOUNTING_FORMATS = {
    c: "{:,.0f}"
    for c in [
        "US$ (constant)",
        "Ha eradicated",
        "Kg seized",
        "US$ per ha eradicated",
        "US$ per kg seized",
    ]
}


def accounting_table(table: pd.DataFrame) -> pd.DataFrame:
    """The plain accounting (:func:`named_accounting`) with reader-facing column names."""
    return table[
        [
            "country",
            "usd_constant",
            "ha_eradicated",
            "kg_seized",
            "usd_per_ha_eradicated",
            "usd_per_kg_seized",
        ]
    ].rename(
        columns={
            "country": "Country",
            "usd_constant": "US$ (constant)",
            "ha_eradicated": "Ha eradicated",
            "kg_seized": "Kg seized",
            "usd_per_ha_eradicated": "US$ per ha eradicated",
            "usd_per_kg_seized": "US$ per kg seized",
        }
    )
