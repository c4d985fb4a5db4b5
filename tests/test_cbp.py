"""CBP seizure loader: real values from the raw files, vintages, and refused layouts."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from drugflows.sources import RawLayoutError, cbp


@pytest.fixture(scope="module")
def real_table(shared_data):
    table, meta = cbp.build_nationwide(shared_data)
    return table, meta


def test_fy2023_fentanyl_all_regions(real_table):
    table, _ = real_table
    lbs = table.query("fiscal_year == 2023 and drug == 'Fentanyl'")["lbs"].sum()
    assert lbs == pytest.approx(27_022.85, abs=0.01)


@pytest.mark.parametrize(
    ("fy", "ofo_lbs", "usbp_lbs"),
    # Fentanyl pounds by FY, OFO / USBP, as listed in ../shared/data/cbp_drug_seizures/SOURCE.md
    # (computed there independently of this code, rounded to the pound).
    [(2019, 2_578, 226), (2022, 12_493, 2_207), (2024, 18_900, 2_989), (2026, 5_628, 1_097)],
)
def test_fentanyl_by_component_matches_source_notes(real_table, fy, ofo_lbs, usbp_lbs):
    table, _ = real_table
    rows = table[(table["fiscal_year"] == fy) & (table["drug"] == "Fentanyl")]
    by_component = rows.groupby("component")["lbs"].sum()
    assert by_component["OFO"] == pytest.approx(ofo_lbs, abs=0.5)
    assert by_component["USBP"] == pytest.approx(usbp_lbs, abs=0.5)


def test_fytd_flags_and_calendar_months(real_table):
    table, meta = real_table
    fy2026 = table[table["fiscal_year"] == 2026]
    assert fy2026["fytd"].all()
    assert sorted(fy2026["month"].dt.strftime("%Y-%m").unique()) == [
        "2025-10",
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
    ]
    assert not table.loc[table["fiscal_year"] < 2026, "fytd"].any()
    # FY2019 starts in October 2018; every month Oct 2018 - Apr 2026 is there exactly once.
    months = pd.date_range("2018-10-01", "2026-04-01", freq="MS")
    assert list(pd.DatetimeIndex(sorted(table["month"].unique()))) == list(months)
    assert meta.vintage == "2026-04"
    assert meta.coverage == "2018-10 to 2026-04"


def test_raw_rows_all_kept_and_checksummed(real_table, shared_data):
    table, meta = real_table
    # The two real vintages do not overlap, so every raw row is kept.
    assert len(table) == 10_092 + 8_673
    files = {r.name.split("/")[-1]: r for r in meta.raw_files}
    assert files["nationwide-drugs-fy19-fy22.csv"].sha256 == (
        "daa0806c41367e478d12ed742ac4a55487361b52894f46316396667b9ed3847c"
    )
    assert files["nationwide-drugs-fy23-fy26-apr.csv"].rows == 8_673
    assert set(table["drug"]) >= {"Fentanyl", "Other Drugs", "Methamphetamine"}
    assert set(table["component"]) == {"OFO", "USBP"}


#: The international avoirdupois pound, exactly (US and UK, 1959).
KG_PER_LB = 0.45359237


def test_kilograms_are_the_raw_pounds_times_the_exact_factor(real_table, shared_data):
    """CBP publishes pounds only (``Sum Qty (lbs)``, SOURCE.md): the kilograms are held against the
    raw files read here with pandas, pound for pound, times the exact 0.45359237, and against the
    FY2023 fentanyl total SOURCE.md quotes (27,022.86 lbs, cross-checked by a public write-up)."""
    table, _ = real_table
    raw = pd.concat(
        [
            pd.read_csv(shared_data / "cbp_drug_seizures" / name, dtype={"FY": str})
            for name in ("nationwide-drugs-fy19-fy22.csv", "nationwide-drugs-fy23-fy26-apr.csv")
        ]
    )
    assert not any("kg" in column.lower() for column in raw.columns)  # no kilogram column to read
    raw["fy"] = raw["FY"].str.extract(r"(\d{4})", expand=False).astype(int)
    raw_kg = raw.groupby(["fy", "Drug Type"])["Sum Qty (lbs)"].sum() * KG_PER_LB
    kg = table.groupby(["fiscal_year", "drug"])["kg"].sum()
    # the loader rounds pounds and kilograms to 6 decimals a row: at most 1e-6 kg a row apart
    assert kg.sum() == pytest.approx(raw["Sum Qty (lbs)"].sum() * KG_PER_LB, abs=1e-6 * len(raw))
    assert kg[(2023, "Fentanyl")] == pytest.approx(raw_kg[(2023, "Fentanyl")], abs=1e-3)
    assert kg[(2023, "Fentanyl")] == pytest.approx(27_022.86 * KG_PER_LB, abs=0.01)  # 12,257.3 kg
    assert kg[(2019, "Methamphetamine")] == pytest.approx(raw_kg[(2019, "Methamphetamine")], abs=1e-3)


def test_newer_vintage_wins_on_shared_months(fixtures):
    table, meta = cbp.build_nationwide(fixtures / "cbp_vintages")
    by_month = table.assign(m=table["month"].dt.strftime("%Y-%m")).groupby("m")
    assert by_month["vintage"].unique().map(list).to_dict() == {
        "2024-08": ["2024-11"],
        "2024-09": ["2024-12"],
        "2024-10": ["2024-12"],
        "2024-11": ["2024-12"],
        "2024-12": ["2024-12"],
    }
    october = table[table["month"] == "2024-10-01"]
    # Revised in the newer file: 5 events, 45.25 lb; the USBP row of the older file is gone.
    assert october[["component", "events", "lbs"]].values.tolist() == [["OFO", 5, 45.25]]
    assert october["fytd"].all() and october["fiscal_year"].eq(2025).all()
    assert table.loc[table["month"] == "2024-08-01", "lbs"].tolist() == [70.0]
    assert meta.vintage == "2024-12"


def test_renamed_column_is_refused_with_file_and_columns(fixtures):
    with pytest.raises(RawLayoutError) as err:
        cbp.build_nationwide(fixtures / "cbp_renamed_column")
    message = str(err.value)
    assert "fixture-nationwide-drugs-fy25.csv" in message
    assert "missing column(s) ['Drug Type']" in message
    assert "unexpected column(s) ['Drug']" in message


def test_new_drug_type_is_accepted(fixtures):
    table, _ = cbp.build_nationwide(fixtures / "cbp_new_drug")
    assert sorted(table["drug"]) == ["Fentanyl", "Xylazine"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "the file is empty"),
        (
            "FY,Month (abbv),Component,Region,Land Filter,Area of Responsibility,Drug Type,"
            "Count of Event,Sum Qty (lbs)\n",
            "no data rows",
        ),
        (
            "FY,Month (abbv),Component,Region,Land Filter,Area of Responsibility,Drug Type,"
            "Count of Event,Sum Qty (lbs)\n2025,OCT,U.S. Border Patrol,Southwest Border,Land Only,"
            "YUMA SECTOR,Heroin,2,-1.5\n",
            "Sum Qty (lbs) is negative on line(s) 2",
        ),
        (
            "FY,Month (abbv),Component,Region,Land Filter,Area of Responsibility,Drug Type,"
            "Count of Event,Sum Qty (lbs)\n2025,OCTOBER,U.S. Border Patrol,Southwest Border,Land Only,"
            "YUMA SECTOR,Heroin,2,1.5\n",
            "Month (abbv) must be one of",
        ),
        (
            "FY,Month (abbv),Component,Region,Land Filter,Area of Responsibility,Drug Type,"
            "Count of Event,Sum Qty (lbs)\n" + "2025,OCT,U.S. Border Patrol,Southwest Border,Land Only,"
            "YUMA SECTOR,Heroin,2,1.5\n" * 2,
            "duplicated rows",
        ),
    ],
)
def test_malformed_files_name_file_and_problem(tmp_path, content, problem):
    path = tmp_path / "nationwide-drugs-fy25.csv"
    path.write_text(content)
    with pytest.raises(RawLayoutError, match=re.escape(problem)) as err:
        cbp.read_seizure_file(path)
    assert str(path) in str(err.value)


def test_wrong_encoding_is_refused(tmp_path):
    path = tmp_path / "nationwide-drugs-fy25.csv"
    path.write_bytes("FY,Month (abbv),Région\n2025,OCT,x\n".encode("utf-16"))
    with pytest.raises(RawLayoutError, match="not UTF-8"):
        cbp.read_seizure_file(path)
