"""The Colombian municipal panel ``colombia_municipal_coca``: does eradication cut coca where it
happens, and does coca move next door?

Coca census (UNODC/SIMCI); aerial spraying and manual eradication from the Government of Colombia;
hectares per municipality and year.
"""

from __future__ import annotations

import pandas as pd

from drugflows.domain.statistics import Fit, twfe
from drugflows.params import ParameterError

#: Regressor -> plain label (own-municipality eradication in ha; spillover in 1,000 ha).
REGRESSORS = {
    "aerial_spraying_ha": "Aerial spraying in the municipality",
    "manual_eradication_ha": "Manual eradication in the municipality",
    "aerial_elsewhere_kha": "Aerial spraying elsewhere in the department",
    "manual_elsewhere_kha": "Manual eradication elsewhere in the department",
}


#: Regressor -> the unit of its coefficient.
UNITS = {
    "aerial_spraying_ha": "ha of coca per ha",
    "manual_eradication_ha": "ha of coca per ha",
    "aerial_elsewhere_kha": "ha of coca per 1,000 ha",
    "manual_elsewhere_kha": "ha of coca per 1,000 ha",
}


OUTCOME = "coca_later_ha"


#: The panel covers 17 years: longer lags leave too few years to estimate.
MAX_LAG = 5


def analysis_panel(panel: pd.DataFrame, lag: int = 1) -> pd.DataFrame:
    """One row per municipality and year: eradication in year t and coca ``lag`` years later.

    Keeps municipalities with coca in at least one year (the others can not respond). Adds the
    eradication in the other municipalities of the same department (thousand ha) as the spillover
    regressors, and ``coca_later_ha`` (coca in t + lag). Rows without the later coca figure or
    without manual eradication (not collected before 2004) are left for :func:`twfe` to drop.
    """
    if not isinstance(lag, int) or isinstance(lag, bool) or not 1 <= lag <= MAX_LAG:
        raise ParameterError(
            f"Parameter 'lag' must be a whole number of years from 1 to {MAX_LAG}, "
            f"got {type(lag).__name__} {lag!r}"
        )
    data = panel.sort_values(["divipola", "year"]).copy()
    grown = data.groupby("divipola")["coca_ha"].transform("max") > 0
    for own, elsewhere in (
        ("aerial_spraying_ha", "aerial_elsewhere_kha"),
        ("manual_eradication_ha", "manual_elsewhere_kha"),
    ):
        department_total = data.groupby(["department_code", "year"])[own].transform(
            lambda s: s.sum(min_count=1)
        )
        data[elsewhere] = (department_total - data[own]) / 1000
    data[OUTCOME] = data.groupby("divipola")["coca_ha"].shift(-lag)
    data["outcome_year"] = data["year"] + lag
    return data[grown].reset_index(drop=True)


def estimate(data: pd.DataFrame, first_year: int, last_year: int) -> Fit:
    """Two-way fixed effects (municipality and year), standard errors clustered by municipality:
    coca ``lag`` years later on eradication this year, own and elsewhere in the department, for
    eradication years ``first_year``..``last_year``."""
    window = data[(data["year"] >= first_year) & (data["year"] <= last_year)]
    return twfe(window, OUTCOME, list(REGRESSORS), unit="divipola", period="year")


#: The outcome of the lead (placebo) test: coca standing the year *before* the eradication year.
EARLIER_OUTCOME = "coca_before_ha"


def lead_years(data: pd.DataFrame) -> list[int]:
    """Eradication years with the previous year's coca and both eradication measures on file."""
    frame = _with_earlier_coca(data).dropna(subset=[EARLIER_OUTCOME, *REGRESSORS])
    return sorted(int(y) for y in frame["year"].unique())


def _with_earlier_coca(data: pd.DataFrame) -> pd.DataFrame:
    frame = data.sort_values(["divipola", "year"]).copy()
    frame[EARLIER_OUTCOME] = frame.groupby("divipola")["coca_ha"].shift(1)
    # a gap in a municipality's years would pair eradication with a coca figure from further back
    gap = frame.groupby("divipola")["year"].diff() != 1
    frame.loc[gap, EARLIER_OUTCOME] = float("nan")
    return frame


def lead_test(data: pd.DataFrame, first_year: int, last_year: int) -> Fit:
    """The placebo for :func:`estimate`: coca standing in t - 1 (ha) on eradication in t, the same
    regressors, municipality and year effects and clustering, eradication years
    ``first_year``..``last_year``. Eradication cannot cause coca the year before; a coefficient
    distinguishable from zero means eradication went where coca had been high (targeting), and
    mean reversion there can then produce a negative coefficient in :func:`estimate` by itself."""
    frame = _with_earlier_coca(data)
    window = frame[(frame["year"] >= first_year) & (frame["year"] <= last_year)]
    return twfe(window, EARLIER_OUTCOME, list(REGRESSORS), unit="divipola", period="year")


def coca_avoided_by_spraying(panel: pd.DataFrame) -> dict:
    """Hectares of coca avoided one year later per hectare sprayed from the air: minus the spraying
    coefficient of :func:`estimate` over every usable year, with its 95% interval, those years, a
    one-line description, whether the interval excludes zero (``distinguishable``) and the spraying
    coefficient of :func:`lead_test` over every year it can use (``lead``: coefficient, 95% low,
    high). An association, not an effect. ``panel``: the ``colombia_municipal_coca`` table."""
    data = analysis_panel(panel, lag=1)
    years = usable_years(data)
    spraying = estimate(data, years[0], years[-1])["aerial_spraying_ha"]
    low, high = -spraying["ci_high"], -spraying["ci_low"]
    lead = lead_test(data, *(lambda y: (y[0], y[-1]))(lead_years(data)))["aerial_spraying_ha"]
    return {
        "distinguishable": bool(low > 0 or high < 0),
        "lead": (lead["coef"], lead["ci_low"], lead["ci_high"]),
        "ha_per_ha": -spraying["coef"],
        "ci": (low, high),
        "years": (years[0], years[-1]),
        "note": f"the project's estimate for aerial spraying, {years[0]}-{years[-1]}: coca one year "
        f"later {spraying['coef']:+#.2g} ha per hectare sprayed, 95% interval "
        f"{spraying['ci_low']:+#.2g} to {spraying['ci_high']:+#.2g}; lead test on coca the year "
        f"before {lead['coef']:+#.2g} ({lead['ci_low']:+#.2g} to {lead['ci_high']:+#.2g}, "
        + ("fails: targeting" if lead["ci_low"] > 0 or lead["ci_high"] < 0 else "passes")
        + ")",
    }


def usable_years(data: pd.DataFrame) -> list[int]:
    """Eradication years with the later coca figure and both eradication measures on file."""
    complete = data.dropna(subset=[OUTCOME, *REGRESSORS])
    return sorted(int(y) for y in complete["year"].unique())


def national_totals(panel: pd.DataFrame) -> pd.DataFrame:
    """Years x (coca_ha, aerial_spraying_ha, manual_eradication_ha): sums over municipalities
    (missing where no municipality has a figure, as manual eradication before 2004)."""
    columns = ["coca_ha", "aerial_spraying_ha", "manual_eradication_ha"]
    return panel.groupby("year")[columns].sum(min_count=1)
