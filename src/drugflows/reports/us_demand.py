"""The us_demand report: overdose deaths involving a drug, 1999 to the latest month on file, against
US seizures and NFLIS reports (monthly 12-month sums and yearly changes)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from drugflows import params, tables
from drugflows.domain import demand
from drugflows.domain.demand import (
    COUNT_UNIT,
    NFLIS_CAVEAT,
    RATE_UNIT,
    annual_series,
    lagged_correlations,
)
from drugflows.domain.drugs import DEATHS_DRUGS, DRUGS, report_drug
from drugflows.domain.seizures import AT_THE_BORDER
from drugflows.domain.statistics import MIN_CHANCE_BAND_PAIRS
from drugflows.wording import list_text

#: The processed tables the report reads, in the order its vintage table lists them.
TABLES = (
    "us_overdose_deaths",
    "overdose_deaths_12m_by_drug",
    "overdose_deaths_12m_by_state",
    "unodc_seizures",
    "cbp_seizures_monthly",
    "nflis_reports",
)
#: A correlation beyond its band by less than this (in r) is said to clear it "barely".
BARELY_MARGIN = 0.05
#: Panel names of the figures (the y-axis labels, with units).
PANEL_LABELS = {
    RATE_UNIT: "Deaths per 100,000 a year (age-adjusted, calendar year)",
    COUNT_UNIT: "Deaths in the 12 months ending in the month",
}
SEIZURES_PANEL = "CBP seizures at the border, kg in the 12 months ending in the month"
#: What a section says when the chosen years hold none of its data.
NO_DATA = "No {what} on file for {first}-{last}: the section is left empty."
PREDICTED = "predicted (adjusted for reporting delays)"
__all__ = ["NFLIS_CAVEAT", "lagged_correlations"]


@dataclass(frozen=True)
class Era:
    """The monthly view of one drug: every national death series (``national``, never spliced),
    where it changes source or method (``breaks``), the years two series cover (``overlap``), the
    12-month deaths that reach the latest month (``deaths``) and CBP's 12-month seizures
    (``seizures``), with their turning points; and the latest 12-month synthetic-opioid deaths by
    state, New York State whole (``states``: :func:`demand.whole_new_york`)."""

    drug: str
    national: pd.DataFrame
    breaks: pd.DataFrame
    overlap: pd.DataFrame
    deaths: pd.DataFrame
    seizures: pd.DataFrame
    deaths_turn: dict
    seizures_turn: dict
    common: tuple[pd.Timestamp, pd.Timestamp] | None
    states: pd.DataFrame


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name."""
    return {name: tables.load(name) for name in TABLES}


def validate(drug: object, first_year: object, last_year: object, data: dict[str, pd.DataFrame]):
    """The report drug (one of :data:`DEATHS_DRUGS`), its annual series (:func:`annual_series`) and
    the years chosen within those on file (the annual series' and the monthly deaths'); ParameterError
    naming the parameter otherwise."""
    drug = report_drug(drug, DEATHS_DRUGS)
    series = annual_series(
        drug,
        data["us_overdose_deaths"],
        data["unodc_seizures"],
        data["cbp_seizures_monthly"],
        data["nflis_reports"],
    )
    months = pd.concat(
        [
            national(drug, data)["month"],
            demand.twelve_month_seizures(drug, data["cbp_seizures_monthly"])["month"],
        ]
    )
    years = set(series.index) | set(months.dt.year)
    first, last = params.year_range("first_year", first_year, "last_year", last_year, years)
    return drug, series, first, last


def national(drug: str, data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every national death series of ``drug`` on file (:func:`demand.national_series`)."""
    return demand.national_series(
        drug,
        data["us_overdose_deaths"],
        data["overdose_deaths_12m_by_drug"],
        data["overdose_deaths_12m_by_state"],
    )


def era(drug: str, first_year: int, last_year: int, data: dict[str, pd.DataFrame]) -> Era:
    """The monthly view of ``drug`` within the chosen years (:class:`Era`)."""
    rows = national(drug, data)
    rows = rows[rows["month"].dt.year.between(first_year, last_year)].reset_index(drop=True)
    deaths = demand.twelve_month_deaths(rows)
    seizures = demand.twelve_month_seizures(drug, data["cbp_seizures_monthly"])
    seizures = seizures[seizures["month"].dt.year.between(first_year, last_year)].reset_index(drop=True)
    by_state = data["overdose_deaths_12m_by_state"]
    by_state = by_state[by_state["month"].dt.year.between(first_year, last_year)]
    both = (
        (
            max(deaths["month"].min(), seizures["month"].min()),
            min(deaths["month"].max(), seizures["month"].max()),
        )
        if len(deaths) and len(seizures)
        else None
    )
    if both is not None and both[0] > both[1]:
        both = None
    return Era(
        drug=drug,
        national=rows,
        breaks=demand.series_breaks(rows),
        overlap=demand.overlap_years(rows),
        deaths=deaths,
        seizures=seizures,
        deaths_turn=demand.turning_point(deaths.set_index("month")["deaths"]) if len(deaths) else {},
        seizures_turn=demand.turning_point(seizures.set_index("month")["kg_12m"]) if len(seizures) else {},
        common=both,
        states=demand.whole_new_york(demand.latest_by_state(by_state))
        if not by_state.empty
        else by_state.iloc[0:0].assign(new_york_city_12m=[]),
    )


def heading(drug: str, view: Era, first_year: int, last_year: int) -> str:
    """The section title: the drug and the span its deaths cover, to the latest month on file."""
    months = view.national["month"]
    if months.empty:
        return f"## {drug.capitalize()}, {first_year}-{last_year}"
    latest = view.national[months == months.max()]
    end = f"{months.max():%Y}" if (latest["unit"] == RATE_UNIT).all() else f"{months.max():%B %Y}"
    return f"## {drug.capitalize()}: deaths {months.min():%Y} to {end}"


def _deaths_in(month: pd.Timestamp) -> str:
    return f"the 12 months ending {month:%B %Y}"


def round_count(value: float) -> str:
    """A provisional count to the nearest hundred ("77,700"), whole below 1,000."""
    return f"{round(value, -2):,.0f}" if value >= 1000 else f"{value:,.0f}"


def era_sentences(drug: str, view: Era) -> list[str]:
    """The headline sentences of the monthly view: 12-month deaths at their peak and in the latest
    month on file, and the fall since (within one series); CBP's 12-month seizures likewise; and the
    months between the two peaks (an association in time, not a cause). Peaks are sought over the
    months both series cover, so that neither peak falls in months the other does not have."""
    out = []
    turn, deaths = view.deaths_turn, view.deaths
    literal = bool(len(deaths)) and bool((deaths["method"] == demand.LITERAL_PROVISIONAL).all())
    # Literal text names the drug itself; the ICD-10 code names a class (T43.6, psychostimulants).
    label = f"{DRUGS[drug].label} (named on the death certificate)" if literal else DRUGS[drug].deaths_label
    if turn:
        series = deaths["series"].iloc[0]
        latest = deaths.set_index("month").loc[turn["latest_month"]]
        predicted = (
            f" ({round_count(latest['deaths_predicted'])} predicted once late records arrive)"
            if pd.notna(latest["deaths_predicted"])
            else ""
        )
        now = (
            f"in {_deaths_in(turn['latest_month'])}, the latest on file, they were about "
            f"{round_count(turn['latest'])} reported{predicted}"
        )
        if turn["peak_is_edge"] == "end":
            out.append(
                f"Deaths involving {label} were highest in {_deaths_in(turn['peak_month'])} (about "
                f"{round_count(turn['peak'])}), within {demand.EDGE_MONTHS} months of the latest on file: "
                f"too close to the end to call it a peak; {now} ({series}; provisional)."
            )
        elif turn["peak_is_edge"] == "start":
            out.append(
                f"Deaths involving {label} were highest in {_deaths_in(turn['peak_month'])} (about "
                f"{round_count(turn['peak'])}), within {demand.EDGE_MONTHS} months of the first month of "
                f"this series on file, so no peak month is given (it may lie before); {now}, "
                f"{turn['fall_pct']:.0f}% below that ({series}; provisional)."
            )
        else:
            out.append(
                f"Deaths involving {label} peaked at about {round_count(turn['peak'])} in "
                f"{_deaths_in(turn['peak_month'])}; {now}, {turn['fall_pct']:.0f}% below the peak "
                f"({series}; provisional, and the latest months are still incomplete)."
            )
    seized = view.seizures_turn
    if seized:
        end = "first" if seized["peak_is_edge"] == "start" else "last"
        peak = (
            f"were highest in {_deaths_in(seized['peak_month'])} (about {round_kg(seized['peak'])} kg), "
            f"within {demand.EDGE_MONTHS} months of the {end} month on file, so no peak month is given,"
            if seized["peak_is_edge"]
            else f"peaked at about {round_kg(seized['peak'])} kg in {_deaths_in(seized['peak_month'])}"
        )
        out.append(
            f"CBP's {DRUGS[drug].label} seizures {AT_THE_BORDER}, summed over 12 months, {peak} and "
            f"were about {round_kg(seized['latest'])} kg in "
            f"{_deaths_in(seized['latest_month'])}, {seized['fall_pct']:.0f}% lower."
        )
    if turn and seized:
        out.append(lag_sentence(turn, seized, view.common))
    return out


def lag_sentence(
    deaths_turn: dict, seizures_turn: dict, common: tuple[pd.Timestamp, pd.Timestamp] | None
) -> str:
    """The months between the seizure peak and the death peak, said as association in time; none
    where either series is highest within :data:`demand.EDGE_MONTHS` of an end of its months on
    file, or peaks outside the months both cover (``common``)."""
    if common is None:
        return "No lag between the two peaks is given: the two series share no month."
    window = f"{common[0]:%B %Y} to {common[1]:%B %Y}"
    for which, turn in (("deaths", deaths_turn), ("seizures", seizures_turn)):
        if turn["peak_is_edge"]:
            return (
                f"No lag between the two peaks is given: the {which} are highest within "
                f"{demand.EDGE_MONTHS} months of an end of their months on file, so their turning point "
                "may lie outside them."
            )
        if not common[0] <= turn["peak_month"] <= common[1]:
            return (
                f"No lag between the two peaks is given: the {which} peak outside the months both series "
                f"cover ({window})."
            )
    lag = demand.months_between(seizures_turn["peak_month"], deaths_turn["peak_month"])
    if lag == 0:
        when = "in the same month as seizures"
    else:
        when = f"{abs(lag)} month{'s' if abs(lag) != 1 else ''} {'after' if lag > 0 else 'before'} seizures"
    return (
        f"Both peaks fall within the months both series cover ({window}): deaths peaked {when}. That "
        "is an association in time, not a cause: seizures rise and fall with trafficking and with "
        "enforcement, deaths with supply, potency, mixing with other drugs, treatment and naloxone."
    )


def state_sentence(view: Era) -> str | None:
    """The states with the most synthetic-opioid deaths in the latest 12 months on file (counts),
    New York State whole (VSRR's NY and New York City added, the city's count given)."""
    states = view.states
    if states.empty:
        return None
    top = "; ".join(
        f"{state_label(r.state, r.state_name)} {r.deaths_12m:,.0f}" for r in states.head(3).itertuples()
    )
    return (
        f"By state, in {_deaths_in(states['month'].iloc[0])}, the most deaths involving synthetic opioids "
        f"were reported in {top} (counts, not rates: no state population is on file; provisional and "
        f"underreported in the latest months){new_york_note(view)}."
    )


def new_york_note(view: Era) -> str:
    """How New York is counted: the whole state (VSRR's NY and New York City added), with the city's
    count, where both are on file; else VSRR's NY without the city."""
    whole = view.states[view.states["state"] == demand.WHOLE_NEW_YORK]
    if whole.empty:
        return (
            "; VSRR's New York is the state without New York City"
            if (view.states["state"] == "NY").any()
            else ""
        )
    row = whole.iloc[0]
    return (
        f". New York State is counted whole: VSRR gives New York City ({row.new_york_city_12m:,.0f}) apart "
        f"from the rest of the state ({row.deaths_12m - row.new_york_city_12m:,.0f}), and the two are "
        "added here"
    )


def state_label(state: str, name: str) -> str:
    """A jurisdiction's name as VSRR counts it: its ``NY`` is the state without New York City; the two
    added (:data:`demand.WHOLE_NEW_YORK`) are the whole state."""
    if state == demand.WHOLE_NEW_YORK:
        return "New York State"
    return "New York State without New York City" if state == "NY" else name


def reading(
    drug: str, series: pd.DataFrame, correlations: pd.DataFrame, view: Era | None = None
) -> list[str]:
    """Plain sentences: the monthly view first (``view``: peaks, latest month, lag), then the annual
    series and the lagged correlations."""
    label = DRUGS[drug].deaths_label
    out = era_sentences(drug, view) if view is not None else []
    rate = series["death_rate"].dropna()
    if not rate.empty:
        final = ", CDC WONDER final data" if view is not None else ""
        out.append(f"Deaths involving {label} {rate_path(rate)} (age-adjusted{final}).")
    if view is not None and (line := state_sentence(view)) and drug == "fentanyl":
        out.append(line)
    out.extend(seizure_sentences(series))
    usable = correlations.dropna(subset=["r", "chance_band_best"])
    if usable.empty and series["us_seizures_kg"].isna().all():
        both = series[["death_rate", "us_seizures_portal_kg"]].dropna().index
        out.append(
            f"UNODC's national series on file has no {DRUGS[drug].label} seizures, and the portal "
            f"export overlaps the death rates in {years_text(len(both))}"
            + (f" ({both[0]}-{both[-1]})" if len(both) else "")
            + f", fewer than the {MIN_CHANCE_BAND_PAIRS} paired years a correlation needs here: no "
            "correlation is estimated."
        )
    elif usable.empty:
        most = int(correlations["years"].max()) if not correlations.empty else 0
        out.append(
            f"The death rates and the national seizure series give at most {most} paired "
            f"{'year' if most == 1 else 'years'} of "
            f"changes, fewer than the {MIN_CHANCE_BAND_PAIRS} a correlation needs here: no "
            "correlation is estimated (the portal export is a separate vintage and is not spliced on)."
        )
    else:
        best = usable.iloc[usable["r"].abs().argmax()]
        band = best["chance_band_best"]
        lags = len(correlations)
        lag = int(best["lag"])
        if abs(best["r"]) <= band:
            verdict = "within it: no association beyond chance is shown"
        elif abs(best["r"]) - band < BARELY_MARGIN:
            verdict = (
                f"barely beyond it (by {abs(best['r']) - band:.2f}, less than {BARELY_MARGIN:.2f}): a weak "
                "association, not a cause, that one year more or less of data could undo"
            )
        else:
            verdict = "beyond it: an association, not a cause"
        leads = (
            "changes in the same year, so neither series leads"
            if lag == 0
            else f"seizures leading deaths by {lag} year{'s' if lag != 1 else ''}"
        )
        out.append(
            f"Of the {lags} lags tried, year-on-year changes in deaths and in US seizures (national "
            f"series only, to {int(series['us_seizures_kg'].last_valid_index())}) move most "
            f"closely at a lag of {lag} year{'s' if lag != 1 else ''}, {leads} "
            f"(r = {best['r']:.2f}, {int(best['years'])} paired years). Picked as the best of {lags}, it "
            f"is held against the Bonferroni-adjusted band of +/-{band:.2f} that unrelated series stay "
            f"within 19 times in 20, and is {verdict}."
        )
    return out


def years_text(count: int) -> str:
    """A count of years as a sentence says it: "1 year", "3 years"."""
    return f"{count} year{'' if count == 1 else 's'}"


def years_span(years: list[int]) -> str:
    """Years as a sentence gives them, consecutive ones as a span: "2016-17", "2010 and 2016-17"."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    spans = [
        f"{run[0]}"
        if len(run) == 1
        else f"{run[0]}-{str(run[-1])[2:] if run[0] // 100 == run[-1] // 100 else run[-1]}"
        for run in runs
    ]
    return list_text(spans)


def rate_path(rate: pd.Series) -> str:
    """How a yearly rate per 100,000 (index: year) went, as said to one decimal: its first and last
    value, and its peak with its year(s) where the peak is neither; one year alone gives its value."""
    shown = rate.round(1)
    first, last = shown.index[0], shown.index[-1]
    if len(shown) == 1:
        return f"were {shown.iloc[0]:.1f} per 100,000 in {first}"
    start, end = f"{shown.iloc[0]:.1f} ({first})", f"{shown.iloc[-1]:.1f} ({last})"
    peak_years = [int(year) for year in shown.index[shown == shown.max()]]
    if first not in peak_years and last not in peak_years:
        return (
            f"rose from {start} to a peak of {shown.max():.1f} ({years_span(peak_years)}), then fell "
            f"to {end} per 100,000"
        )
    if shown.iloc[-1] == shown.iloc[0]:
        return f"were {shown.iloc[0]:.1f} per 100,000 in both {first} and {last}"
    return f"{'rose' if shown.iloc[-1] > shown.iloc[0] else 'fell'} from {start} to {end} per 100,000"


def seizure_sentences(series: pd.DataFrame) -> list[str]:
    """The US seizures reported to UNODC, one vintage at a time: the national series' peak, and the
    portal export with the overlap years set against the national series (never a change across the
    two)."""
    out = []
    national = series["us_seizures_kg"].dropna()
    portal = series["us_seizures_portal_kg"].dropna()
    if not national.empty:
        peak = national.idxmax()
        first, last = national.index[0], national.index[-1]
        when = (
            f"{peak}, its latest year"
            if peak == last
            else (f"{peak}, its first year" if peak == first else str(peak))
        )
        out.append(
            f"In UNODC's national series ({first}-{last}), US seizures were highest in {when}: about "
            f"{round_kg(national.max())} kg."
        )
    if not portal.empty and national.empty:
        out.append(
            f"US seizures reported to UNODC are on file only in its portal export "
            f"({portal.index[0]}-{portal.index[-1]}), the national series having none of this drug."
        )
    elif not portal.empty:
        overlap = [year for year in portal.index if year in national.index]
        text = (
            f"UNODC's later portal export ({portal.index[0]}-{portal.index[-1]}) is a different vintage "
            "and is shown apart, never spliced on"
        )
        if overlap:
            pairs = "; ".join(
                f"{year}: {round_kg(portal[year])} kg against {round_kg(national[year])} kg"
                for year in overlap
            )
            gap = 100 * (portal[overlap].sum() / national[overlap].sum() - 1)
            text += (
                f": in the years both cover it gives {abs(gap):.0f}% {'less' if gap < 0 else 'more'} "
                f"({pairs}), so no change is computed across the two."
            )
        else:
            text += "."
        out.append(text)
    return out


def round_kg(kg: float) -> str:
    """kg to three significant figures, with thousands separators ("254,000")."""
    return f"{float(f'{kg:.3g}'):,.0f}"


def series_table(series: pd.DataFrame) -> pd.DataFrame:
    """The annual series that have data, with reader-facing column names."""
    return (
        series.dropna(axis=1, how="all")
        .reset_index()
        .rename(
            columns={
                "year": "Year",
                "death_rate": "Deaths per 100,000",
                "us_seizures_kg": "US seizures, UNODC national series (kg)",
                "us_seizures_portal_kg": "US seizures, UNODC portal export (kg)",
                "cbp_seizures_kg": "CBP seizures at the border (kg)",
                "nflis_reports": "NFLIS reports",
            }
        )
    )


def correlations_table(correlations: pd.DataFrame) -> pd.DataFrame:
    """The lagged correlations with reader-facing column names."""
    return correlations.rename(
        columns={
            "lag": "Lag (years)",
            "years": "Years",
            "r": "Correlation r",
            "chance_band": "Chance band, one lag (+/-)",
            "chance_band_best": "Chance band, best of the lags (+/-)",
        }
    )


def long_series_frame(view: Era) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The long national series for the figure (panel, month, deaths, series) and its breaks
    (panel, month, label)."""
    rows = view.national.assign(panel=view.national["unit"])
    breaks = view.breaks.assign(panel=view.breaks["unit"])
    return rows[["panel", "month", "deaths", "series"]], breaks[["panel", "month", "label"]]


def series_spans(view: Era) -> pd.DataFrame:
    """One row per series of the long national series: its source, method, unit, first and last
    period and the number of periods."""
    spans = view.national.groupby(["series", "source", "method", "unit"], as_index=False, sort=False)[
        "month"
    ].agg(["min", "max", "count"])
    spans = spans.sort_values("min", ignore_index=True)
    return pd.DataFrame(
        {
            "Series": spans["series"],
            "Source": spans["source"],
            "Method": spans["method"],
            "Unit": spans["unit"],
            "First period ends": spans["min"].dt.strftime("%b %Y"),
            "Last period ends": spans["max"].dt.strftime("%b %Y"),
            "Periods": spans["count"],
        }
    )


def overlap_table(view: Era) -> pd.DataFrame:
    """The years two or more series cover, one column per series, and the literal-text count against
    the VSRR count where both are on file."""
    overlap = view.overlap.dropna(axis=1, how="all")
    out = overlap.rename(columns={"gap_pct": "Literal text against VSRR (%)"}).reset_index()
    return out.rename(columns={"year": "Year (12 months ending December)"})


def deaths_and_seizures_frame(view: Era) -> pd.DataFrame:
    """Deaths (reported and, where on file, predicted) and CBP seizures in 12 months, long format
    for the two-panel figure (panel, month, value, series), each over all its months on file."""
    deaths = view.deaths
    name = deaths["series"].iloc[0] if len(deaths) else ""
    parts = [
        pd.DataFrame(
            {
                "panel": PANEL_LABELS[COUNT_UNIT],
                "month": deaths["month"],
                "value": deaths["deaths"],
                "series": f"{name}, reported",
            }
        )
    ]
    if deaths["deaths_predicted"].notna().any():
        parts.append(
            pd.DataFrame(
                {
                    "panel": PANEL_LABELS[COUNT_UNIT],
                    "month": deaths["month"],
                    "value": deaths["deaths_predicted"],
                    "series": PREDICTED,
                }
            )
        )
    parts.append(
        pd.DataFrame(
            {
                "panel": SEIZURES_PANEL,
                "month": view.seizures["month"],
                "value": view.seizures["kg_12m"],
                "series": f"CBP seizures {AT_THE_BORDER}",
            }
        )
    )
    return pd.concat(parts, ignore_index=True).dropna(subset=["value"])


def turning_points_table(view: Era) -> pd.DataFrame:
    """Peak and latest 12 months of deaths and of seizures, and the fall since the peak."""
    rows = []
    for what, turn, unit in (
        (
            f"Deaths ({view.deaths['series'].iloc[0]})" if len(view.deaths) else "Deaths",
            view.deaths_turn,
            "deaths",
        ),
        ("CBP seizures at the border", view.seizures_turn, "kg"),
    ):
        if not turn:
            continue
        rows.append(
            {
                "Series": what,
                "Unit": unit,
                "Highest 12 months end": f"{turn['peak_month']:%b %Y}",
                "Highest": turn["peak"],
                "Latest 12 months end": f"{turn['latest_month']:%b %Y}",
                "Latest": turn["latest"],
                "Below the highest (%)": turn["fall_pct"],
                "Highest near an end (no turning point)": {
                    "start": "near the first month",
                    "end": "near the latest month",
                }.get(turn["peak_is_edge"], "no"),
            }
        )
    return pd.DataFrame(rows)


def state_bars(view: Era) -> pd.Series:
    """Latest 12-month synthetic-opioid deaths by jurisdiction (reported counts), labelled by name."""
    states = view.states
    return pd.Series(
        states["deaths_12m"].to_numpy(float),
        index=[state_label(s, n) for s, n in zip(states["state"], states["state_name"], strict=True)],
        name="deaths_12m",
    )


def states_missing(view: Era, data: dict[str, pd.DataFrame]) -> str:
    """The states (and DC) without a count in the latest month of the chart, computed from the
    table (:func:`demand.states_without_count`): in the file with no value that month (low data
    quality or suppressed), and with no row that month at all."""
    by_state = data["overdose_deaths_12m_by_state"]
    if view.states.empty:
        return ""
    missing = demand.states_without_count(by_state[by_state["month"] <= view.states["month"].iloc[0]])
    month = f"{view.states['month'].iloc[0]:%B %Y}"
    parts = []
    if missing["no_count"]:
        parts.append(
            f"no count for the 12 months ending {month} (low data quality or suppressed): "
            f"{list_text(missing['no_count'])}"
        )
    if missing["not_in_file"]:
        parts.append(f"not in the file that month at all: {list_text(missing['not_in_file'])}")
    return "; ".join(parts) if parts else "every state and DC has a count"


#: Formats of :func:`turning_points_table`.
TURNING_POINT_FORMATS = {"Highest": "{:,.0f}", "Latest": "{:,.0f}", "Below the highest (%)": "{:.0f}"}


def overlap_formats(view: Era) -> dict[str, str]:
    """Formats of :func:`overlap_table`: rates to one decimal, counts whole, the gap to one decimal."""
    units = view.national.drop_duplicates("series").set_index("series")["unit"]
    formats = {name: "{:.1f}" if unit == RATE_UNIT else "{:,.0f}" for name, unit in units.items()}
    formats["Literal text against VSRR (%)"] = "{:+.1f}"
    return formats


def state_title(view: Era) -> str:
    """The state chart's title, with its 12 months."""
    if view.states.empty:
        return "Synthetic-opioid deaths by state: none on file for these years"
    return f"Synthetic-opioid deaths by state, 12 months ending {view.states['month'].iloc[0]:%B %Y}"


def state_caveat(view: Era, data: dict[str, pd.DataFrame]) -> str:
    """The state chart's caveat: provisional counts, and the jurisdictions without one."""
    new_york = ""
    whole = view.states[view.states["state"] == demand.WHOLE_NEW_YORK]
    if not whole.empty:
        city = whole["new_york_city_12m"].iloc[0]
        rest = whole["deaths_12m"].iloc[0] - city
        new_york = (
            f" New York State is VSRR's New York without the city ({rest:,.0f}) and New York City "
            f"({city:,.0f}) added."
        )
    return (
        f"Provisional and underreported in the latest months.{new_york} Missing states: "
        f"{states_missing(view, data)}."
    )


def monthly_tables(view: Era) -> tuple[str, ...]:
    """The processed tables behind the monthly figure: the deaths series' table and CBP's."""
    return (*dict.fromkeys(view.deaths["table"]), "cbp_seizures_monthly")
