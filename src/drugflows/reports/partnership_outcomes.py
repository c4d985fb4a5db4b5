"""The partnership_outcomes report: what the US spent with a partner, and what followed there.

Assistance from ``us_assistance`` (:mod:`drugflows.domain.assistance`); outcomes, the event study
with placebo inference and the synthetic control from :mod:`drugflows.domain.outcomes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from drugflows import params, tables
from drugflows.countries import names_by_code
from drugflows.domain import assistance
from drugflows.domain.assistance import counternarcotics_assistance
from drugflows.domain.outcomes import (
    CRIME_SCORE_FORMATS,
    MIN_PLACEBOS,
    MIN_PRE_YEARS_SYNTHETIC,
    OUTCOMES,
    PROGRAMS,
    WINDOW,
    Study,
    crime_scores,
    majors_status,
    outcome_panel,
    regional_peers,
    study,
    summary,
    trends,
)

#: The processed tables the report reads, in the order its vintage table lists them.
TABLES = (
    "us_assistance",
    "country_indicators",
    "crop_estimates",
    "unodc_seizures",
    "majors_list",
    "countries",
)

__all__ = [
    "CRIME_SCORE_FORMATS",
    "OUTCOMES",
    "PROGRAMS",
    "counternarcotics_assistance",
    "names_by_code",
]


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name."""
    return {name: tables.load(name) for name in TABLES}


def reading(
    program: str, treated_names: str, start_year: int, studies: list[Study], spent: pd.DataFrame
) -> list[str]:
    """Plain sentences: money, then each outcome's estimated change and how unusual it is."""
    out = []
    greenbook = [c for c in spent.columns if c in assistance.GREENBOOK_SERIES]
    if greenbook:
        window = spent.loc[start_year : start_year + WINDOW[1], greenbook].sum(axis=1, min_count=1)
        if window.notna().any():
            out.append(
                f"US counter-narcotics obligations to {treated_names} (Greenbook: State, "
                f"Defense and DEA) came to US${window.sum() / 1e9:,.2f} billion (current "
                f"dollars) in fiscal {window.dropna().index.min()}-"
                f"{window.dropna().index.max()}, peaking in {int(window.idxmax())}."
            )
    for s in studies:
        label = OUTCOMES[s.outcome]
        if s.effect is None:
            out.append(f"{label}: no estimate ({s.note}).")
            continue
        direction = "above" if s.effect > 0 else "below"
        if s.p_value is None:
            strength = f"no placebo inference: {s.note}"
        elif s.p_value <= 0.1:
            strength = (
                f"unusual among the placebo countries (p = {s.p_value:.2f}, "
                f"{s.placebo_effects.shape[1]} placebos)"
            )
        else:
            strength = (
                f"within what placebo countries show by chance (p = {s.p_value:.2f}, "
                f"{s.placebo_effects.shape[1]} placebos)"
            )
        out.append(
            f"{label}: from {start_year} on, {treated_names} ran {abs(s.effect):,.2f} "
            f"{direction} the comparison countries, net of the gap before; {strength}."
        )
    return out


@dataclass(frozen=True)
class Setup:
    """Validated parameters of a partnership_outcomes report."""

    program: str
    treated: list[str]
    start_year: int
    why: str
    outcomes: list[str]
    comparison: list[str]
    comparison_is_default: bool


def validate(
    program: object,
    country: object,
    start_year: object,
    outcomes: object,
    comparison: object,
    countries: pd.DataFrame,
    indicators: pd.DataFrame,
) -> Setup:
    """Check the report's parameters; ParameterError naming the parameter and the valid values.

    ``country`` and ``start_year`` may be None for a programme of :data:`PROGRAMS` (its own);
    ``comparison`` None means the regional peers (:func:`regional_peers`). The start year must
    leave a year of outcome indicators on file before and after it.
    """
    if not isinstance(program, str) or not program.strip():
        raise params.ParameterError(
            f"Parameter 'program' must be a name, got {program!r}. Known programmes: {', '.join(PROGRAMS)}"
        )
    known = next((p for p in PROGRAMS if p.casefold() == program.strip().casefold()), None)
    spec = PROGRAMS.get(known, {})
    if known is None and (country is None or start_year is None):
        raise params.ParameterError(
            f"Unknown program {program!r}: give 'country' and 'start_year' for a programme of your "
            f"own, or one of: {', '.join(PROGRAMS)}"
        )
    treated = params.country_list("country", spec["countries"] if country is None else country, countries)
    start = spec["start_year"] if start_year is None else start_year
    years = indicators.loc[indicators["indicator"].isin(OUTCOMES), "year"]
    first, last = int(years.min()) + 1, int(years.max()) - 1
    if isinstance(start, bool) or not isinstance(start, int) or not first <= start <= last:
        raise params.ParameterError(
            f"Parameter 'start_year' must be a whole year from {first} to "
            f"{last} (outcomes need years before and after), got "
            f"{start_year!r}"
        )
    names = params.as_list("outcomes", outcomes, f"an outcome name ({', '.join(OUTCOMES)})")
    chosen = [params.choose("outcomes", o, OUTCOMES) for o in names]
    peers = (
        regional_peers(treated, countries)
        if comparison is None
        else [c for c in params.country_list("comparison", comparison, countries) if c not in treated]
    )
    if not peers:
        raise params.ParameterError("Parameter 'comparison' leaves no comparison country")
    why = (
        spec.get("why", "chosen by the user")
        if start_year in (None, spec.get("start_year"))
        else "chosen by the user"
    )
    return Setup(known or program.strip(), treated, start, why, chosen, peers, comparison is None)


def outcome_panels(setup: Setup, data: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Outcome -> long panel iso3, year, value (every country on file), for the chosen outcomes."""
    return {
        o: outcome_panel(o, data["country_indicators"], data["crop_estimates"], data["unodc_seizures"])
        for o in setup.outcomes
    }


def run_studies(setup: Setup, panels: dict[str, pd.DataFrame]) -> list[Study]:
    """The event study, placebos and synthetic control of each chosen outcome, in order."""
    return [study(o, panels[o], setup.treated, setup.comparison, setup.start_year) for o in setup.outcomes]


def outcome_trends(setup: Setup, panels: dict[str, pd.DataFrame], partner: str) -> pd.DataFrame:
    """Long outcome (label), year, group, value: the partner's mean and the comparison mean."""
    long = []
    for o in setup.outcomes:
        part = trends(panels[o], setup.treated, setup.comparison, partner)
        long.append(part.assign(outcome=OUTCOMES[o]))
    return pd.concat(long)


def placebo_drawn(studies: list[Study]) -> dict[str, tuple[pd.Series, pd.DataFrame]]:
    """Outcome label -> (the partner's effect path, its placebos' paths), for the event studies run."""
    return {
        OUTCOMES[s.outcome]: (s.event.set_index("relative_year")["effect"], s.placebo_effects)
        for s in studies
        if s.event is not None
    }


#: Formats of :func:`summary_table`.
SUMMARY_FORMATS = {
    "Event-study change": "{:+,.2f}",
    "Placebo p": "{:.2f}",
    "Synthetic-control gap": "{:+,.2f}",
    "Pre-start fit (RMSPE)": "{:,.2f}",
}


def summary_table(studies: list[Study]) -> pd.DataFrame:
    """One row per outcome (:func:`summary`) with reader-facing column names."""
    return summary(studies).rename(
        columns={
            "outcome": "Outcome",
            "event_study_effect": "Event-study change",
            "placebo_p_value": "Placebo p",
            "placebos": "Placebos",
            "synthetic_effect": "Synthetic-control gap",
            "synthetic_pre_rmspe": "Pre-start fit (RMSPE)",
            "top_donors": "Main donors (weight)",
        }
    )


def study_notes(studies: list[Study]) -> list[str]:
    """One line per outcome whose designs could not all run: why."""
    return [f"*{OUTCOMES[s.outcome]}*: {s.note}." for s in studies if s.note]


def synthetic_lines(studies: list[Study], partner: str) -> pd.DataFrame:
    """Long outcome, period, gap, line, value: the partner and its synthetic twin, for each outcome
    with a synthetic control (empty if none)."""
    paths = [s.synthetic.path.assign(outcome=OUTCOMES[s.outcome]) for s in studies if s.synthetic is not None]
    if not paths:
        return pd.DataFrame()
    frame = pd.concat(paths).melt(["period", "outcome", "gap"], ["treated", "synthetic"], "line", "value")
    frame["line"] = frame["line"].map({"treated": partner, "synthetic": "Synthetic twin"})
    return frame


def majors_table(majors: pd.DataFrame, treated: list[str], names: dict[str, str]) -> pd.DataFrame:
    """Majors List status by fiscal year (rows) and partner country (columns, by name)."""
    status = majors_status(majors, treated).rename(columns=names)
    return status.reset_index().rename(columns={"fiscal_year": "Fiscal year"})


#: Formats of :func:`scores_table`.


def scores_table(indicators: pd.DataFrame, treated: list[str], names: dict[str, str]) -> pd.DataFrame:
    """Latest Global Organized Crime Index scores, one row per partner country (empty if none)."""
    scores = crime_scores(indicators, treated)
    return scores if scores.empty else scores.rename(index=names).reset_index(names="Country")


def design_notes(setup: Setup) -> list[str]:
    """Bullets: the start year and why, the comparison group, the window and the design minimums."""
    return [
        f"**Start year {setup.start_year}**: {setup.why}.",
        f"**Comparison group**: {len(setup.comparison)} countries "
        + (
            "(every other country of the partner's UN region, the United States left out)"
            if setup.comparison_is_default
            else "(chosen by the user)"
        )
        + "; each design uses those with data: "
        + ", ".join(setup.comparison)
        + ".",
        f"**Window**: {WINDOW[0]} to +{WINDOW[1]} years around the start. Placebo "
        f"inference is reported with at least {MIN_PLACEBOS} placebo countries; a synthetic "
        f"control needs {MIN_PRE_YEARS_SYNTHETIC} years before the start.",
    ]
