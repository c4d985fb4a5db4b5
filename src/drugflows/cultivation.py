"""Source countries: coca and opium poppy cultivation, eradication and production over time.

All figures come from ``crop_estimates`` (published figures, one vintage per series chosen by
:func:`drugflows.crops.pick_vintage`). Hectares (ha) for areas, metric tons for production.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from drugflows.crops import pick_vintage

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
                    "chance_band": 1.96 / np.sqrt(n - 1) if n > 1 else np.nan,
                }
            )
    return pd.DataFrame(rows, columns=["country_a", "country_b", "years", "r", "chance_band"])


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
