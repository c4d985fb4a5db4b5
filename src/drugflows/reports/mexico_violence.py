"""The mexico_violence report: victims of intentional homicide, feminicide, kidnapping or extortion
registered in Mexico (SESNSP), nationally and by state, the trafficking-corridor states beside CBP
seizures at the ports facing them, and the death-certificate series kept apart."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass

import pandas as pd

from drugflows import inegi, params, tables
from drugflows.domain.drugs import CBP_DRUGS, DRUGS, report_drug
from drugflows.domain.violence import (
    BORDER_GROUP,
    BORDER_STATES,
    CRIME_LABELS,
    CRIME_RAW,
    FACING_FIELD_OFFICES,
    GROUPS_BASIS,
    GROUPS_SOURCE,
    PRODUCING_GROUP,
    PRODUCING_TRANSIT_STATES,
    REST_GROUP,
    STATE_GROUPS,
    Trend,
    by_state_year,
    facing_seizures,
    field_office_label,
    firearm_share,
    group_monthly,
    monthly,
    months_on_file,
    state_trends,
    trend,
    victims_of,
    yearly,
)
from drugflows.wording import about

#: The processed tables the report reads, in the order its vintage table lists them.
TABLES = ("mexico_victims_monthly", "cbp_seizures_monthly", "country_indicators")
VICTIMS, CBP, INDICATORS = TABLES

__all__ = [
    "BORDER_GROUP",
    "FACING_FIELD_OFFICES",
    "GROUPS_SOURCE",
    "PRODUCING_GROUP",
    "REST_GROUP",
    "by_state_year",
    "field_office_label",
    "firearm_share",
    "group_monthly",
    "monthly",
    "state_trends",
    "trend",
    "yearly",
]

#: What the SESNSP counts are, for captions and the closing notes.
REGISTRATIONS = (
    "Victims registered by the state prosecutors' offices in investigation files (SESNSP), "
    "by month of registration; not death certificates (INEGI)."
)
#: 2016 homicides in one older compilation (Diego Valle-Jones, ``diegovalle/new.crimenmexico``,
#: ``R/data/table-inegi-sesnsp.csv``, quoted in ``mexico_sesnsp/SOURCE.md``): INEGI death
#: certificates and SESNSP victims of that table's vintage (this file's 2016 is 22,541).
INEGI_2016 = (24_559, 22_571)


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name."""
    return {name: tables.load(name) for name in TABLES}


@dataclass(frozen=True)
class Selection:
    """A validated choice: crime (a key of CRIME_LABELS), states (INEGI codes, None = all),
    calendar years (inclusive) and the CBP drug (report name) beside the corridor states."""

    crime: str
    states: tuple[str, ...] | None
    first_year: int
    last_year: int
    seizure_drug: str

    @property
    def crime_label(self) -> str:
        return CRIME_LABELS[self.crime]

    @property
    def crime_title(self) -> str:
        return self.crime_label[:1].upper() + self.crime_label[1:]

    @property
    def where(self) -> str:
        """'in Mexico (all 32 states)' or 'in Sonora, Chihuahua' (up to four names, else a count)."""
        if self.states is None:
            return "in Mexico (all 32 states)"
        if set(self.states) == set(BORDER_STATES):
            return "in the six states on the US border"
        if set(self.states) == set(PRODUCING_TRANSIT_STATES):
            return "in the four producing and transit states"
        if set(self.states) == set(BORDER_STATES) | set(PRODUCING_TRANSIT_STATES):
            return "in the six border and four producing and transit states"
        names = [inegi.short_name(c) for c in self.states]
        return "in " + (", ".join(names) if len(names) <= 4 else f"{len(names)} states")

    @property
    def where_short(self) -> str:
        """The states for figure titles: 'Mexico', 'six border states', 'ten corridor states',
        'Sonora, Sinaloa', '5 selected states'."""
        if self.states is None:
            return "Mexico"
        chosen = set(self.states)
        if chosen == set(BORDER_STATES):
            return "six border states"
        if chosen == set(PRODUCING_TRANSIT_STATES):
            return "four producing and transit states"
        if chosen == set(BORDER_STATES) | set(PRODUCING_TRANSIT_STATES):
            return "ten corridor states"
        names = [inegi.short_name(c) for c in self.states]
        return ", ".join(names) if len(names) <= 2 else f"{len(names)} selected states"

    @property
    def state_list(self) -> list[str] | None:
        return None if self.states is None else list(self.states)

    @property
    def seizure_label(self) -> str:
        return DRUGS[self.seizure_drug].label


def _plain(text: str) -> str:
    """``text`` without accents, case, underscores or repeated spaces, for matching parameters."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(bare.replace("_", " ").split())


def _did_you_mean(text: str, options: list[str]) -> str:
    close = difflib.get_close_matches(_plain(text), [_plain(o) for o in options], n=3, cutoff=0.6)
    by_plain = {_plain(o): o for o in options}
    return f" Did you mean: {', '.join(by_plain[c] for c in close)}?" if close else ""


def choose_crime(value: object) -> str:
    """The CRIME_LABELS key of ``value``: a label ("intentional homicide"), a key
    ("intentional_homicide") or SESNSP's name ("Homicidio doloso"), case and accents ignored."""
    labels = list(CRIME_LABELS.values())
    if not isinstance(value, str):
        raise params.ParameterError(
            f"Parameter 'crime' must be text, got {type(value).__name__} {value!r}. "
            f"Valid values: {', '.join(labels)}"
        )
    names = {
        **{_plain(k): k for k in CRIME_LABELS},
        **{_plain(v): k for k, v in CRIME_LABELS.items()},
        **{_plain(v): k for k, v in CRIME_RAW.items()},
    }
    if _plain(value) in names:
        return names[_plain(value)]
    raise params.ParameterError(
        f"Unknown crime {value!r}.{_did_you_mean(value, [*labels, *CRIME_RAW.values()])} "
        f"Valid values: {', '.join(labels)}"
    )


def choose_states(value: object) -> tuple[str, ...] | None:
    """INEGI codes of ``value``: None (all states), a state or a list of them, each an INEGI code
    ("02") or a name (short or official, case and accents ignored), or a group name of
    STATE_GROUPS ("Six border states"). ParameterError with close names otherwise."""
    if value is None:
        return None
    names = [short for short, _official in inegi.STATES.values()]
    codes: list[str] = []
    for item in params.as_list("states", value, "an INEGI state code or a state name"):
        text = str(item).strip()
        if text.zfill(2) in inegi.STATES and text.isdigit():
            codes.append(text.zfill(2))
            continue
        groups = {_plain(g): g for g in STATE_GROUPS}
        if _plain(text) in groups:
            codes += STATE_GROUPS[groups[_plain(text)]]
            continue
        found = [c for c in inegi.STATES if inegi.is_name_of(c, text)]
        if not found:
            raise params.ParameterError(
                f"Unknown state {item!r} in parameter 'states'."
                f"{_did_you_mean(text, [*names, *STATE_GROUPS])} "
                f"Give INEGI codes (01-32), state names ({', '.join(names[:4])}, ...) or "
                f"{' or '.join(repr(g) for g in STATE_GROUPS)}."
            )
        codes.append(found[0])
    codes = list(dict.fromkeys(codes))
    return None if len(codes) == len(inegi.STATES) else tuple(codes)


def select(
    victims: pd.DataFrame,
    cbp: pd.DataFrame,
    crime: object,
    states: object,
    first_year: object,
    last_year: object,
    seizure_drug: object,
) -> Selection:
    """Check the report parameters against the tables; ParameterError names the valid values."""
    key = choose_crime(crime)
    codes = choose_states(states)
    first, last = params.year_range(
        "first_year", first_year, "last_year", last_year, victims["month"].dt.year.unique()
    )
    on_file = set(cbp["drug"].unique())
    drug = report_drug(seizure_drug, tuple(d for d in CBP_DRUGS if DRUGS[d].cbp in on_file))
    return Selection(key, codes, first, last, drug)


def window(months: pd.DatetimeIndex, sel: Selection) -> pd.DatetimeIndex:
    """The months on file within the selected calendar years."""
    return months[(months.year >= sel.first_year) & (months.year <= sel.last_year)]


def selected_monthly(victims: pd.DataFrame, sel: Selection) -> pd.Series:
    """Victims of the selected crime and states per month, over the selected years."""
    return monthly(victims_of(victims, sel.crime, sel.state_list), window(months_on_file(victims), sel))


#: A change between two 12-month counts is given in % only when both have at least this many
#: victims: below, chance alone moves a count by a tenth or more (a Poisson count of 100 has a
#: standard deviation of 10), so the two counts are given instead.
MIN_VICTIMS_FOR_CHANGE = 100


def _change(t: Trend, before: str) -> str:
    """'7% fewer than {before}', 'about the same number as {before}', or, below
    MIN_VICTIMS_FOR_CHANGE, 'against 26 {before}: too few, under 100, to read a change'."""
    if t.prior_12m is None:
        return ""
    if min(t.latest_12m, t.prior_12m) < MIN_VICTIMS_FOR_CHANGE:
        few = f"too few, under {MIN_VICTIMS_FOR_CHANGE}, to read a change"
        return f"against {about(t.prior_12m)} {before}: {few}"
    pct = t.change_pct
    if abs(pct) < 1:
        return f"about the same number as {before} (under 1% apart)"
    return f"{abs(pct):.0f}% {'more' if pct > 0 else 'fewer'} than {before}"


def months_text(t: Trend) -> str:
    """'July 2024 to June 2025': the latest 12 months of a trend."""
    start = t.last_month - pd.DateOffset(months=11)
    return f"{start:%B %Y} to {t.last_month:%B %Y}"


def trend_sentences(t: Trend, what: str) -> list[str]:
    """Plain sentences on a :class:`Trend` of victims of ``what`` ("intentional homicide in Mexico")."""
    out = []
    if t.latest_12m is not None:
        count = about(t.latest_12m)
        sentence = f"{count[:1].upper() + count[1:]} victims of {what} were registered from {months_text(t)}"
        if t.prior_12m is not None and min(t.latest_12m, t.prior_12m) >= MIN_VICTIMS_FOR_CHANGE:
            sentence += f", {_change(t, 'in the 12 months before')} ({about(t.prior_12m)})"
        elif t.prior_12m is not None:
            sentence += f", {_change(t, 'in the 12 months before')}"
        out.append(sentence + ".")
    if t.peak_year is not None:
        if t.peak_year == t.latest_year:
            out.append(
                f"{t.peak_year}, the latest complete year, is also the highest on file "
                f"({about(t.peak_victims)})."
            )
        else:
            out.append(
                f"The peak complete year was {t.peak_year} ({about(t.peak_victims)}); {t.latest_year} "
                f"({about(t.latest_year_victims)}) was {t.latest_vs_peak_pct:.0f}% of that peak."
            )
    return out


def corridor_window(victims: pd.DataFrame, cbp: pd.DataFrame, sel: Selection) -> pd.DatetimeIndex:
    """The months both tables cover within the selected years (the corridor comparison's axis)."""
    both = window(months_on_file(victims), sel)
    return both[both.isin(pd.DatetimeIndex(cbp["month"].unique()))]


def corridor_panels(victims: pd.DataFrame, cbp: pd.DataFrame, sel: Selection) -> dict[str, pd.DataFrame]:
    """Two panels on the corridor window: victims of the crime per month in the two corridor
    groups (all their states, whatever ``states`` is), and pounds of the CBP drug seized at the
    ports of the facing field offices per month."""
    months = corridor_window(victims, cbp, sel)
    groups = group_monthly(victims_of(victims, sel.crime), months)[list(STATE_GROUPS)]
    seized = facing_seizures(cbp, DRUGS[sel.seizure_drug].cbp).reindex(months)
    seized.columns = [field_office_label(c) for c in seized.columns]
    return {
        f"Victims of {sel.crime_label} registered a month (SESNSP)": groups,
        f"{DRUGS[sel.seizure_drug].label[:1].upper() + DRUGS[sel.seizure_drug].label[1:]} seized a month "
        "at the ports of entry facing them (CBP field offices, pounds)": seized,
    }


def corridor_sentences(panels: dict[str, pd.DataFrame], sel: Selection) -> list[str]:
    """The latest 12 months of both panels against the 12 before, stated as association."""
    (_victims_name, groups), (_seized_name, seized) = panels.items()
    if len(groups) < 24:
        return [
            "The two series share fewer than 24 months in the selected years: no 12-month comparison "
            "of the corridor states and the facing ports."
        ]
    end = groups.index[-1]
    parts = []
    for i, group in enumerate(groups.columns):
        t = trend(groups[group])
        count = f"{about(t.latest_12m)} victims of {sel.crime_label}" if i == 0 else about(t.latest_12m)
        parts.append(f"the {group.lower()} registered {count} ({_change(t, 'a year earlier')})")
    total = seized.sum(axis=1)
    now, before = total.iloc[-12:].sum(), total.iloc[-24:-12].sum()
    pct = 100 * (now / before - 1) if before > 0 else None
    pounds = f"{about(now)} lb" if now >= 10 else f"{now:,.1f} lb"
    change = "" if pct is None else f", {abs(pct):.0f}% {'more' if pct >= 0 else 'less'} than a year earlier"
    return [
        f"In the 12 months to {end:%B %Y}, {' and '.join(parts)}; CBP seized {pounds} of "
        f"{sel.seizure_label} at the ports of entry facing the border states{change}.",
        "That the two move together or apart over some months is an association, not a cause: "
        "seizures measure enforcement as much as flows, crime has many causes, and neither "
        "series says who did what or why.",
    ]


def firearm_sentence(shares: pd.DataFrame, where: str) -> str | None:
    """The latest complete year's firearms share of intentional-homicide victims."""
    complete = shares[shares["months"] == 12]
    if complete.empty or complete["victims"].iloc[-1] == 0:
        return None
    year, row = int(complete.index[-1]), complete.iloc[-1]
    return (
        f"In {year}, {row['firearm_pct']:.0f}% of the intentional-homicide victims registered {where} "
        f"were killed with a firearm ({row['firearm_pct_known']:.0f}% of those whose means was recorded)."
    )


def top_state_sentence(states: pd.DataFrame, t: Trend, crime_label: str) -> str | None:
    """The state with the most victims in the latest 12 months, and its share."""
    if len(states) < 2 or not states["latest_12m"].sum():
        return None
    top = states.iloc[0]
    of = "the national total" if len(states) == len(inegi.STATES) else "the states selected"
    return (
        f"{top['state']} registered the most victims of {crime_label} from {months_text(t)} "
        f"({about(top['latest_12m'])}, {top['share_pct']:.0f}% of {of})."
    )


#: A state's rise is named in the headlines only from this many victims in the latest 12 months
#: (a small count doubles by chance).
MIN_VICTIMS_FOR_RISE = 500
#: Crimes most victims of which are never reported: their counts are floors.
UNDER_REPORTED = {"kidnapping", "extortion"}


def rise_sentence(states: pd.DataFrame, t: Trend, crime_label: str) -> str | None:
    """The state with the largest rise on the 12 months before, among those with at least
    MIN_VICTIMS_FOR_RISE victims in the latest 12 months (None if none rose)."""
    big = states[(states["latest_12m"] >= MIN_VICTIMS_FOR_RISE) & (states["change_pct"] > 0)]
    if len(states) < 2 or big.empty:
        return None
    top = big.loc[big["change_pct"].idxmax()]
    return (
        f"The largest rise among states with at least {MIN_VICTIMS_FOR_RISE} victims: {top['state']}, "
        f"{about(top['latest_12m'])} victims of {crime_label} from {months_text(t)} against "
        f"{about(top['prior_12m'])} a year earlier ({top['change_pct']:+.0f}%)."
    )


def reading(victims: pd.DataFrame, sel: Selection) -> list[str]:
    """The headline findings of the report, in plain sentences, computed from the table."""
    series = selected_monthly(victims, sel)
    t = trend(series)
    what = f"{sel.crime_label} {sel.where}"
    if series.sum() == 0:
        years = (
            str(sel.first_year) if sel.first_year == sel.last_year else f"{sel.first_year}-{sel.last_year}"
        )
        return [f"No victims of {what} were registered in {years}."]
    out = trend_sentences(t, what)
    months = window(months_on_file(victims), sel)
    states = state_trends(victims_of(victims, sel.crime, sel.state_list), months)
    out += [
        s
        for s in (top_state_sentence(states, t, sel.crime_label), rise_sentence(states, t, sel.crime_label))
        if s
    ]
    if sel.crime in UNDER_REPORTED:
        out.append(
            f"Most {sel.crime_label} is never reported to a prosecutor: these counts are floors, and "
            "their trend mixes crime with the willingness to report it."
        )
    rows = victims[victims["month"].isin(months)]
    firearm = firearm_sentence(firearm_share(rows, sel.state_list), sel.where)
    if firearm:
        out.append(firearm)
    if sel.crime == "intentional_homicide":
        women = trend(monthly(victims_of(victims, "feminicide", sel.state_list), months))
        out.append(
            f"SESNSP counts feminicide apart from intentional homicide (homicidio doloso): these figures "
            f"leave out its {about(women.latest_12m)} victims in the same 12 months (UNODC's intentional "
            "homicide counts them in)."
        )
    return out


def yearly_table(years: pd.DataFrame) -> pd.DataFrame:
    """Victims by calendar year with reader-facing names; the partial year labelled."""
    change = 100 * (years["victims"] / years["victims"].shift(1) - 1)
    return pd.DataFrame(
        {
            "Year": [f"{y} (Jan-{m:%b}, partial)" if p else str(y) for y, p, m in _year_labels(years)],
            "Months": years["months"].to_numpy(),
            "Victims": years["victims"].to_numpy(),
            "Change on year before (%)": change.where(
                ~years["partial"] & ~years["partial"].shift(1, fill_value=False)
            ).to_numpy(),
        }
    )


def _year_labels(years: pd.DataFrame):
    for year, row in years.iterrows():
        yield int(year), bool(row["partial"]), pd.Timestamp(year=int(year), month=int(row["months"]), day=1)


def year_index(years: pd.DataFrame) -> list[str]:
    """'2025\\nJan-Jun' for a partial year (two lines), else the year: labels for the yearly chart."""
    return [f"{y}\nJan-{m:%b}" if p else str(y) for y, p, m in _year_labels(years)]


#: Short names of the state groups, for legends.
GROUP_LEGEND = {
    BORDER_GROUP: "Border states (6)",
    PRODUCING_GROUP: "Producing, transit (4)",
    REST_GROUP: "Other states (22)",
}
GROUP_ORDER = list(GROUP_LEGEND.values())


def span_short(t: Trend) -> str:
    """'Jul 2024-Jun 2025': the latest 12 months of a trend, for titles and columns."""
    return f"{t.last_month - pd.DateOffset(months=11):%b %Y}-{t.last_month:%b %Y}"


YEARLY_FORMATS = {"Victims": "{:,.0f}", "Change on year before (%)": "{:+.1f}"}


STATES_NOTE = (
    f'The change is left blank ("–") where either 12 months holds fewer than '
    f"{MIN_VICTIMS_FOR_CHANGE} victims: chance alone moves such counts by a tenth or more."
)


def states_table(states: pd.DataFrame, t: Trend) -> pd.DataFrame:
    """State trends with reader-facing names and units; no change where either 12 months holds
    fewer than MIN_VICTIMS_FOR_CHANGE victims."""
    span = span_short(t)
    return pd.DataFrame(
        {
            "State": states["state"],
            "Group": states["group"],
            f"Victims {span}": states["latest_12m"],
            "12 months before": states["prior_12m"],
            "Change (%)": states["change_pct"].where(
                states[["latest_12m", "prior_12m"]].min(axis=1) >= MIN_VICTIMS_FOR_CHANGE
            ),
            "Share (%)": states["share_pct"],
            f"Victims {t.latest_year}": states["latest_year_victims"],
            "Peak complete year": states["peak_year"],
        }
    )


def states_formats(t: Trend) -> dict[str, str]:
    span = span_short(t)
    return {
        f"Victims {span}": "{:,.0f}",
        "12 months before": "{:,.0f}",
        "Change (%)": "{:+.0f}",
        "Share (%)": "{:.1f}",
        f"Victims {t.latest_year}": "{:,.0f}",
        "Peak complete year": "{:.0f}",
    }


def firearm_table(shares: pd.DataFrame) -> pd.DataFrame:
    """The firearms share by year with reader-facing names."""
    return pd.DataFrame(
        {
            "Year": [str(y) if m == 12 else f"{y} ({m} months)" for y, m in shares["months"].items()],
            "Victims": shares["victims"].to_numpy(),
            "Killed with a firearm": shares["firearm"].to_numpy(),
            "Means not specified": shares["not_specified"].to_numpy(),
            "Firearm share (%)": shares["firearm_pct"].to_numpy(),
            "Firearm share of known means (%)": shares["firearm_pct_known"].to_numpy(),
        }
    )


FIREARM_FORMATS = {
    "Victims": "{:,.0f}",
    "Killed with a firearm": "{:,.0f}",
    "Means not specified": "{:,.0f}",
    "Firearm share (%)": "{:.1f}",
    "Firearm share of known means (%)": "{:.1f}",
}


def death_certificate_panels(victims: pd.DataFrame, indicators: pd.DataFrame) -> dict[str, pd.Series]:
    """Two series kept apart, each in its own unit: SESNSP's national intentional-homicide victims
    a year (registrations, complete years) and UNODC's homicide rate for Mexico (per 100,000)."""
    years = yearly(monthly(victims_of(victims, "intentional_homicide"), months_on_file(victims)))
    rate = indicators[(indicators["iso3"] == "MEX") & (indicators["indicator"] == "homicide_rate")]
    rate = rate.set_index("year")["value"].sort_index()
    rate = rate[rate.index >= 2010]
    return {
        "SESNSP: intentional-homicide victims a year": years.loc[~years["partial"], "victims"],
        "UNODC: homicides per 100,000 people": rate,
    }


def gap_sentence() -> str:
    """Why the two series differ, with the one matched pair on file."""
    inegi_count, sesnsp_count = INEGI_2016
    return (
        f"In one compilation that holds both (Diego Valle-Jones, quoted in the SESNSP file's notes), "
        f"INEGI's death certificates count {inegi_count:,} homicides in 2016 against {sesnsp_count:,} "
        f"victims registered by SESNSP ({100 * (inegi_count / sesnsp_count - 1):.0f}% more)."
    )


def monthly_frame(series: pd.Series) -> pd.DataFrame:
    """Victims a month and their 12-month rolling sum (missing for the first 11 months)."""
    return pd.DataFrame({"victims": series, "victims_12m": series.rolling(12).sum()})


def yearly_by_group(victims: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Victims of the selection by calendar year (index: '2025 (Jan-Jun)' for a partial year) and
    state group (columns; only the groups the selected states fall in)."""
    months = window(months_on_file(victims), sel)
    groups = group_monthly(victims_of(victims, sel.crime, sel.state_list), months)
    years = yearly(groups.sum(axis=1))
    table = groups.groupby(groups.index.year).sum()
    table.index = year_index(years)
    return table


def top_states(states: pd.DataFrame, n: int = 15) -> tuple[pd.Series, pd.Series]:
    """The ``n`` states with the most victims in the latest 12 months (values by state name) and
    their groups (legend names), for the ranked chart."""
    top = states.head(n)
    return top.set_index("state")["latest_12m"], top["group"].map(GROUP_LEGEND)


def firearm_lines(shares: pd.DataFrame) -> pd.DataFrame:
    """Long frame (year, measure, pct) of the two firearms shares, complete years only."""
    complete = shares[shares["months"] == 12]
    return pd.DataFrame(
        {
            "year": [*complete.index, *complete.index],
            "measure": ["Share of all victims"] * len(complete)
            + ["Share of victims whose means was recorded"] * len(complete),
            "pct": [*complete["firearm_pct"], *complete["firearm_pct_known"]],
        }
    )


def _names(codes) -> str:
    names = [inegi.short_name(c) for c in codes]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def corridor_description(sel: Selection) -> str:
    """The corridor section's opening paragraph, built from the groups and the field-office mapping
    defined in ``domain.violence`` (never retyped)."""
    offices = ", ".join(
        f"{aor.removesuffix(' FIELD OFFICE').title()} ({_names(codes)})"
        for aor, codes in FACING_FIELD_OFFICES.items()
    )
    return (
        f"Two groups of states: the **{BORDER_GROUP.lower()}** ({_names(BORDER_STATES)}) and the "
        f"**{PRODUCING_GROUP.lower()}** ({_names(PRODUCING_TRANSIT_STATES)}). {GROUPS_BASIS} This "
        "section always uses both whole groups, whatever states the report selects. Beneath them, "
        f"the {sel.seizure_label} CBP seized at the ports of entry (Office of Field Operations) of the "
        f"field offices facing the border states: {offices}. Border Patrol seizures between the ports "
        "are left out. The time axis is the months both tables cover."
    )
