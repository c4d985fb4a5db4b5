"""The source_countries report: coca or opium poppy cultivation, eradication and production by
country, estimators side by side, eradication intensity, shares and correlated yearly changes."""

from __future__ import annotations

import pandas as pd

from drugflows import params, tables
from drugflows.countries import names_by_code
from drugflows.domain.crops import (
    CROPS,
    change_correlations,
    crop_countries,
    eradication,
    intensity,
    one_series,
    shares_of_total,
    side_by_side,
    vintages,
)

#: The processed tables the report reads.
TABLES = ("crop_estimates",)
__all__ = ["CROPS", "change_correlations", "eradication", "intensity", "one_series", "shares_of_total"]


def load() -> dict[str, pd.DataFrame]:
    """The report's tables by name, and the ``countries`` table for names."""
    return {name: tables.load(name) for name in (*TABLES, "countries")}


def validate(crop: object, countries: object, data: dict[str, pd.DataFrame]):
    """The crop (a key of :data:`CROPS`), the ISO3 codes chosen among those with a cultivation
    figure (None: all of them) and ISO3 -> name; ParameterError naming the parameter otherwise."""
    estimates, country_table = data["crop_estimates"], data["countries"]
    crop = params.choose("crop", crop, CROPS)
    on_file = crop_countries(estimates, crop)
    chosen = (
        on_file if countries is None else params.country_list("countries", countries, country_table, on_file)
    )
    return crop, chosen, names_by_code(country_table)


def reading(
    crop: str,
    cultivated_ha: pd.DataFrame,
    intensity_ratio: pd.DataFrame,
    correlations: pd.DataFrame,
    names: dict[str, str],
) -> list[str]:
    """Plain sentences from the cultivation series, eradication intensity and change correlations."""
    label = CROPS[crop]["label"]
    out = []
    for iso3 in cultivated_ha.columns:
        series = cultivated_ha[iso3].dropna()
        if len(series) < 2:
            continue
        peak = series.idxmax()
        out.append(
            f"{names.get(iso3, iso3)}: {label} cultivation {series.iloc[-1]:,.0f} ha in "
            f"{series.index[-1]}, against {series.iloc[0]:,.0f} ha in {series.index[0]}; "
            f"peak {series.max():,.0f} ha in {peak} "
            f"({cultivated_ha.attrs.get('estimator', {}).get(iso3, 'estimate')})."
        )
    for iso3 in intensity_ratio.columns:
        ratio = intensity_ratio[iso3].dropna()
        if not ratio.empty:
            out.append(
                f"{names.get(iso3, iso3)} eradicated on average {ratio.mean():.2f} ha per "
                f"hectare of {label} standing at the survey ({ratio.index[0]}-"
                f"{ratio.index[-1]}; highest {ratio.max():.2f} in {ratio.idxmax()})."
            )
    tested = correlations.dropna(subset=["r"])
    if tested.empty:
        out.append("No pair of countries has enough common years to correlate changes.")
    else:
        negative = tested[tested["r"] < -tested["chance_band"]]
        if negative.empty:
            out.append(
                f"None of the {len(tested)} country pairs shows a negative correlation of "
                "yearly changes beyond chance: no balloon effect is visible at this scale."
            )
        else:
            pairs = "; ".join(
                f"{names.get(r.country_a, r.country_a)} and "
                f"{names.get(r.country_b, r.country_b)} (r = {r.r:+.2f}, {r.years} "
                "years)"
                for r in negative.itertuples()
            )
            out.append(
                f"Yearly changes move in opposite directions beyond chance for: {pairs}. "
                "This is consistent with displacement, not proof of it."
            )
    return out


def estimators_by_country(
    estimates: pd.DataFrame, crop: str, countries: list[str], names: dict
) -> pd.DataFrame:
    """Cultivation of every estimator (latest vintage), with the country name in ``country``."""
    both = side_by_side(estimates, crop, countries)
    both["country"] = both["iso3"].map(names)
    return both


def vintages_table(both: pd.DataFrame, names: dict) -> pd.DataFrame:
    """Per country and estimator: years covered, figures and publication years, reader-facing."""
    table = vintages(both)
    table.insert(0, "country", table.pop("iso3").map(names))
    table = table.sort_values(["country", "estimate_by"])
    return table.rename(
        columns={
            "country": "Country",
            "estimate_by": "Estimator",
            "years": "Years",
            "figures": "Figures",
            "published": "Published in",
        }
    )


def by_country_long(wide: pd.DataFrame, value: str, names: dict) -> pd.DataFrame:
    """A years x countries frame as long rows year, iso3, ``value``, country (missing left out)."""
    long = wide.reset_index().melt("year", var_name="iso3", value_name=value).dropna()
    long["country"] = long["iso3"].map(names)
    return long


def correlations_table(correlations: pd.DataFrame, names: dict) -> pd.DataFrame:
    """The correlations of yearly changes with country names and reader-facing columns."""
    return correlations.assign(
        country_a=correlations["country_a"].map(names), country_b=correlations["country_b"].map(names)
    ).rename(
        columns={
            "country_a": "Country",
            "country_b": "and",
            "years": "Years",
            "r": "Correlation of yearly changes",
            "chance_band": "Chance band (+/-)",
        }
    )
