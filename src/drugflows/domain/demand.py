"""US demand side: overdose deaths by drug (``us_overdose_deaths``) against seizures
(``unodc_seizures``, ``cbp_seizures_monthly``) and laboratory reports (``nflis_reports``) of the
same drug.

Series are annual. Correlations are computed on year-on-year changes (first differences), so that two
series that merely both trend upward do not look related; they describe association, not cause.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from drugflows.domain.drugs import DRUGS
from drugflows.domain.seizures import BORDER_COMPONENTS, unodc_series
from drugflows.domain.statistics import MIN_CHANCE_BAND_PAIRS, chance_band
from drugflows.sources.cdc import WONDER_SERIES
from drugflows.sources.unodc import HISTORIC_SERIES, PORTAL_SERIES


def annual_series(
    drug: str, deaths: pd.DataFrame, unodc: pd.DataFrame, cbp: pd.DataFrame, nflis: pd.DataFrame
) -> pd.DataFrame:
    """One row per year: death_rate (per 100,000, age-adjusted, CDC WONDER), us_seizures_kg (UNODC
    national series, 1990-2019: all US agencies, calendar year), us_seizures_portal_kg (the UNODC
    portal export, 2018-2022: a later vintage, kept apart and never spliced onto the national series),
    cbp_seizures_kg (CBP at the border, :data:`seizures.BORDER_COMPONENTS`, complete fiscal years),
    nflis_reports."""
    spec = DRUGS[drug]
    rate = deaths[
        (deaths["source"] == WONDER_SERIES)
        & (deaths["drug"] == spec.deaths)
        & (deaths["measure"] == "rate_age_adjusted")
    ]
    out = pd.DataFrame({"death_rate": rate.set_index(rate["period"].astype(int))["value"]})
    for column, vintage in (("us_seizures_kg", HISTORIC_SERIES), ("us_seizures_portal_kg", PORTAL_SERIES)):
        us = unodc_series(unodc, drug, series=vintage)
        out = out.join(us[us["iso3"] == "USA"].set_index("year")["kg"].rename(column), how="outer")
    complete = cbp.groupby("fiscal_year")["month"].nunique() == 12
    border = cbp[
        (cbp["drug"] == spec.cbp)
        & cbp["component"].isin(BORDER_COMPONENTS)
        & cbp["fiscal_year"].isin(complete[complete].index)
    ]
    out = out.join(border.groupby("fiscal_year")["kg"].sum().rename("cbp_seizures_kg"), how="outer")
    if spec.nflis:
        reports = nflis[nflis["category"] == spec.nflis].groupby("year")["reports"].sum()
        out = out.join(reports.rename("nflis_reports"), how="outer")
    else:
        out["nflis_reports"] = np.nan
    return out.rename_axis("year").sort_index()


def lagged_correlations(
    cause: pd.Series, effect: pd.Series, max_lag: int = 2, min_years: int = MIN_CHANCE_BAND_PAIRS
) -> pd.DataFrame:
    """Pearson correlation of year-on-year changes: ``effect`` in year t against ``cause`` in year
    t - lag, for lag 0..max_lag. Returns lag, years (pairs used), r, chance_band (about 95% of
    correlations between unrelated series fall within +/- 1.96 / sqrt(years - 1), the large-sample
    approximation) and chance_band_best (the same, Bonferroni-adjusted for picking the best of the
    max_lag + 1 lags). r and both bands are missing below ``min_years`` pairs (default and floor:
    ``statistics.MIN_CHANCE_BAND_PAIRS``)."""
    rows = []
    dc, de = cause.diff(), effect.diff()
    tests = max_lag + 1
    min_years = max(min_years, MIN_CHANCE_BAND_PAIRS)
    for lag in range(max_lag + 1):
        pairs = pd.concat([dc.shift(lag), de], axis=1).dropna()
        enough = len(pairs) >= min_years
        r = pairs.iloc[:, 0].corr(pairs.iloc[:, 1]) if enough else np.nan
        rows.append(
            {
                "lag": lag,
                "years": len(pairs),
                "r": r,
                "chance_band": chance_band(len(pairs)) if enough else np.nan,
                "chance_band_best": chance_band(len(pairs), tests) if enough else np.nan,
            }
        )
    return pd.DataFrame(rows)


def nflis_states(nflis: pd.DataFrame, drug: str, top: int = 12) -> pd.DataFrame:
    """Reports per state and year for the drug's NFLIS category, the ``top`` states by total
    (empty if the drug's category is not on file). Returns state_name, year, reports."""
    category = DRUGS[drug].nflis
    rows = nflis[nflis["category"] == category] if category else nflis.iloc[0:0]
    if rows.empty:
        return pd.DataFrame(columns=["state_name", "year", "reports"])
    yearly = rows.groupby(["state_name", "year"], as_index=False)["reports"].sum()
    order = yearly.groupby("state_name")["reports"].sum().sort_values(ascending=False)
    keep = list(order.index[:top])
    yearly = yearly[yearly["state_name"].isin(keep)]
    return yearly.sort_values(
        ["state_name", "year"],
        key=lambda s: s.map({n: i for i, n in enumerate(keep)}) if s.name == "state_name" else s,
        ignore_index=True,
    )
