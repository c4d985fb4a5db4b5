"""The us_demand report: overdose deaths involving a drug against US seizures and NFLIS reports."""

from __future__ import annotations

import pandas as pd

from drugflows import params, tables
from drugflows.domain.demand import annual_series, lagged_correlations
from drugflows.domain.drugs import DEATHS_DRUGS, DRUGS, report_drug
from drugflows.domain.statistics import MIN_CHANCE_BAND_PAIRS

#: The processed tables the report reads, in the order its vintage table lists them.
TABLES = ("us_overdose_deaths", "unodc_seizures", "cbp_seizures_monthly", "nflis_reports")
__all__ = ["lagged_correlations"]


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name."""
    return {name: tables.load(name) for name in TABLES}


def validate(drug: object, first_year: object, last_year: object, data: dict[str, pd.DataFrame]):
    """The report drug (one of :data:`DEATHS_DRUGS`), its annual series (:func:`annual_series`) and
    the years chosen within those on file; ParameterError naming the parameter otherwise."""
    drug = report_drug(drug, DEATHS_DRUGS)
    series = annual_series(
        drug,
        data["us_overdose_deaths"],
        data["unodc_seizures"],
        data["cbp_seizures_monthly"],
        data["nflis_reports"],
    )
    first, last = params.year_range("first_year", first_year, "last_year", last_year, series.index)
    return drug, series, first, last


def reading(drug: str, series: pd.DataFrame, correlations: pd.DataFrame) -> list[str]:
    """Plain sentences from the annual series and the lagged correlations."""
    label = DRUGS[drug].deaths_label
    out = []
    rate = series["death_rate"].dropna()
    if not rate.empty:
        first, last = rate.index[0], rate.index[-1]
        out.append(
            f"Deaths involving {label} rose from {rate.iloc[0]:.1f} to "
            f"{rate.iloc[-1]:.1f} per 100,000 between {first} and {last} (age-adjusted)."
            if rate.iloc[-1] >= rate.iloc[0]
            else f"Deaths involving {label} fell from {rate.iloc[0]:.1f} to "
            f"{rate.iloc[-1]:.1f} per 100,000 between {first} and {last} (age-adjusted)."
        )
    seized = series["us_seizures_kg"].dropna()
    if not seized.empty:
        peak = seized.idxmax()
        out.append(
            f"US seizures reported to UNODC peaked in {peak} at {seized.max():,.0f} kg "
            f"(years on file {seized.index[0]}-{seized.index[-1]})."
        )
    usable = correlations.dropna(subset=["r", "chance_band_best"])
    if usable.empty:
        most = int(correlations["years"].max()) if not correlations.empty else 0
        out.append(
            f"The death and seizure series give at most {most} paired year(s) of changes, fewer than "
            f"the {MIN_CHANCE_BAND_PAIRS} a correlation needs here: no correlation is estimated."
        )
    else:
        best = usable.iloc[usable["r"].abs().argmax()]
        band = best["chance_band_best"]
        lags = len(correlations)
        verdict = (
            "beyond it: an association, not a cause"
            if abs(best["r"]) > band
            else "within it: no association beyond chance is shown"
        )
        out.append(
            f"Of the {lags} lags tried, year-on-year changes in deaths and in US seizures move most "
            f"closely at a lag of {int(best['lag'])} year{'s' if int(best['lag']) != 1 else ''} "
            f"(r = {best['r']:.2f}, {int(best['years'])} paired years). Picked as the best of {lags}, it "
            f"is held against the Bonferroni-adjusted band of +/-{band:.2f} that unrelated series stay "
            f"within 19 times in 20, and is {verdict}."
        )
    return out


def series_table(series: pd.DataFrame) -> pd.DataFrame:
    """The annual series that have data, with reader-facing column names."""
    return (
        series.dropna(axis=1, how="all")
        .reset_index()
        .rename(
            columns={
                "year": "Year",
                "death_rate": "Deaths per 100,000",
                "us_seizures_kg": "US seizures (kg)",
                "cbp_seizures_kg": "CBP seizures (kg)",
                "nflis_reports": "NFLIS reports",
            }
        )
    )


def correlations_table(correlations: pd.DataFrame) -> pd.DataFrame:
    """The lagged correlations with reader-facing column names."""
    return correlations.rename(
        columns={
            "lag": "Lag (years)",
            "years": "Years",
            "r": "Correlation r",
            "chance_band": "Chance band, one lag (+/-)",
            "chance_band_best": "Chance band, best of the lags (+/-)",
        }
    )
