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
