"""The colombia_eradication report: the association of aerial spraying and manual eradication with
coca later, within municipality and in the rest of the department, and a lead (placebo) test for
targeting: eradication this year on coca the year before."""

from __future__ import annotations

import pandas as pd

from drugflows import params, tables
from drugflows.domain.colombia_panel import (
    REGRESSORS,
    UNITS,
    Fit,
    analysis_panel,
    estimate,
    excludes_zero,
    lead_sentence,
    lead_test,
    lead_years,
    national_totals,
    usable_years,
)

#: The processed tables the report reads.
TABLES = ("colombia_municipal_coca",)
__all__ = ["estimate", "lead_test", "lead_years", "national_totals"]


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


def leads(data: pd.DataFrame, first_year: int, last_year: int) -> dict[str, Fit]:
    """The lead tests (:func:`lead_test`): on the estimate's eradication years (the matched window,
    first), and on every eradication year with the previous year's coca on file (where that is
    another window), keyed by their years as text."""
    every = lead_years(data)
    out = {f"{first_year}-{last_year}": lead_test(data, first_year, last_year)}
    out.setdefault(f"{every[0]}-{every[-1]}", lead_test(data, every[0], every[-1]))
    return out


def reading(
    fit: Fit | None, lag: int, first_year: int, last_year: int, lead_fits: dict[str, Fit] | None = None
) -> list[str]:
    """Plain sentences: each coefficient, an association, with its interval (two significant
    digits) and whether it is distinguishable from zero at the 95% level; with ``lead_fits``
    (:func:`leads`), the lead test for each regressor on the estimate's years and on every year it
    can use, whether the result depends on the window, and where a lead's interval excludes zero
    the association is said not to be readable as an effect; an interval including zero is "no
    sign" of targeting, never a pass. "No estimate" below the gate
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
        f"point), eradication in {first_year}-{last_year}, coca measured {later}. Each figure is an "
        "association within municipality, not a measured effect; the lead test asks whether "
        "eradication went where coca had been high the year before."
    ]
    for name, label in REGRESSORS.items():
        row = fit[name]
        verdict = "distinguishable from zero" if excludes_zero(row) else "not distinguishable from zero"
        line = (
            f"{label}: {_coef(row['coef'])} {UNITS[name]} {later} (95% interval "
            f"{_coef(row['ci_low'])} to {_coef(row['ci_high'])}; {verdict})."
        )
        if lead_fits:
            line += " " + lead_sentence({years: f[name] for years, f in lead_fits.items()})
            if any(excludes_zero(f[name]) for f in lead_fits.values()):
                line += (
                    " In a window where eradication went where coca had been high, mean reversion "
                    "there alone can give a coefficient like this one: the association cannot be read "
                    "as an effect."
                )
            else:
                line += " Still an association: eradication may follow what the test cannot see."
        out.append(line)
    return out


#: Formats of :func:`effects_display`: two significant digits.
EFFECT_FORMATS = {c: _coef for c in ["Coefficient", "95% low", "95% high"]} | {"Std. error": "{:#.2g}"}


def effects_display(effects: pd.DataFrame) -> pd.DataFrame:
    """:func:`effects_table` with reader-facing column names."""
    return effects.rename(
        columns={
            "effect_on": "Association with",
            "unit": "Unit",
            "coef": "Coefficient",
            "se": "Std. error",
            "ci_low": "95% low",
            "ci_high": "95% high",
        }
    )


def leads_display(lead_fits: dict[str, Fit]) -> pd.DataFrame:
    """The lead tests (:func:`leads`) as one readable table: eradication years, regressor, unit
    (ha of coca the year before per ha), coefficient, standard error, 95% interval, and whether it
    finds targeting (interval excludes zero) or no sign of it (which does not rule it out)."""
    parts = []
    for years, fit in lead_fits.items():
        table = effects_display(effects_table(fit))
        table["Unit"] = table["Unit"] + " (coca the year before)"
        table.insert(0, "Eradication years", years)
        clear = (table["95% low"] > 0) | (table["95% high"] < 0)
        table["Targeting"] = clear.map(
            {True: "found (interval excludes zero)", False: "no sign (not ruled out)"}
        )
        parts.append(table)
    return pd.concat(parts, ignore_index=True)
