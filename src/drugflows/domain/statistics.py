"""Statistics the domain modules share, written out in numpy so every step can be read.

``twfe``: a panel regression with unit and period fixed effects (two-way fixed effects) and standard
errors clustered by unit. Coefficients come from the within transformation: every variable (and each
period dummy) is demeaned by unit, then least squares (Frisch-Waugh-Lovell), which gives exactly the
coefficients of the regression with all unit and period dummies. Clustered standard errors use the
usual CR1 small-sample factor G/(G-1) * (N-1)/(N-K), K counting every dummy, as statsmodels does.

``event_study``, ``placebo_studies`` and ``synthetic_control``: designs around a start year with
placebo (permutation) inference; ``synthetic_placebos`` and ``rmspe_ratio_p_value``: the placebo
inference of a synthetic control on the ratio of post- to pre-start RMSPE (Abadie, Diamond and
Hainmueller 2010); ``holm``: the Holm step-down adjustment of a family of p-values;
``balanced_members``: the units with a value in every year of a design (a fixed panel).
``change_points``: shifts in the mean level of a series.
``chance_band``: how far a correlation of unrelated series strays by chance.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

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


def event_study(
    frame: pd.DataFrame,
    outcome: str,
    unit: str,
    period: str,
    treated: list[str],
    start: int,
    window: tuple[int, int] = (-5, 10),
) -> pd.DataFrame:
    """Treated-minus-comparison gap in ``outcome`` by year relative to ``start``, net of the
    average pre-start gap (a difference in differences, year by year).

    ``frame`` holds the treated units and the comparison units (every other unit). The comparison
    mean is taken over whichever units have data each year: pass a balanced panel
    (:func:`balanced_members`), or units entering and leaving the mean make an effect of their own.
    Returns
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


def lead_rms(study: pd.DataFrame) -> float:
    """Root mean square of the effects before the start (the leads): how far the treated units
    strayed from their average pre-start gap; the pre-trend statistic an event study is checked on."""
    leads = study.loc[study["relative_year"] < 0, "effect"]
    return float((leads**2).mean() ** 0.5)


def balanced_members(frame: pd.DataFrame, unit: str, period: str, value: str, years: list[int]) -> list[str]:
    """The units with a non-missing ``value`` in every one of ``years`` (sorted)."""
    rows = frame[frame[period].isin(years) & frame[value].notna()]
    counts = rows.groupby(unit)[period].nunique()
    return sorted(counts.index[counts == len(set(years))])


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment: the i-th smallest of m p-values times (m - i + 1), made
    non-decreasing in that order and capped at 1; returned in the input order."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted, running = [0.0] * len(p_values), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def placebo_studies(
    frame: pd.DataFrame,
    outcome: str,
    unit: str,
    period: str,
    treated: list[str],
    start: int,
    window: tuple[int, int] = (-5, 10),
) -> pd.DataFrame:
    """Event studies with each comparison unit in turn treated as if it had started in ``start``
    (the real treated units left out). Returns relative_year x placebo unit: the effect paths.
    Units without data before and after the start are skipped."""
    donors = frame[~frame[unit].isin(treated)]
    paths = {}
    for placebo_unit in donors[unit].unique():
        try:
            study = event_study(donors, outcome, unit, period, [placebo_unit], start, window)
        except ValueError:
            continue
        if (study["relative_year"] >= 0).any():
            paths[placebo_unit] = study.set_index("relative_year")["effect"]
    return pd.DataFrame(paths).sort_index()


def permutation_test(
    frame: pd.DataFrame,
    outcome: str,
    unit: str,
    period: str,
    treated: list[str],
    start: int,
    window: tuple[int, int] = (-5, 10),
) -> tuple[float, float, pd.Series]:
    """Placebo inference for :func:`post_effect`: every comparison unit in turn is treated as if it
    had started in ``start`` (:func:`placebo_studies`), giving the distribution of the statistic
    under no effect. Returns the observed effect, the two-sided p-value (placebos at least as large
    in size, counting the observed one) and the placebo effects."""
    observed = post_effect(event_study(frame, outcome, unit, period, treated, start, window))
    placebo = placebo_effects(placebo_studies(frame, outcome, unit, period, treated, start, window))
    return observed, placebo_p_value(observed, placebo), placebo


def placebo_effects(paths: pd.DataFrame) -> pd.Series:
    """Each placebo's :func:`post_effect` from its effect path (:func:`placebo_studies`)."""
    return paths[paths.index >= 0].mean().astype(float)


def placebo_p_value(observed: float, placebo: pd.Series) -> float:
    """Two-sided permutation p-value: the share of placebos at least as large in size as the
    observed effect, counting the observed one (so never below 1 / (placebos + 1))."""
    return (1 + int((placebo.abs() >= abs(observed)).sum())) / (1 + len(placebo))


def _project_to_simplex(v: np.ndarray) -> np.ndarray:
    """Euclidean projection onto {w >= 0, sum w = 1} (Duchi et al. 2008)."""
    u = np.sort(v)[::-1]
    cumulative = np.cumsum(u)
    rho = np.nonzero(u * np.arange(1, len(v) + 1) > (cumulative - 1))[0][-1]
    theta = (cumulative[rho] - 1) / (rho + 1)
    return np.maximum(v - theta, 0)


@dataclass(frozen=True)
class Synthetic:
    """A synthetic control: donor weights, the treated and synthetic paths, and fit summaries."""

    weights: pd.Series  # donor -> weight (non-negative, summing to 1)
    path: pd.DataFrame  # period, treated, synthetic, gap
    pre_rmspe: float  # root mean squared gap before the start
    post_effect: float  # mean gap from the start on
    post_rmspe: float = float("nan")  # root mean squared gap from the start on

    @property
    def rmspe_ratio(self) -> float:
        """Post- over pre-start RMSPE: large when the gap opens after the start."""
        return self.post_rmspe / self.pre_rmspe if self.pre_rmspe > 0 else float("inf")


def synthetic_control(
    frame: pd.DataFrame,
    outcome: str,
    unit: str,
    period: str,
    treated: str,
    start: int,
    iterations: int = 5000,
    tolerance: float = 1e-12,
) -> Synthetic:
    """Weights on the donor units (all other units with a complete series over the years the
    treated unit has) that best reproduce the treated unit's outcome before ``start``
    (least squares on the simplex, by projected gradient descent, stopped early once the weights
    move by less than ``tolerance``), and the gap after."""
    wide = frame.pivot_table(index=period, columns=unit, values=outcome)
    if treated not in wide:
        raise ValueError(f"no {outcome!r} data for {treated!r}")
    wide = wide[wide[treated].notna()].dropna(axis=1)
    donors = [c for c in wide.columns if c != treated]
    pre = wide.index < start
    if pre.sum() < 3 or not donors or (~pre).sum() == 0:
        raise ValueError("synthetic_control needs donors, 3+ years before the start and 1+ after")
    x, y = wide.loc[pre, donors].to_numpy(), wide.loc[pre, treated].to_numpy()
    w = np.full(len(donors), 1 / len(donors))
    step = 1 / (np.linalg.norm(x, 2) ** 2)  # 1 / Lipschitz constant of the gradient
    for _ in range(iterations):
        previous, w = w, _project_to_simplex(w - step * (x.T @ (x @ w - y)))
        if np.abs(w - previous).max() < tolerance:
            break
    synthetic = wide[donors].to_numpy() @ w
    path = pd.DataFrame({"period": wide.index, "treated": wide[treated].to_numpy(), "synthetic": synthetic})
    path["gap"] = path["treated"] - path["synthetic"]
    is_pre = path["period"] < start
    return Synthetic(
        weights=pd.Series(w, index=donors).sort_values(ascending=False),
        path=path,
        pre_rmspe=float(np.sqrt((path.loc[is_pre, "gap"] ** 2).mean())),
        post_effect=float(path.loc[~is_pre, "gap"].mean()),
        post_rmspe=float(np.sqrt((path.loc[~is_pre, "gap"] ** 2).mean())),
    )


def synthetic_placebos(
    frame: pd.DataFrame, outcome: str, unit: str, period: str, treated: str, start: int
) -> pd.DataFrame:
    """Each donor in turn as a placebo treated unit: its synthetic control from the other donors
    (the real treated unit left out). Returns one row per placebo unit: pre_rmspe, post_rmspe,
    rmspe_ratio, post_effect; placebos whose fit cannot run are skipped."""
    donors = frame[frame[unit] != treated]
    rows = {}
    for placebo in sorted(donors[unit].unique()):
        try:
            fit = synthetic_control(donors, outcome, unit, period, placebo, start)
        except ValueError:
            continue
        rows[placebo] = {
            "pre_rmspe": fit.pre_rmspe,
            "post_rmspe": fit.post_rmspe,
            "rmspe_ratio": fit.rmspe_ratio,
            "post_effect": fit.post_effect,
        }
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=["pre_rmspe", "post_rmspe", "rmspe_ratio", "post_effect"]
    )


def rmspe_ratio_p_value(observed_ratio: float, placebo_ratios: pd.Series) -> float:
    """Abadie, Diamond and Hainmueller (2010): the share of units, the treated one included, whose
    post- to pre-start RMSPE ratio is at least the treated unit's (its rank from the top over the
    number of units; never below 1 / (placebos + 1))."""
    return (1 + int((placebo_ratios >= observed_ratio).sum())) / (1 + len(placebo_ratios))


def change_points(values: pd.Series, min_size: int = 6, penalty: float | None = None) -> list[pd.Timestamp]:
    """Where the mean level of a series shifts: binary segmentation on squared error.

    A segment is split at the point that most reduces the sum of squared deviations from the
    segment means, if the reduction exceeds ``penalty`` and both parts hold at least ``min_size``
    points; then each part is searched again. The default penalty is the BIC-style
    ``2 * sigma**2 * log(n)``, with the noise ``sigma`` estimated robustly from the median absolute
    difference between consecutive values (so level shifts do not inflate it).
    Returns the first index label of every new segment, in order.
    """
    y = values.to_numpy(dtype=float)
    n = len(y)
    if n < 2 * min_size:
        return []
    if penalty is None:
        diffs = np.abs(np.diff(y))
        sigma = 1.4826 * np.median(diffs) / np.sqrt(2)
        penalty = 2 * max(sigma, 1e-12) ** 2 * np.log(n)

    def best_split(lo: int, hi: int) -> tuple[float, int]:
        seg = y[lo:hi]
        csum, csq = np.cumsum(seg), np.cumsum(seg**2)
        total = csq[-1] - csum[-1] ** 2 / len(seg)
        best, where = 0.0, -1
        for k in range(min_size, len(seg) - min_size + 1):
            left = csq[k - 1] - csum[k - 1] ** 2 / k
            right = (csq[-1] - csq[k - 1]) - (csum[-1] - csum[k - 1]) ** 2 / (len(seg) - k)
            gain = total - left - right
            if gain > best:
                best, where = gain, lo + k
        return best, where

    breaks, stack = [], [(0, n)]
    while stack:
        lo, hi = stack.pop()
        if hi - lo < 2 * min_size:
            continue
        gain, where = best_split(lo, hi)
        if where > 0 and gain > penalty:
            breaks.append(where)
            stack += [(lo, where), (where, hi)]
    return [values.index[i] for i in sorted(breaks)]


#: A chance band (and any reading of a correlation against it) needs at least this many pairs: below
#: it the large-sample approximation is poor and one odd year decides r.
MIN_CHANCE_BAND_PAIRS = 8


def chance_band(pairs: int, tests: int = 1) -> float:
    """The band (+/- z / sqrt(n - 1)) that the Pearson correlation of ``pairs`` pairs of unrelated
    series stays within about 19 times in 20 (the large-sample approximation; z = 1.96 for one test).
    ``tests``: how many correlations the one reported is the best of (e.g. one per lag); the band is
    then Bonferroni-adjusted (z for 0.05 / tests, two-sided: 2.39 for three). NaN below
    :data:`MIN_CHANCE_BAND_PAIRS` pairs: no band, and no reading of r against one."""
    if pairs < MIN_CHANCE_BAND_PAIRS:
        return np.nan
    z = 1.96 if tests == 1 else NormalDist().inv_cdf(1 - 0.05 / (2 * tests))
    return z / np.sqrt(pairs - 1)


#: The power :func:`detectable_correlation` asks for: a true correlation of that size crosses the
#: band four times in five.
DETECTION_POWER = 0.8


def detectable_correlation(pairs: int, tests: int = 1, power: float = DETECTION_POWER) -> float:
    """The smallest true correlation (in size) that a two-sided test at the 5% level (Bonferroni-
    adjusted over ``tests``) on ``pairs`` pairs detects with probability ``power``: tanh((z_alpha +
    z_power) / sqrt(n - 3)), Fisher's z approximation. A correlation smaller than this can be there
    and go unseen: a test that finds nothing is no evidence that nothing is there. NaN below
    :data:`MIN_CHANCE_BAND_PAIRS` pairs."""
    if pairs < MIN_CHANCE_BAND_PAIRS:
        return np.nan
    normal = NormalDist()
    z_alpha = normal.inv_cdf(1 - 0.05 / (2 * tests))
    return float(np.tanh((z_alpha + normal.inv_cdf(power)) / np.sqrt(pairs - 3)))
