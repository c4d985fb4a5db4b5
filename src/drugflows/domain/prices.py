"""Drug prices from ``drug_prices`` (UNODC): US$ per gram by country, year, drug and level of sale."""

from __future__ import annotations

import pandas as pd

from drugflows.domain.drugs import DRUGS

#: The stages of :func:`price_ladder`, source to market.
SOURCE_STAGE = "Source (Andean region)"
TRANSIT_STAGE = "Transit (Central America, Mexico)"
US_STAGE = "United States"
STAGES = (SOURCE_STAGE, TRANSIT_STAGE, US_STAGE)


def price_ladder(prices: pd.DataFrame, countries: pd.DataFrame, drug: str, year: int) -> pd.DataFrame:
    """Median price per gram (USD) by stage and level, latest year on file up to ``year``.

    Stages: source (Andean region), transit (Central America, Mexico), United States. Returns
    stage, level, year, usd_per_gram (median across countries), countries.
    """
    rows = prices[
        prices["drug_class"].isin(DRUGS[drug].unodc)
        & prices["usd_per_gram"].notna()
        & (prices["year"] <= year)
    ]
    rows = rows.merge(countries[["iso3", "region_group"]], on="iso3", how="left")
    stage = pd.Series(None, index=rows.index, dtype="object")
    stage[rows["region_group"] == "Andean region"] = SOURCE_STAGE
    stage[(rows["region_group"] == "Central America") | (rows["iso3"] == "MEX")] = TRANSIT_STAGE
    stage[rows["iso3"] == "USA"] = US_STAGE
    rows = rows.assign(stage=stage).dropna(subset=["stage"])
    if rows.empty:
        return pd.DataFrame(columns=["stage", "level", "year", "usd_per_gram", "countries"])
    latest = rows.groupby(["stage", "level"])["year"].transform("max")
    rows = rows[rows["year"] == latest]
    out = rows.groupby(["stage", "level", "year"], as_index=False).agg(
        usd_per_gram=("usd_per_gram", "median"), countries=("iso3", "nunique")
    )
    order = {stage: i for i, stage in enumerate(STAGES)}
    return out.sort_values(
        ["stage", "level"], key=lambda s: s.map(order) if s.name == "stage" else s, ignore_index=True
    )


def latest_prices(price_table: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Latest year's price per gram (US$) by drug and market level for the country."""
    rows = price_table[(price_table["iso3"] == iso3) & price_table["usd_per_gram"].notna()]
    if rows.empty:
        return pd.DataFrame()
    rows = rows[rows["year"] == rows["year"].max()]
    return (
        rows.groupby(["drug", "level"])["usd_per_gram"]
        .median()
        .unstack("level")
        .reindex(columns=["wholesale", "retail"])
        .assign(year=int(rows["year"].max()))
        .reset_index()
    )
