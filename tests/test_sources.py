"""Loaders on the real raw files: values checked against the publishers' own figures."""

from __future__ import annotations

import pandas as pd
import pytest

from drugflows import countries
from drugflows.domain.crops import pick_vintage
from drugflows.sources import (
    RawLayoutError,
    assistance,
    bts,
    cbp,
    cdc,
    colombia,
    dea,
    indicators,
    majors,
    naturalearth,
    published_figures,
    unodc,
)


@pytest.fixture(scope="module")
def nflis(shared_data, built):
    return built(dea.TABLE)[0]


@pytest.fixture(scope="module")
def country_indicators(shared_data, built):
    return built(indicators.TABLE)[0].set_index(["indicator", "iso3", "year"])["value"]


def test_amo_monthly(shared_data, built):
    table, meta = built(cbp.AMO_TABLE)
    assert len(table) == 1_772 + 1_292  # the two vintages do not overlap
    assert meta.vintage == "2025-12"
    assert table.loc[table["fiscal_year"] == 2026, "fytd"].all()
    assert set(table["drug"]) == {"Cocaine", "Fentanyl", "Heroin", "Marijuana", "Methamphetamine"}
    assert set(table["land_filter"]) == {"Land", "Other"}


def test_nflis_yearly_totals_match_the_source_notes(nflis):
    # Yearly totals of DRUG_REPORTS listed in ../shared/data/dea_nflis/SOURCE.md
    totals = nflis.groupby("year")["reports"].sum()
    assert totals[[2017, 2021, 2023, 2025]].tolist() == [82_238, 206_797, 223_635, 136_404]
    assert set(nflis["half"]) == {1, 2}
    assert "XX" in set(nflis["state"])


def test_majors_list_parsed_from_the_determinations(shared_data, built):
    table, _ = built(majors.TABLE)
    assert table.groupby("fiscal_year").size().to_dict() == {2022: 22, 2023: 22, 2024: 23, 2025: 23}
    failed = table[table["failed_demonstrably"]].groupby("fiscal_year")["iso3"].apply(sorted)
    assert failed.to_dict() == {
        2022: ["BOL", "VEN"],
        2023: ["AFG", "BOL", "MMR", "VEN"],
        2024: ["BOL", "MMR", "VEN"],
        2025: ["BOL", "MMR", "VEN"],
    }
    assert "CHN" not in set(table.loc[table["fiscal_year"] == 2023, "iso3"])
    assert "CHN" in set(table.loc[table["fiscal_year"] == 2024, "iso3"])
    # The curated CSV beside the texts (built by another parser) agrees row for row.
    curated = pd.read_csv(shared_data / "majors_list" / "majors_list_fy2022_fy2025.csv")
    assert len(curated) == len(table)
    assert curated["failed_demonstrably"].sum() == table["failed_demonstrably"].sum()


@pytest.mark.parametrize(
    ("indicator", "iso3", "year", "value", "tol"),
    [
        ("wgi_rule_of_law_estimate", "COL", 2014, -0.25, 0.005),  # WGI SOURCE.md
        ("wgi_rule_of_law_estimate", "COL", 2020, -0.49, 0.005),
        ("wgi_rule_of_law_estimate", "COL", 2022, -0.43, 0.005),
        ("goc_criminality", "COL", 2023, 7.75, 1e-9),  # GI-TOC SOURCE.md
        ("goc_criminality", "COL", 2021, 7.66, 1e-9),
        ("goc_cocaine_trade", "COL", 2023, 9.5, 1e-9),
        ("goc_resilience", "COL", 2021, 5.83, 1e-9),
    ],
)
def test_country_indicator_values(country_indicators, indicator, iso3, year, value, tol):
    assert country_indicators[(indicator, iso3, year)] == pytest.approx(value, abs=tol)


def test_wgi_has_no_1997_1999_2001(country_indicators):
    years = set(country_indicators.loc["wgi_control_of_corruption_estimate"].index.get_level_values(1))
    assert {1996, 1998, 2000, 2002, 2022} <= years and not {1997, 1999, 2001} & years


def test_resolver_names_and_aggregates():
    resolved = countries.resolve(
        [
            "Bolivia (Plurinational State of)",
            "Congo, Dem. Rep.",
            "Burma",
            "People’s Republic of China (PRC)",
            "Türkiye",
            "World",
            "Western Hemisphere Region",
            "Kosovo",
        ],
        "test",
    )
    assert resolved == {
        "Bolivia (Plurinational State of)": "BOL",
        "Congo, Dem. Rep.": "COD",
        "Burma": "MMR",
        "People’s Republic of China (PRC)": "CHN",
        "Türkiye": "TUR",
        "World": None,
        "Western Hemisphere Region": None,
        "Kosovo": "XKX",
    }
    with pytest.raises(countries.UnresolvedCountryError, match=r"my file: 1 country name.*Atlantis"):
        countries.resolve(["Mexico", "Atlantis"], "my file")


def test_region_groups_cover_the_western_hemisphere():
    table = countries.country_table().set_index("iso3")
    assert table.loc[["COL", "PER", "BOL"], "region_group"].eq("Andean region").all()
    assert table.loc[["GTM", "HND", "SLV"], "region_group"].eq("Central America").all()
    assert table.loc[["JAM", "DOM", "GUY"], "region_group"].eq("Caribbean").all()
    assert table.loc["MEX", "region_group"] == "Mexico and North America"
    assert table.loc["AFG", "region_group"] == "South and Southwest Asia"
    americas = table[table["un_region"] == "Americas"]
    assert americas["region_group"].notna().all()


def test_majors_text_without_a_list_is_refused(tmp_path):
    path = tmp_path / "x-major-drug-transit-fy.md"
    path.write_text("Memorandum on Major Illicit Drug Producing Countries for Fiscal Year 2030\n")
    with pytest.raises(RawLayoutError, match="I hereby identify"):
        majors.parse_determination(path)


def test_nflis_bad_period_is_refused(tmp_path):
    folder = tmp_path / "dea_nflis"
    folder.mkdir()
    header = ",".join(dea.COLUMNS)
    (folder / "NFLIS_Drug_DQS_2030.csv").write_text(
        header + "\n2024,SA3,5,2026-03-03 13:26:55,FENTANYL,Fentanyl,Fentanyl,PA,Pennsylvania,42\n"
    )
    with pytest.raises(RawLayoutError, match="NFLIS_Drug_DQS_2030.csv: PERIOD must be one of"):
        dea.build(tmp_path)


@pytest.fixture(scope="module")
def colombia_panel(shared_data, built):
    return built(colombia.TABLE)[0]


def test_colombia_panel_national_sums(colombia_panel):
    coca = colombia_panel.groupby("year")["coca_ha"].sum()
    # Sums of the municipal panel listed in ../shared/data/colombia/SOURCE.md
    assert round(coca[2016]) == 145_892
    assert round(coca[2001]) == 144_807
    assert round(coca[2017]) == 170_933
    spraying = colombia_panel.groupby("year")["aerial_spraying_ha"].sum()
    assert round(spraying[2006]) == 172_025 and spraying[2016] == 0
    assert round(colombia_panel.groupby("year")["manual_eradication_ha"].sum()[2008]) == 96_008


def test_colombia_not_collected_is_missing_not_zero(colombia_panel):
    early = colombia_panel[colombia_panel["year"] < 2004]
    assert early["manual_eradication_ha"].isna().all()
    assert colombia_panel.loc[colombia_panel["year"] >= 2004, "manual_eradication_ha"].notna().all()
    assert colombia_panel["divipola"].str.fullmatch(r"\d{5}").all()
    names = colombia_panel.drop_duplicates("divipola").set_index("divipola")
    assert names.loc["05001", "municipality"] == "Medellín"
    assert names.loc["13001", "department"] == "Bolívar"  # file also spells it BOL√çVAR, BOLêVAR


def test_crop_estimates_keep_every_vintage_and_pick_one(shared_data, built):
    table, _ = built(published_figures.TABLE)
    col_2001 = table.query(
        "iso3 == 'COL' and crop == 'coca' and measure == 'cultivation_ha' "
        "and year == 2001 and estimate_by == 'UNODC'"
    )
    # the 2004 WDR figure, and both municipal panels (one is known to fall short in 2001)
    assert {144_800.0, 144_807.0, 136_918.0} <= set(col_2001["value"].round())
    peru = table.query(
        "iso3 == 'PER' and estimate_by == 'national government' and source.str.startswith('DEVIDA')"
    ).set_index("year")["value"]
    assert peru.to_dict() == {2020: 61_777, 2021: 80_681, 2022: 95_008, 2023: 92_784, 2024: 89_755}
    assert set(table["measure"]) == {
        "cultivation_ha",
        "eradication_ha",
        "manual_eradication_ha",
        "aerial_spraying_ha",
        "production_t",
        "production_lower_t",
        "eradication_reported_ha",
        "net_cultivation_ha",
    }
    picked = pick_vintage(table)
    assert not picked.duplicated(["iso3", "crop", "measure", "estimate_by", "year"]).any()
    assert set(picked["value"]) <= set(table["value"])  # chosen, never averaged


def test_pick_vintage_on_a_constructed_table():
    rows = pd.DataFrame(
        {
            "iso3": ["COL"] * 4,
            "crop": ["coca"] * 4,
            "measure": ["cultivation_ha"] * 4,
            "estimate_by": ["UNODC"] * 4,
            "year": [2010, 2010, 2010, 2011],
            "value": [62_000.0, 57_000.0, 61_811.0, 64_000.0],
            "published_year": pd.array([2011, 2013, None, 2012], dtype="Int64"),
        }
    )
    latest = pick_vintage(rows).set_index("year")["value"].to_dict()
    earliest = pick_vintage(rows, "earliest").set_index("year")["value"].to_dict()
    assert latest == {2010: 57_000.0, 2011: 64_000.0}
    assert earliest == {2010: 62_000.0, 2011: 64_000.0}
    with pytest.raises(ValueError, match="rule must be"):
        pick_vintage(rows, "mean")


def test_unodc_seizures_match_the_source_notes(shared_data, built):
    table, _ = built(unodc.SEIZURES_TABLE)
    portal = table[table["source"].str.startswith("UNODC data portal")]
    hcl = portal.query("iso3 == 'COL' and drug == 'Cocaine hydrochloride'").groupby("year")["kg"].sum()
    assert round(hcl[2018]) == 413_383 and round(hcl[2019]) == 428_418 and round(hcl[2022]) == 659_134
    cocaine = portal.query("iso3 == 'COL' and drug_class == 'cocaine'").groupby("year")["kg"].sum()
    assert round(cocaine[2018]) == 457_454 and round(cocaine[2022]) == 767_319
    historic = table[table["source"].str.startswith("UNODC national")]
    usa = historic.query("iso3 == 'USA' and drug == 'Non-specified cocaine' and year == 2019")
    assert usa["kg"].tolist() == [pytest.approx(259_840.94, abs=0.01)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Cocaine hydrochloride", "cocaine"),
        ("“Crack” cocaine", "cocaine"),
        ("Coca paste/cocaine base", "cocaine"),
        ("Coca leaf", "coca_leaf"),
        ("Heroin", "heroin"),
        ("Methamphetamine tablets", "methamphetamine"),
        ("Marijuana (herb)", "cannabis_herb"),
        ("Hashish (resin)", "cannabis_resin"),
        ("Fentanyl", "fentanyl"),
        ('Reported total ATS (excluding "ecstasy")', "reported_total"),
        ("Khat", "other"),
        (
            "Cocaine (total of the above, including if unspecified/undistinguished, but excluding coca "
            "leaf and coca bush)",
            "cocaine",
        ),
        ("Coca bush", "coca_leaf"),
    ],
)
def test_drug_classes(name, expected):
    assert unodc.drug_class(name) == expected


def test_prices_per_gram(shared_data, built):
    table, _ = built(unodc.PRICES_TABLE)
    assert len(table) == 4_646
    kg = table[(table["unit"] == "kg") & table["value_usd"].notna()]
    assert (kg["usd_per_gram"] == kg["value_usd"] / 1000).all()
    assert table.loc[table["unit"] == "tablet", "usd_per_gram"].isna().all()


@pytest.fixture(scope="module")
def us_assistance(shared_data, built):
    return built(assistance.TABLE)[0]


def test_greenbook_colombia_fy2000_plan_colombia(us_assistance):
    rows = us_assistance.query("source == 'USAID Greenbook' and iso3 == 'COL' and fiscal_year == 2000")
    # Plan Colombia supplemental: INCLE $894M plus DoD counter-drug: about $1.02 billion
    assert rows["usd_current"].sum() == pytest.approx(1.02e9, rel=0.005)
    incle = rows[rows["account_or_sector"].str.startswith("International Narcotics")]
    assert incle["usd_current"].sum() == pytest.approx(894.4e6, rel=0.001)


@pytest.mark.parametrize(
    ("iso3", "fy", "kind", "musd"),
    [
        # Sector summary, Counter-Narcotics, current US$ millions: ../shared/data/foreign_assistance/SOURCE.md
        ("COL", 2015, "appropriated_and_planned", 167.0),
        ("COL", 2015, "obligations", 348.2),
        ("COL", 2019, "obligations", 0.05),
        ("MEX", 2017, "obligations", 44.5),
        ("MEX", 2021, "appropriated_and_planned", 26.7),
    ],
)
def test_counternarcotics_sector_values(us_assistance, iso3, fy, kind, musd):
    rows = us_assistance.query(
        "source == 'ForeignAssistance.gov USG sector summary' and "
        "iso3 == @iso3 and fiscal_year == @fy and transaction_type == @kind"
    )
    assert rows["usd_current"].sum() / 1e6 == pytest.approx(musd, abs=0.05)


def test_assistance_aggregates_kept_apart(us_assistance):
    world = us_assistance[us_assistance["recipient"] == "World"]
    assert not world.empty and world["is_aggregate"].all() and world["iso3"].isna().all()
    assert us_assistance.loc[us_assistance["iso3"].notna(), "is_aggregate"].eq(False).all()
    assert not us_assistance["fiscal_year"].isna().any()


@pytest.fixture(scope="module")
def crossings(shared_data, built):
    return built(bts.TABLE)


def test_bts_mexico_trucks_2023_against_an_independent_read(crossings, shared_data):
    import csv
    import gzip

    table, _ = crossings
    ours = table[
        (table["border"] == "US-Mexico Border")
        & (table["measure"] == "Trucks")
        & (table["month"].dt.year == 2023)
    ]["value"].sum()
    path = shared_data / "bts_border_crossings" / "vintage_2025-02" / "Border_Crossing_Entry_Data.csv.gz"
    seen, total = set(), 0
    with gzip.open(path, "rt", newline="") as fh:
        for row in csv.DictReader(fh):
            key = tuple(row.values())
            if (
                row["Border"] == "US-Mexico Border"
                and row["Measure"] == "Trucks"
                and row["Date"].endswith("2023")
                and key not in seen
            ):
                seen.add(key)
                total += int(row["Value"])
    assert ours == total
    assert 7_000_000 < ours < 8_000_000


def test_bts_ports_codes_and_field_offices(crossings):
    table, meta = crossings
    assert table["port_code"].str.fullmatch(r"\d{4}").all()
    assert not table.duplicated(["month", "port_code", "measure"]).any()
    offices = table.drop_duplicates("port_code").set_index("port_name")["field_office"]
    assert offices["Laredo"] == "LAREDO FIELD OFFICE" and offices["El Paso"] == "EL PASO FIELD OFFICE"
    assert offices["San Ysidro"] == "SAN DIEGO FIELD OFFICE" and offices["Nogales"] == "TUCSON FIELD OFFICE"
    assert offices["Pembina"] == "SEATTLE FIELD OFFICE" and offices["Detroit"] == "DETROIT FIELD OFFICE"
    assert "10 exact duplicate rows dropped" in meta.notes
    assert meta.vintage == "2025-02"


def test_overdose_deaths_match_the_source_notes(shared_data, built):
    table, _ = built(cdc.TABLE)
    us = table.query("geography == 'US' and period == '2018-11' and drug == 'all_drugs'")
    assert us.set_index("measure")["value"].to_dict() == {"count": 66_986, "count_predicted": 69_096}
    nchs = table.query(
        "source.str.startswith('CDC/NCHS Health') and drug == 'all_drugs' and measure == 'rate_age_adjusted'"
    ).set_index("period")["value"]
    assert nchs[["1999", "2017", "2018"]].tolist() == [6.1, 21.7, 20.7]
    wonder = table.query("source.str.startswith('CDC WONDER') and drug == 'all_drugs'")
    assert wonder.set_index("period")["value"][["1999", "2020"]].tolist() == [6.1, 28.3]


@pytest.mark.parametrize(("iso3", "value"), [("USA", 18.75), ("MEX", 1.12), ("AFG", 1.81), ("COL", 0.45)])
def test_gbd_drug_use_disorder_death_rates_2017(country_indicators, iso3, value):
    # ../shared/data/owid_drugs/SOURCE.md, example values for 2017
    assert country_indicators[("death_rate_drug_use_disorders", iso3, 2017)] == pytest.approx(
        value, abs=0.005
    )


def test_world_polygons_have_fixed_codes(shared_data, built):
    table, meta = built(naturalearth.TABLE)
    assert len(table) == 177 and str(table.crs) == "EPSG:4326"
    codes = table.set_index("name")["iso3"]
    assert codes["France"] == "FRA" and codes["Norway"] == "NOR" and codes["Kosovo"] == "XKX"
    assert set(table.loc[table["iso3"].isna(), "name"]) == {"N. Cyprus", "Somaliland"}
    assert not table["iso3"].dropna().duplicated().any()
    assert "-99" not in set(table["iso3"].dropna())


def test_state_cbj_incle(us_assistance):
    cbj = us_assistance[us_assistance["source"] == "State Department CBJ"]
    mexico = cbj[cbj["iso3"] == "MEX"].set_index("fiscal_year")
    # ../shared/data/state_cbj/SOURCE.md: FY2010 Mexico INCLE 284,000 (thousands); FY2016-17 request 80,000
    assert mexico.loc[2010, "usd_current"] == 284_000_000
    assert mexico.loc[[2016, 2017], "usd_current"].tolist() == [80_000_000, 80_000_000]
    assert mexico.loc[2016, "transaction_type"] == "request"
    assert mexico.loc[2012, "transaction_type"] == "allocation"
    assert set(cbj["fiscal_year"]) == set(range(2008, 2018))
    # regional programs, bureaus and funds are not mistaken for countries
    assert cbj["iso3"].notna().all() and "USA" not in set(cbj["iso3"])
    assert not assistance.is_cbj_country("Inter-American Foundation")
    assert not assistance.is_cbj_country("State Western Hemisphere Regional (WHA)")
    assert not assistance.is_cbj_country("INL - International Narcotics and Law Enforcement Affairs")
    assert assistance.is_cbj_country("Trinidad and Tobago")


def test_unodc_cocaine_2021_against_an_independent_read(shared_data, built):
    """Cocaine-type kg in 2021 for a few countries, summed straight from the workbook's cells."""
    import openpyxl

    table, _ = built(unodc.SEIZURES_TABLE)
    portal = table[table["source"].str.startswith("UNODC data portal") & (table["year"] == 2021)]
    sheet = openpyxl.load_workbook(shared_data / "unodc" / unodc.PORTAL_FILE, read_only=True).active
    rows = sheet.iter_rows(min_row=2, values_only=True)
    header = next(rows)
    col = {name: i for i, name in enumerate(header)}
    expected: dict[str, float] = {}
    for row in rows:
        if (
            row[col["Reference year"]] == 2021
            and row[col["DrugSubGroup"]] == "Cocaine"
            and row[col["msCode"]] in ("COL", "ECU", "USA", "PAN")
            and row[col["Kilograms"]]
        ):
            expected[row[col["msCode"]]] = expected.get(row[col["msCode"]], 0) + row[col["Kilograms"]]
    ours = portal[portal["drug_class"] == "cocaine"].groupby("iso3")["kg"].sum()
    assert set(expected) == {"COL", "ECU", "USA", "PAN"}
    for code, kg in expected.items():
        assert ours[code] == pytest.approx(kg, rel=1e-9), code
    assert ours["COL"] > 500_000  # Colombia seized over 500 t of cocaine in 2021


def test_flow_estimates_keep_each_figure_with_its_base(shared_data, built):
    table, _ = built(published_figures.FLOWS_TABLE)
    assert len(table) == 13
    mexico = table[table["route"] == "mexico_central_america"].set_index("year")["value"]
    assert mexico[[2002, 2004, 2015]].tolist() == [72.0, 90.0, 84.0]
    volume = table[table["route"] == "estimated_to_us"]
    assert volume[["year", "value", "unit"]].values.tolist() == [[2019, 905.0, "metric tons"]]
    assert table["quote"].str.len().gt(0).all()
