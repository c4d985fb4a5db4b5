"""Overdose deaths in the fentanyl era (../shared/data/cdc_overdose_recent): the three tables
against the known values of its SOURCE.md and against reads of the raw files that do not go
through the loader; releases of the same layout (tests/fixtures/cdc_releases) combined by the
release written in each file; changed layouts refused."""

from __future__ import annotations

import csv
import shutil

import pandas as pd
import pytest

from drugflows import check, paths, states, tables
from drugflows.sources import RawLayoutError, cdc

SOURCE = cdc.RECENT_SOURCE
SPECIFIC = "Provisional_drug_overdose_death_counts_for_specific_drugs.csv"
VSRR = "cdc_api_provisional_overdose_counts.csv"
D77 = "Multiple_Cause_of_Death_1999_2020_MANUAL_DOWNLOAD.csv"
D157 = "Multiple_Cause_of_Death_2018_2023_Single_Race_MANUAL_DOWNLOAD.csv"
PROVISIONAL = "Provisional_Mortality_Statistics_2018_through_Last_Week_MANUAL_DOWNLOAD.csv"
SHA256 = {  # ../shared/data/cdc_overdose_recent/SOURCE.md
    VSRR: "71535fc385706401c88a1016558f2a9b805fd4b41ae80e22d593172f4e99af0e",
    SPECIFIC: "abad133d32caed6b4fe205f58c32e4254351c7333fe1fc70fca822f05bd60e1e",
    D77: "725e4a97725fec2055198de73d75828ed429d1338924ddeef58f5bc181d882ac",
    D157: "725cc31c0ebfbf6b8051dcd926e691df8abbe691f8259944492a2e445d3bfde9",
    PROVISIONAL: "bda076ca682062820a9f80d9ddbdf6a2163df2e45ff627d079ef0a38c7a8a189",
}
RELEASES = paths.PROJECT_ROOT / "tests" / "fixtures" / "cdc_releases"


@pytest.fixture(scope="module")
def by_drug(shared_data):
    return cdc.build_by_drug(shared_data)


@pytest.fixture(scope="module")
def by_state(shared_data):
    return cdc.build_by_state(shared_data)


@pytest.fixture(scope="module")
def monthly(shared_data):
    return cdc.build_monthly(shared_data)


def _value(table, column, **where):
    rows = table
    for name, value in where.items():
        rows = rows[rows[name] == value]
    assert len(rows) == 1, where
    return rows[column].iloc[0]


# --- specific drugs (literal text) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "fentanyl", "methamphetamine", "cocaine", "heroin"),
    # SOURCE.md, "Known values (United States, 12 months ending in December)"
    [
        (2019, 35_473, 15_096, 16_997, 14_525),
        (2021, 70_521, 31_461, 26_416, 9_504),
        (2022, 73_820, 33_278, 29_340, 5_976),
        (2023, 72_984, 34_043, 31_506, 4_067),
    ],
)
def test_specific_drugs_december_values(by_drug, year, fentanyl, methamphetamine, cocaine, heroin):
    table, _ = by_drug
    us = table[(table["jurisdiction"] == "United States") & (table["month"] == pd.Timestamp(year, 12, 1))]
    assert us.set_index("drug")["deaths_12m"][
        ["Fentanyl", "Methamphetamine", "Cocaine", "Heroin"]
    ].tolist() == [fentanyl, methamphetamine, cocaine, heroin]


def test_specific_drugs_table_shape_and_latest_month(by_drug):
    table, meta = by_drug
    assert len(table) == 5_082 == 11 * 7 * 66  # SOURCE.md: every raw row kept
    june = table[(table["jurisdiction"] == "United States") & (table["month"] == "2024-06-01")]
    assert june.set_index("drug")["deaths_12m"][["Fentanyl", "Methamphetamine", "Cocaine"]].tolist() == [
        61_075,
        30_700,
        27_748,
    ]
    assert set(table["drug"]) == {
        "Cocaine",
        "Fentanyl",
        "Gabapentin",
        "Heroin",
        "Methamphetamine",
        "Oxycodone",
        "Xylazine",
    }
    assert f"{table['month'].min():%Y-%m}" == "2019-01" and f"{table['month'].max():%Y-%m}" == "2024-06"
    assert meta.vintage == "2025-01-05" and set(table["data_as_of"]) == {"2025-01-05"}
    assert set(table["method"]) == {cdc.LITERAL_TEXT} and set(table["status"]) == {cdc.PROVISIONAL}
    # 34 suppressed cells (Xylazine, Regions 7 and 10) are kept, missing, with CDC's footnote
    suppressed = table[table["deaths_12m"].isna()]
    assert len(suppressed) == 34
    assert set(suppressed["drug"]) == {"Xylazine"}
    assert set(suppressed["jurisdiction"]) == {"Region 7", "Region 10"}
    assert set(suppressed["footnote"]) == {"Death counts between 1-9 are suppressed."}
    assert [r.sha256 for r in meta.raw_files] == [SHA256[SPECIFIC]]
    assert meta.raw_files[0].rows == 5_082


def test_specific_drugs_against_an_independent_read(by_drug, shared_data):
    table, _ = by_drug
    with open(shared_data / SOURCE / SPECIFIC, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = {}
    for row in rows:
        month, day, year = row["month_ending_date"].split("/")
        value = int(row["drug_overdose_deaths"]) if row["drug_overdose_deaths"] else None
        expected[(f"{year}-{month}", row["jurisdiction_occurrence"], row["drug_involved"])] = value
    ours = {
        (f"{m:%Y-%m}", j, d): (None if pd.isna(v) else int(v))
        for m, j, d, v in table[["month", "jurisdiction", "drug", "deaths_12m"]].itertuples(index=False)
    }
    assert ours == expected
    # Fentanyl (literal text) is close to, not the same as, T40.4 of VSRR (SOURCE.md: Dec 2023)
    assert expected[("2023-12", "United States", "Fentanyl")] == 72_984


# --- VSRR by state (T40.4) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "reported", "predicted"),
    # SOURCE.md, "Known values (state == 'US' ...), 12 months ending in December"
    [
        (2015, 9_610, 9_683),
        (2018, 31_525, 31_724),
        (2019, 36_603, 36_895),
        (2020, 56_894, 57_265),
        (2021, 71_143, 71_746),
        (2022, 74_829, 75_453),
        (2023, 74_091, 74_792),
        (2024, 48_662, 48_913),
        (2025, 37_777, 38_200),
    ],
)
def test_vsrr_us_december_values(by_state, year, reported, predicted):
    table, _ = by_state
    row = table[(table["state"] == "US") & (table["month"] == pd.Timestamp(year, 12, 1))]
    assert row[["deaths_12m", "deaths_12m_predicted"]].values.tolist() == [[reported, predicted]]


def test_vsrr_table_shape_latest_month_and_quirks(by_state):
    table, meta = by_state
    assert len(table) == 6_916 == 52 * 133
    latest = table[(table["state"] == "US") & (table["month"] == "2026-01-01")]
    assert latest[["deaths_12m", "deaths_12m_predicted"]].values.tolist() == [[36_825, 37_488]]
    assert meta.vintage == "2026-01" and set(table["vintage"]) == {"2026-01"}
    # Revised upward since the 2019 release (SOURCE.md: 31,426 here, 30,947 in July 2019)
    assert _value(table, "deaths_12m", state="US", month=pd.Timestamp("2018-11-01")) == 31_426
    assert "LA" not in set(table["state"]) and {"PR", "YC", "DC", "US"} <= set(table["state"])
    assert table["deaths_12m"].isna().sum() == 1_427
    assert table["deaths_12m_predicted"].isna().sum() == 1_426
    assert set(table["state"]) <= states.known_codes()
    assert set(table["method"]) == {cdc.ICD10} and set(table["status"]) == {cdc.PROVISIONAL}
    assert [r.sha256 for r in meta.raw_files] == [SHA256[VSRR]]
    assert check.check_frame(table, meta) == []


def test_vsrr_against_an_independent_read(by_state, shared_data):
    table, _ = by_state
    raw = pd.read_csv(shared_data / SOURCE / VSRR)
    raw["month_number"] = pd.to_datetime(raw["month"], format="%B").dt.month
    raw = raw.set_index(["state", "year", "month_number"])
    ours = table.assign(year=table["month"].dt.year, month_number=table["month"].dt.month).set_index(
        ["state", "year", "month_number"]
    )
    assert len(ours) == len(raw)
    for column, raw_column in (("deaths_12m", "data_value"), ("deaths_12m_predicted", "predicted_value")):
        joined = ours[column].astype("float64").to_frame().join(raw[raw_column])
        pd.testing.assert_series_equal(joined[column], joined[raw_column], check_names=False)
    # NY is New York State without New York City (YC): the state is their sum
    ny = raw.loc[("NY", 2023, 12), "data_value"] + raw.loc[("YC", 2023, 12), "data_value"]
    assert ny == _value(table, "deaths_12m", state="NY", month=pd.Timestamp("2023-12-01")) + _value(
        table, "deaths_12m", state="YC", month=pd.Timestamp("2023-12-01")
    )


# --- CDC WONDER monthly by state -----------------------------------------------------------------


def test_wonder_yearly_sums_final_and_provisional(monthly):
    table, meta = monthly
    sums = table.groupby(["status", table["month"].dt.year])["deaths"].sum()
    # SOURCE.md: sums over state-months of the 2018-2023 file; the provisional file has the same
    # totals for 2018-2023, plus 2024 and Jan-Mar 2025 (partial).
    final = {2018: 30_612, 2019: 35_725, 2020: 56_083, 2021: 70_292, 2022: 73_518, 2023: 72_425}
    assert sums["final"][list(final)].to_dict() == final
    assert sums["provisional"][list(final)].to_dict() == final
    assert sums["provisional"][[2024, 2025]].tolist() == [47_320, 9_716]
    provisional = table[table["status"] == "provisional"]
    assert f"{provisional['month'].max():%Y-%m}" == "2025-03"
    assert provisional.loc[provisional["partial_year"], "month"].dt.year.unique().tolist() == [2025]
    assert not table.loc[table["status"] == "final", "partial_year"].any()
    assert table["deaths"].min() == 10  # suppressed (1-9) and zero cells have no row
    assert set(table["cause_code"]) == {"T40.4"} and set(table["method"]) == {cdc.ICD10}
    assert {r.name.split("/")[-1]: r.sha256 for r in meta.raw_files} == {
        name: SHA256[name] for name in (D77, D157, PROVISIONAL)
    }


def test_wonder_every_raw_row_is_kept_once(monthly, shared_data):
    """Final: 1999-2017 from the 1999-2020 file, 2018-2023 from the 2018-2023 file (identical in
    the years they share); provisional: every row. Read with the csv module, not the loader."""
    table, meta = monthly
    raw = {}
    for name in (D77, D157, PROVISIONAL):
        with open(shared_data / SOURCE / name, newline="", encoding="utf-8") as handle:
            raw[name] = {
                (row["Month Code"], row.get("State Code") or row["Residence State Code"]): int(row["Deaths"])
                for row in csv.DictReader(handle)
            }
    shared = set(raw[D77]) & set(raw[D157])
    assert len(shared) == 1_365 and all(raw[D77][k] == raw[D157][k] for k in shared)
    final_expected = {**raw[D77], **raw[D157]}
    ours = {
        status: {
            (f"{m:%Y/%m}", fips): d
            for m, fips, d in group[["month", "state_fips", "deaths"]].itertuples(index=False)
        }
        for status, group in table.groupby("status")
    }
    assert ours["final"] == final_expected
    assert ours["provisional"] == raw[PROVISIONAL]
    rows = {r.name.split("/")[-1]: r.rows for r in meta.raw_files}
    assert rows == {D77: 3_347 - 1_365, D157: 3_003, PROVISIONAL: 3_658}
    assert len(table) == sum(rows.values())
    ohio = table[(table["state"] == "OH") & (table["state_fips"] == "39")]
    assert set(ohio["state_name"]) == {"Ohio"}


# --- releases of the same layout (fixtures) ------------------------------------------------------


def _swap_names(tmp_path, older: str, newer: str):
    """The fixture folder with the older release under a name that sorts last."""
    folder = tmp_path / SOURCE
    shutil.copytree(RELEASES / SOURCE, folder)
    (folder / older).rename(folder / "fixture-z-last-by-name.csv")
    (folder / newer).rename(folder / "fixture-a-first-by-name.csv")
    return tmp_path


def test_a_newer_vsrr_release_revises_the_months_it_shares(tmp_path):
    table, meta = cdc.build_by_state(RELEASES)
    us = table[table["state"] == "US"].set_index(
        table.loc[table["state"] == "US", "month"].dt.strftime("%Y-%m")
    )
    assert us["vintage"].to_dict() == {
        "2024-11": "2025-01",  # only in the older release: kept
        "2024-12": "2025-02",  # revised by the newer one: 49,000 -> 49,100
        "2025-01": "2025-02",
        "2025-02": "2025-02",
    }
    assert us["deaths_12m"].tolist() == [50_000, 49_100, 48_000, 47_000]
    assert meta.vintage == "2025-02"
    assert "2 releases on file; periods revised by a newer release: 1" in meta.coverage
    assert {r.vintage: r.rows for r in meta.raw_files} == {"2025-01": 1, "2025-02": 4}
    # The same with the names the other way round: the release in the file decides, not the name.
    with paths.recording() as log:
        swapped, _ = cdc.build_by_state(
            _swap_names(
                tmp_path, "fixture-vsrr-api-ending-2025-01.csv", "fixture-vsrr-api-ending-2025-02.csv"
            )
        )
    pd.testing.assert_frame_equal(swapped, table)
    account = "\n".join(paths.describe_reads(log))
    assert (
        "fixture-z-last-by-name.csv (ending 2025-01): 1 periods (indicator/month) taken, 1 rows; "
        "2 from newer releases, which revised 1 of them" in account
    )


def test_a_newer_specific_drugs_release_wins_by_its_as_of_date(tmp_path):
    table, meta = cdc.build_by_drug(RELEASES)
    fentanyl = table[table["drug"] == "Fentanyl"]
    assert fentanyl[["deaths_12m", "data_as_of"]].values.tolist() == [
        [60_000, "2024-12-01"],
        [58_400, "2025-01-05"],  # revised from 58,000
        [56_000, "2025-01-05"],
    ]
    xylazine = table[table["drug"] == "Xylazine"]["deaths_12m"]
    assert xylazine.isna().tolist() == [True, False, True] and xylazine.iloc[1] == 10
    assert meta.vintage == "2025-01-05"
    assert "periods revised by a newer release: 1" in meta.coverage
    swapped, _ = cdc.build_by_drug(
        _swap_names(
            tmp_path,
            "fixture-specific-drugs-as-of-2024-12-01.csv",
            "fixture-specific-drugs-as-of-2025-01-05.csv",
        )
    )
    pd.testing.assert_frame_equal(swapped, table)


def test_a_newer_wonder_release_replaces_whole_months_and_final_stays_apart():
    table, meta = cdc.build_monthly(RELEASES)
    assert table[["status", "state", "deaths", "vintage"]].assign(
        month=table["month"].dt.strftime("%Y-%m")
    ).values.tolist() == [
        ["final", "OH", 310, "2023-12", "2023-12"],
        ["provisional", "OH", 300, "2025-02", "2024-12"],
        ["provisional", "OH", 262, "2025-02", "2025-01"],  # revised; Texas's row of Jan 2025 is gone
        ["provisional", "OH", 240, "2025-02", "2025-02"],
    ]
    assert "3 releases on file; periods revised by a newer release: 1" in meta.coverage
    assert {r.name.split("/")[-1]: r.rows for r in meta.raw_files} == {
        "fixture-wonder-final-to-2023-12.csv": 1,
        "fixture-wonder-provisional-to-2025-01.csv": 0,
        "fixture-wonder-provisional-to-2025-02.csv": 3,
    }


def test_two_files_of_one_release_that_differ_are_refused(tmp_path):
    folder = tmp_path / SOURCE
    folder.mkdir()
    text = (RELEASES / SOURCE / "fixture-vsrr-api-ending-2025-02.csv").read_text()
    (folder / "one.csv").write_text(text)
    (folder / "two.csv").write_text(text.replace(",47000,", ",47001,"))
    with pytest.raises(RawLayoutError, match=r"both are the release of 2025-02 but differ"):
        cdc.build_by_state(tmp_path)
    (folder / "two.csv").write_text(text)  # an identical copy is harmless
    assert len(cdc.build_by_state(tmp_path)[0]) == 4


# --- changed layouts -----------------------------------------------------------------------------


def test_a_renamed_column_is_refused_naming_the_file_and_the_columns(tmp_path):
    folder = tmp_path / SOURCE
    shutil.copytree(RELEASES / SOURCE, folder)
    path = folder / "fixture-vsrr-api-ending-2025-02.csv"
    path.write_text(path.read_text().replace("predicted_value", "predicted", 1))
    with pytest.raises(RawLayoutError) as err:
        cdc.build_by_state(tmp_path)
    message = str(err.value)
    assert f"{path}: missing column(s) ['predicted_value']; unexpected column(s) ['predicted']" in message
    assert "VSRR provisional counts, API export (xkb8-kh2a)" in message


def test_a_wonder_file_with_totals_or_a_bad_state_code_is_refused(tmp_path):
    folder = tmp_path / SOURCE
    shutil.copytree(RELEASES / SOURCE, folder)
    path = folder / "fixture-wonder-final-to-2023-12.csv"
    original = path.read_text()
    path.write_text(original.replace("\n,2023 ,", "\nTotal,2023 ,", 1))
    with pytest.raises(RawLayoutError, match="rows with Notes .* on line.s. 2"):
        cdc.build_monthly(tmp_path)
    path.write_text(original.replace(",Ohio,39,", ",Ohio,93,", 1))
    with pytest.raises(RawLayoutError, match=r"State Code is not a state FIPS code on line\(s\) 2"):
        cdc.build_monthly(tmp_path)


def test_data_check_refuses_an_unknown_state_code(tmp_path):
    table, meta = cdc.build_by_state(RELEASES)
    assert check.check_frame(table, meta) == []
    bad = table.assign(state=table["state"].replace("YC", "NYC"))
    assert f"{cdc.BY_STATE_TABLE}: unknown state codes: ['NYC']" in check.check_frame(bad, meta)


def test_the_committed_tables_are_in_the_catalog_with_their_keys():
    for name, key in (
        (cdc.BY_DRUG_TABLE, ["jurisdiction", "drug", "month"]),
        (cdc.BY_STATE_TABLE, ["indicator", "state", "month"]),
        (cdc.MONTHLY_TABLE, ["status", "cause_code", "state", "month"]),
    ):
        meta = tables.info(name)
        assert meta.key == key and meta.raw_source == SOURCE
        assert not tables.load(name).duplicated(key).any()


def test_the_2019_portal_download_is_taken_as_an_older_release(tmp_path, shared_data):
    """The July 2019 release (portal CSV layout, every indicator, data to Nov 2018) beside the 2026
    API export: T40.4 comes from the newer release, the other indicators from the older one, and
    the 47 months they share are counted as revised."""
    folder = tmp_path / SOURCE
    folder.mkdir()
    shutil.copy(shared_data / SOURCE / VSRR, folder)
    shutil.copy(shared_data / "cdc_overdose" / cdc.VSRR_FILE, folder)
    with paths.recording() as log:
        table, meta = cdc.build_by_state(tmp_path)
    account = "\n".join(paths.describe_reads(log))
    assert "rows of ['Number of Deaths', 'Percent with drugs specified'] left out" in account
    assert "47 from newer releases, which revised 47 of them" in account
    assert "2 releases on file; periods revised by a newer release: 47" in meta.coverage
    us = table[(table["state"] == "US") & (table["month"] == "2018-11-01")].set_index("indicator")
    # the July 2019 figures (as in us_overdose_deaths) and the revised T40.4 of the 2026 release
    assert us.loc["Number of Drug Overdose Deaths", ["deaths_12m", "deaths_12m_predicted"]].tolist() == [
        66_986,
        69_096,
    ]
    assert us.loc["Synthetic opioids, excl. methadone (T40.4)", ["deaths_12m", "vintage"]].tolist() == [
        31_426,
        "2026-01",
    ]
    assert us.loc["Cocaine (T40.5)", "vintage"] == "2018-11"
    assert table["percent_complete"].between(98, 100).all()  # the portal's "99.5+" is 99.5
    assert check.check_frame(table, meta) == []
    assert {r.vintage: r.rows for r in meta.raw_files} == {"2018-11": 9_635, "2026-01": 6_916}
