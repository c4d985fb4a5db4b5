"""Crops: coca and opium poppy cultivation, eradication and production from ``crop_estimates``.

Published figures of every estimator (UNODC, the US government, national governments) and every
publication vintage are on file; :func:`pick_vintage` chooses one vintage per series (never an
average of vintages). Hectares (ha) for areas, metric tons for production.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from drugflows.domain.statistics import chance_band, detectable_correlation

SERIES_KEY = ["iso3", "crop", "measure", "estimate_by", "year"]


#: Crop parameter -> label, the main estimator for comparisons, and the production it leads to.
CROPS = {
    "coca": {"label": "coca bush", "product": "pure cocaine", "default": ["COL", "PER", "BOL"]},
    "opium_poppy": {"label": "opium poppy", "product": "pure heroin", "default": ["AFG", "MMR", "MEX"]},
}


#: Estimators in the order they are preferred when one series is needed.
ESTIMATORS = ("UNODC", "USG-ONDCP", "national government", "other")


#: Eradication measures, most complete first: UNODC's reported eradication, a government total, and
#: the sum of aerial spraying and manual eradication (Colombia).
ERADICATION_MEASURES = ("eradication_reported_ha", "eradication_ha")


def pick_vintage(estimates: pd.DataFrame, rule: str = "latest") -> pd.DataFrame:
    """One row per (iso3, crop, measure, estimate_by, year) of ``crop_estimates``, leaving out
    figures that are not a year's value (:func:`is_annual`) or not checked (:func:`is_unchecked`).

    ``rule="latest"`` keeps the most recently published figure (figures with a publication year
    before derived sums without one), ``"earliest"`` the first published. Between figures published
    the same year, the edition with more figures of the series (a table over a press report quoting
    it) is kept; remaining ties keep the first row in table order. Values are never averaged.
    """
    if rule not in ("latest", "earliest"):
        raise ValueError(f"rule must be 'latest' or 'earliest', got {rule!r}")
    estimates = estimates[is_annual(estimates) & ~is_unchecked(estimates)]
    order = estimates.assign(
        _published=estimates["published_year"].astype("Float64").fillna(-1 if rule == "latest" else 10_000)
    )
    if "source" in order:
        series = [c for c in SERIES_KEY if c != "year"]
        order["_size"] = order.groupby([*series, "source", "_published"], dropna=False)["year"].transform(
            "size"
        )
    else:
        order["_size"] = 1
    order = order.sort_values(["_published", "_size"], ascending=[rule == "earliest", False], kind="stable")
    return (
        order.drop_duplicates(SERIES_KEY, keep="first")
        .drop(columns=["_published", "_size"])
        .sort_values(SERIES_KEY, ignore_index=True)
    )


#: Estimator codes of ``crop_estimates`` -> what a reader sees.
ESTIMATOR_LABELS = {
    "UNODC": "UNODC",
    "USG-ONDCP": "US government (ONDCP)",
    "national government": "National government",
    "other": "Unnamed estimator",
}


def estimator_label(code: str) -> str:
    """The reader-facing name of an estimator code (:data:`ESTIMATOR_LABELS`)."""
    return ESTIMATOR_LABELS.get(code, code)


def edition_label(published_year: object) -> str:
    """A figure's edition, by its publication year ("published 2022"; "no publication year" for
    the sums of the Colombian municipal panel and the DEVIDA department table)."""
    return "no publication year" if pd.isna(published_year) else f"published {int(published_year)}"


def is_annual(rows: pd.DataFrame) -> pd.Series:
    """False for figures that are not a year's value: totals over several years ("CUMULATIVE")
    and part-year figures ("PARTIAL YEAR"), as the published_figures notes flag them."""
    if "note" not in rows:
        return pd.Series(True, index=rows.index)
    return ~rows["note"].fillna("").str.contains(r"cumulative|partial year", case=False, regex=True)


def is_unchecked(rows: pd.DataFrame) -> pd.Series:
    """True for figures known only from a stored copy with scrambled text (the published_figures
    notes say so: Afghanistan 1999, 90,983 ha, from a news agency's word-reversed page, which
    SOURCE.md says to check against UNODC's survey before use). They are left out of every series."""
    if "source" not in rows:
        return pd.Series(False, index=rows.index)
    return rows["source"].fillna("").str.contains("scrambled", case=False)


def is_floor(rows: pd.DataFrame) -> pd.Series:
    """True for figures published as a lower bound ("more than N"): the ``production_lower_t``
    measure and rows whose note says "lower bound" or "more than" (the published_figures notes)."""
    note = rows["note"].fillna("") if "note" in rows else pd.Series("", index=rows.index)
    return (rows["measure"] == "production_lower_t") | note.str.contains(
        r"lower bound|stated as 'more than'", case=False, regex=True
    )


def breaks(rows: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Where a series of :func:`side_by_side` rows changes edition between two consecutive years
    on file: columns (``by``), year (the first year of the new edition), before, after (edition
    labels). ``by`` defaults to iso3 and estimate_by."""
    by = by or ["iso3", "estimate_by"]
    out = []
    for key, part in rows.sort_values("year").groupby(by, sort=False):
        labels = part["published_year"].map(edition_label).tolist()
        years = part["year"].tolist()
        for i in range(1, len(years)):
            if labels[i] != labels[i - 1]:
                out.append(
                    dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
                    | {"year": years[i], "before": labels[i - 1], "after": labels[i]}
                )
    return pd.DataFrame(out, columns=[*by, "year", "before", "after"])


def break_marks(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """:func:`breaks` with a short label for a figure ("2010 -> 2022": the publication years of
    the editions before and after; "undated" for figures without one)."""
    marks = breaks(rows, by)

    def short(label: str) -> str:
        return label.removeprefix("published ") if label.startswith("published") else "undated"

    marks["label"] = [
        f"{short(b)} -> {short(a)}" for b, a in zip(marks["before"], marks["after"], strict=True)
    ]
    return marks


def editions(rows: pd.DataFrame) -> pd.DataFrame:
    """For rows of :func:`side_by_side`: per country and estimator, each run of years taken from
    one edition (columns iso3, estimate_by, years "first-last", edition, source)."""
    out = []
    for (iso3, by), part in rows.sort_values("year").groupby(["iso3", "estimate_by"], sort=False):
        labels = part["published_year"].map(edition_label)
        run = (labels != labels.shift()).cumsum()
        for _, chunk in part.groupby(run):
            first, last = chunk["year"].min(), chunk["year"].max()
            out.append(
                {
                    "iso3": iso3,
                    "estimate_by": by,
                    "years": f"{first}" if first == last else f"{first}-{last}",
                    "edition": edition_label(chunk["published_year"].iloc[0]),
                    "source": "; ".join(dict.fromkeys(chunk["source"])),
                }
            )
    table = pd.DataFrame(out, columns=["iso3", "estimate_by", "years", "edition", "source"])
    first = table["years"].str[:4].astype(int) if not table.empty else pd.Series(dtype=int)
    return (
        table.assign(_first=first)
        .sort_values(["iso3", "estimate_by", "_first"], kind="stable")
        .drop(columns="_first")
        .reset_index(drop=True)
    )


def latest_figures(estimates: pd.DataFrame, crop: str, countries: list[str], measure: str = "cultivation_ha"):
    """Per country and estimator, the latest year on file and its figure (latest vintage): columns
    iso3, estimate_by, year, value, floor (True where published as "more than")."""
    rows = side_by_side(estimates, crop, countries, measure)
    last = rows.sort_values("year").groupby(["iso3", "estimate_by"]).tail(1)
    return last[["iso3", "estimate_by", "year", "value", "floor"]].reset_index(drop=True)


def crop_countries(estimates: pd.DataFrame, crop: str) -> list[str]:
    """ISO3 codes with a cultivation figure for ``crop`` (the world total 'WLD' left out)."""
    rows = estimates[(estimates["crop"] == crop) & (estimates["measure"] == "cultivation_ha")]
    return sorted(set(rows["iso3"]) - {"WLD"})


def side_by_side(
    estimates: pd.DataFrame, crop: str, countries: list[str], measure: str = "cultivation_ha"
) -> pd.DataFrame:
    """Latest-vintage figures of ``measure`` for each country, year and estimator.

    Columns: iso3, year, estimate_by, value, published_year, source, floor (True for a figure
    published as a lower bound, "more than N": :func:`is_floor`).
    """
    rows = estimates[
        (estimates["crop"] == crop) & (estimates["measure"] == measure) & estimates["iso3"].isin(countries)
    ]
    rows = pick_vintage(rows)
    rows = rows.assign(floor=is_floor(rows))
    columns = ["iso3", "year", "estimate_by", "value", "published_year", "source", "floor"]
    return rows[columns].reset_index(drop=True)


def vintages(rows: pd.DataFrame) -> pd.DataFrame:
    """For rows of :func:`side_by_side`: per country and estimator, the years covered ("first-last"),
    the number of figures and the publication years they come from ("2019, 2021")."""
    return (
        rows.groupby(["iso3", "estimate_by"])
        .agg(
            years=("year", lambda y: f"{y.min()}-{y.max()}"),
            figures=("value", "size"),
            published=(
                "published_year",
                lambda p: ", ".join(str(int(v)) for v in sorted(p.dropna().unique())),
            ),
        )
        .reset_index()
    )


def one_series(
    estimates: pd.DataFrame, crop: str, countries: list[str], measure: str = "cultivation_ha"
) -> pd.DataFrame:
    """Years x countries: one estimator per country (the one with the most years; ties go to the
    first in :data:`ESTIMATORS`), so a country's line never mixes estimators. The estimator used for
    each country is in ``.attrs["estimator"]``."""
    rows = side_by_side(estimates, crop, countries, measure)
    columns, used = {}, {}
    for iso3, part in rows.groupby("iso3"):
        years = part["estimate_by"].value_counts()
        estimator = max(years.index, key=lambda e: (years[e], -ESTIMATORS.index(e)))
        chosen = part[part["estimate_by"] == estimator]
        columns[iso3] = chosen.set_index("year")["value"]
        used[iso3] = estimator
    wide = pd.DataFrame(columns).sort_index().rename_axis("year")
    wide.attrs["estimator"] = used
    wide.attrs["floor"] = {
        iso3: {int(y) for y in part.loc[part["floor"] & (part["estimate_by"] == used[iso3]), "year"]}
        for iso3, part in rows.groupby("iso3")
    }
    return wide


def eradication(estimates: pd.DataFrame, crop: str, countries: list[str]) -> pd.DataFrame:
    """Years x countries: hectares eradicated (manual and aerial together), from the first measure
    of :data:`ERADICATION_MEASURES` with a figure that year, else aerial spraying plus manual
    eradication (either alone where only one is on file). ``.attrs["floor"]``: per country, the
    years whose total rests on a figure published as "more than N" (a lower bound)."""
    rows = pick_vintage(estimates[(estimates["crop"] == crop) & estimates["iso3"].isin(countries)])
    rows = rows.assign(floor=is_floor(rows))
    wide = rows.pivot_table(index="year", columns=["iso3", "measure"], values="value", aggfunc="first")
    flags = rows.pivot_table(index="year", columns=["iso3", "measure"], values="floor", aggfunc="max")
    out, floors = {}, {}
    for iso3 in countries:
        if iso3 not in wide.columns.get_level_values(0):
            continue
        part, flag = wide[iso3], flags[iso3].reindex(wide.index).fillna(False).astype(bool)
        components = ["aerial_spraying_ha", "manual_eradication_ha"]
        parts = part.reindex(columns=components)
        total = parts.sum(axis=1, min_count=1)
        floor = flag.reindex(columns=components, fill_value=False).any(axis=1)
        for measure in reversed(ERADICATION_MEASURES):
            if measure in part:
                floor = floor.where(part[measure].isna(), flag[measure])
                total = part[measure].combine_first(total)
        if total.notna().any():
            out[iso3] = total
            floors[iso3] = {int(y) for y in total.index[floor & total.notna()]}
    frame = pd.DataFrame(out).rename_axis("year").dropna(how="all")
    frame.attrs["floor"] = floors
    return frame


def complete_eradication(estimates: pd.DataFrame, crop: str, countries: list[str]) -> pd.DataFrame:
    """:func:`eradication` without the years whose total is incomplete: one of aerial spraying
    and manual eradication missing in a year when the country has the other on file and no total
    figure covers it (Colombia 2001-2003: manual eradication was not recorded). A kind missing
    after its last figure on file was zero is a programme that had stopped, not a gap (Colombia's
    aerial spraying, zero from 2016 after it ended in October 2015): those years stay."""
    wide = eradication(estimates, crop, countries)
    rows = pick_vintage(estimates[(estimates["crop"] == crop) & estimates["iso3"].isin(countries)])
    for iso3 in wide.columns:
        part = rows[rows["iso3"] == iso3].pivot_table(index="year", columns="measure", values="value")
        part = part.reindex(wide.index)
        totals = part.reindex(columns=list(ERADICATION_MEASURES)).notna().any(axis=1)
        components = part.reindex(columns=["aerial_spraying_ha", "manual_eradication_ha"])
        both_ever = components.notna().any().all()
        stopped = components.isna() & components.ffill().eq(0)
        known = components.notna() | stopped
        partial = both_ever & ~totals & (known.sum(axis=1) == 1)
        wide.loc[partial, iso3] = np.nan
    return wide


def intensity(eradicated_ha: pd.DataFrame, cultivated_ha: pd.DataFrame) -> pd.DataFrame:
    """Eradication intensity: hectares eradicated in the year per hectare standing at year end (the
    cultivation survey is a census of what stands on 31 December, after eradication and replanting).
    Not a share: above 1 where the same fields are counted more than once (aerial spraying passes over
    a field several times a year, each pass counted) or replanted within the year.

    ``.attrs["bound"]``: per country, year -> "lower" where the eradication figure is a published
    lower bound ("more than N": the ratio can only be higher), "upper" where the cultivation figure is
    (the ratio can only be lower), "unknown" where both are (no direction); from the ``floor`` attrs
    of :func:`eradication` and :func:`one_series`. ``.attrs["bound_figures"]``: the same years ->
    (hectares eradicated, hectares cultivated) behind the ratio."""
    common = eradicated_ha.columns.intersection(cultivated_ha.columns)
    ratio = eradicated_ha[common] / cultivated_ha[common].reindex(eradicated_ha.index)
    ratio = ratio.replace([np.inf, -np.inf], np.nan).dropna(how="all")
    erad_floor = eradicated_ha.attrs.get("floor", {})
    cult_floor = cultivated_ha.attrs.get("floor", {})
    bounds = {}
    for iso3 in common:
        years = set(ratio[iso3].dropna().index.astype(int))
        low, high = erad_floor.get(iso3, set()) & years, cult_floor.get(iso3, set()) & years
        marks = {y: "lower" for y in low - high} | {y: "upper" for y in high - low}
        marks |= {y: "unknown" for y in low & high}
        if marks:
            bounds[iso3] = dict(sorted(marks.items()))
    ratio.attrs["bound"] = bounds
    ratio.attrs["bound_figures"] = {
        iso3: {
            y: (
                float(eradicated_ha.loc[y, iso3]),
                float(cultivated_ha.reindex(eradicated_ha.index).loc[y, iso3]),
            )
            for y in marks
        }
        for iso3, marks in bounds.items()
    }
    return ratio


def shares_of_total(wide: pd.DataFrame) -> pd.DataFrame:
    """Each country's share (%) of the countries' combined total, in years where all have a figure."""
    complete = wide.dropna()
    return complete.div(complete.sum(axis=1), axis=0) * 100


def change_correlations(wide: pd.DataFrame, min_years: int = 5) -> pd.DataFrame:
    """Pairwise Pearson correlation of year-on-year changes (ha) between countries, with the band
    (+/- 1.96/sqrt(n-1)) that correlations of unrelated series stay within about 19 times in 20, the
    same band Bonferroni-adjusted for the number of pairs with a band (one of several pairs tested
    can cross the unadjusted band by chance), and the smallest correlation the adjusted test would
    detect four times in five with that many years (:func:`detectable_correlation`).

    A "balloon effect" (cultivation pushed from one country to another) would show as a negative
    correlation. Columns: country_a, country_b, years, r, chance_band, adjusted_band, detectable.
    """
    changes = wide.diff()
    rows = []
    names = list(wide.columns)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            pairs = changes[[a, b]].dropna()
            n = len(pairs)
            r = pairs[a].corr(pairs[b]) if n >= min_years else np.nan
            rows.append({"country_a": a, "country_b": b, "years": n, "r": r, "chance_band": chance_band(n)})
    table = pd.DataFrame(rows, columns=["country_a", "country_b", "years", "r", "chance_band"])
    tests = max(int((table["r"].notna() & table["chance_band"].notna()).sum()), 1)
    banded = table["r"].notna() & table["chance_band"].notna()
    table["adjusted_band"] = [
        chance_band(n, tests) if ok else np.nan for n, ok in zip(table["years"], banded, strict=True)
    ]
    table["detectable"] = [
        detectable_correlation(n, tests) if ok else np.nan
        for n, ok in zip(table["years"], banded, strict=True)
    ]
    table.attrs["tests"] = tests
    return table


def yield_kg_per_ha(
    estimates: pd.DataFrame, iso3: str, years: tuple[int, int], estimate_by: str = "UNODC"
) -> float:
    """Potential pure cocaine per hectare of coca and year (kg/ha): production over cultivation of
    the same estimator, summed over the years both are on file."""
    rows = pick_vintage(estimates)
    rows = rows[
        (rows["iso3"] == iso3)
        & (rows["crop"] == "coca")
        & (rows["estimate_by"] == estimate_by)
        & rows["year"].between(*years)
    ]
    wide = rows.pivot_table(index="year", columns="measure", values="value").dropna(
        subset=["production_t", "cultivation_ha"]
    )
    if wide.empty:
        raise ValueError(f"no {estimate_by} production and cultivation for {iso3} in {years}")
    return float(wide["production_t"].sum() * 1000 / wide["cultivation_ha"].sum())


def round_ha(hectares: float) -> float:
    """Hectares rounded to what the estimates support: the nearest 100 from 1,000 ha, else the
    nearest 10."""
    return float(round(hectares, -2 if abs(hectares) >= 1000 else -1))


def crops_on_file(estimates: pd.DataFrame, iso3: str) -> list[str]:
    """The crops (coca, opium_poppy) with a cultivation figure for the country."""
    return [c for c in CROPS if iso3 in crop_countries(estimates, c)]
