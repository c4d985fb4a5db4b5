"""The trafficking_flows report: where a drug is seized worldwide, the chain toward the US from
production to the border, published route shares, prices along the chain and NFLIS reports."""

from __future__ import annotations

import pandas as pd

from drugflows import params, tables
from drugflows.domain.crops import pick_vintage
from drugflows.domain.demand import nflis_states
from drugflows.domain.drugs import DRUGS
from drugflows.domain.prices import SOURCE_STAGE, US_STAGE, price_ladder
from drugflows.domain.seizures import latest_year, region_shares, top_region_shares, unodc_series
from drugflows.sources.cbp import OFO, USBP

#: The processed tables the report reads, in the order its vintage table lists them.
TABLES = (
    "unodc_seizures",
    "cbp_seizures_monthly",
    "amo_seizures_monthly",
    "crop_estimates",
    "drug_prices",
    "flow_estimates",
    "nflis_reports",
    "countries",
    "world_countries",
)
__all__ = ["nflis_states", "price_ladder", "region_shares", "top_region_shares"]

#: Seizure stages of the chain toward the US, by report region group (countries table) or ISO3.
TRANSIT_STAGES = (
    ("Andean region", "region_group", "Andean region"),
    ("Central America", "region_group", "Central America"),
    ("Caribbean", "region_group", "Caribbean"),
    ("Mexico", "iso3", "MEX"),
)
#: The kinds of stage of :func:`supply_chain` (its ``kind`` column).
PRODUCTION, TRANSIT_SEIZURE, US_SEIZURE, REMAINDER = "production", "transit", "us_border", "remainder"
#: The US-border stages of :func:`supply_chain`, by CBP component.
US_STAGES = {OFO: "Seized: US ports of entry (CBP OFO)", USBP: "Seized: US between ports (CBP USBP)"}
PORTS_STAGE = US_STAGES[OFO]
AMO_STAGE = "Seized: US air and marine (CBP AMO)"


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name."""
    return {name: tables.load(name) for name in TABLES}


def validate(drug: object, year: object, unodc: pd.DataFrame) -> tuple[str, pd.DataFrame, int]:
    """The report drug (ParameterError listing :data:`DRUGS`), its UNODC series (kg by country and
    year) and the year: ``year`` if on file, else the latest (None)."""
    drug = params.choose("drug", drug, DRUGS)
    by_country = unodc_series(unodc, drug)
    return drug, by_country, latest_year(by_country, year)


def supply_chain(
    drug: str,
    year: int,
    unodc: pd.DataFrame,
    countries: pd.DataFrame,
    cbp: pd.DataFrame,
    amo: pd.DataFrame,
    crops: pd.DataFrame,
) -> pd.DataFrame:
    """The chain toward the US for one year, as far as the data reach, in kg where weighed.

    Stages: potential production (published, latest vintage), seizures in the Andean region,
    Central America, the Caribbean and Mexico (UNODC, calendar year), at the US border by CBP at
    ports, between ports and by Air and Marine Operations (fiscal year ``year``), and the remainder
    of production not seized anywhere on the chain. Returns stage, kg, source, note and kind (one of
    :data:`PRODUCTION`, :data:`TRANSIT_SEIZURE`, :data:`US_SEIZURE`, :data:`REMAINDER`).
    """
    stages = []
    spec = DRUGS[drug]
    if spec.crop:
        prod = pick_vintage(crops[(crops["crop"] == spec.crop) & (crops["measure"] == "production_t")])
        prod = prod[prod["year"] == year]
        if spec.crop == "coca":
            prod = prod[prod["iso3"] == "WLD"]
        if not prod.empty:
            row = prod.sort_values("published_year").iloc[-1]
            note = f"{row['estimate_by']}, {row['unit']}"
            stages.append(("Potential production", row["value"] * 1000, row["source"], note, PRODUCTION))
    series = unodc_series(unodc, drug)
    series = series[series["year"] == year].merge(countries[["iso3", "region_group"]], on="iso3", how="left")
    for label, column, value in TRANSIT_STAGES:
        kg = series.loc[series[column] == value, "kg"].sum()
        stages.append((f"Seized: {label}", kg, "UNODC drug seizures", f"calendar {year}", TRANSIT_SEIZURE))
    cbp_rows = cbp[(cbp["drug"] == spec.cbp) & (cbp["fiscal_year"] == year)]
    for component, stage in US_STAGES.items():
        kg = cbp_rows.loc[cbp_rows["component"] == component, "kg"].sum()
        stages.append((stage, kg, "CBP drug seizure statistics", f"fiscal year {year}", US_SEIZURE))
    amo_kg = amo.loc[(amo["drug"] == spec.cbp) & (amo["fiscal_year"] == year), "kg"].sum()
    stages.append((AMO_STAGE, amo_kg, "CBP drug seizure statistics (AMO)", f"fiscal year {year}", US_SEIZURE))
    chain = pd.DataFrame(stages, columns=["stage", "kg", "source", "note", "kind"])
    if chain["kind"].iloc[0] == PRODUCTION:
        seized = chain.loc[chain["kind"] != PRODUCTION, "kg"].sum()
        chain.loc[len(chain)] = (
            "Not seized on this chain",
            max(chain["kg"].iloc[0] - seized, 0.0),
            "remainder",
            "production minus the seizures above: consumed "
            "elsewhere, stocked, lost, seized elsewhere or not recorded",
            REMAINDER,
        )
    return chain


def chain_table(chain: pd.DataFrame) -> pd.DataFrame:
    """The chain with reader-facing column names."""
    return chain.drop(columns="kind").rename(
        columns={"stage": "Stage", "kg": "Kilograms", "source": "Source", "note": "Note"}
    )


def prices_table(prices: pd.DataFrame) -> pd.DataFrame:
    """The price ladder with reader-facing column names."""
    return prices.rename(
        columns={
            "stage": "Stage",
            "level": "Level",
            "year": "Year",
            "usd_per_gram": "USD per gram",
            "countries": "Countries",
        }
    )


def routes_text(drug: str, flows_table: pd.DataFrame) -> str:
    """The published route figures for the drug, one line each with base, year and source."""
    if drug != "cocaine" or flows_table.empty:
        return (
            f"No published route shares for {drug} are on file; the route estimates on file are for cocaine."
        )
    lines = ["**Published route estimates** (US government; each with its own base and year):"]
    for row in flows_table.sort_values(["route", "year"]).itertuples():
        route = row.route.replace("_", " ")
        lines.append(
            f"- {route}, {row.year}: {row.value:,.0f} {row.unit} "
            f"([{row.source.split(':')[0]}]({row.url}), published {row.published_year})"
        )
    return "\n".join(lines)


def markup_text(prices: pd.DataFrame) -> str:
    """One sentence: the US price over the source price, at the same level of sale if possible."""
    if prices.empty:
        return "No prices per gram are on file for this drug."
    for level in ("wholesale", "retail"):
        source = prices[(prices["stage"] == SOURCE_STAGE) & (prices["level"] == level)]
        us = prices[(prices["stage"] == US_STAGE) & (prices["level"] == level)]
        if not source.empty and not us.empty:
            ratio = us["usd_per_gram"].iloc[0] / source["usd_per_gram"].iloc[0]
            return (
                f"At the {level} level a gram costs {ratio:,.1f} times as much in the United "
                f"States (${us['usd_per_gram'].iloc[0]:,.2f}, {us['year'].iloc[0]}) as in the "
                f"Andean region (${source['usd_per_gram'].iloc[0]:,.2f}, "
                f"{source['year'].iloc[0]})."
            )
    return (
        "Prices at the source and in the United States are not both on file at one level of "
        "sale, so no markup is computed."
    )


def reading(
    drug: str,
    year: int,
    this_year: pd.Series,
    shares: pd.DataFrame,
    chain: pd.DataFrame,
    prices: pd.DataFrame,
    countries: pd.DataFrame,
) -> list[str]:
    """Plain sentences computed from the tables of the trafficking_flows report."""
    names = countries.set_index("iso3")["name"]
    out = []
    total = this_year.sum()
    if total > 0:
        top = this_year.sort_values(ascending=False)
        out.append(
            f"In {year}, {len(top[top > 0])} countries reported {drug} seizures to UNODC, "
            f"{total / 1000:,.1f} tonnes in all; {names.get(top.index[0], top.index[0])} "
            f"seized the most ({100 * top.iloc[0] / total:.0f}%)."
        )
    region = shares[shares["year"] == year].sort_values("share_pct", ascending=False)
    if not region.empty:
        out.append(
            f"By region, {region['region_group'].iloc[0]} accounts for "
            f"{region['share_pct'].iloc[0]:.0f}% of the world's reported seizures."
        )
    border = chain[chain["kind"] == US_SEIZURE]
    if border["kg"].sum() > 0:
        ports = chain.loc[chain["stage"] == PORTS_STAGE, "kg"].sum()
        out.append(
            f"CBP seized {border['kg'].sum():,.0f} kg at and around the US border in fiscal "
            f"year {year}, {100 * ports / border['kg'].sum():.0f}% of it at ports of entry."
        )
    remainder = chain[chain["kind"] == REMAINDER]
    if not remainder.empty:
        share = 100 * remainder["kg"].iloc[0] / chain["kg"].iloc[0]
        out.append(
            f"Against published potential production, {share:.0f}% was not seized anywhere "
            "on this chain (it may be consumed elsewhere, stocked, or not recorded)."
        )
    out.append(markup_text(prices))
    return out
