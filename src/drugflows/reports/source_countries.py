"""The source_countries report: coca or opium poppy cultivation, eradication and production by
country, estimators side by side, eradication intensity, shares and correlated yearly changes."""

from __future__ import annotations

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


def intensity_sentences(intensity_ratio: pd.DataFrame, label: str, names: dict[str, str]) -> list[str]:
    """One sentence per country of :func:`comparable_intensity`: the average over the years with
    a complete eradication figure and cultivation from the same family of estimators, given only
    with at least :data:`MIN_INTENSITY_YEARS` years (else the years are listed); the countries
    with cultivation from another estimator are named, without a ratio."""
    out = []
    for iso3 in intensity_ratio.columns:
        ratio = intensity_ratio[iso3].dropna()
        if ratio.empty:
            continue
        name, years = names.get(iso3, iso3), [int(y) for y in ratio.index]
        if len(ratio) >= MIN_INTENSITY_YEARS:
            out.append(
                f"{name} eradicated on average {ratio.mean():.2g} ha per hectare of {label} standing "
                f"at the survey, over the {len(ratio)} years with a complete eradication figure "
                f"(manual and aerial, where both are used) and a cultivation survey "
                f"({year_runs(years)}; highest {ratio.max():.2g} in {int(ratio.idxmax())})."
            )
        else:
            listed = " and ".join(f"{v:.2g} in {int(y)}" for y, v in ratio.items())
            out.append(
                f"{name}: hectares eradicated per hectare of {label} standing at the survey, "
                f"{listed}; no average, since {len(ratio)} year{'s' if len(ratio) != 1 else ''} "
                f"with both figures {'is' if len(ratio) == 1 else 'are'} fewer than the "
                f"{MIN_INTENSITY_YEARS} an average needs."
            )
    for iso3, code in intensity_ratio.attrs.get("mixed", {}).items():
        out.append(
            f"{names.get(iso3, iso3)}: no eradication intensity, since its eradication is the "
            f"government's figure and its cultivation series is the estimate of the "
            f"{estimator_label(code)}: two estimators, not divided."
        )
    return out


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
    tested = correlations.dropna(subset=["r"])
    banded = tested.dropna(subset=["chance_band"])
    too_few = len(correlations) - len(banded)
    if banded.empty:
        out.append(
            "Too few years: no pair of countries has enough common years of yearly changes for a "
            "chance band, so no balloon effect can be tested."
        )
    else:
        negative = banded[banded["r"] < -banded["chance_band"]]
        note = f" ({too_few} other pairs: too few years)" if too_few else ""
        if negative.empty:
            out.append(
                f"None of the {len(banded)} country pairs with enough years{note} shows a negative "
                "correlation of yearly changes beyond chance: no balloon effect is visible at this scale."
            )
        else:
            pairs = "; ".join(
                f"{names.get(r.country_a, r.country_a)} and "
                f"{names.get(r.country_b, r.country_b)} (r = {r.r:+.2f}, {r.years} "
                "years)"
                for r in negative.itertuples()
            )
            out.append(
                f"Yearly changes move in opposite directions beyond chance for: {pairs}{note}. "
                "This is consistent with displacement, not proof of it."
            )
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


def correlations_table(correlations: pd.DataFrame, names: dict) -> pd.DataFrame:
    """The correlations of yearly changes with country names and reader-facing columns; the
    chance band reads "too few years" where there is none (too few paired years)."""
    band = correlations["chance_band"].map(lambda b: "too few years" if pd.isna(b) else f"{b:.2f}")
    return correlations.assign(
        country_a=correlations["country_a"].map(names),
        country_b=correlations["country_b"].map(names),
        chance_band=band,
    ).rename(
        columns={
            "country_a": "Country",
            "country_b": "and",
            "years": "Years",
            "r": "Correlation of yearly changes",
            "chance_band": "Chance band (+/-)",
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
