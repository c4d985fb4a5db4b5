"""The region_profile report: the countries of one region compared on the same measures, and the
region's totals.

Each helper returns an empty frame (or list) where the tables do not cover the region; the
notebook then prints one "no data" line instead of a chart.
"""

from __future__ import annotations

import pandas as pd

from drugflows import params, tables
from drugflows.countries import members, names_by_code, region_groups
from drugflows.domain.assistance import (
    GREENBOOK_SUM,
    INCLE_NOTE,
    assistance_title,
    counternarcotics_assistance,
    greenbook_counternarcotics,
)
from drugflows.domain.outcomes import latest_value
from drugflows.domain.seizures import (
    SERIES_BREAK_NOTE,
    SERIES_BREAK_YEAR,
    seizures_by_drug,
    series_break_rows,
    spans_series_break,
    unodc_series,
    world_shares,
)
from drugflows.params import links as checked_links

#: The processed tables the report reads, in the order its vintage table lists them.
TABLES = ("countries", "country_indicators", "unodc_seizures", "us_assistance")

__all__ = [
    "assistance_title",
    "checked_links",
    "counternarcotics_assistance",
    "members",
    "names_by_code",
    "seizures_by_drug",
    "SERIES_BREAK_NOTE",
    "SERIES_BREAK_YEAR",
    "series_break_rows",
    "spans_series_break",
    "world_shares",
]


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name."""
    return {name: tables.load(name) for name in TABLES}


def select(region: object, countries: pd.DataFrame) -> str:
    """The ``region`` parameter checked against the report region groups (ParameterError lists them)."""
    return params.choose("region", region, region_groups(countries))


def member_list(codes: list[str], names: dict[str, str]) -> str:
    """The members by name with their ISO3 codes, comma-separated."""
    return ", ".join(f"{names[c]} ({c})" for c in codes)


def member_comparison(
    region: str,
    countries: pd.DataFrame,
    indicators: pd.DataFrame,
    unodc: pd.DataFrame,
    assistance: pd.DataFrame,
) -> pd.DataFrame:
    """One row per member with any figure: latest homicide rate, rule of law and corruption
    perception, criminality score, cocaine seized in the latest year on file (kg) and US
    obligations of the Greenbook accounts (:data:`GREENBOOK_SUM`: INCLE, which also pays for police
    and justice programmes, and the counter-drug accounts) over the last ten Greenbook years
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
        row["us_greenbook_usd"] = mine.sum() if not mine.empty else None
        rows.append(row)
    table = pd.DataFrame(rows)
    values = table.drop(columns=["iso3", "country"])
    table = table[values.notna().any(axis=1)].reset_index(drop=True)
    table.attrs["greenbook_years"] = (last_year - 9, last_year)
    return table


def _money_column(table: pd.DataFrame) -> str:
    first, last = table.attrs["greenbook_years"]
    return f"US {GREENBOOK_SUM}, fiscal {first}-{last} (US$ million, constant)"


def money_notes(table: pd.DataFrame) -> list[str]:
    """Notes under the member comparison: what the money column holds, and each member whose
    obligations net to less than zero over the years (de-obligations: money obligated earlier and
    withdrawn exceeds new obligations)."""
    first, last = table.attrs["greenbook_years"]
    out = [
        f"Money: US {GREENBOOK_SUM} in the Greenbook, fiscal {first}-{last}, constant dollars, in "
        f"US$ millions to one decimal. {INCLE_NOTE}"
    ]
    for row in table[table["us_greenbook_usd"] < 0].itertuples():
        out.append(
            f"{row.country}: minus US${-row.us_greenbook_usd / 1e6:,.1f} million, a net de-obligation: "
            f"withdrawals in {first}-{last} of money obligated earlier exceeded new obligations."
        )
    return out


def comparison_table(table: pd.DataFrame) -> pd.DataFrame:
    """The member comparison (:func:`member_comparison`) with reader-facing column names."""
    return (
        table.drop(columns="iso3")
        .rename(
            columns={
                "country": "Country",
                "homicides_per_100k": "Homicides per 100,000",
                "rule_of_law": "Rule of law (WGI)",
                "cpi": "Corruption Perceptions Index",
                "criminality": "Criminality (GI-TOC)",
                "cocaine_seized_kg": "Cocaine seized (hydrochloride, base and paste), latest year (kg)",
                "us_greenbook_usd": _money_column(table),
            }
        )
        .assign(**{_money_column(table): table["us_greenbook_usd"] / 1e6})
    )


def comparison_formats(table: pd.DataFrame) -> dict[str, str]:
    """Formats of :func:`comparison_table` (the money column names the Greenbook years)."""
    return {
        "Homicides per 100,000": "{:.1f}",
        "Rule of law (WGI)": "{:+.2f}",
        "Corruption Perceptions Index": "{:.0f}",
        "Criminality (GI-TOC)": "{:.2f}",
        "Cocaine seized (hydrochloride, base and paste), latest year (kg)": "{:,.0f}",
        _money_column(table): "{:,.1f}",
    }


def homicide_ranking(table: pd.DataFrame) -> pd.Series:
    """Latest homicide rate by member name, highest first (members without one left out)."""
    ranked = table.dropna(subset=["homicides_per_100k"]).set_index("country")["homicides_per_100k"]
    return ranked.sort_values(ascending=False)
