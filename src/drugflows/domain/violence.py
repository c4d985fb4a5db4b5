"""Violence in Mexico: SESNSP victims by state and month, the trafficking-corridor states, and the
CBP field offices that face them.

``mexico_victims_monthly`` (victims registered by the state prosecutors, summed here over states,
sexes and means): national and state series, trends over complete calendar years and over the
latest 12 months, and the firearms share of intentional-homicide victims. These are registrations
(SESNSP), not death certificates (INEGI): the two are never spliced. There is no state population
on file, so state figures are counts, not rates.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from drugflows import inegi
from drugflows.sources.cbp import OFO
from drugflows.sources.sesnsp import CRIMES
from drugflows.wording import about

#: The crimes a report can choose (the table's ``crime`` key -> the label sentences print).
#: Feminicide is counted apart from intentional homicide in SESNSP's file.
CRIME_LABELS = {
    "intentional_homicide": "intentional homicide",
    "feminicide": "feminicide",
    "kidnapping": "kidnapping",
    "extortion": "extortion",
}
#: The table's ``crime`` key -> SESNSP's own name of the subtype (``subtipo_de_delito``).
CRIME_RAW = {key: raw for raw, (_type, key) in CRIMES.items() if key in CRIME_LABELS}

#: The groups of states this report compares (INEGI codes); where they come from: GROUPS_BASIS.
BORDER_STATES = ("02", "26", "08", "05", "19", "28")
PRODUCING_TRANSIT_STATES = ("25", "16", "12", "14")
BORDER_GROUP = "Six border states"
PRODUCING_GROUP = "Four producing and transit states"
REST_GROUP = "Other 22 states"
STATE_GROUPS = {BORDER_GROUP: BORDER_STATES, PRODUCING_GROUP: PRODUCING_TRANSIT_STATES}
#: Where the grouping comes from, in a sentence.
GROUPS_BASIS = (
    "The border states are the Mexican states on the US border; the producing and transit states are "
    "this report's grouping of Pacific states that US threat assessments associate with opium poppy "
    "cultivation, synthetic-drug production or the trafficking groups based there (not an official list)."
)


def _names(codes) -> str:
    return ", ".join(inegi.short_name(c) for c in codes)


#: The grouping as a figure caption.
GROUPS_SOURCE = (
    f"Border states: {_names(BORDER_STATES)}. Producing and transit states: "
    f"{_names(PRODUCING_TRANSIT_STATES)}. {GROUPS_BASIS}"
)

#: CBP Office of Field Operations field office (as in ``cbp_seizures_monthly.aor``) -> the Mexican
#: border states its ports of entry face (INEGI codes): San Diego (California's ports: Baja
#: California), Tucson (Arizona's: Sonora), El Paso (West Texas and New Mexico: Chihuahua), Laredo
#: (South Texas, Del Rio to Brownsville: Coahuila, Nuevo León, Tamaulipas).
FACING_FIELD_OFFICES: dict[str, tuple[str, ...]] = {
    "SAN DIEGO FIELD OFFICE": ("02",),
    "TUCSON FIELD OFFICE": ("26",),
    "EL PASO FIELD OFFICE": ("08",),
    "LAREDO FIELD OFFICE": ("05", "19", "28"),
}


def field_office_label(aor: str) -> str:
    """'San Diego (faces Baja California)' for 'SAN DIEGO FIELD OFFICE'."""
    place = aor.removesuffix(" FIELD OFFICE").title()
    faces = ", ".join(inegi.short_name(c) for c in FACING_FIELD_OFFICES[aor])
    return f"{place} (faces {faces})"


def state_group(code: str) -> str:
    """The group of an INEGI state code: border, producing and transit, or the rest."""
    for group, codes in STATE_GROUPS.items():
        if code in codes:
            return group
    return REST_GROUP


def victims_of(table: pd.DataFrame, crime: str, states: list[str] | None = None) -> pd.DataFrame:
    """Rows of one ``crime`` (a key of CRIME_LABELS), in ``states`` (INEGI codes; None = all)."""
    rows = table[table["crime"] == crime]
    if states is not None:
        rows = rows[rows["inegi_state_code"].isin(states)]
    return rows


def months_on_file(table: pd.DataFrame) -> pd.DatetimeIndex:
    """Every month the table covers (the same for every state and crime)."""
    return pd.DatetimeIndex(sorted(table["month"].unique()), name="month")


def monthly(rows: pd.DataFrame, months: pd.DatetimeIndex) -> pd.Series:
    """Victims per month (summed over the states, sexes and means of ``rows``), every month of
    ``months`` present (0 where none were registered)."""
    out = rows.groupby("month")["victims"].sum().reindex(months, fill_value=0).astype("int64")
    out.index.name = "month"
    return out.rename("victims")


def yearly(by_month: pd.Series) -> pd.DataFrame:
    """Victims by calendar year, with the months on file and ``partial`` (fewer than 12)."""
    frame = by_month.to_frame("victims")
    out = frame.groupby(frame.index.year).agg(victims=("victims", "sum"), months=("victims", "size"))
    out.index.name = "year"
    out["partial"] = out["months"] < 12
    return out


@dataclass(frozen=True)
class Trend:
    """The headline numbers of a monthly series of victims."""

    peak_year: int | None  # complete calendar year with the most victims
    peak_victims: int | None
    latest_year: int | None  # latest complete calendar year
    latest_year_victims: int | None
    last_month: pd.Timestamp  # end of the latest 12 months
    latest_12m: int | None  # victims in the 12 months to last_month
    prior_12m: int | None  # the 12 months before those

    @property
    def change_pct(self) -> float | None:
        """Latest 12 months against the 12 before, in %; None without both or with 0 before."""
        if self.latest_12m is None or not self.prior_12m:
            return None
        return 100 * (self.latest_12m / self.prior_12m - 1)

    @property
    def latest_vs_peak_pct(self) -> float | None:
        """The latest complete year as a % of the peak year."""
        if not self.peak_victims or self.latest_year_victims is None:
            return None
        return 100 * self.latest_year_victims / self.peak_victims


def trend(by_month: pd.Series) -> Trend:
    """Peak complete year, latest complete year, and the latest 12 months against the 12 before."""
    years = yearly(by_month)
    complete = years[~years["partial"]]
    peak = int(complete["victims"].idxmax()) if not complete.empty else None
    latest = int(complete.index.max()) if not complete.empty else None
    latest_12m = int(by_month.iloc[-12:].sum()) if len(by_month) >= 12 else None
    prior_12m = int(by_month.iloc[-24:-12].sum()) if len(by_month) >= 24 else None
    return Trend(
        peak_year=peak,
        peak_victims=None if peak is None else int(complete.loc[peak, "victims"]),
        latest_year=latest,
        latest_year_victims=None if latest is None else int(complete.loc[latest, "victims"]),
        last_month=by_month.index[-1],
        latest_12m=latest_12m,
        prior_12m=prior_12m,
    )


def national_homicide_trend(table: pd.DataFrame) -> Trend:
    """National victims of intentional homicide (Homicidio doloso, feminicide not included; every
    state, month on file): for the Mexico country profile."""
    return trend(monthly(victims_of(table, "intentional_homicide"), months_on_file(table)))


def national_homicide_sentence(table: pd.DataFrame) -> str:
    """One sentence on :func:`national_homicide_trend`: the latest 12 months against the 12
    before and the peak complete year, said to be registrations (SESNSP), not death certificates."""
    t = national_homicide_trend(table)
    change = t.change_pct
    against = (
        f"{abs(change):.0f}% {'fewer' if change < 0 else 'more'} than" if change is not None else "against"
    )
    return (
        f"Mexico's state prosecutors registered {about(t.latest_12m)} victims of intentional homicide "
        f"(homicidio doloso, feminicide counted apart) in the 12 months to {t.last_month:%B %Y}, "
        f"{against} the 12 before ({about(t.prior_12m)}); "
        f"the peak complete year on file was {t.peak_year} ({about(t.peak_victims)}). These are "
        "registrations (SESNSP), not death certificates."
    )


def by_state_year(rows: pd.DataFrame) -> pd.DataFrame:
    """Victims by state (rows: INEGI code) and calendar year (columns)."""
    frame = rows.assign(year=rows["month"].dt.year)
    return frame.pivot_table(
        index="inegi_state_code", columns="year", values="victims", aggfunc="sum", fill_value=0
    )


def state_trends(rows: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """One row per state of ``rows``: its group, victims in the latest complete year, in the latest
    12 months and the 12 before, the change (%), its peak complete year, and its share of the
    latest 12 months of all states in ``rows`` (%). Sorted by the latest 12 months."""
    out = []
    for code, part in rows.groupby("inegi_state_code"):
        t = trend(monthly(part, months))
        out.append(
            {
                "inegi_state_code": code,
                "state": inegi.short_name(code),
                "group": state_group(code),
                "latest_year_victims": t.latest_year_victims,
                "latest_12m": t.latest_12m,
                "prior_12m": t.prior_12m,
                "change_pct": t.change_pct,
                "peak_year": t.peak_year,
            }
        )
    frame = pd.DataFrame(out)
    total = frame["latest_12m"].sum()
    frame["share_pct"] = 100 * frame["latest_12m"] / total if total > 0 else float("nan")
    return frame.sort_values(["latest_12m", "state"], ascending=[False, True], ignore_index=True)


def group_monthly(rows: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """Victims per month by state group (columns: border, producing and transit, the rest),
    for the states of ``rows``."""
    groups = rows["inegi_state_code"].map(state_group)
    out = {
        group: monthly(rows[groups == group], months)
        for group in (*STATE_GROUPS, REST_GROUP)
        if (groups == group).any()
    }
    return pd.DataFrame(out)


def firearm_share(table: pd.DataFrame, states: list[str] | None = None) -> pd.DataFrame:
    """Intentional-homicide victims by calendar year and means: ``victims``, ``firearm``,
    ``not_specified``, ``firearm_pct`` (firearm over all victims) and ``firearm_pct_known`` (over
    victims whose means was recorded, i.e. without ``not_specified``)."""
    rows = victims_of(table, "intentional_homicide", states)
    rows = rows.assign(year=rows["month"].dt.year)
    wide = rows.pivot_table(index="year", columns="means", values="victims", aggfunc="sum", fill_value=0)
    out = pd.DataFrame({"victims": wide.sum(axis=1)})
    out["firearm"] = wide.get("firearm", 0)
    out["not_specified"] = wide.get("not_specified", 0)
    out["months"] = rows.groupby("year")["month"].nunique()
    base = out["victims"].where(out["victims"] > 0)
    known = (out["victims"] - out["not_specified"]).where(lambda s: s > 0)
    out["firearm_pct"] = 100 * out["firearm"] / base
    out["firearm_pct_known"] = 100 * out["firearm"] / known
    return out


def facing_seizures(cbp: pd.DataFrame, drug: str) -> pd.DataFrame:
    """Pounds of a CBP drug type seized at the ports of entry (OFO) of the field offices of
    FACING_FIELD_OFFICES, by month (rows; every month of the table, 0 where nothing was seized)
    and field office (columns, as in FACING_FIELD_OFFICES)."""
    rows = cbp[(cbp["component"] == OFO) & (cbp["drug"] == drug) & cbp["aor"].isin(FACING_FIELD_OFFICES)]
    months = pd.DatetimeIndex(sorted(cbp["month"].unique()), name="month")
    wide = rows.pivot_table(index="month", columns="aor", values="lbs", aggfunc="sum", fill_value=0.0)
    return wide.reindex(index=months, columns=list(FACING_FIELD_OFFICES), fill_value=0.0)
