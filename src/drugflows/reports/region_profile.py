"""The region_profile report: the countries of one region compared on the same measures, and the
region's totals.

Each helper returns an empty frame (or list) where the tables do not cover the region; the
notebook then prints one "no data" line instead of a chart.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from drugflows import params, tables, wording
from drugflows.countries import members, names_by_code, region_groups
from drugflows.domain.assistance import (
    GREENBOOK_SUM,
    INCLE_NOTE,
    assistance_title,
    counternarcotics_assistance,
    counternarcotics_share,
    counternarcotics_share_text,
    greenbook_counternarcotics,
)
from drugflows.domain.outcomes import LAST_POPULATION_ESTIMATE, NOT_LISTED, latest_value, majors_status
from drugflows.domain.seizures import (
    PROFILE_DRUGS,
    SERIES_BREAK_NOTE,
    SERIES_BREAK_YEAR,
    SERIES_LABELS,
    drawable,
    seized_label,
    seizures_by_drug,
    series_break_rows,
    single_years,
    spans_series_break,
    unodc_series,
    world_shares,
)
from drugflows.params import links as checked_links

#: The processed tables the report reads, in the order its vintage table lists them.
TABLES = ("countries", "country_indicators", "unodc_seizures", "us_assistance", "majors_list")

__all__ = [
    "drawable",
    "single_years",
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


#: The member comparison's measures: (indicator of ``country_indicators``, column, heading with the
#: unit, format of a value).
MEASURES = (
    ("homicide_rate", "homicides_per_100k", "Homicides per 100,000 people", "{:.1f}"),
    ("wgi_rule_of_law_estimate", "rule_of_law", "Rule of law (WGI estimate, -2.5 to +2.5)", "{:+.2f}"),
    (
        "corruption_perceptions_index",
        "cpi",
        "Corruption Perceptions Index (0-100, higher is cleaner)",
        "{:.0f}",
    ),
    ("goc_criminality", "criminality", "Criminality (GI-TOC, 1-10, higher is worse)", "{:.2f}"),
)
COCAINE_HEADING = "Cocaine seized (hydrochloride, base and paste), kg"


def member_comparison(
    region: str,
    countries: pd.DataFrame,
    indicators: pd.DataFrame,
    unodc: pd.DataFrame,
    assistance: pd.DataFrame,
) -> pd.DataFrame:
    """One row per member with any figure: latest homicide rate, rule of law and corruption
    perception, criminality score, cocaine seized in the latest year on file (kg), each with its
    year (``<column>_year``), and US obligations of the Greenbook accounts (:data:`GREENBOOK_SUM`:
    INCLE, which also pays for police and justice programmes, and the counter-drug accounts) over
    the last ten Greenbook years (constant US$)."""
    codes = members(region, countries)
    rows = []
    names = countries.set_index("iso3")["name"]
    money = greenbook_counternarcotics(assistance).sum(axis=1)
    last_year = int(money.index.get_level_values("fiscal_year").max())
    cocaine = unodc_series(unodc, "cocaine")
    for iso3 in codes:
        row = {"iso3": iso3, "country": names[iso3]}
        for name, column, _, _ in MEASURES:
            found = latest_value(indicators, iso3, name)
            row[column], row[f"{column}_year"] = found if found else (None, None)
        mine = cocaine[cocaine["iso3"] == iso3]
        latest = mine.loc[mine["year"].idxmax()] if not mine.empty else None
        row["cocaine_seized_kg"] = None if latest is None else latest["kg"]
        row["cocaine_seized_kg_year"] = None if latest is None else int(latest["year"])
        mine = money[money.index.get_level_values("iso3") == iso3]
        mine = mine[mine.index.get_level_values("fiscal_year") > last_year - 10]
        row["us_greenbook_usd"] = mine.sum() if not mine.empty else None
        rows.append(row)
    table = pd.DataFrame(rows)
    values = table[[c for c in table.columns if c not in ("iso3", "country") and not c.endswith("_year")]]
    table = table[values.notna().any(axis=1)].reset_index(drop=True)
    table.attrs["greenbook_years"] = (last_year - 9, last_year)
    return table


def with_year(value: object, year: object, fmt: str) -> str:
    """A value with the year it is from: "24.9 (2023)"; "–" where there is none."""
    if value is None or pd.isna(value):
        return "–"
    return f"{fmt.format(value)} ({int(year)})"


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
    """The member comparison (:func:`member_comparison`) with reader-facing column names, each
    measure's value printed with its unit in the heading and its year beside it ("24.9 (2023)"),
    the Greenbook money in US$ millions over the common years its heading names."""
    out = pd.DataFrame({"Country": table["country"]})
    for _, column, heading, fmt in MEASURES:
        out[heading] = [
            with_year(v, y, fmt) for v, y in zip(table[column], table[f"{column}_year"], strict=True)
        ]
    out[COCAINE_HEADING] = [
        with_year(v, y, "{:,.0f}")
        for v, y in zip(table["cocaine_seized_kg"], table["cocaine_seized_kg_year"], strict=True)
    ]
    out[_money_column(table)] = table["us_greenbook_usd"] / 1e6
    return out


def comparison_formats(table: pd.DataFrame) -> dict[str, str]:
    """Formats of :func:`comparison_table`: the money column (the others are text with their years)."""
    return {_money_column(table): "{:,.1f}"}


def homicide_ranking(table: pd.DataFrame) -> pd.Series:
    """Latest homicide rate by member, labelled with its year ("Honduras (2023)"), highest first
    (members without one left out)."""
    rated = table.dropna(subset=["homicides_per_100k"])
    labels = [
        f"{c} ({int(y)})" for c, y in zip(rated["country"], rated["homicides_per_100k_year"], strict=True)
    ]
    return pd.Series(rated["homicides_per_100k"].to_numpy(), index=labels).sort_values(ascending=False)


# --- headline findings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """What every finding builder receives: the region group, its members (ISO3), their names,
    the member comparison (:func:`member_comparison`) and the report's tables (:func:`load`)."""

    name: str
    codes: list[str]
    names: dict[str, str]
    table: pd.DataFrame
    data: dict[str, pd.DataFrame]


def membership_findings(r: Region) -> list[str]:
    """How many members, how many with any figure in the comparison, their population."""
    people = r.data["country_indicators"]
    people = people[
        (people["indicator"] == "population")
        & people["iso3"].isin(r.codes)
        & (people["year"] == LAST_POPULATION_ESTIMATE)
    ]
    text = (
        f"{wording.sentence_start(wording.region_text(r.name))} has "
        f"{wording.count_text(len(r.codes), 'country or territory')} in this report; {len(r.table)} of "
        "them have at "
        "least one figure in the comparison below"
    )
    if not people.empty:
        text += (
            f". Together {wording.people_text(float(people['value'].sum()))} people in "
            f"{LAST_POPULATION_ESTIMATE}, the latest estimates on file (UN World Population Prospects 2017) "
            f"of the {wording.count_text(len(people), 'member')} with one"
        )
    return [text + "."]


#: A regional year for the homicide finding needs at least this share of the members with any rate.
COMMON_YEAR_SHARE = 0.5


def homicide_region_findings(r: Region) -> list[str]:
    """The median, highest and lowest homicide rate of the members in one common year: the latest
    year in which at least :data:`COMMON_YEAR_SHARE` of the members with any rate have one."""
    rows = r.data["country_indicators"]
    rows = rows[(rows["indicator"] == "homicide_rate") & rows["iso3"].isin(r.codes)]
    if rows.empty:
        return []
    counts = rows.groupby("year")["iso3"].nunique()
    enough = counts[counts >= max(1, COMMON_YEAR_SHARE * rows["iso3"].nunique())]
    year = int(enough.index.max())
    that = rows[rows["year"] == year].set_index("iso3")["value"].sort_values()
    if len(that) == 1:
        return [
            f"Homicide rate in {year}: {that.iloc[0]:.1f} per 100,000 people in "
            f"{r.names[that.index[0]]}, the only member with a rate that year."
        ]
    return [
        f"Homicide rate in {year}, the latest year most members report: median {that.median():.1f} "
        f"per 100,000 people across the {len(that)} members with a rate; highest "
        f"{r.names[that.index[-1]]} ({that.iloc[-1]:.1f}), lowest {r.names[that.index[0]]} "
        f"({that.iloc[0]:.1f})."
    ]


def seizure_region_findings(r: Region) -> list[str]:
    """Per profile drug: the kilograms the members reported seizing in the latest year any did
    (one UNODC vintage per year), how many reported, and the region's share of the world's reported
    seizures that year."""
    unodc = r.data["unodc_seizures"]
    shares = world_shares(unodc, r.codes)
    out = []
    for drug in PROFILE_DRUGS:
        series = unodc_series(unodc, drug)
        mine = series[series["iso3"].isin(r.codes)]
        if mine.empty:
            continue
        year = int(mine["year"].max())
        that = mine[mine["year"] == year]
        total_kg = float(that["kg"].sum())
        text = (
            f"{wording.sentence_start(seized_label(drug))} seized in {year}: {wording.kg_text(total_kg)} "
            f"reported by {wording.count_text(len(that), 'member')} "
            f"({SERIES_LABELS[that['series'].iloc[0]]})"
        )
        if drug in shares.columns and year in shares.index and pd.notna(shares.loc[year, drug]):
            share = float(shares.loc[year, drug])
            text += (
                f", {share:.1f}% of the kilograms reported worldwide that year"
                if share >= 0.1
                else (", less than 0.1% of the kilograms reported worldwide that year")
            )
        out.append(text + ".")
    return out


def assistance_region_findings(r: Region) -> list[str]:
    """US obligations to the members (country allocations) in the latest complete fiscal year:
    all sectors and the counter-narcotics sector (:func:`counternarcotics_share`)."""
    found = counternarcotics_share(r.data["us_assistance"], r.codes)
    if found is None:
        return []
    return [
        "To the members together (country allocations; regional programmes not included): "
        + counternarcotics_share_text(*found)
        + "."
    ]


def majors_region_findings(r: Region) -> list[str]:
    """The members on the latest Majors List on file."""
    status = majors_status(r.data["majors_list"], r.codes)
    latest = int(status.index.max())
    listed = [r.names[c] for c in r.codes if status.loc[latest, c] != NOT_LISTED]
    if not listed:
        return [f"No member is on the Majors List of drug transit or producing countries in fiscal {latest}."]
    return [f"On the Majors List in fiscal {latest}: {wording.list_text(listed)}."]


def missing_region_findings(r: Region) -> list[str]:
    """The members without any figure in the comparison, said plainly."""
    missing = [r.names[c] for c in r.codes if c not in set(r.table["iso3"])] if not r.table.empty else []
    if not missing:
        return []
    return [
        wording.sentence_end(
            "No homicide, governance, cocaine seizure or Greenbook figures on file for "
            f"{wording.list_text(missing)}"
        )
    ]


#: The headline findings, in the order they are printed: each builder takes a :class:`Region` and
#: returns its sentences. Findings from new tables (threat finance, precursor seizures) are added here.
REGION_FINDING_BUILDERS = [
    membership_findings,
    homicide_region_findings,
    seizure_region_findings,
    assistance_region_findings,
    majors_region_findings,
    missing_region_findings,
]


def reading(region: str, data: dict[str, pd.DataFrame], table: pd.DataFrame) -> list[str]:
    """The region profile's headline findings: every builder of :data:`REGION_FINDING_BUILDERS`."""
    countries = data["countries"]
    subject = Region(region, members(region, countries), names_by_code(countries), table, data)
    return [line for build in REGION_FINDING_BUILDERS for line in build(subject)]
