"""The colombia_eradication report: the effect of aerial spraying and manual eradication on coca
later, within municipality, and spillover to the rest of the department."""

from __future__ import annotations

import pandas as pd

from drugflows import params, tables
from drugflows.domain.colombia_panel import (
    REGRESSORS,
    UNITS,
    Fit,
    analysis_panel,
    estimate,
    national_totals,
    usable_years,
)

#: The processed tables the report reads.
TABLES = ("colombia_municipal_coca",)
__all__ = ["estimate", "national_totals"]


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name."""
    return {name: tables.load(name) for name in TABLES}


def validate(first_year: object, last_year: object, lag: object, panel: pd.DataFrame):
    """The analysis panel for ``lag`` (checked: 1 to 5 years) and the eradication years chosen
    within the usable ones; ParameterError naming the parameter otherwise."""
    data = analysis_panel(panel, lag)
    first, last = params.year_range("first_year", first_year, "last_year", last_year, usable_years(data))
    return data, first, last


def effects_table(fit: Fit) -> pd.DataFrame:
    """The fit as a readable table: regressor label, coefficient, standard error, 95% interval."""
    table = fit.table.reset_index(names="regressor")
    table.insert(0, "effect_on", table["regressor"].map(REGRESSORS))
    table.insert(1, "unit", table["regressor"].map(UNITS))
    return table.drop(columns="regressor")


#: The fewest eradication years the report estimates on: with fewer, the year effects leave little
#: variation within a municipality and one odd year drives the coefficients.
MIN_YEARS = 5


def enough_years(first_year: int, last_year: int) -> bool:
    """Whether the window passes the report's gate (:data:`MIN_YEARS` eradication years)."""
    return last_year - first_year + 1 >= MIN_YEARS


def _coef(value: float) -> str:
    """A coefficient to two significant digits, with its sign."""
    return f"{value:+#.2g}".rstrip(".")


def reading(fit: Fit | None, lag: int, first_year: int, last_year: int) -> list[str]:
    """Plain sentences: each coefficient with its interval (two significant digits), and whether
    it is distinguishable from zero at the 95% level; "no estimate" below the gate
    (:func:`enough_years`)."""
    later = "the next year" if lag == 1 else f"{lag} years later"
    if fit is None or not enough_years(first_year, last_year):
        years = last_year - first_year + 1
        return [
            f"No estimate: eradication in {first_year}-{last_year} gives {years} year"
            f"{'s' if years != 1 else ''}, fewer than the {MIN_YEARS} the report needs for "
            "municipality and year effects to leave a comparison within each municipality."
        ]
    out = [
        f"{fit.observations:,} municipality-years ({fit.clusters} municipalities with coca at some "
        f"point), eradication in {first_year}-{last_year}, coca measured {later}."
    ]
    for name, label in REGRESSORS.items():
        row = fit[name]
        clear = row["ci_low"] > 0 or row["ci_high"] < 0
        verdict = "distinguishable from zero" if clear else "not distinguishable from zero"
        out.append(
            f"{label}: {_coef(row['coef'])} {UNITS[name]} {later} (95% interval "
            f"{_coef(row['ci_low'])} to {_coef(row['ci_high'])}; {verdict})."
        )
    return out


#: Formats of :func:`effects_display`: two significant digits.
EFFECT_FORMATS = {c: _coef for c in ["Coefficient", "95% low", "95% high"]} | {"Std. error": "{:#.2g}"}


def effects_display(effects: pd.DataFrame) -> pd.DataFrame:
    """:func:`effects_table` with reader-facing column names."""
    return effects.rename(
        columns={
            "effect_on": "Effect of",
            "unit": "Unit",
            "coef": "Coefficient",
            "se": "Std. error",
            "ci_low": "95% low",
            "ci_high": "95% high",
        }
    )
