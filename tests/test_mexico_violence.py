"""The mexico_violence report and domain.violence: headlines held against an independent read of the
raw SESNSP file (pandas, not the loader), the known values of its SOURCE.md, and the CBP file."""

from __future__ import annotations

import pandas as pd
import pytest

from drugflows import inegi, paths, tables
from drugflows.domain import violence
from drugflows.params import ParameterError
from drugflows.reports import mexico_violence as mv

RAW = paths.SHARED_DATA_DIR / "mexico_sesnsp" / "db_victimas_delitos_ent_long.csv.bz2"
SOURCE_MD = paths.SHARED_DATA_DIR / "mexico_sesnsp" / "SOURCE.md"
#: The four CBP field offices on the Mexican border (their ports of entry), as CBP names them.
FIELD_OFFICES = [
    "SAN DIEGO FIELD OFFICE",
    "TUCSON FIELD OFFICE",
    "EL PASO FIELD OFFICE",
    "LAREDO FIELD OFFICE",
]

#: National victims of Homicidio doloso by year (mexico_sesnsp/SOURCE.md); 2025 is January-June.
HOMICIDIO_DOLOSO = {
    2015: 17_884,
    2016: 22_541,
    2017: 28_868,
    2018: 33_742,
    2019: 34_723,
    2020: 34_569,
    2021: 33_359,
    2022: 30_979,
    2023: 29_721,
    2024: 30_046,
    2025: 12_752,
}
FIREARM_2023 = 21_219  # SOURCE.md: homicidio doloso victims killed with firearms in 2023
FEMINICIDE_2024 = 852  # SOURCE.md
TOP_STATES_2023 = {"11": 3_104, "15": 2_597, "02": 2_417, "08": 2_077, "14": 1_961, "16": 1_756}


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """The raw file read with pandas alone: victims by month, state, subtype and modality."""
    frame = pd.read_csv(
        RAW,
        usecols=["n_year", "n_month", "cve_ent", "subtipo_de_delito", "modalidad", "n_victimas"],
        dtype={"cve_ent": str, "n_month": str},
    )
    frame["month"] = pd.to_datetime(frame["n_year"].astype(str) + "-" + frame["n_month"] + "-01")
    return frame.groupby(["month", "cve_ent", "subtipo_de_delito", "modalidad"], as_index=False)[
        "n_victimas"
    ].sum()


@pytest.fixture(scope="module")
def raw_homicide_monthly(raw) -> pd.Series:
    rows = raw[raw["subtipo_de_delito"] == "Homicidio doloso"]
    return rows.groupby("month")["n_victimas"].sum().sort_index()


@pytest.fixture(scope="module")
def victims() -> pd.DataFrame:
    return tables.load("mexico_victims_monthly")


@pytest.fixture(scope="module")
def cbp() -> pd.DataFrame:
    return tables.load("cbp_seizures_monthly")


@pytest.fixture(scope="module")
def default(victims, cbp) -> mv.Selection:
    return mv.select(victims, cbp, "intentional homicide", None, None, None, "fentanyl")


def test_the_known_values_are_those_of_source_md():
    text = SOURCE_MD.read_text(encoding="utf-8")
    for year, value in HOMICIDIO_DOLOSO.items():
        assert f"{value:,}" in text, year
    for value in (FIREARM_2023, FEMINICIDE_2024, *TOP_STATES_2023.values(), *mv.INEGI_2016):
        assert f"{value:,}" in text


def test_national_homicide_trend_for_the_profile(victims, raw_homicide_monthly):
    t = violence.national_homicide_trend(victims)
    assert (t.peak_year, t.peak_victims) == (2019, HOMICIDIO_DOLOSO[2019])
    assert (t.latest_year, t.latest_year_victims) == (2024, HOMICIDIO_DOLOSO[2024])
    assert t.latest_vs_peak_pct == pytest.approx(100 * HOMICIDIO_DOLOSO[2024] / HOMICIDIO_DOLOSO[2019])
    assert t.last_month == pd.Timestamp("2025-06-01") == raw_homicide_monthly.index[-1]
    assert t.latest_12m == int(raw_homicide_monthly.iloc[-12:].sum())
    assert t.prior_12m == int(raw_homicide_monthly.iloc[-24:-12].sum())
    # July 2024 to June 2025 against the 12 months before cut across SOURCE.md's calendar years:
    # the raw read holds them. Jan-Jun 2025 is in SOURCE.md too:
    assert int(raw_homicide_monthly.iloc[-6:].sum()) == HOMICIDIO_DOLOSO[2025]
    expected = 100 * (raw_homicide_monthly.iloc[-12:].sum() / raw_homicide_monthly.iloc[-24:-12].sum() - 1)
    assert t.change_pct == pytest.approx(expected)
    assert -8 < t.change_pct < -6  # about 27,700 against about 29,700


def test_yearly_victims_are_the_known_values(victims, default):
    years = violence.yearly(mv.selected_monthly(victims, default))
    assert years["victims"].to_dict() == HOMICIDIO_DOLOSO
    assert years["partial"].to_dict() == {y: y == 2025 for y in HOMICIDIO_DOLOSO}
    women = violence.yearly(
        violence.monthly(violence.victims_of(victims, "feminicide"), violence.months_on_file(victims))
    )
    assert women.loc[2024, "victims"] == FEMINICIDE_2024


def test_firearm_share_against_source_md_and_raw(victims, raw):
    shares = violence.firearm_share(victims)
    assert shares.loc[2023, "firearm"] == FIREARM_2023
    assert shares.loc[2023, "firearm_pct"] == pytest.approx(100 * FIREARM_2023 / HOMICIDIO_DOLOSO[2023])
    rows = raw[(raw["subtipo_de_delito"] == "Homicidio doloso") & (raw["month"].dt.year == 2024)]
    by_means = rows.groupby("modalidad")["n_victimas"].sum()
    known = by_means.sum() - by_means["No especificado"]
    assert shares.loc[2024, "firearm_pct_known"] == pytest.approx(100 * by_means["Con arma de fuego"] / known)


def test_states_with_most_victims_in_2023(victims):
    by_state = violence.by_state_year(violence.victims_of(victims, "intentional_homicide"))
    top = by_state[2023].sort_values(ascending=False).head(6)
    assert top.to_dict() == TOP_STATES_2023


def test_headlines_hold_the_independent_values(victims, default, raw, raw_homicide_monthly):
    lines = mv.reading(victims, default)
    latest, prior = raw_homicide_monthly.iloc[-12:].sum(), raw_homicide_monthly.iloc[-24:-12].sum()
    change = round(abs(100 * (latest / prior - 1)))
    assert lines[0] == (
        f"About {round(latest, -2):,.0f} victims of intentional homicide in Mexico (all 32 states) were "
        f"registered from July 2024 to June 2025, {change}% fewer than in the 12 months before "
        f"(about {round(prior, -2):,.0f})."
    )
    assert lines[0].startswith("About 27,700") and "7% fewer" in lines[0]
    share_of_peak = round(100 * HOMICIDIO_DOLOSO[2024] / HOMICIDIO_DOLOSO[2019])
    assert lines[1] == (
        "The peak complete year was 2019 (about 34,700); 2024 (about 30,000) was "
        f"{share_of_peak}% of that peak."
    )
    window = raw[(raw["subtipo_de_delito"] == "Homicidio doloso") & (raw["month"] >= "2024-07-01")]
    by_state = window.groupby("cve_ent")["n_victimas"].sum().sort_values(ascending=False)
    top_name = inegi.short_name(by_state.index[0])
    assert lines[2].startswith(f"{top_name} registered the most victims of intentional homicide")
    assert (
        f"about {round(by_state.iloc[0], -1):,.0f}, "
        f"{100 * by_state.iloc[0] / latest:.0f}% of the national total" in lines[2]
    )
    firearm = [line for line in lines if "firearm" in line]
    rows = raw[(raw["subtipo_de_delito"] == "Homicidio doloso") & (raw["month"].dt.year == 2024)]
    pct = (
        100 * rows.loc[rows["modalidad"] == "Con arma de fuego", "n_victimas"].sum() / HOMICIDIO_DOLOSO[2024]
    )
    assert firearm and firearm[0].startswith(f"In 2024, {pct:.0f}% of the intentional-homicide victims")


def test_corridor_sentence_against_the_raw_files(victims, cbp, default, raw):
    panels = mv.corridor_panels(victims, cbp, default)
    (_, groups), (_, seized) = panels.items()
    assert groups.index[0] == pd.Timestamp("2018-10-01") and groups.index[-1] == pd.Timestamp("2025-06-01")
    assert list(groups.columns) == [violence.BORDER_GROUP, violence.PRODUCING_GROUP]
    homicide = raw[raw["subtipo_de_delito"] == "Homicidio doloso"]
    border = homicide[homicide["cve_ent"].isin(["02", "26", "08", "05", "19", "28"])]
    latest = border.loc[border["month"] >= "2024-07-01", "n_victimas"].sum()
    prior = border.loc[border["month"].between("2023-07-01", "2024-06-01"), "n_victimas"].sum()
    # CBP: the processed CSV read with pandas (the loader is held to the raw files in test_cbp).
    csv = pd.read_csv(paths.PROCESSED_DIR / "cbp_seizures_monthly.csv", dtype={"month": str})
    ports = csv[(csv["component"] == "OFO") & (csv["drug"] == "Fentanyl") & csv["aor"].isin(FIELD_OFFICES)]
    pounds_now = ports.loc[ports["month"].between("2024-07", "2025-06"), "lbs"].sum()
    pounds_before = ports.loc[ports["month"].between("2023-07", "2024-06"), "lbs"].sum()
    text = "\n".join(mv.corridor_sentences(panels, default))
    assert f"the six border states registered about {round(latest, -2):,.0f} victims" in text
    assert f"({abs(round(100 * (latest / prior - 1)))}% fewer than a year earlier)" in text
    assert seized.to_numpy().sum() > 0
    assert f"CBP seized about {round(pounds_now, -2):,.0f} lb of fentanyl" in text
    assert f"{abs(100 * (pounds_now / pounds_before - 1)):.0f}% less than a year earlier" in text
    assert "association, not a cause" in text


def test_facing_seizures_match_an_independent_read_of_the_cbp_table(cbp):
    csv = pd.read_csv(paths.PROCESSED_DIR / "cbp_seizures_monthly.csv", dtype={"month": str})
    rows = csv[
        (csv["component"] == "OFO")
        & (csv["drug"] == "Fentanyl")
        & (csv["aor"] == "TUCSON FIELD OFFICE")
        & csv["month"].between("2024-07", "2025-06")
    ]
    seized = violence.facing_seizures(cbp, "Fentanyl")
    assert seized.loc["2024-07-01":"2025-06-01", "TUCSON FIELD OFFICE"].sum() == pytest.approx(
        rows["lbs"].sum()
    )
    assert list(seized.columns) == FIELD_OFFICES


def test_groups_and_field_offices_are_defined_once_and_consistent(cbp):
    border = [inegi.short_name(c) for c in violence.BORDER_STATES]
    assert border == ["Baja California", "Sonora", "Chihuahua", "Coahuila", "Nuevo León", "Tamaulipas"]
    producing = [inegi.short_name(c) for c in violence.PRODUCING_TRANSIT_STATES]
    assert producing == ["Sinaloa", "Michoacán", "Guerrero", "Jalisco"]
    faced = [c for codes in violence.FACING_FIELD_OFFICES.values() for c in codes]
    assert sorted(faced) == sorted(violence.BORDER_STATES)  # every border state faced exactly once
    swb = cbp[(cbp["component"] == "OFO") & (cbp["region"] == "Southwest Border")]
    assert set(violence.FACING_FIELD_OFFICES) == set(swb["aor"].unique())
    assert (
        violence.field_office_label("LAREDO FIELD OFFICE")
        == "Laredo (faces Coahuila, Nuevo León, Tamaulipas)"
    )


def test_parameters_are_checked_with_did_you_mean(victims, cbp):
    def select(crime="intentional homicide", states=None, first=None, last=None, drug="fentanyl"):
        return mv.select(victims, cbp, crime, states, first, last, drug)

    assert select("Homicidio doloso").crime == "intentional_homicide"
    assert select("EXTORSIÓN").crime == "extortion"
    assert select(states=["2", "sonora", "Nuevo Leon", "Coahuila de Zaragoza"]).states == (
        "02",
        "26",
        "19",
        "05",
    )
    assert select(states="Six border states").states == violence.BORDER_STATES
    assert select(states=list(inegi.STATES)).states is None
    assert select(first=2020, last=2021).first_year == 2020
    with pytest.raises(ParameterError, match="Did you mean: kidnapping"):
        select("kidnap")
    with pytest.raises(
        ParameterError, match="Valid values: intentional homicide, feminicide, kidnapping, extortion"
    ):
        select("robbery")
    with pytest.raises(ParameterError, match="Did you mean: Sonora"):
        select(states=["Sonra"])
    with pytest.raises(ParameterError, match="-y"):
        select(states="[Sonora, Sinaloa]")
    with pytest.raises(ParameterError, match="outside the years on file: 2015-2025"):
        select(first=2010)
    with pytest.raises(ParameterError, match="Unknown drug"):
        select(drug="unobtainium")


def test_a_state_selection_with_no_victims_says_so(victims, cbp, raw):
    kidnapping = raw[(raw["subtipo_de_delito"] == "Secuestro") & (raw["cve_ent"] == "31")]
    assert kidnapping.loc[kidnapping["month"].dt.year == 2024, "n_victimas"].sum() == 0
    sel = mv.select(victims, cbp, "kidnapping", ["Yucatán"], 2024, 2024, "fentanyl")
    assert mv.reading(victims, sel) == ["No victims of kidnapping in Yucatán were registered in 2024."]


def test_small_counts_get_no_percentage_change(victims, cbp, raw):
    # Feminicide in Sinaloa: a few dozen a year, below the gate of MIN_VICTIMS_FOR_CHANGE.
    rows = raw[(raw["subtipo_de_delito"] == "Feminicidio") & (raw["cve_ent"] == "25")]
    latest = rows.loc[rows["month"] >= "2024-07-01", "n_victimas"].sum()
    prior = rows.loc[rows["month"].between("2023-07-01", "2024-06-01"), "n_victimas"].sum()
    assert max(latest, prior) < mv.MIN_VICTIMS_FOR_CHANGE
    sel = mv.select(victims, cbp, "feminicide", ["Sinaloa"], None, None, "fentanyl")
    assert mv.reading(victims, sel)[0] == (
        f"{latest} victims of feminicide in Sinaloa were registered from July 2024 to June 2025, against "
        f"{prior} in the 12 months before: too few, under 100, to read a change."
    )


def test_rounding_says_what_the_data_support():
    assert mv.about(27_694) == "about 27,700"
    assert mv.about(3_288) == "about 3,290"
    assert mv.about(852) == "852"


def test_the_homicide_headline_says_feminicide_is_counted_apart_with_its_raw_count(victims, default, raw):
    feminicide = raw[raw["subtipo_de_delito"] == "Feminicidio"].groupby("month")["n_victimas"].sum()
    last_12 = int(feminicide.sort_index().iloc[-12:].sum())  # 753 victims, July 2024-June 2025
    line = next(x for x in mv.reading(victims, default) if x.startswith("SESNSP counts feminicide apart"))
    assert f"leave out its {last_12:,} victims in the same 12 months" in line
