"""The source_countries report: coca or opium poppy cultivation, eradication and production by
country, estimators side by side, eradication intensity, shares and correlated yearly changes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from drugflows import params, tables
from drugflows.countries import names_by_code
from drugflows.domain.crops import (
    CROPS,
    break_marks,
    change_correlations,
    complete_eradication,
    crop_countries,
    editions,
    eradication,
    estimator_label,
    intensity,
    latest_figures,
    one_series,
    round_ha,
    shares_of_total,
    side_by_side,
    vintages,
)
from drugflows.periods import year_runs

#: The processed tables the report reads.
TABLES = ("crop_estimates",)
__all__ = [
    "CROPS",
    "change_correlations",
    "complete_eradication",
    "eradication",
    "intensity",
    "latest_figures",
    "one_series",
    "shares_of_total",
]


def load() -> dict[str, pd.DataFrame]:
    """The report's tables by name, and the ``countries`` table for names."""
    return {name: tables.load(name) for name in (*TABLES, "countries")}


def validate(crop: object, countries: object, data: dict[str, pd.DataFrame]):
    """The crop (a key of :data:`CROPS`), the ISO3 codes chosen among those with a cultivation
    figure (None: all of them) and ISO3 -> name; ParameterError naming the parameter otherwise."""
    estimates, country_table = data["crop_estimates"], data["countries"]
    crop = params.choose("crop", crop, CROPS)
    on_file = crop_countries(estimates, crop)
    chosen = (
        on_file if countries is None else params.country_list("countries", countries, country_table, on_file)
    )
    return crop, chosen, names_by_code(country_table)


#: Cultivation estimators whose surveys go with the governments' eradication figures (UNODC's
#: surveys are run with the national governments that report the eradication): an intensity is
#: computed only against these, never against another estimator's cultivation (the US government's).
SAME_FAMILY = ("UNODC", "national government")

#: The fewest years an average intensity is given over; with fewer, the years are listed.
MIN_INTENSITY_YEARS = 5


def comparable_intensity(eradicated_ha: pd.DataFrame, cultivated_ha: pd.DataFrame) -> pd.DataFrame:
    """:func:`intensity` for the countries whose cultivation series (:func:`one_series`) comes from
    an estimator of :data:`SAME_FAMILY`; ``.attrs["mixed"]``: the others, ISO3 -> estimator code
    (eradication from the government, cultivation from another estimator: no ratio).
    ``eradicated_ha`` should be :func:`complete_eradication` (no year with one kind missing)."""
    used = cultivated_ha.attrs.get("estimator", {})
    same = [c for c in cultivated_ha.columns if used.get(c) in SAME_FAMILY]
    ratio = intensity(eradicated_ha, cultivated_ha[same]) if same else pd.DataFrame()
    ratio.attrs["mixed"] = {
        c: used[c] for c in eradicated_ha.columns if c in used and used[c] not in SAME_FAMILY
    }
    return ratio


#: What a ratio above 1 counts, said wherever one is printed: the ratio is not a share.
ABOVE_ONE = (
    "so not a share: the ratio counts the same field more than once (aerial spraying passes over a "
    "field several times a year, each pass counted, and a replanted field is eradicated again), "
    "set against a survey of what stands at the end of the year (Colombia's census counts the coca "
    "standing on 31 December)"
)

#: How a ratio resting on a published lower bound is bounded, by :func:`~drugflows.domain.crops.
#: intensity`'s ``bound`` mark: which figure is a floor (index into ``bound_figures``: 0 eradicated,
#: 1 cultivated; None: both), what the ratio is, and its prefix.
BOUND_WORDS = {
    "lower": (0, "a lower bound", "at least"),
    "upper": (1, "an upper bound", "at most"),
    "unknown": (None, "a bound of unknown direction", "about"),
}


def _bound_sentence(years_marks: dict[int, str], ratio: pd.Series, figures: dict) -> str:
    """Years left out of an average because a figure behind them is a published lower bound, with
    the figure as published (``figures``: year -> (eradicated, cultivated) hectares)."""
    parts = []
    for year, mark in years_marks.items():
        which, what, prefix = BOUND_WORDS[mark]
        erad, cult = figures.get(year, (np.nan, np.nan))
        floor = (
            f'its eradication figure was published as "more than {round_ha(erad):,.0f} ha"'
            if which == 0
            else f'its cultivation figure was published as "more than {round_ha(cult):,.0f} ha"'
            if which == 1
            else 'both its figures were published as "more than"'
        )
        parts.append(
            f" {year} is left out{' of the average' if len(ratio) > len(years_marks) else ''}: "
            f"{floor}, so its ratio ({prefix} {ratio[year]:.2f}) is {what}, not a complete figure."
        )
    return "".join(parts)


def intensity_sentences(intensity_ratio: pd.DataFrame, label: str, names: dict[str, str]) -> list[str]:
    """One sentence per country of :func:`comparable_intensity`: hectares eradicated per hectare
    standing at year end, averaged over the years with a complete eradication figure and cultivation
    from the same family of estimators, given only with at least :data:`MIN_INTENSITY_YEARS` years
    (else the years are listed). A year whose ratio rests on a published lower bound (``bound``
    attrs) is left out of the average and named with its direction; a ratio above 1 is said to
    count repeat passes (:data:`ABOVE_ONE`). The countries with cultivation from another estimator
    are named, without a ratio."""
    out = []
    bounds = intensity_ratio.attrs.get("bound", {})
    for iso3 in intensity_ratio.columns:
        every = intensity_ratio[iso3].dropna()
        if every.empty:
            continue
        marks = {y: m for y, m in bounds.get(iso3, {}).items() if y in every.index}
        ratio = every.drop(index=list(marks))
        name, years = names.get(iso3, iso3), [int(y) for y in ratio.index]
        per = f"hectares eradicated per hectare of {label} standing at year end"
        above = [int(y) for y in every.index[every > 1]]
        if ratio.empty:
            line = f"{name}: no complete year of {per}."
        elif len(ratio) >= MIN_INTENSITY_YEARS:
            line = (
                f"{name}: on average {ratio.mean():.2g} {per}, over the {len(ratio)} years with a "
                f"complete eradication figure (manual and aerial, where both are used) and a "
                f"cultivation survey ({year_runs(years)}; highest {ratio.max():.2g} in "
                f"{int(ratio.idxmax())})."
            )
        else:
            listed = " and ".join(f"{v:.2g} in {int(y)}" for y, v in ratio.items())
            line = (
                f"{name}: {per}, {listed}; no average, since {len(ratio)} year"
                f"{'s' if len(ratio) != 1 else ''} with both figures "
                f"{'is' if len(ratio) == 1 else 'are'} fewer than the {MIN_INTENSITY_YEARS} an "
                "average needs."
            )
        if above:
            line += f" Above 1 in {year_runs(above)}, {ABOVE_ONE}."
        figures = intensity_ratio.attrs.get("bound_figures", {}).get(iso3, {})
        out.append(line + _bound_sentence(marks, every, figures))
    for iso3, code in intensity_ratio.attrs.get("mixed", {}).items():
        out.append(
            f"{names.get(iso3, iso3)}: no eradication intensity, since its eradication is the "
            f"government's figure and its cultivation series is the estimate of the "
            f"{estimator_label(code)}: two estimators, not divided."
        )
    return out


def _range(values: pd.Series) -> str:
    """A band or size as printed: one value, or the lowest to the highest ("0.45-0.54")."""
    low, high = values.min(), values.max()
    return f"{low:.2f}" if f"{low:.2f}" == f"{high:.2f}" else f"{low:.2f}-{high:.2f}"


def _pairs(rows: pd.DataFrame, names: dict[str, str], band: str) -> str:
    return "; ".join(
        f"{names.get(r.country_a, r.country_a)} and {names.get(r.country_b, r.country_b)} "
        f"(r = {r.r:+.2f}, {r.years} years, band +/-{getattr(r, band):.2f})"
        for r in rows.itertuples()
    )


def balloon_sentences(correlations: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """The correlations of yearly changes (:func:`change_correlations`) in plain words: the pairs
    beyond the Bonferroni-adjusted band, either sign (negative: consistent with displacement, not
    proof; positive: moving together, the opposite); those beyond the unadjusted band only; and
    where no negative pair crosses, the size of correlation the test could have detected with those
    years, and that not finding one does not show there is none."""
    banded = correlations.dropna(subset=["r", "chance_band"])
    too_few = len(correlations) - len(banded)
    if banded.empty:
        return [
            "Too few years: no pair of countries has enough common years of yearly changes for a "
            "chance band, so no balloon effect can be tested."
        ]
    tests = len(banded)
    note = f" ({too_few} other pair{'s' if too_few != 1 else ''}: too few years)" if too_few else ""
    adjusted = (
        f"the band unrelated series stay within 19 times in 20, Bonferroni-adjusted for the {tests} "
        f"pairs tested (+/-{_range(banded['adjusted_band'])})"
        if tests > 1
        else f"the band unrelated series stay within 19 times in 20 (+/-{_range(banded['adjusted_band'])})"
    )
    beyond = banded[banded["r"].abs() > banded["adjusted_band"]]
    loose = banded[(banded["r"].abs() > banded["chance_band"]) & ~banded.index.isin(beyond.index)]
    out = []
    negative, positive = beyond[beyond["r"] < 0], beyond[beyond["r"] > 0]
    if not negative.empty:
        out.append(
            f"Yearly changes move in opposite directions beyond {adjusted} for: "
            f"{_pairs(negative, names, 'adjusted_band')}{note}. This is consistent with displacement, "
            "not proof of it (common shocks and each country's own policies move cultivation too)."
        )
    else:
        out.append(
            f"None of the {tests} country pairs with enough years{note} shows a negative correlation "
            f"of yearly changes beyond {adjusted}. With "
            f"{year_count(banded['years'])} of changes the test detects only a strong correlation: "
            f"one of about {_range(banded['detectable'])} or more in size, four times in five; a "
            "weaker displacement could be there and go unseen. Not finding a balloon effect here is "
            "no evidence that there is none."
        )
    if not positive.empty:
        out.append(
            f"Yearly changes move together beyond that band for: {_pairs(positive, names, 'adjusted_band')}"
            ": the opposite of displacement, as common shocks (prices, policy in both countries, "
            "weather) would give; an association, not a cause."
        )
    if not loose.empty:
        out.append(
            f"Beyond the unadjusted band (one pair alone) but not the adjusted one: "
            f"{_pairs(loose, names, 'chance_band')}: with {tests} pairs tested, one this far out "
            "can be chance."
        )
    return out


def year_count(years: pd.Series) -> str:
    """Paired years as printed: "14 years" or "14-20 years"."""
    low, high = int(years.min()), int(years.max())
    return f"{low} years" if low == high else f"{low}-{high} years"


#: The agency behind a country's national-government estimates, named in the headline.
NATIONAL_AGENCIES = {"PER": "DEVIDA"}


def _estimator(iso3: str, code: str) -> str:
    """The estimator as a headline names it: "National government (DEVIDA)" for Peru's."""
    label = estimator_label(code).replace(" (", ", ").rstrip(")")  # no brackets within brackets
    agency = NATIONAL_AGENCIES.get(iso3) if code == "national government" else None
    return f"{label}, {agency}" if agency else label


def _ha(value: float, floor: bool = False) -> str:
    """Hectares as printed: rounded (:func:`round_ha`), "at least" for a published lower bound."""
    return f"{'at least ' if floor else ''}{round_ha(value):,.0f} ha"


def reading(
    crop: str,
    cultivated_ha: pd.DataFrame,
    intensity_ratio: pd.DataFrame,
    correlations: pd.DataFrame,
    names: dict[str, str],
    latest: pd.DataFrame | None = None,
) -> list[str]:
    """Plain sentences from the cultivation series, eradication intensity and change correlations.

    ``latest`` (:func:`drugflows.domain.crops.latest_figures`) gives each country's latest year on
    file from any estimator: the sentence names it, with its estimator, and the series the trend is
    read from (one estimator: :func:`one_series`) where that one ends earlier."""
    label = CROPS[crop]["label"]
    used = cultivated_ha.attrs.get("estimator", {})
    floors = cultivated_ha.attrs.get("floor", {})
    out = []
    for iso3 in cultivated_ha.columns:
        series = cultivated_ha[iso3].dropna()
        if series.empty:
            continue
        name, estimator = names.get(iso3, iso3), _estimator(iso3, used.get(iso3, "estimate"))
        floor = floors.get(iso3, set())
        last_year = int(series.index[-1])
        newest = None
        if latest is not None and not latest[latest["iso3"] == iso3].empty:
            newest = latest[latest["iso3"] == iso3].sort_values("year").iloc[-1]
        if newest is not None and int(newest["year"]) > last_year:
            head = (
                f"{name}: {label} cultivation {_ha(newest['value'], bool(newest['floor']))} in "
                f"{int(newest['year'])}, the latest year on file "
                f"({_estimator(iso3, newest['estimate_by'])}). {estimator}'s series, the longest, "
                f"ends in {last_year} at {_ha(series.iloc[-1], last_year in floor)}"
            )
        else:
            head = (
                f"{name}: {label} cultivation {_ha(series.iloc[-1], last_year in floor)} in "
                f"{last_year}, the latest year on file ({estimator})"
            )
        if len(series) >= 2:
            peak, first = int(series.idxmax()), int(series.index[0])
            start = f"; {_ha(series.iloc[0], first in floor)} in {first}"
            if peak == first:
                head += f"{start}, the highest on file ({estimator}; the series starts in {first})"
            elif peak == last_year:
                head += f"{start}; the latest year is its peak ({estimator})"
            else:
                head += f"{start}, peak {_ha(series.max(), peak in floor)} in {peak} ({estimator})"
        out.append(head + ".")
    out.extend(intensity_sentences(intensity_ratio, label, names))
    out.extend(balloon_sentences(correlations, names))
    return out


def estimators_by_country(
    estimates: pd.DataFrame, crop: str, countries: list[str], names: dict
) -> pd.DataFrame:
    """Cultivation of every estimator (latest vintage), with the country name in ``country``."""
    both = side_by_side(estimates, crop, countries)
    both["country"] = both["iso3"].map(names)
    both["estimator"] = both["estimate_by"].map(estimator_label)
    return both


def vintages_table(both: pd.DataFrame, names: dict) -> pd.DataFrame:
    """Per country and estimator: years covered, figures and publication years, reader-facing."""
    table = vintages(both)
    table["estimate_by"] = table["estimate_by"].map(estimator_label)
    table.insert(0, "country", table.pop("iso3").map(names))
    table = table.sort_values(["country", "estimate_by"])
    return table.rename(
        columns={
            "country": "Country",
            "estimate_by": "Estimator",
            "years": "Years",
            "figures": "Figures",
            "published": "Published in",
        }
    )


def by_country_long(wide: pd.DataFrame, value: str, names: dict) -> pd.DataFrame:
    """A years x countries frame as long rows year, iso3, ``value``, country (missing left out)."""
    long = wide.reset_index().melt("year", var_name="iso3", value_name=value).dropna()
    long["country"] = long["iso3"].map(names)
    return long


def intensity_rows(intensity_ratio: pd.DataFrame, names: dict) -> pd.DataFrame:
    """The ratios of :func:`comparable_intensity` as long rows (:func:`by_country_long`) for the
    figure, with ``floor`` True where the ratio is a lower bound (drawn as a triangle); ratios that
    are an upper bound or of unknown direction are left out of the figure (the headline names them)."""
    long = by_country_long(intensity_ratio, "ratio", names)
    marks = intensity_ratio.attrs.get("bound", {})
    mark = [marks.get(c, {}).get(int(y)) for c, y in zip(long["iso3"], long["year"], strict=True)]
    long["floor"] = [m == "lower" for m in mark]
    return long[[m in (None, "lower") for m in mark]].reset_index(drop=True)


def correlations_table(correlations: pd.DataFrame, names: dict) -> pd.DataFrame:
    """The correlations of yearly changes with country names and reader-facing columns: the chance
    band, the same Bonferroni-adjusted for the pairs tested, and the smallest correlation the
    adjusted test detects four times in five; each reads "too few years" where there is none."""

    def text(values: pd.Series) -> pd.Series:
        return values.map(lambda b: "too few years" if pd.isna(b) else f"{b:.2f}")

    return correlations.assign(
        country_a=correlations["country_a"].map(names),
        country_b=correlations["country_b"].map(names),
        chance_band=text(correlations["chance_band"]),
        adjusted_band=text(correlations["adjusted_band"]),
        detectable=text(correlations["detectable"]),
    ).rename(
        columns={
            "country_a": "Country",
            "country_b": "and",
            "years": "Years",
            "r": "Correlation of yearly changes",
            "chance_band": "Chance band (+/-), one pair",
            "adjusted_band": "Chance band (+/-), Bonferroni-adjusted",
            "detectable": "Smallest size the adjusted test detects 4 times in 5",
        }
    )


def editions_table(both: pd.DataFrame, names: dict) -> pd.DataFrame:
    """Per country and estimator, each run of years taken from one edition, and its source."""
    table = editions(both)
    table["estimate_by"] = table["estimate_by"].map(estimator_label)
    table.insert(0, "country", table.pop("iso3").map(names))
    table = table.sort_values(["country", "estimate_by"], kind="stable")
    return table.rename(
        columns={
            "country": "Country",
            "estimate_by": "Estimator",
            "years": "Years",
            "edition": "Edition",
            "source": "Source",
        }
    )


def edition_marks(
    rows: pd.DataFrame, facet: str = "country", group: str = "estimator", labelled: bool = True
) -> pd.DataFrame:
    """Edition breaks of plotted rows (:func:`drugflows.domain.crops.break_marks`) keyed on the
    columns the figure draws (``facet`` and ``group``); without their text labels where not
    ``labelled`` (small panels: the editions table names them)."""
    marks = break_marks(rows, [c for c in (facet, group) if c in rows])
    return marks if labelled else marks.drop(columns="label")


def floor_points(rows: pd.DataFrame) -> pd.DataFrame:
    """The plotted rows published as lower bounds ("more than N")."""
    return rows[rows["floor"]]


def production_rows(estimates: pd.DataFrame, crop: str, countries: list[str], names: dict) -> pd.DataFrame:
    """Potential production (t) of the estimator with the most years per country: rows of
    :func:`side_by_side` with ``country`` and ``estimator`` (reader-facing) columns."""
    wide = one_series(estimates, crop, countries, "production_t")
    rows = side_by_side(estimates, crop, countries, "production_t")
    chosen = rows["estimate_by"] == rows["iso3"].map(wide.attrs["estimator"])
    rows = rows[chosen].copy()
    rows["country"] = rows["iso3"].map(names)
    rows["estimator"] = rows["estimate_by"].map(estimator_label)
    rows.attrs["estimator"] = wide.attrs["estimator"]
    return rows.reset_index(drop=True)


def eradication_table(eradicated: pd.DataFrame, names: dict) -> pd.DataFrame:
    """Hectares eradicated by year and country, as text: rounded (nearest 100 from 1,000 ha, else
    10), "at least" where a total rests on a lower bound, "–" where none is on file."""
    floors = eradicated.attrs.get("floor", {})
    table = pd.DataFrame(index=eradicated.index)
    for iso3 in eradicated.columns:
        table[names.get(iso3, iso3)] = [
            "–"
            if pd.isna(v)
            else f"{'at least ' if int(y) in floors.get(iso3, set()) else ''}{round_ha(v):,.0f}"
            for y, v in eradicated[iso3].items()
        ]
    return table.reset_index().rename(columns={"year": "Year"})
