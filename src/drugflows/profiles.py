"""Country and region profiles: everything the processed tables say about one partner or region.

Each helper returns an empty frame (or list) where the tables do not cover the country; the
notebooks then print one "no data" line instead of a chart.
"""

from __future__ import annotations

import pandas as pd

from drugflows import cultivation, partnerships
from drugflows.cost_effectiveness import greenbook_counternarcotics
from drugflows.flows import unodc_series

#: Outcome indicators compared with the regional peers (labels: partnerships.OUTCOMES).
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
#: Drugs whose seizures a profile shows (flows.DRUGS keys), in this order.
PROFILE_DRUGS = ("cocaine", "heroin", "methamphetamine", "fentanyl")
#: The population file holds UN WPP 2017 estimates to 2015 and projections after (its SOURCE.md).
LAST_POPULATION_ESTIMATE = 2015


def region_groups(countries: pd.DataFrame) -> list[str]:
    """The report region groups, in alphabetical order."""
    return sorted(g for g in countries["region_group"].dropna().unique() if g)


def members(region: str, countries: pd.DataFrame) -> list[str]:
    """ISO3 codes of the countries and territories in a region group."""
    return sorted(countries.loc[countries["region_group"] == region, "iso3"])


def peers(iso3: str, countries: pd.DataFrame) -> list[str]:
    """The other members of the country's region group."""
    region = countries.loc[countries["iso3"] == iso3, "region_group"].iloc[0]
    return [c for c in members(region, countries) if c != iso3] if region else []


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


def at_a_glance(
    iso3: str, countries: pd.DataFrame, indicators: pd.DataFrame, majors: pd.DataFrame
) -> list[str]:
    """Bullets: region, population, Majors List status by fiscal year."""
    row = countries.set_index("iso3").loc[iso3]
    out = [
        f"**{row['name']}** ({iso3}); UN region {row['un_region']}, {row['un_subregion']}; "
        f"report region: {row['region_group'] or 'none'}."
    ]
    population = latest_value(indicators, iso3, "population", until=LAST_POPULATION_ESTIMATE)
    if population is None:
        out.append("No population figure on file.")
    else:
        people, year = population
        size = f"{people / 1e6:,.1f} million" if people >= 1e6 else f"{people:,.0f}"
        out.append(
            f"Population {size} in {year} (UN estimate, 2017 revision; later years on file are projections)."
        )
    status = partnerships.majors_status(majors, [iso3])[iso3]
    listed = status[status != "not listed"]
    years = f"{status.index.min()}-{status.index.max()}"
    if listed.empty:
        out.append(f"Not on the Majors List of drug transit or producing countries in fiscal {years}.")
    else:
        failed = listed[listed.str.contains("failed")]
        out.append(
            f"On the Majors List in fiscal {', '.join(str(y) for y in listed.index)} "
            f"(lists on file: {years})"
            + (
                f"; designated as having failed demonstrably in {', '.join(str(y) for y in failed.index)}."
                if not failed.empty
                else "."
            )
        )
    return out


def seizures_by_drug(unodc: pd.DataFrame, iso3s: list[str]) -> pd.DataFrame:
    """Years x drug: kilograms seized by the given countries (summed), as reported to UNODC."""
    out = {}
    for drug in PROFILE_DRUGS:
        series = unodc_series(unodc, drug)
        rows = series[series["iso3"].isin(iso3s)]
        if not rows.empty:
            out[drug] = rows.groupby("year")["kg"].sum()
    return pd.DataFrame(out).rename_axis("year").sort_index()


def prices(price_table: pd.DataFrame, iso3: str) -> pd.DataFrame:
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


def crops_on_file(estimates: pd.DataFrame, iso3: str) -> list[str]:
    """The crops (coca, opium_poppy) with a cultivation figure for the country."""
    return [c for c in cultivation.CROPS if iso3 in cultivation.crop_countries(estimates, c)]


def outcomes_against_peers(
    indicators: pd.DataFrame, iso3: str, peer_codes: list[str], country_label: str
) -> pd.DataFrame:
    """Long outcome, year, group, value: the country and the mean of its peers, for each of
    :data:`PEER_OUTCOMES` the country has."""
    parts = []
    for name in PEER_OUTCOMES:
        label = partnerships.OUTCOMES[name]
        panel = indicators.loc[indicators["indicator"] == name, ["iso3", "year", "value"]]
        if not (panel["iso3"] == iso3).any():
            continue
        trend = partnerships.trends(panel, [iso3], peer_codes, country_label)
        parts.append(trend.assign(outcome=label))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def crime_scores(indicators: pd.DataFrame, iso3s: list[str]) -> pd.DataFrame:
    """Latest Global Organized Crime Index scores, one row per country, labelled columns."""
    scores = partnerships.organized_crime_scores(indicators, iso3s)
    return scores.rename(columns=CRIME_SCORES)


def member_comparison(
    region: str,
    countries: pd.DataFrame,
    indicators: pd.DataFrame,
    unodc: pd.DataFrame,
    assistance: pd.DataFrame,
) -> pd.DataFrame:
    """One row per member with any figure: latest homicide rate, rule of law and corruption
    perception, criminality score, cocaine seized in the latest year on file (kg) and US
    counter-narcotics obligations (State, Defense, DEA) over the last ten Greenbook years
    (constant US$)."""
    codes = members(region, countries)
    rows = []
    names = countries.set_index("iso3")["name"]
    money = greenbook_counternarcotics(assistance).sum(axis=1)
    last_year = int(money.index.get_level_values("fiscal_year").max())
    cocaine = unodc_series(unodc, "cocaine")
    for iso3 in codes:
        row = {"iso3": iso3, "country": names[iso3]}
        for name, column in (
            ("homicide_rate", "homicides_per_100k"),
            ("wgi_rule_of_law_estimate", "rule_of_law"),
            ("corruption_perceptions_index", "cpi"),
            ("goc_criminality", "criminality"),
        ):
            found = latest_value(indicators, iso3, name)
            row[column] = found[0] if found else None
        mine = cocaine[cocaine["iso3"] == iso3]
        row["cocaine_seized_kg"] = mine.loc[mine["year"].idxmax(), "kg"] if not mine.empty else None
        mine = money[money.index.get_level_values("iso3") == iso3]
        mine = mine[mine.index.get_level_values("fiscal_year") > last_year - 10]
        row["us_counternarcotics_usd"] = mine.sum() if not mine.empty else None
        rows.append(row)
    table = pd.DataFrame(rows)
    values = table.drop(columns=["iso3", "country"])
    table = table[values.notna().any(axis=1)].reset_index(drop=True)
    table.attrs["greenbook_years"] = (last_year - 9, last_year)
    return table


def world_shares(unodc: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Years x drug: the region's share (%) of all seizures reported to UNODC."""
    out = {}
    for drug in PROFILE_DRUGS:
        series = unodc_series(unodc, drug)
        if series.empty:
            continue
        world = series.groupby("year")["kg"].sum()
        region = series[series["iso3"].isin(codes)].groupby("year")["kg"].sum()
        share = region.reindex(world.index, fill_value=0) / world * 100
        if region.sum() > 0:
            out[drug] = share
    return pd.DataFrame(out).rename_axis("year").sort_index()
