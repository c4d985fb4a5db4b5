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


def excludes_zero(row: pd.Series) -> bool:
    """Whether a coefficient (a row of a fit) has a 95% interval that excludes zero; for a
    :func:`lead_test` coefficient: eradication went where coca had been high the year before."""
    return bool(row["ci_low"] > 0 or row["ci_high"] < 0)


def _signed(value: float) -> str:
    return f"{value:+#.2g}".rstrip(".")


def lead_text(row: pd.Series, years: str) -> str:
    """A lead-test coefficient as printed: "+0.097 in 2004-2016 (-0.069 to +0.26)"."""
    return f"{_signed(row['coef'])} in {years} ({_signed(row['ci_low'])} to {_signed(row['ci_high'])})"


#: What a lead test whose interval includes zero shows: no sign of targeting, not its absence.
NO_SIGN = (
    "no sign that eradication followed earlier coca (the interval includes zero; the test cannot "
    "rule targeting out)"
)
#: What a lead test whose interval excludes zero shows.
TARGETING = "eradication went where coca had been high the year before (the interval excludes zero)"


def lead_sentence(rows: dict[str, pd.Series]) -> str:
    """The lead test of one regressor in words: ``rows`` maps eradication years (text) to the
    regressor's row of :func:`lead_test`, the estimate's own years (the matched window) first, then
    any other window. Says whether the result depends on the window."""
    (matched, first), *others = rows.items()
    out = (
        f"Lead test on the estimate's eradication years, coca the year before on this eradication: "
        f"{lead_text(first, matched)}: {TARGETING if excludes_zero(first) else NO_SIGN}."
    )
    for years, row in others:
        if excludes_zero(row) == excludes_zero(first):
            out += f" The same on every year with the previous year's coca on file: {lead_text(row, years)}."
        else:
            out += (
                " The result depends on the window: on every year with the previous year's coca on "
                f"file, {lead_text(row, years)}: {TARGETING if excludes_zero(row) else NO_SIGN}."
            )
    return out


def coca_avoided_by_spraying(panel: pd.DataFrame) -> dict:
    """Hectares of coca avoided one year later per hectare sprayed from the air: minus the spraying
    coefficient of :func:`estimate` over every usable year, with its 95% interval, those years, a
    one-line description, whether the interval excludes zero (``distinguishable``) and the spraying
    coefficient of :func:`lead_test` on the same eradication years (``lead``: coefficient, 95% low,
    high) and on every year it can use (``lead_all``, with their ``lead_years``). An association,
    not an effect. ``panel``: the ``colombia_municipal_coca`` table."""
    data = analysis_panel(panel, lag=1)
    years = usable_years(data)
    spraying = estimate(data, years[0], years[-1])["aerial_spraying_ha"]
    low, high = -spraying["ci_high"], -spraying["ci_low"]
    every = lead_years(data)
    matched = lead_test(data, years[0], years[-1])["aerial_spraying_ha"]
    widest = lead_test(data, every[0], every[-1])["aerial_spraying_ha"]
    leads = {f"{years[0]}-{years[-1]}": matched}
    leads.setdefault(f"{every[0]}-{every[-1]}", widest)
    return {
        "distinguishable": bool(low > 0 or high < 0),
        "lead": (matched["coef"], matched["ci_low"], matched["ci_high"]),
        "lead_all": (widest["coef"], widest["ci_low"], widest["ci_high"]),
        "lead_years": (every[0], every[-1]),
        "ha_per_ha": -spraying["coef"],
        "ci": (low, high),
        "years": (years[0], years[-1]),
        "note": f"the project's estimate for aerial spraying, {years[0]}-{years[-1]}: coca one year "
        f"later {spraying['coef']:+#.2g} ha per hectare sprayed, 95% interval "
        f"{spraying['ci_low']:+#.2g} to {spraying['ci_high']:+#.2g}. " + lead_sentence(leads).rstrip("."),
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
