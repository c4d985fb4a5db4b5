"""The country_profile report: everything the processed tables say about one partner country.

Each helper returns an empty frame (or list) where the tables do not cover the country; the
notebook then prints one "no data" line instead of a chart.
"""

from __future__ import annotations

import pandas as pd

from drugflows import params, tables
from drugflows.countries import names_by_code, peers
from drugflows.domain.assistance import assistance_title, counternarcotics_assistance
from drugflows.domain.crops import CROPS, break_marks, crops_on_file, estimator_label, side_by_side
from drugflows.domain.outcomes import (
    CRIME_SCORE_FORMATS,
    LAST_POPULATION_ESTIMATE,
    MAJOR_FAILED,
    MIN_POPULATION,
    NOT_LISTED,
    crime_scores,
    latest_value,
    majors_status,
    outcomes_against_peers,
)
from drugflows.domain.prices import latest_prices
from drugflows.domain.seizures import (
    SERIES_BREAK_NOTE,
    SERIES_BREAK_YEAR,
    seizures_by_drug,
    series_break_rows,
    spans_series_break,
)
from drugflows.params import links as checked_links

#: The processed tables the report reads, in the order its vintage table lists them.
TABLES = (
    "countries",
    "majors_list",
    "crop_estimates",
    "unodc_seizures",
    "drug_prices",
    "us_assistance",
    "country_indicators",
)

__all__ = [
    "assistance_title",
    "checked_links",
    "CRIME_SCORE_FORMATS",
    "counternarcotics_assistance",
    "crime_scores",
    "crops_on_file",
    "latest_prices",
    "outcomes_against_peers",
    "peers",
    "seizures_by_drug",
    "SERIES_BREAK_NOTE",
    "SERIES_BREAK_YEAR",
    "series_break_rows",
    "spans_series_break",
]


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name."""
    return {name: tables.load(name) for name in TABLES}


def select(country: object, countries: pd.DataFrame) -> tuple[str, str, str]:
    """(ISO3 code, name, report region group) of the ``country`` parameter (a code or a name);
    ParameterError lists close matches."""
    iso3 = params.country("country", country, countries)
    name, region = names_by_code(countries)[iso3], countries.set_index("iso3").loc[iso3, "region_group"]
    return iso3, name, region


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
        size = f"{people / 1e6:,.1f} million" if people >= 1e6 else f"about {people / 1e3:,.0f} thousand"
        out.append(
            f"Population {size} in {year} (UN estimate, 2017 revision; later years on file are projections)."
        )
    status = majors_status(majors, [iso3])[iso3]
    listed = status[status != NOT_LISTED]
    years = f"{status.index.min()}-{status.index.max()}"
    if listed.empty:
        out.append(f"Not on the Majors List of drug transit or producing countries in fiscal {years}.")
    else:
        failed = listed[listed == MAJOR_FAILED]
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


def crop_lines(estimates: pd.DataFrame, iso3: str, crops: list[str]) -> list[tuple[str, str, pd.DataFrame]]:
    """(what, unit, rows) of each crop's cultivation and potential production series on file for the
    country, every estimator side by side (:func:`drugflows.domain.crops.side_by_side`), with the
    reader-facing ``estimator`` name."""
    out = []
    for crop in crops:
        spec = CROPS[crop]
        measures = (
            ("cultivation_ha", "cultivation", "Hectares"),
            ("production_t", "potential production", f"Metric tons of {spec['product']}"),
        )
        for measure, what, unit in measures:
            rows = side_by_side(estimates, crop, [iso3], measure)
            if not rows.empty:
                out.append(
                    (
                        f"{spec['label']} {what}",
                        unit,
                        rows.assign(estimator=rows["estimate_by"].map(estimator_label)),
                    )
                )
    return out


def crop_breaks(rows: pd.DataFrame) -> pd.DataFrame:
    """Where each estimator's line in :func:`crop_lines` rows changes edition (publication year),
    labelled "2010 -> 2022" for the figure."""
    return break_marks(rows, ["estimator"])


def crop_floors(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`crop_lines` published as lower bounds ("more than N")."""
    return rows[rows["floor"]]


def price_text(usd_per_gram: float) -> str:
    """A price per gram as printed, to what the figure supports: cents from a dollar ("1.22"),
    two significant digits below it ("0.094"), and below a cent per gram the price per kilogram
    too, with the unit said ("0.00062 (0.62 per kg)": coca leaf, sold by the kilogram)."""
    if pd.isna(usd_per_gram):
        return "–"
    if usd_per_gram >= 1:
        return f"{usd_per_gram:,.2f}"
    if usd_per_gram >= 0.01:
        return f"{usd_per_gram:#.2g}"
    return f"{usd_per_gram:#.2g} ({usd_per_gram * 1000:#.2g} per kg)"


#: Formats of :func:`prices_table`: US$ per gram, significant digits (:func:`price_text`).
PRICE_FORMATS = {"Wholesale": price_text, "Retail": price_text}


def prices_table(price_table: pd.DataFrame) -> pd.DataFrame:
    """The latest prices (:func:`latest_prices`) with reader-facing column names."""
    return price_table.drop(columns="year").rename(
        columns={"drug": "Drug", "wholesale": "Wholesale", "retail": "Retail"}
    )


#: Formats of the organized crime scores table.


def peer_caveat(against: pd.DataFrame, countries: pd.DataFrame) -> str:
    """The caveat of the peer chart: which peers each line averages, over which years (the same
    peers every year; :func:`drugflows.domain.outcomes.outcomes_against_peers`)."""
    names = names_by_code(countries)
    parts = []
    for label, (years, members) in against.attrs.get("peers", {}).items():
        short = label.split(" (")[0]
        if members:
            parts.append(f"{short}: {', '.join(names.get(c, c) for c in members)}, {years[0]}-{years[-1]}")
        else:
            parts.append(f"{short}: no peer line (too few peers with a value every year)")
    return (
        f"Peers: the same peers every year (of at least {MIN_POPULATION / 1e6:.0f} million people). "
        + "; ".join(parts)
        + "."
    )


def peer_text(against: pd.DataFrame, countries: pd.DataFrame, name: str) -> str:
    """The peers behind the peer chart as a sentence under it (:func:`peer_caveat`), saying so
    plainly where a line's peers are only one or two countries: their mean, not a regional norm."""
    names = names_by_code(countries)
    few = {
        tuple(members) for years, members in against.attrs.get("peers", {}).values() if 0 < len(members) <= 2
    }
    out = peer_caveat(against, countries)
    for members in sorted(few):
        who = " and ".join(
            ("the " if names.get(c, c).startswith("United ") else "") + names.get(c, c) for c in members
        )
        out += (
            f" {name}'s regional peers here are only {who}: the peer line is "
            f"{'its' if len(members) == 1 else 'their'} mean, not a norm for the region."
        )
    return out
