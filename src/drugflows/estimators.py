"""Estimators for partnership outcomes, written out in numpy so every step can be read.

``twfe``: a panel regression with unit and period fixed effects (two-way fixed effects) and standard
errors clustered by unit. Coefficients come from the within transformation: every variable (and each
period dummy) is demeaned by unit, then least squares (Frisch-Waugh-Lovell), which gives exactly the
coefficients of the regression with all unit and period dummies. Clustered standard errors use the
usual CR1 small-sample factor G/(G-1) * (N-1)/(N-K), K counting every dummy, as statsmodels does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Fit:
    """Coefficients with clustered standard errors and 95% confidence intervals."""

    table: pd.DataFrame  # index: regressor; columns: coef, se, ci_low, ci_high
    observations: int
    clusters: int

    def __getitem__(self, name: str) -> pd.Series:
        return self.table.loc[name]


def twfe(frame: pd.DataFrame, outcome: str, regressors: list[str], unit: str, period: str) -> Fit:
    """Two-way fixed effects OLS of ``outcome`` on ``regressors``, clustered by ``unit``.

    Rows with a missing outcome or regressor are dropped first (as in the regression with dummies).
    Raises ValueError if fewer than two units or a regressor has no within variation.
    """
    data = frame[[unit, period, outcome, *regressors]].dropna()
    if data[unit].nunique() < 2:
        raise ValueError("twfe needs at least two units")
    periods = sorted(data[period].unique())
    dummies = pd.get_dummies(data[period]).reindex(columns=periods[1:], fill_value=False)
    design = pd.concat([data[regressors].astype(float), dummies.astype(float)], axis=1)
    groups = data[unit].to_numpy()
    within_x = design - design.groupby(groups).transform("mean")
    within_y = data[outcome].astype(float) - data.groupby(unit)[outcome].transform("mean")
    x, y = within_x.to_numpy(), within_y.to_numpy()
    for name, column in zip(regressors, x.T, strict=False):
        if np.allclose(column, 0):
            raise ValueError(f"regressor {name!r} has no variation within units")
    xtx_inv = np.linalg.pinv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    resid = y - x @ beta
    scores = pd.DataFrame(x * resid[:, None]).groupby(groups).sum().to_numpy()
    n, g = len(y), len(scores)
    k = x.shape[1] + data[unit].nunique()  # slopes, period dummies and one intercept per unit
    meat = scores.T @ scores * (g / (g - 1)) * ((n - 1) / (n - k))
    se = np.sqrt(np.diag(xtx_inv @ meat @ xtx_inv))
    table = pd.DataFrame({"coef": beta, "se": se}, index=design.columns).loc[regressors]
    table["ci_low"] = table["coef"] - 1.96 * table["se"]
    table["ci_high"] = table["coef"] + 1.96 * table["se"]
    return Fit(table=table, observations=n, clusters=g)


def event_study(frame: pd.DataFrame, outcome: str, unit: str, period: str, treated: list[str],
                start: int, window: tuple[int, int] = (-5, 10)) -> pd.DataFrame:
    """Treated-minus-comparison gap in ``outcome`` by year relative to ``start``, net of the
    average pre-start gap (a difference in differences, year by year).

    ``frame`` holds the treated units and the comparison units (every other unit). Returns
    relative_year, period, treated_mean, comparison_mean, gap, effect (gap minus the mean gap over
    the pre-start years in the window). Raises ValueError if a group has no data.
    """
    data = frame[[unit, period, outcome]].dropna()
    data = data[(data[period] >= start + window[0]) & (data[period] <= start + window[1])]
    is_treated = data[unit].isin(treated)
    if not is_treated.any() or is_treated.all():
        raise ValueError("event_study needs data for both treated and comparison units")
    means = data.groupby([data[period], is_treated.rename("treated")])[outcome].mean().unstack()
    means = means.dropna().rename(columns={True: "treated_mean", False: "comparison_mean"})
    out = means.reset_index().rename(columns={period: "period"})
    out["relative_year"] = out["period"] - start
    out["gap"] = out["treated_mean"] - out["comparison_mean"]
    pre = out.loc[out["relative_year"] < 0, "gap"]
    if pre.empty:
        raise ValueError(f"no pre-start years with data in the window {window}")
    out["effect"] = out["gap"] - pre.mean()
    return out[["relative_year", "period", "treated_mean", "comparison_mean", "gap", "effect"]]


def post_effect(study: pd.DataFrame) -> float:
    """Mean effect over the years from the start on (the summary an event study is tested on)."""
    return float(study.loc[study["relative_year"] >= 0, "effect"].mean())


def permutation_test(frame: pd.DataFrame, outcome: str, unit: str, period: str,
                     treated: list[str], start: int, window: tuple[int, int] = (-5, 10)
                     ) -> tuple[float, float, pd.Series]:
    """Placebo inference for :func:`post_effect`: every comparison unit in turn is treated as if it
    had started in ``start`` (the real treated units left out), giving the distribution of the
    statistic under no effect. Returns the observed effect, the two-sided p-value
    (placebos at least as large in size, counting the observed one) and the placebo effects."""
    observed = post_effect(event_study(frame, outcome, unit, period, treated, start, window))
    comparison = frame.loc[~frame[unit].isin(treated), unit].unique()
    donors = frame[~frame[unit].isin(treated)]
    placebos = {}
    for placebo_unit in comparison:
        try:
            study = event_study(donors, outcome, unit, period, [placebo_unit], start, window)
        except ValueError:
            continue
        placebos[placebo_unit] = post_effect(study)
    placebo = pd.Series(placebos, dtype=float)
    p_value = (1 + int((placebo.abs() >= abs(observed)).sum())) / (1 + len(placebo))
    return observed, p_value, placebo
