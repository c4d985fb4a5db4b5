"""US demand side: overdose deaths by drug (``us_overdose_deaths``) against seizures
(``unodc_seizures``, ``cbp_seizures_monthly``) and laboratory reports (``nflis_reports``) of the
same drug.

Series are annual. Correlations are computed on year-on-year changes (first differences), so that two
series that merely both trend upward do not look related; they describe association, not cause.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from drugflows.domain.drugs import DRUGS, SPECIFIC_DRUG_NAMES, VSRR_INDICATOR_NAMES
from drugflows.domain.seizures import BORDER_COMPONENTS, unodc_series
from drugflows.domain.statistics import MIN_CHANCE_BAND_PAIRS, chance_band
from drugflows.sources.cdc import BY_DRUG_TABLE, BY_STATE_TABLE, ICD10, LITERAL_TEXT, TABLE, WONDER_SERIES
from drugflows.sources.unodc import HISTORIC_SERIES, PORTAL_SERIES
from drugflows.states import STATES


def annual_series(
    drug: str, deaths: pd.DataFrame, unodc: pd.DataFrame, cbp: pd.DataFrame, nflis: pd.DataFrame
) -> pd.DataFrame:
    """One row per year: death_rate (per 100,000, age-adjusted, CDC WONDER), us_seizures_kg (UNODC
    national series, 1990-2019: all US agencies, calendar year), us_seizures_portal_kg (the UNODC
    portal export, 2018-2022: a later vintage, kept apart and never spliced onto the national series),
    cbp_seizures_kg (CBP at the border, :data:`seizures.BORDER_COMPONENTS`, complete fiscal years),
    nflis_reports."""
    spec = DRUGS[drug]
    rate = deaths[
        (deaths["source"] == WONDER_SERIES)
        & (deaths["drug"] == spec.deaths)
        & (deaths["measure"] == "rate_age_adjusted")
    ]
    out = pd.DataFrame({"death_rate": rate.set_index(rate["period"].astype(int))["value"]})
    for column, vintage in (("us_seizures_kg", HISTORIC_SERIES), ("us_seizures_portal_kg", PORTAL_SERIES)):
        us = unodc_series(unodc, drug, series=vintage)
        out = out.join(us[us["iso3"] == "USA"].set_index("year")["kg"].rename(column), how="outer")
    complete = cbp.groupby("fiscal_year")["month"].nunique() == 12
    border = cbp[
        (cbp["drug"] == spec.cbp)
        & cbp["component"].isin(BORDER_COMPONENTS)
        & cbp["fiscal_year"].isin(complete[complete].index)
    ]
    out = out.join(border.groupby("fiscal_year")["kg"].sum().rename("cbp_seizures_kg"), how="outer")
    if spec.nflis:
        reports = nflis[nflis["category"] == spec.nflis].groupby("year")["reports"].sum()
        out = out.join(reports.rename("nflis_reports"), how="outer")
    else:
        out["nflis_reports"] = np.nan
    return out.rename_axis("year").sort_index()


def lagged_correlations(
    cause: pd.Series, effect: pd.Series, max_lag: int = 2, min_years: int = MIN_CHANCE_BAND_PAIRS
) -> pd.DataFrame:
    """Pearson correlation of year-on-year changes: ``effect`` in year t against ``cause`` in year
    t - lag, for lag 0..max_lag. Returns lag, years (pairs used), r, chance_band (about 95% of
    correlations between unrelated series fall within +/- 1.96 / sqrt(years - 1), the large-sample
    approximation) and chance_band_best (the same, Bonferroni-adjusted for picking the best of the
    max_lag + 1 lags). r and both bands are missing below ``min_years`` pairs (default and floor:
    ``statistics.MIN_CHANCE_BAND_PAIRS``)."""
    rows = []
    dc, de = cause.diff(), effect.diff()
    tests = max_lag + 1
    min_years = max(min_years, MIN_CHANCE_BAND_PAIRS)
    for lag in range(max_lag + 1):
        pairs = pd.concat([dc.shift(lag), de], axis=1).dropna()
        enough = len(pairs) >= min_years
        r = pairs.iloc[:, 0].corr(pairs.iloc[:, 1]) if enough else np.nan
        rows.append(
            {
                "lag": lag,
                "years": len(pairs),
                "r": r,
                "chance_band": chance_band(len(pairs)) if enough else np.nan,
                "chance_band_best": chance_band(len(pairs), tests) if enough else np.nan,
            }
        )
    return pd.DataFrame(rows)


#: What NFLIS counts and shares can and cannot say, for every page that shows them.
NFLIS_CAVEAT = (
    "NFLIS counts drug reports of the laboratories that report to DEA, for what police and other "
    "agencies submit: its counts and shares describe testing and reporting, not where fentanyl is "
    "or how much."
)


def nflis_states(nflis: pd.DataFrame, drug: str, top: int = 12) -> pd.DataFrame:
    """Reports per state and year for the drug's NFLIS category, the ``top`` states by total
    (empty if the drug's category is not on file). Returns state_name, year, reports. They say
    which laboratories report and what is submitted to them (:data:`NFLIS_CAVEAT`)."""
    category = DRUGS[drug].nflis
    rows = nflis[nflis["category"] == category] if category else nflis.iloc[0:0]
    if rows.empty:
        return pd.DataFrame(columns=["state_name", "year", "reports"])
    yearly = rows.groupby(["state_name", "year"], as_index=False)["reports"].sum()
    order = yearly.groupby("state_name")["reports"].sum().sort_values(ascending=False)
    keep = list(order.index[:top])
    yearly = yearly[yearly["state_name"].isin(keep)]
    return yearly.sort_values(
        ["state_name", "year"],
        key=lambda s: s.map({n: i for i, n in enumerate(keep)}) if s.name == "state_name" else s,
        ignore_index=True,
    )


# --- The fentanyl era: one long national series per drug, monthly deaths against seizures ---------
#
# Deaths come in three methods that are never spliced into one line: CDC WONDER final data by ICD-10
# multiple cause code (age-adjusted rates per calendar year, 1999-2020), NCHS VSRR provisional
# 12-month-ending counts by ICD-10 code (2015 on), and NCHS provisional counts by specific drug from
# the death certificates' literal text (2019 to mid 2024). Each row keeps its series, source, method
# and unit; a change of series is a break, and no change is computed across one.

#: The national rows of each table.
NATIONAL_STATE = "US"
NATIONAL_JURISDICTION = "United States"
#: Units of the long series: a rate for a calendar year, a count for 12 months ending in a month.
RATE_UNIT = "deaths per 100,000 a year (age-adjusted)"
COUNT_UNIT = "deaths in the 12 months ending in the month"
#: The methods, as the tables name them.
WONDER_FINAL = "final data, ICD-10 multiple cause code, calendar year"
VSRR_PROVISIONAL = f"provisional, {ICD10}, 12 months ending"
LITERAL_PROVISIONAL = f"provisional, {LITERAL_TEXT}, 12 months ending"
#: A few words for each method, for the labels of the breaks on a figure.
METHOD_SHORT = {
    WONDER_FINAL: "final rates",
    VSRR_PROVISIONAL: "VSRR, ICD-10 code",
    LITERAL_PROVISIONAL: "literal text",
}
NATIONAL_COLUMNS = ["month", "series", "source", "method", "unit", "table", "deaths", "deaths_predicted"]


def national_series(
    drug: str, deaths: pd.DataFrame, by_drug: pd.DataFrame, by_state: pd.DataFrame
) -> pd.DataFrame:
    """Every national series on file of deaths involving ``drug``, one row per series and period,
    never spliced: ``month`` (the last month of the period: December for a calendar year),
    ``series`` (a label naming the source, release and method), ``source``, ``method``, ``unit``
    (:data:`RATE_UNIT` or :data:`COUNT_UNIT`), ``table`` (the processed table it comes from),
    ``deaths`` and ``deaths_predicted`` (VSRR's count adjusted for reporting delays; missing
    elsewhere).

    Sources: ``us_overdose_deaths`` (CDC WONDER rates 1999-2020 via Our World in Data; VSRR July 2019
    release, counts 2015-2018), ``overdose_deaths_12m_by_state`` (VSRR, synthetic opioids T40.4 only,
    2015-2026: for fentanyl it replaces the older release, one vintage per series) and
    ``overdose_deaths_12m_by_drug`` (literal text, 2019-2024)."""
    spec = DRUGS[drug]
    national = deaths[deaths["geography"] == NATIONAL_STATE]
    parts = []
    rate = national[
        (national["source"] == WONDER_SERIES)
        & (national["drug"] == spec.deaths)
        & (national["measure"] == "rate_age_adjusted")
    ]
    parts.append(
        pd.DataFrame(
            {
                "month": pd.to_datetime(rate["period"].astype(str) + "-12-01"),
                "series": f"CDC WONDER final, {ICD10} (rate)",
                "source": WONDER_SERIES,
                "table": TABLE,
                "method": WONDER_FINAL,
                "unit": RATE_UNIT,
                "deaths": rate["value"].astype(float),
            }
        )
    )
    recent = by_state[
        (by_state["state"] == NATIONAL_STATE)
        & by_state["indicator"].map(lambda n: VSRR_INDICATOR_NAMES[n].drug_class == drug)
    ]
    if not recent.empty:
        vintage = recent["vintage"].iloc[0]
        parts.append(
            pd.DataFrame(
                {
                    "month": recent["month"],
                    "series": f"VSRR provisional, data to {_month_name(vintage)}, {ICD10}",
                    "source": f"CDC/NCHS VSRR provisional counts (data to {_month_name(vintage)})",
                    "table": BY_STATE_TABLE,
                    "method": VSRR_PROVISIONAL,
                    "unit": COUNT_UNIT,
                    "deaths": recent["deaths_12m"].astype(float),
                    "deaths_predicted": recent["deaths_12m_predicted"].astype(float),
                }
            )
        )
    else:
        old = national[national["source"].str.startswith("CDC/NCHS VSRR") & (national["drug"] == spec.deaths)]
        wide = old.pivot_table(index="period", columns="measure", values="value", aggfunc="first")
        if not wide.empty:
            source = old["source"].iloc[0]
            release = source[source.find("(") + 1 : source.rfind(")")] if "(" in source else source
            parts.append(
                pd.DataFrame(
                    {
                        "month": pd.to_datetime(wide.index + "-01"),
                        "series": f"VSRR provisional, {release}, {ICD10}",
                        "source": source,
                        "table": TABLE,
                        "method": VSRR_PROVISIONAL,
                        "unit": COUNT_UNIT,
                        "deaths": wide["count"].to_numpy(float),
                        "deaths_predicted": wide.get(
                            "count_predicted", pd.Series(np.nan, wide.index)
                        ).to_numpy(float),
                    }
                )
            )
    literal = by_drug[
        (by_drug["jurisdiction"] == NATIONAL_JURISDICTION)
        & by_drug["drug"].map(lambda n: SPECIFIC_DRUG_NAMES[n].drug_class == drug)
    ]
    if not literal.empty:
        as_of = pd.Timestamp(literal["data_as_of"].iloc[0])
        parts.append(
            pd.DataFrame(
                {
                    "month": literal["month"],
                    "series": f"CDC specific drugs, {LITERAL_TEXT}, data as of {as_of:%b %Y}",
                    "source": f"CDC/NCHS provisional counts for specific drugs (as of {as_of:%d %b %Y})",
                    "table": BY_DRUG_TABLE,
                    "method": LITERAL_PROVISIONAL,
                    "unit": COUNT_UNIT,
                    "deaths": literal["deaths_12m"].astype(float),
                }
            )
        )
    out = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    out["month"] = pd.to_datetime(out["month"]).astype("datetime64[ns]")
    out = out.reindex(columns=NATIONAL_COLUMNS)
    return out.dropna(subset=["deaths"]).sort_values(["unit", "month", "series"], ignore_index=True)


def _month_name(vintage: str) -> str:
    """'2026-01' -> 'January 2026'."""
    return f"{pd.Timestamp(vintage + '-01'):%B %Y}"


def series_breaks(national: pd.DataFrame) -> pd.DataFrame:
    """Where the long series changes source or method: one row per series after the first of its
    unit, at its first month (``month``, ``label``), and one where a series of the same unit ends
    before the last of that unit (its last month, labelled as the end)."""
    rows = []
    for unit, part in national.groupby("unit", sort=False):
        spans = part.groupby("series")["month"].agg(["min", "max"]).sort_values("min")
        short = part.drop_duplicates("series").set_index("series")["method"].map(METHOD_SHORT)
        for i, (name, span) in enumerate(spans.iterrows()):
            if i > 0:
                rows.append(
                    {"unit": unit, "month": span["min"], "label": f"{short[name]} from {span['min']:%b %Y}"}
                )
            if span["max"] < spans["max"].max():
                rows.append(
                    {"unit": unit, "month": span["max"], "label": f"{short[name]} to {span['max']:%b %Y}"}
                )
    out = pd.DataFrame(rows, columns=["unit", "month", "label"]).sort_values(["unit", "month"])
    return _merge_close(out.reset_index(drop=True))


def _merge_close(breaks: pd.DataFrame, months: int = 3) -> pd.DataFrame:
    """One break where a series ends and the next starts within ``months`` of each other, at the
    later month, with both labels ("VSRR, ICD-10 code to Nov 2018; literal text from Jan 2019")."""
    rows: list[dict] = []
    for row in breaks.to_dict("records"):
        last = rows[-1] if rows else None
        if last and last["unit"] == row["unit"] and (row["month"] - last["month"]).days <= 31 * months:
            last.update(month=row["month"], label=f"{last['label']}; {row['label']}")
        else:
            rows.append(row)
    return pd.DataFrame(rows, columns=["unit", "month", "label"])


def overlap_years(national: pd.DataFrame) -> pd.DataFrame:
    """The calendar years that two or more series cover (their 12 months ending in December), one
    column per series, so that the gap between methods can be read; ``gap_pct`` is the literal-text
    count against the VSRR count of the same December (the two count series), missing where either
    is."""
    december = national[national["month"].dt.month == 12]
    wide = december.pivot_table(index=december["month"].dt.year, columns="series", values="deaths")
    wide = wide[wide.notna().sum(axis=1) >= 2].rename_axis(index="year", columns=None)
    counts = national[national["unit"] == COUNT_UNIT]
    vsrr = counts.loc[counts["method"] == VSRR_PROVISIONAL, "series"].unique()
    literal = counts.loc[counts["method"] == LITERAL_PROVISIONAL, "series"].unique()
    if len(vsrr) == 1 and len(literal) == 1 and {vsrr[0], literal[0]} <= set(wide.columns):
        wide["gap_pct"] = 100 * (wide[literal[0]] / wide[vsrr[0]] - 1)
    else:
        wide["gap_pct"] = np.nan
    return wide


def twelve_month_deaths(national: pd.DataFrame) -> pd.DataFrame:
    """The monthly 12-month-ending series that reaches the latest month (one series, one method):
    month, deaths, deaths_predicted, series."""
    counts = national[national["unit"] == COUNT_UNIT]
    if counts.empty:
        return counts
    latest = counts.groupby("series")["month"].max().idxmax()
    return counts[counts["series"] == latest].sort_values("month", ignore_index=True)


def twelve_month_seizures(drug: str, cbp: pd.DataFrame) -> pd.DataFrame:
    """CBP seizures of ``drug`` at the border (:data:`seizures.BORDER_COMPONENTS`, all regions) in
    the 12 months ending in each month, kg (month, kg_12m): from the 12th month on file, months
    with no seizure counted as zero."""
    months = pd.date_range(cbp["month"].min(), cbp["month"].max(), freq="MS")
    rows = cbp[(cbp["drug"] == DRUGS[drug].cbp) & cbp["component"].isin(BORDER_COMPONENTS)]
    kg = rows.groupby("month")["kg"].sum().reindex(months, fill_value=0.0)
    out = kg.rolling(12).sum().dropna().rename("kg_12m").rename_axis("month").reset_index()
    out["month"] = out["month"].astype("datetime64[ns]")
    return out


#: A peak within this many months of the first or the last month on file is not a turning point:
#: the series may have been higher before its first month, or may still rise after its last.
EDGE_MONTHS = 6


def turning_point(values: pd.Series) -> dict:
    """The peak of a monthly series (indexed by month) and the fall since: peak_month, peak,
    latest_month, latest, fall_pct (percent below the peak, 0 if the peak is the latest month) and
    peak_is_edge: "start" or "end" when the peak lies within :data:`EDGE_MONTHS` of the first or
    the last month on file (no turning point is stated), else None."""
    values = values.dropna()
    peak_month = values.idxmax()
    first_month, latest_month = values.index.min(), values.index.max()
    edge = None
    if months_between(peak_month, latest_month) < EDGE_MONTHS:
        edge = "end"
    elif months_between(first_month, peak_month) < EDGE_MONTHS:
        edge = "start"
    return {
        "peak_month": peak_month,
        "peak": float(values.max()),
        "latest_month": latest_month,
        "latest": float(values[latest_month]),
        "fall_pct": 100 * (1 - values[latest_month] / values.max()),
        "peak_is_edge": edge,
    }


def months_between(earlier: pd.Timestamp, later: pd.Timestamp) -> int:
    """Whole months from ``earlier`` to ``later`` (negative if ``later`` comes first)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def latest_by_state(by_state: pd.DataFrame, drug: str = "fentanyl") -> pd.DataFrame:
    """Deaths involving ``drug`` (VSRR's indicator for it) in the 12 months ending in the latest
    month on file, by jurisdiction, largest first (state, state_name, deaths_12m,
    deaths_12m_predicted, footnote, month): the states without a count (low data quality,
    suppressed) and the national total are left out. VSRR's ``NY`` is New York State without New
    York City (``YC``), which it counts apart."""
    rows = by_state[by_state["indicator"].map(lambda n: VSRR_INDICATOR_NAMES[n].drug_class == drug)]
    rows = rows[(rows["month"] == rows["month"].max()) & (rows["state"] != NATIONAL_STATE)]
    rows = rows.dropna(subset=["deaths_12m"])
    columns = ["state", "state_name", "deaths_12m", "deaths_12m_predicted", "footnote", "month"]
    return rows.sort_values("deaths_12m", ascending=False, ignore_index=True)[columns]


#: VSRR's code for New York City; its ``NY`` is New York State without the city.
NEW_YORK_CITY = "YC"
#: The row :func:`latest_by_state` makes of VSRR's ``NY`` and ``YC`` together.
WHOLE_NEW_YORK = "NY+YC"
WHOLE_NEW_YORK_NAME = "New York State (VSRR's NY and New York City added)"


def whole_new_york(latest: pd.DataFrame) -> pd.DataFrame:
    """``latest`` (:func:`latest_by_state` rows) with VSRR's ``NY`` (the state without New York
    City) and ``YC`` (the city) added into one row for the whole state (state :data:`WHOLE_NEW_YORK`),
    the city's own count kept in ``new_york_city_12m``; unchanged unless both have a count."""
    latest = latest.assign(new_york_city_12m=np.nan)
    parts = latest[latest["state"].isin(["NY", NEW_YORK_CITY])]
    if len(parts) != 2:
        return latest
    city = parts[parts["state"] == NEW_YORK_CITY].iloc[0]
    whole = parts.iloc[[0]].assign(
        state=WHOLE_NEW_YORK,
        state_name=WHOLE_NEW_YORK_NAME,
        deaths_12m=parts["deaths_12m"].sum(),
        deaths_12m_predicted=parts["deaths_12m_predicted"].sum(min_count=2),
        new_york_city_12m=city["deaths_12m"],
    )
    rest = latest[~latest.index.isin(parts.index)]
    return pd.concat([rest, whole]).sort_values("deaths_12m", ascending=False, ignore_index=True)


def states_without_count(by_state: pd.DataFrame, drug: str = "fentanyl") -> dict[str, list[str]]:
    """The states and DC without a count of deaths involving ``drug`` in the latest month on file,
    by name: ``no_count`` (in the file that month with no value: low data quality or suppressed) and
    ``not_in_file`` (no row that month at all; :data:`drugflows.states.STATES` below FIPS 60, the
    50 states and DC)."""
    rows = by_state[by_state["indicator"].map(lambda n: VSRR_INDICATOR_NAMES[n].drug_class == drug)]
    rows = rows[rows["month"] == rows["month"].max()]
    blank = rows[rows["deaths_12m"].isna()]
    expected = {code: name for code, (fips, name) in STATES.items() if fips < "60"}
    return {
        "no_count": sorted(blank["state_name"].unique()),
        "not_in_file": sorted(name for code, name in expected.items() if code not in set(rows["state"])),
    }
