"""Crops: coca and opium poppy cultivation, eradication and production from ``crop_estimates``.

Published figures of every estimator (UNODC, the US government, national governments) and every
publication vintage are on file; :func:`pick_vintage` chooses one vintage per series (never an
average of vintages). Hectares (ha) for areas, metric tons for production.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from drugflows.domain.statistics import chance_band

SERIES_KEY = ["iso3", "crop", "measure", "estimate_by", "year"]


#: Crop parameter -> label, the main estimator for comparisons, and the production it leads to.
CROPS = {
    "coca": {"label": "coca bush", "product": "pure cocaine", "default": ["COL", "PER", "BOL"]},
    "opium_poppy": {"label": "opium poppy", "product": "pure heroin", "default": ["AFG", "MMR", "MEX"]},
}


#: Estimators in the order they are preferred when one series is needed.
ESTIMATORS = ("UNODC", "USG-ONDCP", "national government", "other")


#: Eradication measures, most complete first: UNODC's reported eradication, a government total, and
#: the sum of aerial spraying and manual eradication (Colombia).
ERADICATION_MEASURES = ("eradication_reported_ha", "eradication_ha")


def pick_vintage(estimates: pd.DataFrame, rule: str = "latest") -> pd.DataFrame:
    """One row per (iso3, crop, measure, estimate_by, year) of ``crop_estimates``.

    ``rule="latest"`` keeps the most recently published figure (figures with a publication year
    before derived sums without one), ``"earliest"`` the first published. Ties keep the first row
    in table order. Values are never averaged.
    """
    if rule not in ("latest", "earliest"):
        raise ValueError(f"rule must be 'latest' or 'earliest', got {rule!r}")
    order = estimates.assign(
        _published=estimates["published_year"].astype("Float64").fillna(-1 if rule == "latest" else 10_000)
    )
    order = order.sort_values("_published", ascending=(rule == "earliest"), kind="stable")
    return (
        order.drop_duplicates(SERIES_KEY, keep="first")
        .drop(columns="_published")
        .sort_values(SERIES_KEY, ignore_index=True)
    )


def crop_countries(estimates: pd.DataFrame, crop: str) -> list[str]:
    """ISO3 codes with a cultivation figure for ``crop`` (the world total 'WLD' left out)."""
    rows = estimates[(estimates["crop"] == crop) & (estimates["measure"] == "cultivation_ha")]
    return sorted(set(rows["iso3"]) - {"WLD"})


def side_by_side(
    estimates: pd.DataFrame, crop: str, countries: list[str], measure: str = "cultivation_ha"
) -> pd.DataFrame:
    """Latest-vintage figures of ``measure`` for each country, year and estimator.

    Columns: iso3, year, estimate_by, value, published_year, source.
    """
    rows = pick_vintage(estimates)
    rows = rows[(rows["crop"] == crop) & (rows["measure"] == measure) & rows["iso3"].isin(countries)]
    return rows[["iso3", "year", "estimate_by", "value", "published_year", "source"]].reset_index(drop=True)


def vintages(rows: pd.DataFrame) -> pd.DataFrame:
    """For rows of :func:`side_by_side`: per country and estimator, the years covered ("first-last"),
    the number of figures and the publication years they come from ("2019, 2021")."""
    return (
        rows.groupby(["iso3", "estimate_by"])
        .agg(
            years=("year", lambda y: f"{y.min()}-{y.max()}"),
            figures=("value", "size"),
            published=(
                "published_year",
                lambda p: ", ".join(str(int(v)) for v in sorted(p.dropna().unique())),
            ),
        )
        .reset_index()
    )


def one_series(
    estimates: pd.DataFrame, crop: str, countries: list[str], measure: str = "cultivation_ha"
) -> pd.DataFrame:
    """Years x countries: one estimator per country (the one with the most years; ties go to the
    first in :data:`ESTIMATORS`), so a country's line never mixes estimators. The estimator used for
    each country is in ``.attrs["estimator"]``."""
    rows = side_by_side(estimates, crop, countries, measure)
    columns, used = {}, {}
    for iso3, part in rows.groupby("iso3"):
        years = part["estimate_by"].value_counts()
        estimator = max(years.index, key=lambda e: (years[e], -ESTIMATORS.index(e)))
        chosen = part[part["estimate_by"] == estimator]
        columns[iso3] = chosen.set_index("year")["value"]
        used[iso3] = estimator
    wide = pd.DataFrame(columns).sort_index().rename_axis("year")
    wide.attrs["estimator"] = used
    return wide


def eradication(estimates: pd.DataFrame, crop: str, countries: list[str]) -> pd.DataFrame:
    """Years x countries: hectares eradicated (manual and aerial together), from the first measure
    of :data:`ERADICATION_MEASURES` with a figure that year, else aerial spraying plus manual
    eradication (either alone where only one is on file)."""
    rows = pick_vintage(estimates)
    rows = rows[(rows["crop"] == crop) & rows["iso3"].isin(countries)]
    wide = rows.pivot_table(index="year", columns=["iso3", "measure"], values="value", aggfunc="first")
    out = {}
    for iso3 in countries:
        if iso3 not in wide.columns.get_level_values(0):
            continue
        part = wide[iso3]
        parts = part.reindex(columns=["aerial_spraying_ha", "manual_eradication_ha"])
        total = parts.sum(axis=1, min_count=1)
        for measure in reversed(ERADICATION_MEASURES):
            if measure in part:
                total = part[measure].combine_first(total)
        if total.notna().any():
            out[iso3] = total
    return pd.DataFrame(out).rename_axis("year").dropna(how="all")


def intensity(eradicated_ha: pd.DataFrame, cultivated_ha: pd.DataFrame) -> pd.DataFrame:
    """Eradication intensity: hectares eradicated per hectare still standing at the survey (a ratio;
    above 1 where the same fields are eradicated more than once or replanted within the year)."""
    common = eradicated_ha.columns.intersection(cultivated_ha.columns)
    ratio = eradicated_ha[common] / cultivated_ha[common].reindex(eradicated_ha.index)
    return ratio.replace([np.inf, -np.inf], np.nan).dropna(how="all")


def shares_of_total(wide: pd.DataFrame) -> pd.DataFrame:
    """Each country's share (%) of the countries' combined total, in years where all have a figure."""
    complete = wide.dropna()
    return complete.div(complete.sum(axis=1), axis=0) * 100


def change_correlations(wide: pd.DataFrame, min_years: int = 5) -> pd.DataFrame:
    """Pairwise Pearson correlation of year-on-year changes (ha) between countries, with the band
    (+/- 1.96/sqrt(n-1)) that correlations of unrelated series stay within about 19 times in 20.

    A "balloon effect" (cultivation pushed from one country to another) would show as a negative
    correlation. Columns: country_a, country_b, years, r, chance_band.
    """
    changes = wide.diff()
    rows = []
    names = list(wide.columns)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            pairs = changes[[a, b]].dropna()
            n = len(pairs)
            r = pairs[a].corr(pairs[b]) if n >= min_years else np.nan
            rows.append(
                {
                    "country_a": a,
                    "country_b": b,
                    "years": n,
                    "r": r,
                    "chance_band": chance_band(n),
                }
            )
    return pd.DataFrame(rows, columns=["country_a", "country_b", "years", "r", "chance_band"])


def yield_kg_per_ha(
    estimates: pd.DataFrame, iso3: str, years: tuple[int, int], estimate_by: str = "UNODC"
) -> float:
    """Potential pure cocaine per hectare of coca and year (kg/ha): production over cultivation of
    the same estimator, summed over the years both are on file."""
    rows = pick_vintage(estimates)
    rows = rows[
        (rows["iso3"] == iso3)
        & (rows["crop"] == "coca")
        & (rows["estimate_by"] == estimate_by)
        & rows["year"].between(*years)
    ]
    wide = rows.pivot_table(index="year", columns="measure", values="value").dropna(
        subset=["production_t", "cultivation_ha"]
    )
    if wide.empty:
        raise ValueError(f"no {estimate_by} production and cultivation for {iso3} in {years}")
    return float(wide["production_t"].sum() * 1000 / wide["cultivation_ha"].sum())


def crops_on_file(estimates: pd.DataFrame, iso3: str) -> list[str]:
    """The crops (coca, opium_poppy) with a cultivation figure for the country."""
    return [c for c in CROPS if iso3 in crop_countries(estimates, c)]
