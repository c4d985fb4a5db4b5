"""US demand side: overdose deaths by drug against seizures and laboratory reports of the same drug.

Series are annual. Correlations are computed on year-on-year changes (first differences), so that two
series that merely both trend upward do not look related; they describe association, not cause.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from drugflows.flows import unodc_series

#: Report drug -> overdose category (us_overdose_deaths.drug), CBP drug type, NFLIS category.
DEMAND_DRUGS = {
    "fentanyl": {
        "deaths": "synthetic_opioids",
        "cbp": "Fentanyl",
        "nflis": "Fentanyl and Fentanyl-related",
        "label": "synthetic opioids other than methadone (mostly fentanyl)",
    },
    "methamphetamine": {
        "deaths": "psychostimulants",
        "cbp": "Methamphetamine",
        "nflis": None,
        "label": "psychostimulants with abuse potential (mostly methamphetamine)",
    },
    "cocaine": {"deaths": "cocaine", "cbp": "Cocaine", "nflis": None, "label": "cocaine"},
    "heroin": {"deaths": "heroin", "cbp": "Heroin", "nflis": None, "label": "heroin"},
}
WONDER = "CDC WONDER via Our World in Data"


def annual_series(
    drug: str, deaths: pd.DataFrame, unodc: pd.DataFrame, cbp: pd.DataFrame, nflis: pd.DataFrame
) -> pd.DataFrame:
    """One row per year: death_rate (per 100,000, age-adjusted, CDC WONDER), us_seizures_kg (UNODC,
    all US agencies, calendar year), cbp_seizures_kg (CBP, fiscal year), nflis_reports."""
    spec = DEMAND_DRUGS[drug]
    rate = deaths[
        (deaths["source"] == WONDER)
        & (deaths["drug"] == spec["deaths"])
        & (deaths["measure"] == "rate_age_adjusted")
    ]
    out = pd.DataFrame({"death_rate": rate.set_index(rate["period"].astype(int))["value"]})
    us = unodc_series(unodc, drug)
    out = out.join(us[us["iso3"] == "USA"].set_index("year")["kg"].rename("us_seizures_kg"), how="outer")
    complete = cbp.groupby("fiscal_year")["month"].nunique() == 12
    border = cbp[(cbp["drug"] == spec["cbp"]) & cbp["fiscal_year"].isin(complete[complete].index)]
    out = out.join(border.groupby("fiscal_year")["kg"].sum().rename("cbp_seizures_kg"), how="outer")
    if spec["nflis"]:
        reports = nflis[nflis["category"] == spec["nflis"]].groupby("year")["reports"].sum()
        out = out.join(reports.rename("nflis_reports"), how="outer")
    else:
        out["nflis_reports"] = np.nan
    return out.rename_axis("year").sort_index()


def lagged_correlations(
    cause: pd.Series, effect: pd.Series, max_lag: int = 2, min_years: int = 5
) -> pd.DataFrame:
    """Pearson correlation of year-on-year changes: ``effect`` in year t against ``cause`` in year
    t - lag, for lag 0..max_lag. Returns lag, years (pairs used), r, and chance_band: about 95% of
    correlations between unrelated series fall within +/- 1.96 / sqrt(years - 1) (the large-sample
    approximation); r is missing below ``min_years`` pairs."""
    rows = []
    dc, de = cause.diff(), effect.diff()
    for lag in range(max_lag + 1):
        pairs = pd.concat([dc.shift(lag), de], axis=1).dropna()
        r = pairs.iloc[:, 0].corr(pairs.iloc[:, 1]) if len(pairs) >= min_years else np.nan
        band = 1.96 / np.sqrt(len(pairs) - 1) if len(pairs) > 1 else np.nan
        rows.append({"lag": lag, "years": len(pairs), "r": r, "chance_band": band})
    return pd.DataFrame(rows)


def reading(drug: str, series: pd.DataFrame, correlations: pd.DataFrame) -> list[str]:
    """Plain sentences from the annual series and the lagged correlations."""
    spec = DEMAND_DRUGS[drug]
    out = []
    rate = series["death_rate"].dropna()
    if not rate.empty:
        first, last = rate.index[0], rate.index[-1]
        out.append(
            f"Deaths involving {spec['label']} rose from {rate.iloc[0]:.1f} to "
            f"{rate.iloc[-1]:.1f} per 100,000 between {first} and {last} (age-adjusted)."
            if rate.iloc[-1] >= rate.iloc[0]
            else f"Deaths involving {spec['label']} fell from {rate.iloc[0]:.1f} to "
            f"{rate.iloc[-1]:.1f} per 100,000 between {first} and {last} (age-adjusted)."
        )
    seized = series["us_seizures_kg"].dropna()
    if not seized.empty:
        peak = seized.idxmax()
        out.append(
            f"US seizures reported to UNODC peaked in {peak} at {seized.max():,.0f} kg "
            f"(years on file {seized.index[0]}-{seized.index[-1]})."
        )
    usable = correlations.dropna(subset=["r"])
    if usable.empty:
        out.append("The death and seizure series overlap for too few years to correlate their changes.")
    else:
        best = usable.iloc[usable["r"].abs().argmax()]
        few = " in few data points" if best["years"] < 10 else ""
        inside = abs(best["r"]) <= best["chance_band"]
        chance = (
            f"within the +/-{best['chance_band']:.2f} that chance alone often gives"
            if inside
            else f"beyond the +/-{best['chance_band']:.2f} that chance alone often gives"
        )
        out.append(
            f"Year-on-year changes in deaths and in US seizures are most closely associated "
            f"at a lag of {int(best['lag'])} year(s) (r = {best['r']:.2f}, "
            f"{int(best['years'])} years, {chance}): an association{few}, not a cause."
        )
    return out
