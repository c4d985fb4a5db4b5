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
from drugflows.domain.assistance import (
    GREENBOOK_SUM,
    INCLE_NOTE,
    assistance_title,
    counternarcotics_assistance,
)
from drugflows.domain.outcomes import (
    ALPHA,
    CRIME_SCORE_FORMATS,
    LAST_POPULATION_ESTIMATE,
    MIN_PLACEBOS,
    MIN_POPULATION,
    MIN_PRE_YEARS,
    MIN_PRE_YEARS_SYNTHETIC,
    OUTCOMES,
    PROGRAMS,
    SYNTHETIC_FIT_MULTIPLE,
    WINDOW,
    Study,
    adjust,
    comparison_pool,
    crime_scores,
    effect_text,
    majors_status,
    outcome_panel,
    partner_pool,
    placebos_needed,
    regional_peers,
    round_effect,
    study,
    summary,
    trends,
)
from drugflows.wording import money_text

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
    "assistance_title",
    "counternarcotics_assistance",
    "names_by_code",
]


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name."""
    return {name: tables.load(name) for name in TABLES}


def p_text(p: float) -> str:
    """A placebo p-value to two decimals."""
    return f"{p:.2f}"


def _verdict(p_holm: float, floor: float, placebos: int, family: int, what: str) -> tuple[str, str]:
    """How unusual a result is, on its Holm-adjusted p-value against :data:`ALPHA`: (words for
    inside the brackets after the p-values, a sentence after them). Where even the smallest
    adjusted p-value the design allows (``floor``) is above :data:`ALPHA`, no verdict inside the
    brackets; the sentence says the design cannot separate the change from chance with
    ``placebos`` ``what`` and how many it would need."""
    if floor > ALPHA:
        outcomes = f"{family} outcome{'' if family == 1 else 's'}"
        return "", (
            f" With {placebos} {what} and {outcomes} no Holm-adjusted p can fall below "
            f"{p_text(floor)}, above the {ALPHA:g} threshold: this design cannot separate the change from "
            f"chance with {placebos} {what}; it would need at least {placebos_needed(family)}."
        )
    return (
        ": unusual among the placebos" if p_holm <= ALPHA else ": within what the placebos show by chance"
    ), ""


def levels(s: Study, treated: list[str], panel: pd.DataFrame) -> dict[str, float]:
    """Mean level of the treated countries and of the comparison countries before the start and
    from the start on, over the design's years (the balanced panel of ``s``); outcome units."""
    rows = panel[panel["year"].isin(s.years)]
    before = rows["year"] < s.start_year
    out = {}
    for group, members in (("treated", treated), ("comparison", s.members)):
        for when, mask in (("before", before), ("after", ~before)):
            yearly = rows[rows["iso3"].isin(members) & mask].groupby("year")["value"].mean()
            out[f"{group}_{when}"] = float(yearly.mean())
    return out


def span(years: list[int]) -> str:
    """ "2002-2007", or "1996-2000 (3 years on file)" where years are missing in between."""
    if len(years) == 1:
        return str(years[0])
    text = f"{years[0]}-{years[-1]}"
    return text if len(years) == years[-1] - years[0] + 1 else f"{text} ({len(years)} years on file)"


def outcome_sentence(
    s: Study,
    treated: list[str],
    treated_names: str,
    panel: pd.DataFrame,
    family: int,
    synthetic_family: int | None = None,
) -> str:
    """The headline of one outcome: its levels, the event study (placebos, Holm over ``family``
    outcomes, leads) and the synthetic control (RMSPE-ratio placebos, Holm over
    ``synthetic_family`` outcomes, default ``family``; pre-fit gate); "no estimate" and why below a
    gate, never a number. Where the design's smallest possible adjusted p-value is above
    :data:`ALPHA`, it says the design cannot separate the change from chance."""
    label = OUTCOMES[s.outcome]
    if s.effect is None:
        return f"{label}: no estimate ({s.note})."

    def fmt(value: float, signed: bool = False) -> str:
        return effect_text(s.outcome, value, signed)

    level = levels(s, treated, panel)
    pre = [y for y in s.years if y < s.start_year]
    post = [y for y in s.years if y >= s.start_year]
    who = (
        treated_names
        if len(treated) == 1
        else f"{treated_names} (mean)"
        if len(treated) <= 3
        else f"the {len(treated)} partner countries (mean)"
    )
    inline, chance = _verdict(s.p_holm, s.p_holm_floor, s.placebos, family, "comparison countries")
    out = (
        f"{label}: {who} averaged {fmt(level['treated_before'])} in {span(pre)} and "
        f"{fmt(level['treated_after'])} in {span(post)}; the {len(s.members)} comparison countries "
        f"(the same every year) {fmt(level['comparison_before'])} and {fmt(level['comparison_after'])}. "
        f"Event study: {fmt(s.effect, True)} against them, net of the gap before "
        f"({len(pre)} pre-start years and {s.placebos} placebos, gates {MIN_PRE_YEARS} and {MIN_PLACEBOS}; "
        f"p = {p_text(s.p_value)}, Holm-adjusted over {family} "
        f"outcome{'' if family == 1 else 's'} "
        f"{p_text(s.p_holm)}{inline}).{chance}"
    )
    if round(s.p_value * (s.placebos + 1)) == 1:
        whose = f"{treated_names}'s" if len(treated) == 1 else "The partners' mean"
        out += (
            f" {whose} {'rise' if s.effect > 0 else 'fall'} against them is the largest in the pool, "
            f"ranked 1 of {s.placebos + 1} with its placebos."
        )
    if s.pre_trend_p <= ALPHA:
        out += (
            f" But the leads stray more than the placebos' before the start (pre-trend p = "
            f"{p_text(s.pre_trend_p)}), so the change cannot be read as the programme's."
        )
    else:
        out += f" The leads stay within the placebos' (pre-trend p = {p_text(s.pre_trend_p)})."
    if s.synthetic_effect is None:
        return out + f" Synthetic control: no estimate ({s.synthetic_note})."
    placebos = len(s.synthetic_placebos)
    rank = round(s.synthetic_p * (placebos + 1))
    synthetic_family = family if synthetic_family is None else synthetic_family
    inline, chance = _verdict(
        s.synthetic_p_holm, s.synthetic_p_holm_floor, placebos, synthetic_family, "placebo fits"
    )
    out += (
        f" Synthetic control: {fmt(s.synthetic_effect, True)} against its twin (pre-start RMSPE "
        f"{fmt(s.synthetic.pre_rmspe)}, within the fit gate of {fmt(s.synthetic_fit_limit)}; post- to "
        f"pre-start RMSPE ratio ranked {rank} of {placebos + 1} with its {placebos} placebos, p = "
        f"{p_text(s.synthetic_p)}, Holm-adjusted {p_text(s.synthetic_p_holm)}{inline}).{chance}"
    )
    disagree = []
    if round_effect(s.outcome, s.effect) * round_effect(s.outcome, s.synthetic_effect) < 0:
        disagree.append("opposite signs")
    if (s.p_holm <= ALPHA) != (s.synthetic_p_holm <= ALPHA):
        disagree.append("one finds the change unusual, the other does not")
    if disagree:
        out += f" The two designs disagree ({'; '.join(disagree)})."
    return out


def reading(
    treated_names: str,
    start_year: int,
    studies: list[Study],
    spent: pd.DataFrame,
    treated: list[str],
    panels: dict[str, pd.DataFrame],
    left_out: list[str] | None = None,
    concurrent: str | None = None,
) -> list[str]:
    """Plain sentences: the partners ``left_out`` (names) for being under a million people, if
    any; money, then each outcome's levels, estimated change and how unusual it is
    (:func:`outcome_sentence`); last, ``concurrent`` (``Setup.concurrent``: an event that began
    with the programme, which the design cannot tell apart from it), as a caveat."""
    out = []
    if left_out:
        out.append(
            f"Left out as partners, like comparison countries of their size (under "
            f"{MIN_POPULATION / 1e6:.0f} million people): {', '.join(left_out)}; the money and outcomes "
            f"below are those of {treated_names}."
        )
    greenbook = [c for c in spent.columns if c in assistance.GREENBOOK_SERIES]
    if greenbook:
        window = spent.loc[start_year : start_year + WINDOW[1], greenbook].sum(axis=1, min_count=1)
        if window.notna().any():
            out.append(
                f"US {GREENBOOK_SUM} to {treated_names} (Greenbook) came to "
                f"{money_text(window.sum())} (current dollars) in fiscal {window.dropna().index.min()}-"
                f"{window.dropna().index.max()}, peaking in {int(window.idxmax())}. {INCLE_NOTE}"
            )
    family = sum(s.p_value is not None for s in studies)
    synthetic_family = sum(s.synthetic_p is not None for s in studies)
    out += [
        outcome_sentence(s, treated, treated_names, panels.get(s.outcome), family, synthetic_family)
        for s in studies
    ]
    if concurrent:
        out.append(f"{concurrent}.")
    return out


@dataclass(frozen=True)
class Setup:
    """Validated parameters of a partnership_outcomes report."""

    program: str
    treated: list[str]
    start_year: int
    why: str
    outcomes: list[str]
    comparison: list[str]  # the fixed comparison pool (comparison_pool members)
    comparison_is_default: bool
    dropped: dict[str, str]  # candidates left out of the pool -> why
    partners_dropped: dict[str, str]  # the programme's partners left out of the design -> why
    concurrent: str | None = None  # an event that began with the programme (PROGRAMS), or None


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
    ``comparison`` None means the regional peers (:func:`regional_peers`); either way the pool is
    fixed by :func:`comparison_pool` (no other treated partner, no territory under one million
    people), and the same population rule leaves small partners out (:func:`partner_pool`). The
    start year must leave a year of outcome indicators on file before and after it.
    """
    if not isinstance(program, str) or not program.strip():
        raise params.ParameterError(
            f"Parameter 'program' must be a name, got {program!r}. Known programmes: {', '.join(PROGRAMS)}"
        )
    known = next((p for p in PROGRAMS if p.casefold() == program.strip().casefold()), None)
    spec = PROGRAMS.get(known, {})
    if known is None and (country is None or start_year is None):
        raise params.ParameterError(
            f"Unknown program {program!r}.{params.did_you_mean(program, PROGRAMS)} Give 'country' and "
            f"'start_year' for a programme of your own, or one of: {', '.join(PROGRAMS)}"
        )
    partners = params.country_list("country", spec["countries"] if country is None else country, countries)
    kept = partner_pool(partners, indicators)
    if not kept.members:
        raise params.ParameterError(
            "Parameter 'country' leaves no partner of a million people or more: "
            + ", ".join(f"{k}: {v}" for k, v in kept.dropped.items())
        )
    treated = kept.members
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
    candidates = (
        regional_peers(partners, countries)
        if comparison is None
        else [c for c in params.country_list("comparison", comparison, countries) if c not in partners]
    )
    pool = comparison_pool(candidates, partners, known or program.strip(), start, indicators)
    if not pool.members:
        raise params.ParameterError(
            "Parameter 'comparison' leaves no comparison country"
            + (
                f" (left out: {', '.join(f'{k}: {v}' for k, v in pool.dropped.items())})"
                if pool.dropped
                else ""
            )
        )
    why = (
        spec.get("why", "chosen by the user")
        if start_year in (None, spec.get("start_year"))
        else "chosen by the user"
    )
    own = known is not None and set(partners) == set(spec["countries"]) and start == spec["start_year"]
    return Setup(
        known or program.strip(),
        treated,
        start,
        why,
        chosen,
        pool.members,
        comparison is None,
        pool.dropped,
        kept.dropped,
        spec.get("concurrent") if own else None,
    )


def outcome_panels(setup: Setup, data: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Outcome -> long panel iso3, year, value (every country on file), for the chosen outcomes."""
    return {
        o: outcome_panel(o, data["country_indicators"], data["crop_estimates"], data["unodc_seizures"])
        for o in setup.outcomes
    }


def run_studies(setup: Setup, panels: dict[str, pd.DataFrame]) -> list[Study]:
    """The event study, placebos and synthetic control of each chosen outcome, in order, with
    p-values Holm-adjusted over the outcomes (:func:`adjust`)."""
    return adjust(
        [study(o, panels[o], setup.treated, setup.comparison, setup.start_year) for o in setup.outcomes]
    )


def outcome_sources(setup: Setup) -> tuple[str, ...]:
    """The processed tables the chosen outcomes come from (for source lines)."""
    names = []
    for o in setup.outcomes:
        names.append(
            "crop_estimates"
            if o.endswith("_cultivation_ha")
            else "unodc_seizures"
            if o.endswith("_seizures_kg")
            else "country_indicators"
        )
    return tuple(dict.fromkeys(names))


def outcome_trends(
    studies: list[Study], panels: dict[str, pd.DataFrame], treated: list[str], partner: str
) -> pd.DataFrame:
    """Long outcome (label), year, group, value: the partner's mean and the mean of the same
    comparison countries every year (each study's balanced panel, over its years); the partner
    alone, every year on file, where an outcome has no design."""
    long = []
    for s in studies:
        panel = panels[s.outcome]
        if s.years:
            panel = panel[panel["year"].isin(s.years)]
        part = trends(panel, treated, s.members, partner)
        long.append(part.dropna(subset=["value"]).assign(outcome=OUTCOMES[s.outcome]))
    return pd.concat(long, ignore_index=True)


def placebo_drawn(studies: list[Study]) -> dict[str, tuple[pd.Series, pd.DataFrame]]:
    """Outcome label -> (the partner's effect path, its placebos' paths), for the event studies run."""
    return {
        OUTCOMES[s.outcome]: (s.event.set_index("relative_year")["effect"], s.placebo_effects)
        for s in studies
        if s.event is not None
    }


def summary_table(studies: list[Study], names: dict[str, str]) -> pd.DataFrame:
    """One row per outcome (:func:`summary`) with reader-facing column names, effects rounded in
    each outcome's unit (:func:`effect_text`); blank below a gate."""
    table = summary(studies)

    def effect(column: str) -> list[str]:
        return [
            "" if pd.isna(v) else effect_text(s.outcome, v, signed=column.endswith("effect"))
            for s, v in zip(studies, table[column], strict=True)
        ]

    def p(column: str) -> list[str]:
        return ["" if pd.isna(v) else p_text(v) for v in table[column]]

    donors = [
        ", ".join(f"{names.get(k, k)} {w:.2f}" for k, w in s.synthetic.weights.head(3).items() if w >= 0.01)
        if s.synthetic_effect is not None
        else ""
        for s in studies
    ]
    return pd.DataFrame(
        {
            "Outcome": table["outcome"],
            "Years used": table["years"],
            "Comparison countries": table["comparison_countries"],
            "Event-study change": [text or "no estimate" for text in effect("event_study_effect")],
            "Placebos": table["placebos"].where(table["placebos"] > 0, ""),
            "Placebo p": p("placebo_p_value"),
            "Holm p": p("placebo_p_holm"),
            "Pre-trend p (leads)": p("pre_trend_p_value"),
            "Synthetic-control gap": [text or "no estimate" for text in effect("synthetic_effect")],
            "Pre-start fit (RMSPE)": effect("synthetic_pre_rmspe"),
            "Fit gate (RMSPE at most)": effect("synthetic_fit_limit"),
            "RMSPE-ratio p": p("synthetic_p_value"),
            "RMSPE-ratio Holm p": p("synthetic_p_holm"),
            "Main donors (weight)": donors,
        }
    )


def leads_and_lags(studies: list[Study]) -> pd.DataFrame:
    """Years from the start (rows; negative = leads, the pre-trend check) x outcome (columns): the
    event-study effect and the range of the placebos' effects that year, rounded; empty if none."""
    columns = {}
    for s in studies:
        if s.event is None:
            continue
        effect = s.event.set_index("relative_year")["effect"]
        low, high = s.placebo_effects.min(axis=1), s.placebo_effects.max(axis=1)
        columns[OUTCOMES[s.outcome]] = {
            year: f"{effect_text(s.outcome, v, True)} (placebos {effect_text(s.outcome, low[year], True)} "
            f"to {effect_text(s.outcome, high[year], True)})"
            for year, v in effect.items()
        }
    if not columns:
        return pd.DataFrame()
    table = pd.DataFrame(columns).sort_index().fillna("")
    kind = ["lead" if y < 0 else "start" if y == 0 else "lag" for y in table.index]
    table.insert(0, "Lead or lag", kind)
    return table.rename_axis("Years from the start").reset_index()


def study_notes(studies: list[Study], names: dict[str, str]) -> list[str]:
    """One line per outcome: the years and comparison countries its design used, the candidates
    left out for missing years, and why a design gave no estimate."""
    out = []
    for s in studies:
        parts = []
        if s.years:
            parts.append(f"years {', '.join(str(y) for y in s.years)}")
        if s.members:
            parts.append(f"comparison countries: {', '.join(names.get(c, c) for c in s.members)}")
        partial = {c: why for c, why in s.left_out.items() if not why.startswith("no data")}
        none = [names.get(c, c) for c, why in s.left_out.items() if why.startswith("no data")]
        if partial:
            parts.append(
                "left out for missing years: "
                + ", ".join(f"{names.get(c, c)} ({why})" for c, why in partial.items())
            )
        if none:
            parts.append(f"no figures in those years: {', '.join(none)}")
        if s.effect is None:
            parts.append(f"no estimate ({s.note})")
        elif s.synthetic_effect is None:
            parts.append(f"no synthetic-control estimate ({s.synthetic_note})")
        out.append(f"*{OUTCOMES[s.outcome]}*: " + "; ".join(parts) + ".")
    return out


def synthetic_lines(studies: list[Study], partner: str) -> pd.DataFrame:
    """Long outcome, period, gap, line, value: the partner and its synthetic twin, for each outcome
    with a synthetic control fitted (empty if none); a twin that fails the pre-fit gate is drawn
    with "(fails the fit gate)" in its panel title."""
    paths = [
        s.synthetic.path.assign(
            outcome=OUTCOMES[s.outcome] + ("" if s.synthetic_effect is not None else " (fails the fit gate)")
        )
        for s in studies
        if s.synthetic is not None
    ]
    if not paths:
        return pd.DataFrame()
    frame = pd.concat(paths).melt(["period", "outcome", "gap"], ["treated", "synthetic"], "line", "value")
    frame["line"] = frame["line"].map({"treated": partner, "synthetic": "Synthetic twin"})
    return frame


def majors_table(majors: pd.DataFrame, treated: list[str], names: dict[str, str]) -> pd.DataFrame:
    """Majors List status by fiscal year (rows) and partner country (columns, by name)."""
    status = majors_status(majors, treated).rename(columns=names)
    return status.reset_index().rename(columns={"fiscal_year": "Fiscal year"})


def scores_table(indicators: pd.DataFrame, treated: list[str], names: dict[str, str]) -> pd.DataFrame:
    """Latest Global Organized Crime Index scores, one row per partner country (empty if none)."""
    scores = crime_scores(indicators, treated)
    return scores if scores.empty else scores.rename(index=names).reset_index(names="Country")


def design_notes(setup: Setup, names: dict[str, str]) -> list[str]:
    """Bullets: the start year and why, the fixed comparison pool and who was left out of it and
    why, the window, the gates and the multiple-comparison adjustment."""
    by_reason: dict[str, list[str]] = {}
    for iso3, why in setup.dropped.items():
        by_reason.setdefault(why, []).append(names.get(iso3, iso3))
    left_out = "; ".join(f"{why}: {', '.join(who)}" for why, who in by_reason.items())
    small = [names.get(c, c) for c in setup.partners_dropped]
    return [
        f"**Start year {setup.start_year}**: {setup.why}."
        + (f" {setup.concurrent}." if setup.concurrent else ""),
        f"**Partners**: {len(setup.treated)}: {', '.join(names.get(c, c) for c in setup.treated)}. "
        f"The same population rule as the comparison pool applies to partners: only those of "
        f"{MIN_POPULATION / 1e6:.0f} million people or more ({LAST_POPULATION_ESTIMATE} UN estimate) are "
        "compared, so that partners and comparison countries are alike in size"
        + (
            f"; left out: {', '.join(small)}, which this report's outcomes and money leave out too."
            if small
            else "; none left out."
        ),
        f"**Comparison pool**: {len(setup.comparison)} countries "
        + (
            "of the partner's UN region (the United States, the funder, left out)"
            if setup.comparison_is_default
            else "chosen by the user"
        )
        + ": "
        + ", ".join(names.get(c, c) for c in setup.comparison)
        + ". Each outcome uses those with a value in every year of its design (a balanced panel: "
        "the same countries every year), listed under the summary table.",
        "**Left out of the pool**: " + (left_out + "." if left_out else "none."),
        f"**Window**: {WINDOW[0]} to +{WINDOW[1]} years around the start; the design's years are those "
        "of the window in which every partner has a value.",
        f"**Gates**: an estimate needs at least {MIN_PRE_YEARS} pre-start years and {MIN_PLACEBOS} "
        'placebo countries; below that the report says "no estimate" and why. A synthetic control '
        f"also needs {MIN_PRE_YEARS_SYNTHETIC} pre-start years, {MIN_PLACEBOS} placebo fits and a pre-start "
        f"RMSPE no more than {SYNTHETIC_FIT_MULTIPLE:g} times the median pre-start RMSPE of its placebos.",
        "**Inference**: event study: each comparison country in turn as a pretend partner, against the "
        "others; p is the share of placebos (the partner counted) whose mean change from the start is at "
        "least as large in size; the pre-trend p does the same for the root mean square of the leads. "
        "Synthetic control: each comparison country in turn as a pretend partner, fitted from the others; "
        "p is the partner's rank on the ratio of post- to pre-start RMSPE (Abadie, Diamond and Hainmueller "
        "2010). Each design's p-values are Holm-adjusted over the outcomes of this programme it gave an "
        f"estimate for; a result is called unusual at a Holm-adjusted p of {ALPHA:g} or less. With n "
        "placebos no p-value can fall below 1/(n + 1), and over m outcomes no Holm-adjusted p below "
        f"m/(n + 1): with {len(setup.outcomes)} outcome{'' if len(setup.outcomes) == 1 else 's'} a "
        f"Holm-adjusted p of {ALPHA:g} needs at least {placebos_needed(len(setup.outcomes))} placebos. "
        "Where a design has fewer, its headline says it cannot separate the change from chance.",
    ]


def group_label(setup: Setup, names: dict[str, str], mean: bool = False) -> str:
    """The partners as a figure label: their names (up to three), else "<programme> partners
    (n)"; with ``mean``, "(mean)" added for several partners (the lines of outcomes)."""
    label = (
        ", ".join(names.get(c, c) for c in setup.treated)
        if len(setup.treated) <= 3
        else f"{setup.program} partners ({len(setup.treated)})"
    )
    return f"{label} (mean)" if mean and len(setup.treated) > 1 else label
