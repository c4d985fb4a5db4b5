"""Drug prices from ``drug_prices`` (UNODC): US$ per gram by country, year, drug and level of sale.

The level of sale is the one the source module sets (``sources.unodc.market_level``): a price per
kilogram or pound is wholesale whatever UNODC's level column says; retail comes only from per-gram
prices. Comparisons along the chain are made at one level, in one form of the drug (the report drug's
``price_forms``, e.g. cocaine hydrochloride, not crack) and in the same year where one is on file.
"""

from __future__ import annotations

import pandas as pd

from drugflows.domain.drugs import DRUGS, Stage, unodc_rows

#: The stage of the US market in :func:`price_ladder`.
US_STAGE = "United States"
US = Stage(US_STAGE, "the United States", iso3=("USA",))
#: A published range is taken for an entry error, and left out (neither printed nor used), when its
#: minimum is below the typical price divided by this or its maximum above the typical price times it.
IMPLAUSIBLE_RANGE_FACTOR = 10
#: The bounds basis of :func:`ratio_bounds` when one country's published range is left out.
RANGE_LEFT_OUT = "range left out"
#: Columns of :func:`inverted_prices`.
INVERTED_COLUMNS = ["iso3", "year", "form", "retail_usd_per_gram", "wholesale_usd_per_gram"]


def stages(drug: str) -> tuple[Stage, ...]:
    """The price stages of a report drug, source to market: its source, its transit (if any) and the
    United States."""
    spec = DRUGS[drug]
    return tuple(stage for stage in (spec.source, spec.transit, US) if stage is not None)


def _stage_of(rows: pd.DataFrame, drug: str) -> pd.Series:
    stage = pd.Series(None, index=rows.index, dtype="object")
    for each in stages(drug):  # later stages win: Mexico is transit for cocaine, source for heroin
        inside = rows["region_group"].isin(each.region_groups) | rows["iso3"].isin(each.iso3)
        stage[inside] = each.label
    return stage


def inverted_prices(rows: pd.DataFrame) -> pd.DataFrame:
    """Country-years (and forms) where the median retail price per gram is below the median
    wholesale price per gram: different purity, quantities or sources, so neither is used.
    ``rows``: price rows with iso3, year, form, level, usd_per_gram. Columns: :data:`INVERTED_COLUMNS`."""
    medians = rows.groupby(["iso3", "year", "form", "level"])["usd_per_gram"].median().unstack("level")
    if not {"retail", "wholesale"} <= set(medians.columns):
        return pd.DataFrame(columns=INVERTED_COLUMNS)
    bad = medians[medians["retail"] < medians["wholesale"]]
    return (
        bad.reset_index()
        .rename(columns={"retail": "retail_usd_per_gram", "wholesale": "wholesale_usd_per_gram"})[
            INVERTED_COLUMNS
        ]
        .reset_index(drop=True)
    )


def _on_chain(prices: pd.DataFrame, countries: pd.DataFrame, drug: str) -> pd.DataFrame:
    spec = DRUGS[drug]
    rows = unodc_rows(prices, drug, spec.price_forms)
    rows = rows[rows["usd_per_gram"].notna()].merge(
        countries[["iso3", "region_group"]], on="iso3", how="left"
    )
    return rows.assign(stage=_stage_of(rows, drug)).dropna(subset=["stage"])


def inverted_chain_prices(prices: pd.DataFrame, countries: pd.DataFrame, drug: str) -> pd.DataFrame:
    """:func:`inverted_prices` of the drug's price rows on its chain toward the US (the country-years
    :func:`chain_prices` leaves out)."""
    return inverted_prices(_on_chain(prices, countries, drug))


def chain_prices(prices: pd.DataFrame, countries: pd.DataFrame, drug: str) -> pd.DataFrame:
    """Price rows of the drug on its chain toward the US: the drug's forms only, a stage assigned,
    USD per gram known, and the country-years of :func:`inverted_prices` left out. Columns of
    ``drug_prices`` plus form, total, region_group, stage."""
    rows = _on_chain(prices, countries, drug)
    bad = inverted_prices(rows)
    if not bad.empty:
        flagged = rows.set_index(["iso3", "year", "form"]).index.isin(
            bad.set_index(["iso3", "year", "form"]).index
        )
        rows = rows[~flagged]
    return rows.reset_index(drop=True)


def price_ladder(prices: pd.DataFrame, countries: pd.DataFrame, drug: str, year: int) -> pd.DataFrame:
    """Median price per gram (USD) by stage and level, latest year on file up to ``year``.

    Stages: :func:`stages` (e.g. for cocaine the Andean region, Central America and Mexico, the United
    States; for heroin Mexico and the United States). Returns stage, level, year, usd_per_gram (median
    across countries), countries (how many).
    """
    rows = chain_prices(prices, countries, drug)
    rows = rows[rows["year"] <= year]
    if rows.empty:
        return pd.DataFrame(columns=["stage", "level", "year", "usd_per_gram", "countries"])
    latest = rows.groupby(["stage", "level"])["year"].transform("max")
    rows = rows[rows["year"] == latest]
    out = rows.groupby(["stage", "level", "year"], as_index=False).agg(
        usd_per_gram=("usd_per_gram", "median"), countries=("iso3", "nunique")
    )
    order = {stage.label: i for i, stage in enumerate(stages(drug))}
    return out.sort_values(
        ["stage", "level"], key=lambda s: s.map(order) if s.name == "stage" else s, ignore_index=True
    )


def country_prices(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each country's typical price per gram (median of its rows) in ``year``, else in its nearest
    year on file (the later of two as near), with UNODC's published minimum and maximum that year
    (None where not on file: :func:`published_range`, or left out: :func:`implausible_range`, which
    ``range_left_out`` then says why; "" otherwise). ``rows``: price rows of one stage, level and
    form. Columns: iso3, year, usd_per_gram, min_usd_per_gram, max_usd_per_gram, range_left_out;
    cheapest first."""
    out = []
    for iso3, own in rows.groupby("iso3"):
        years = sorted(own["year"].unique(), key=lambda y: (abs(y - year), -y))
        at = own[own["year"] == years[0]]
        typical = float(at["usd_per_gram"].median())
        low, high = published_range(at)
        why = implausible_range(low, high, typical)
        if why:
            low = high = None
        out.append((iso3, int(years[0]), typical, low, high, why))
    columns = ["iso3", "year", "usd_per_gram", "min_usd_per_gram", "max_usd_per_gram", "range_left_out"]
    return pd.DataFrame(out, columns=columns).sort_values("usd_per_gram", ignore_index=True)


def implausible_range(low: float | None, high: float | None, typical: float) -> str:
    """Why a published range (US$ per gram) is left out as implausible, "" if it is kept: its
    minimum below a tenth of the typical price, or its maximum above ten times it
    (:data:`IMPLAUSIBLE_RANGE_FACTOR`), is taken for an entry error."""
    if low is None or high is None:
        return ""
    if low < typical / IMPLAUSIBLE_RANGE_FACTOR:
        return "the published minimum is below a tenth of the typical price"
    if high > typical * IMPLAUSIBLE_RANGE_FACTOR:
        return "the published maximum is above ten times the typical price"
    return ""


def ratio_bounds(source: pd.DataFrame, us: pd.DataFrame) -> tuple[float, float, str]:
    """The lowest and highest US price over source price that two :func:`country_prices` tables
    allow, and what they rest on: the typical prices of the source countries where there are two or
    more ("typical"), else UNODC's published minimum and maximum on each side where given
    ("published range"; a side without one counts its typical price). Where a side's published
    range is left out as implausible, the spread of that side is unknown and no bounds are given
    (NaN, NaN, :data:`RANGE_LEFT_OUT`)."""
    if len(source) >= 2:
        return (
            float(us["usd_per_gram"].min() / source["usd_per_gram"].max()),
            float(us["usd_per_gram"].max() / source["usd_per_gram"].min()),
            "typical",
        )
    if (source["range_left_out"] != "").any() or (us["range_left_out"] != "").any():
        return float("nan"), float("nan"), RANGE_LEFT_OUT

    def ends(table: pd.DataFrame) -> tuple[float, float]:
        low = table["min_usd_per_gram"].fillna(table["usd_per_gram"]).min()
        high = table["max_usd_per_gram"].fillna(table["usd_per_gram"]).max()
        return float(low), float(high)

    (source_low, source_high), (us_low, us_high) = ends(source), ends(us)
    return us_low / source_high, us_high / source_low, "published range"


def markup(prices: pd.DataFrame, countries: pd.DataFrame, drug: str, year: int) -> dict | None:
    """The US price per gram over the source price, at one level of sale (wholesale first), in the
    latest year up to ``year`` in which both are on file; else the pair of years closest together
    (both years are returned). None if no level has both. Keys: level, ratio (US median over source
    median), source (the source stage's place), source_year, source_usd, source_countries, us_year,
    us_usd; source_prices and us_prices (:func:`country_prices` of each stage, nearest year to
    source_year and us_year, with the country's name); low_ratio, high_ratio, bounds_basis
    (:func:`ratio_bounds`); and us_relabelled (the US price is filed under another level of sale,
    e.g. "Retail" but per kilogram, and counted at ``level``)."""
    spec = DRUGS[drug]
    if spec.source is None:
        return None
    rows = chain_prices(prices, countries, drug)
    rows = rows[rows["year"] <= year]
    for level in ("wholesale", "retail"):
        at = rows[rows["level"] == level]
        source = at[at["stage"] == spec.source.label].groupby("year")
        us = at[at["stage"] == US_STAGE].groupby("year")["usd_per_gram"].median()
        source_usd, source_n = source["usd_per_gram"].median(), source["iso3"].nunique()
        if source_usd.empty or us.empty:
            continue
        pairs = [(abs(s - u), -max(s, u), s, u) for s in source_usd.index for u in us.index]
        _, _, source_year, us_year = min(pairs)
        names = countries.set_index("iso3")["name"]
        source_prices = country_prices(at[at["stage"] == spec.source.label], source_year)
        us_prices = country_prices(at[at["stage"] == US_STAGE], us_year)
        source_prices["country"] = source_prices["iso3"].map(names).fillna(source_prices["iso3"])
        us_prices["country"] = us_prices["iso3"].map(names).fillna(us_prices["iso3"])
        low_ratio, high_ratio, basis = ratio_bounds(source_prices, us_prices)
        us_rows = at[(at["stage"] == US_STAGE) & (at["year"] == us_year)]
        return {
            "source_prices": source_prices,
            "us_prices": us_prices,
            "low_ratio": low_ratio,
            "high_ratio": high_ratio,
            "bounds_basis": basis,
            "us_relabelled": bool(
                "level_published" in us_rows and (us_rows["level_published"] != us_rows["level"]).any()
            ),
            "level": level,
            "ratio": us[us_year] / source_usd[source_year],
            "source": spec.source.place,
            "source_year": int(source_year),
            "source_usd": float(source_usd[source_year]),
            "source_countries": int(source_n[source_year]),
            "us_year": int(us_year),
            "us_usd": float(us[us_year]),
        }
    return None


def published_range(rows: pd.DataFrame) -> tuple[float | None, float | None]:
    """The lowest published minimum and highest published maximum of price rows, in US$ per gram
    (each row's min_usd and max_usd converted with its own usd_per_gram / value_usd); (None, None)
    where no row has both."""
    if not {"min_usd", "max_usd", "value_usd"} <= set(rows.columns):
        return None, None
    rows = rows.dropna(subset=["min_usd", "max_usd", "value_usd"])
    rows = rows[rows["value_usd"] > 0]
    if rows.empty:
        return None, None
    per_gram = rows["usd_per_gram"] / rows["value_usd"]
    return float((rows["min_usd"] * per_gram).min()), float((rows["max_usd"] * per_gram).max())


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
