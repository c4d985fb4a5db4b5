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
    out.extend(seizure_sentences(series))
    usable = correlations.dropna(subset=["r", "chance_band_best"])
    if usable.empty and series["us_seizures_kg"].isna().all():
        both = series[["death_rate", "us_seizures_portal_kg"]].dropna().index
        out.append(
            f"UNODC's national series on file has no {DRUGS[drug].label} seizures, and the portal "
            f"export overlaps the death rates in {len(both)} year(s)"
            + (f" ({both[0]}-{both[-1]})" if len(both) else "")
            + f", fewer than the {MIN_CHANCE_BAND_PAIRS} paired years a correlation needs here: no "
            "correlation is estimated."
        )
    elif usable.empty:
        most = int(correlations["years"].max()) if not correlations.empty else 0
        out.append(
            f"The death rates and the national seizure series give at most {most} paired year(s) of "
            f"changes, fewer than the {MIN_CHANCE_BAND_PAIRS} a correlation needs here: no "
            "correlation is estimated (the portal export is a separate vintage and is not spliced on)."
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
            f"Of the {lags} lags tried, year-on-year changes in deaths and in US seizures (national "
            f"series only, to {int(series['us_seizures_kg'].last_valid_index())}) move most "
            f"closely at a lag of {int(best['lag'])} year{'s' if int(best['lag']) != 1 else ''} "
            f"(r = {best['r']:.2f}, {int(best['years'])} paired years). Picked as the best of {lags}, it "
            f"is held against the Bonferroni-adjusted band of +/-{band:.2f} that unrelated series stay "
            f"within 19 times in 20, and is {verdict}."
        )
    return out


def seizure_sentences(series: pd.DataFrame) -> list[str]:
    """The US seizures reported to UNODC, one vintage at a time: the national series' peak, and the
    portal export with the overlap years set against the national series (never a change across the
    two)."""
    out = []
    national = series["us_seizures_kg"].dropna()
    portal = series["us_seizures_portal_kg"].dropna()
    if not national.empty:
        peak = national.idxmax()
        first, last = national.index[0], national.index[-1]
        when = (
            f"{peak}, its latest year"
            if peak == last
            else (f"{peak}, its first year" if peak == first else str(peak))
        )
        out.append(
            f"In UNODC's national series ({first}-{last}), US seizures were highest in {when}: about "
            f"{round_kg(national.max())} kg."
        )
    if not portal.empty and national.empty:
        out.append(
            f"US seizures reported to UNODC are on file only in its portal export "
            f"({portal.index[0]}-{portal.index[-1]}), the national series having none of this drug."
        )
    elif not portal.empty:
        overlap = [year for year in portal.index if year in national.index]
        text = (
            f"UNODC's later portal export ({portal.index[0]}-{portal.index[-1]}) is a different vintage "
            "and is shown apart, never spliced on"
        )
        if overlap:
            pairs = "; ".join(
                f"{year}: {round_kg(portal[year])} kg against {round_kg(national[year])} kg"
                for year in overlap
            )
            gap = 100 * (portal[overlap].sum() / national[overlap].sum() - 1)
            text += (
                f": in the years both cover it gives {abs(gap):.0f}% {'less' if gap < 0 else 'more'} "
                f"({pairs}), so no change is computed across the two."
            )
        else:
            text += "."
        out.append(text)
    return out


def round_kg(kg: float) -> str:
    """kg to three significant figures, with thousands separators ("254,000")."""
    return f"{float(f'{kg:.3g}'):,.0f}"


def series_table(series: pd.DataFrame) -> pd.DataFrame:
    """The annual series that have data, with reader-facing column names."""
    return (
        series.dropna(axis=1, how="all")
        .reset_index()
        .rename(
            columns={
                "year": "Year",
                "death_rate": "Deaths per 100,000",
                "us_seizures_kg": "US seizures, UNODC national series (kg)",
                "us_seizures_portal_kg": "US seizures, UNODC portal export (kg)",
                "cbp_seizures_kg": "CBP seizures at the border (kg)",
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
