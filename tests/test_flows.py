"""Flow indicators on small constructed inputs with answers worked out by hand."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from drugflows import paths
from drugflows.domain import demand, drugs, prices, seizures, statistics
from drugflows.domain.prices import price_ladder
from drugflows.reports import border_seizures, trafficking_flows
from drugflows.sources.unodc import HISTORIC_SERIES, PORTAL_SERIES

MONTHS = pd.date_range("2020-10-01", periods=24, freq="MS")  # FY2021 and FY2022


def test_seizures_per_traffic_joins_field_office_and_month():
    seized = pd.DataFrame(
        {
            "component": ["OFO", "OFO", "USBP", "OFO"],
            "aor": [
                "SAN DIEGO FIELD OFFICE",
                "SAN DIEGO FIELD OFFICE",
                "SAN DIEGO SECTOR",
                "TUCSON FIELD OFFICE",
            ],
            "month": pd.to_datetime(["2021-01-01", "2021-01-01", "2021-01-01", "2021-03-01"]),
            "lbs": [30.0, 10.0, 500.0, 7.0],
            "events": [2, 1, 9, 1],
        }
    )
    crossings = pd.DataFrame(
        {
            "field_office": ["SAN DIEGO FIELD OFFICE"] * 3 + [None, "TUCSON FIELD OFFICE"],
            "month": pd.to_datetime(["2021-01-01"] * 4 + ["2021-02-01"]),
            "measure": [
                "Personal Vehicles",
                "Trucks",
                "Personal Vehicle Passengers",
                "Personal Vehicles",
                "Trucks",
            ],
            "value": [1_500_000, 500_000, 9_000_000, 100, 200_000],
        }
    )
    out = seizures.seizures_per_traffic(seized, crossings)
    # Jan 2021 is the only month in both; San Diego: 40 lb over 2.0 M vehicles (passengers not counted)
    assert out.to_dict("records") == [
        {
            "field_office": "SAN DIEGO FIELD OFFICE",
            "month": pd.Timestamp("2021-01-01"),
            "vehicles": 2_000_000,
            "lbs": 40.0,
            "events": 3,
            "lbs_per_million_vehicles": 20.0,
            "events_per_million_vehicles": 1.5,
        }
    ]


def test_seasonal_profile_on_a_known_pattern():
    # Every December is double an ordinary month: FY mean = 13/12, so December = 2 / (13/12)
    values = pd.Series([2.0 if m.month == 12 else 1.0 for m in MONTHS], index=MONTHS)
    values = pd.concat([values, pd.Series([5.0], index=[pd.Timestamp("2022-10-01")])])  # partial FY
    profile = seizures.seasonal_profile(values).set_index("month")
    assert profile.loc[12, "index"] == pytest.approx(2 / (13 / 12))
    assert profile.loc[5, "index"] == pytest.approx(1 / (13 / 12))
    assert profile["years"].eq(2).all()  # the partial FY2023 is left out


def test_change_points_recover_a_planted_shift():
    rng = np.random.default_rng(7)
    index = pd.date_range("2018-10-01", periods=60, freq="MS")
    level = np.where(np.arange(60) < 24, 100.0, 300.0)
    level[45:] = 150.0
    series = pd.Series(level + rng.normal(0, 15, 60), index=index)
    found = statistics.change_points(series)
    assert found == [index[24], index[45]]


def test_change_points_find_nothing_in_noise_and_short_series():
    rng = np.random.default_rng(11)
    index = pd.date_range("2018-10-01", periods=60, freq="MS")
    assert statistics.change_points(pd.Series(100 + rng.normal(0, 15, 60), index=index)) == []
    assert statistics.change_points(pd.Series([1.0, 9.0, 1.0], index=index[:3])) == []


def test_seasonal_profile_accepts_a_series_indexed_by_month():
    values = pd.Series(1.0, index=pd.DatetimeIndex(MONTHS, name="month"))
    assert seizures.seasonal_profile(values)["index"].eq(1.0).all()


def test_level_shifts_on_the_real_fentanyl_series():
    from drugflows import tables

    table = tables.load("cbp_seizures_monthly")
    sel = border_seizures.select(table, "Fentanyl", "Southwest Border", None, None)
    monthly = seizures.monthly(seizures.subset(table, sel), seizures.covered_months(table, sel))
    shifts = seizures.seizure_level_shifts(monthly["lbs"])
    # the 2020 take-off, the 2022 climb to the FY2023 peak, and the late-2024 fall: the turns of
    # the fentanyl totals by FY listed in ../shared/data/cbp_drug_seizures/SOURCE.md
    # (2019 2,578 lb at ports; 2021 10,183; 2023 24,182; 2025 10,340)
    assert [f"{m:%Y}" for m in shifts] == ["2020", "2022", "2024"]


COUNTRIES = pd.DataFrame(
    {
        "iso3": ["COL", "PER", "GTM", "JAM", "MEX", "USA", "ESP"],
        "region_group": [
            "Andean region",
            "Andean region",
            "Central America",
            "Caribbean",
            "Mexico and North America",
            "Mexico and North America",
            "Europe",
        ],
        "name": ["Colombia", "Peru", "Guatemala", "Jamaica", "Mexico", "United States", "Spain"],
    }
)


#: A raw UNODC name of each class, as the vocabulary knows it
NAME_OF = {
    "cocaine": "Cocaine hydrochloride",
    "heroin": "Heroin",
    "reported_total": "Total hallucinogens (including the above, all other hallucinogens, and any "
    "unspecified/undistinguished quantities of hallucinogens)",
}


def _unodc():
    portal, historic = PORTAL_SERIES, HISTORIC_SERIES
    rows = [
        ("COL", 2019, "cocaine", 100.0, portal),
        ("COL", 2019, "cocaine", 999.0, historic),
        ("PER", 2019, "cocaine", 50.0, portal),
        ("GTM", 2019, "cocaine", 10.0, portal),
        ("JAM", 2019, "cocaine", 5.0, portal),
        ("MEX", 2019, "cocaine", 20.0, portal),
        ("ESP", 2019, "cocaine", 15.0, portal),
        ("COL", 2017, "cocaine", 80.0, historic),
        ("COL", 2017, "cocaine", 1.0, portal),
        ("COL", 2019, "heroin", 3.0, portal),
        ("COL", 2019, "reported_total", 500.0, portal),
    ]
    frame = pd.DataFrame(rows, columns=["iso3", "year", "drug_class", "kg", "source"])
    return frame.assign(drug=frame["drug_class"].map(NAME_OF))


def test_unodc_series_takes_one_source_per_year():
    series = seizures.unodc_series(_unodc(), "cocaine").set_index(["iso3", "year"])["kg"]
    assert series[("COL", 2019)] == 100.0  # the portal from 2018 (not +999 from the old series)
    assert series[("COL", 2017)] == 80.0  # the national series before 2018
    shares = seizures.region_shares(seizures.unodc_series(_unodc(), "cocaine"), COUNTRIES)
    row = shares[(shares["year"] == 2019) & (shares["region_group"] == "Andean region")]
    assert row["share_pct"].iloc[0] == pytest.approx(100 * 150 / 200)


def test_supply_chain_puts_production_beside_seizures_never_subtracted():
    cbp = pd.DataFrame(
        {
            "drug": ["Cocaine", "Cocaine", "Cocaine"],
            "fiscal_year": [2019] * 3,
            "component": ["OFO", "USBP", "OFO"],
            "kg": [4.0, 2.0, 1.0],
        }
    )
    amo = pd.DataFrame({"drug": ["Cocaine"], "fiscal_year": [2019], "kg": [8.0]})
    crops = pd.DataFrame(
        {
            "iso3": ["WLD", "WLD", "COL"],
            "crop": ["coca"] * 3,
            "measure": ["production_t"] * 3,
            "estimate_by": ["UNODC"] * 3,
            "year": [2019] * 3,
            "value": [1.0, 0.9, 0.5],
            "published_year": pd.array([2021, 2020, 2021], dtype="Int64"),
            "unit": ["metric tons of pure cocaine (potential production)"] * 3,
            "source": ["WDR 2021", "WDR 2020", "x"],
        }
    )
    chain = trafficking_flows.supply_chain("cocaine", 2019, _unodc(), COUNTRIES, cbp, amo, crops)
    kg = chain.set_index("stage")["kg"]
    assert kg["Potential production"] == 1000.0  # 1.0 t, the latest vintage, world total
    assert kg["Seized: Andean region"] == 150.0 and kg["Seized: Central America"] == 10.0
    assert kg["Seized: Caribbean"] == 5.0 and kg["Seized: Mexico"] == 20.0
    assert kg[trafficking_flows.US_STAGES["OFO"]] == 5.0
    assert kg[trafficking_flows.US_STAGES["USBP"]] == 2.0
    assert kg[trafficking_flows.AMO_STAGE] == 8.0
    kinds = chain.set_index("stage")["kind"]
    assert kinds[trafficking_flows.AMO_STAGE] == trafficking_flows.AMO_SEIZURE  # not "at the border"
    # pure production and bulk seizures are not subtracted: no remainder stage, no remainder sentence
    assert not chain["stage"].str.contains("Not seized").any()
    measure = chain.set_index("stage")["measure"]
    assert measure["Potential production"] == "pure cocaine (potential production), an estimate"
    assert measure["Seized: Mexico"] == "bulk weight seized, purity unknown"
    assert (
        chain.set_index("stage").loc["Seized: Andean region", "note"] == "calendar 2019; hydrochloride 100%"
    )
    lines = trafficking_flows.reading(
        "cocaine",
        2019,
        pd.Series(dtype=float),
        pd.DataFrame(columns=["year", "region_group", "share_pct"]),
        chain,
        None,
        COUNTRIES,
    )
    text = " ".join(lines)
    assert "not seized anywhere" not in text and "%" not in text.split("Published potential")[1]
    assert "Published potential production for 2019: 1 tonnes of pure cocaine (UNODC, published 2021)" in text
    assert len(trafficking_flows.seizure_stages(chain)) == 7


def _prices():
    rows = [
        # iso3, year, drug, level, usd_per_gram
        ("COL", 2020, "Cocaine hydrochloride", "wholesale", 1.0),
        ("PER", 2020, "Cocaine hydrochloride", "wholesale", 3.0),
        ("GTM", 2020, "Cocaine hydrochloride", "wholesale", 10.0),
        ("USA", 2019, "Cocaine hydrochloride", "wholesale", 99.0),
        ("USA", 2020, "Cocaine hydrochloride", "wholesale", 40.0),
        ("USA", 2020, "Cocaine hydrochloride", "retail", 100.0),
        ("USA", 2020, "Crack", "retail", 500.0),  # another form: not on the cocaine ladder
        ("PER", 2019, "Cocaine hydrochloride", "retail", 0.5),  # retail below wholesale: left out
        ("PER", 2019, "Cocaine hydrochloride", "wholesale", 2.0),
    ]
    return pd.DataFrame(rows, columns=["iso3", "year", "drug", "level", "usd_per_gram"])


def test_price_ladder_and_markup():
    ladder = price_ladder(_prices(), COUNTRIES, "cocaine", 2020)
    assert ladder[["stage", "level", "usd_per_gram", "countries"]].values.tolist() == [
        ["Source (Andean region)", "wholesale", 2.0, 2],
        ["Transit (Central America, Mexico)", "wholesale", 10.0, 1],
        ["United States", "retail", 100.0, 1],
        ["United States", "wholesale", 40.0, 1],
    ]  # 2020 only: the latest year per stage and level; crack left out
    found = prices.markup(_prices(), COUNTRIES, "cocaine", 2020)
    assert (found["level"], found["source_year"], found["us_year"], found["ratio"]) == (
        "wholesale",
        2020,
        2020,
        20.0,
    )
    # two Andean typical prices (1.00 Colombia, 3.00 Peru) against one US price (40.00): 13 to 40 times
    assert (found["low_ratio"], found["high_ratio"], found["bounds_basis"]) == (40 / 3, 40.0, "typical")
    assert trafficking_flows.markup_text("cocaine", found) == (
        "At the wholesale level, a gram of cocaine hydrochloride cost from US$1.00 (Colombia) to US$3.00 "
        "(Peru) in the Andean region (typical prices of the 2 countries on file: Colombia, Peru; 2020), "
        "and US$40.00 in the United States (its typical price, 2020); nominal USD, purity unknown. By "
        "these typical prices, a gram cost about 13 to 40 times as much in the United States."
    )
    assert prices.inverted_prices(_prices().assign(form="hydrochloride")).values.tolist() == [
        ["PER", 2019, "hydrochloride", 0.5, 2.0]
    ]
    # no source price in the same year: the closest years, both shown
    found = prices.markup(_prices(), COUNTRIES, "cocaine", 2019)
    assert found is None  # 2019: the only Andean price is the inverted PER pair, left out
    heroin = trafficking_flows.markup_text("heroin", None)
    assert heroin.startswith("Prices per gram of heroin at the source (Mexico) and in the United States")


def test_markup_on_the_real_prices_names_every_andean_country_from_the_raw_file(shared_data):
    """Cocaine hydrochloride per gram, wholesale, 2021 (the latest year with US and Andean prices):
    every per-kg or per-pound price counts as wholesale. The source side is the typical price of each
    Andean country on file (not one country's published range), read here from UNODC's price JSON:
    Colombia 1.22, Ecuador 2.09, Bolivia 2.40, Peru 2.80 a gram; the US 30.50."""
    raw = pd.DataFrame(json.loads((shared_data / "unodc" / "Before_Prices_of_drugs.json").read_text()))
    raw = raw[(raw["Drug"] == "Cocaine hydrochloride") & (raw["Year"] == 2021)].dropna(subset=["Typical_USD"])
    grams = raw["Unit"].map({"g": 1.0, "kg": 1000.0, "pound": 453.59237})
    wholesale = raw[(raw["LevelOfSale"] == "Wholesale") | raw["Unit"].isin(["kg", "pound"])]
    wholesale = wholesale.assign(per_gram=wholesale["Typical_USD"] / grams).dropna(subset=["per_gram"])
    by_country = wholesale.groupby("Country/Territory")["per_gram"].median()
    us = by_country["United States of America"]
    andes = by_country[
        by_country.index.isin(["Bolivia (Plurinational State of)", "Colombia", "Ecuador", "Peru"])
    ].sort_values()
    assert len(andes) == 4 and us == pytest.approx(30.5)
    assert (round(andes["Colombia"], 2), round(andes["Peru"], 2)) == (1.22, 2.8)
    data = trafficking_flows.load()
    found = trafficking_flows.markup(data["drug_prices"], data["countries"], "cocaine", 2022)
    assert (found["level"], found["us_year"], found["source_year"]) == ("wholesale", 2021, 2021)
    assert found["source_prices"]["usd_per_gram"].tolist() == pytest.approx(andes.tolist())
    assert found["low_ratio"] == pytest.approx(us / andes.max())
    assert found["high_ratio"] == pytest.approx(us / andes.min())
    text = trafficking_flows.markup_text("cocaine", found)
    assert "cost from US$1.22 (Colombia) to US$2.80 (Peru) in the Andean region" in text
    assert "Colombia, Ecuador, Bolivia, Peru; 2021" in text
    assert "US$30.50 in the United States (its typical price, 2021" in text
    assert f"about {us / andes.max():.0f} to {us / andes.min():.0f} times as much" in text
    assert "about 11 to 25 times" in text and "2.00-2.60" not in text  # Bolivia's range alone: gone


def test_retail_is_never_below_wholesale_on_the_chain():
    """For every country-year on file, retail per gram >= wholesale per gram on the price ladder's
    rows; the country-years where UNODC's figures say otherwise are flagged and left out."""
    data = trafficking_flows.load()
    for drug in ("cocaine", "heroin", "methamphetamine", "fentanyl"):
        rows = prices.chain_prices(data["drug_prices"], data["countries"], drug)
        medians = rows.groupby(["iso3", "year", "form", "level"])["usd_per_gram"].median().unstack("level")
        both = medians.reindex(columns=["retail", "wholesale"]).dropna()
        assert (both["retail"] >= both["wholesale"]).all(), drug
    # Guatemala 2020 crack: retail 9.19 below wholesale 9.23 (UNODC); El Salvador 2020 crack 5 < 11.2
    table = data["drug_prices"]
    all_cocaine = table[table["drug_class"] == "cocaine"].assign(
        form=table["drug"].map(lambda n: drugs.UNODC_NAMES[n].form)
    )
    flagged = prices.inverted_prices(all_cocaine.dropna(subset=["usd_per_gram"]))
    pairs = set(zip(flagged["iso3"], flagged["year"], flagged["form"], strict=True))
    assert {("GTM", 2020, "crack"), ("SLV", 2020, "crack")} <= pairs
    assert ("USA", 2019, "hydrochloride") not in pairs  # 120 retail against 29 wholesale


def test_every_price_per_kg_is_wholesale(shared_data):
    table = trafficking_flows.load()["drug_prices"]
    assert set(table.loc[table["unit"].isin(["kg", "pound"]), "level"]) == {"wholesale"}
    usa = table[
        (table["iso3"] == "USA") & (table["year"] == 2021) & (table["drug"] == "Cocaine hydrochloride")
    ]
    assert (usa["level_published"] == "retail").any() and (usa["level"] == "wholesale").all()


def test_nflis_states_and_routes_text():
    nflis = pd.DataFrame(
        {
            "category": ["Fentanyl and Fentanyl-related"] * 4 + ["Other"],
            "state_name": ["Ohio", "Ohio", "Utah", "Utah", "Ohio"],
            "year": [2020, 2020, 2020, 2021, 2020],
            "reports": [5, 6, 1, 2, 99],
        }
    )
    out = demand.nflis_states(nflis, "fentanyl", top=1)
    assert out.values.tolist() == [["Ohio", 2020, 11]]
    assert demand.nflis_states(nflis, "cocaine").empty
    routes = pd.DataFrame(
        {
            "route": ["swb"],
            "year": [2001],
            "value": [65.0],
            "unit": ["percent of cocaine"],
            "source": ["NDIC: report"],
            "url": ["https://example.org"],
            "published_year": [2001],
        }
    )
    assert (
        "- Through Mexico (Southwest border), 2001: 65 percent of cocaine ([NDIC](https://example.org), "
        "published 2001)" in trafficking_flows.routes_text("cocaine", routes)
    )
    assert trafficking_flows.routes_text("heroin", routes).startswith("No published route shares for heroin")


def test_traffic_by_fiscal_year_keeps_complete_years():
    months = pd.date_range("2020-10-01", periods=14, freq="MS")  # FY2021 whole, FY2022 Oct-Nov
    per = pd.DataFrame(
        {
            "field_office": "EL PASO FIELD OFFICE",
            "month": months,
            "lbs": 1.0,
            "events": 1,
            "vehicles": 500_000,
        }
    )
    out = seizures.traffic_by_fiscal_year(per)
    assert out[["fiscal_year", "lbs", "vehicles", "lbs_per_million_vehicles"]].values.tolist() == [
        [2021, 12.0, 6_000_000, 2.0]
    ]


def test_region_traffic_and_shift_sentence():
    crossings = pd.DataFrame({"border": ["US-Mexico Border", "US-Canada Border"], "value": [1, 2]})
    assert seizures.region_traffic(crossings, "Southwest Border")["value"].tolist() == [1]
    assert seizures.region_traffic(crossings, "Coastal/Interior").empty

    lbs = pd.Series([10.0] * 6 + [40.0] * 6, index=pd.date_range("2020-01-01", periods=12, freq="MS"))
    text = border_seizures.shifts_text([pd.Timestamp("2020-07-01")], lbs)
    assert text == (
        "The monthly level shifts in July 2020. Average from Jan 2020: 10 lb a month; "
        "from Jul 2020: 40 lb a month."
    )
    assert border_seizures.shifts_text([], lbs).startswith("No lasting shift")


def test_top_region_shares_keeps_the_largest_regions():
    shares = pd.DataFrame(
        {
            "year": [2020, 2020, 2020, 2021, 2021],
            "region_group": ["Andean region", "Europe", "Caribbean", "Andean region", "Europe"],
            "share_pct": [60.0, 30.0, 10.0, 50.0, 50.0],
        }
    )
    table = seizures.top_region_shares(shares, 2)
    assert list(table.columns) == ["Andean region", "Europe"]
    assert table.loc[2021].tolist() == [50.0, 50.0]


def test_left_out_prices_are_named():
    text = trafficking_flows.left_out_text(_prices(), COUNTRIES, "cocaine")
    assert text == (
        "Left out because the retail price per gram is below the wholesale price (as published): "
        "Peru 2019 (retail $0.50, wholesale $2.00 a gram)."
    )
    assert trafficking_flows.left_out_text(_prices().iloc[:3], COUNTRIES, "cocaine") == ""


def test_heroin_markup_is_against_mexico_at_wholesale_from_the_raw_file(shared_data):
    """Heroin for the US market comes from Mexico. UNODC's 2021 US heroin price is published as
    "Retail" but per kg (35,500 USD): a wholesale price, set against Mexico's wholesale per-kg price
    (19,910 USD), not against an Andean retail price."""
    raw = pd.DataFrame(json.loads((shared_data / "unodc" / "Before_Prices_of_drugs.json").read_text()))
    raw = raw[(raw["Drug"] == "Heroin") & (raw["Year"] == 2021) & (raw["Unit"] == "kg")]
    us = raw.loc[raw["Country/Territory"] == "United States of America", "Typical_USD"].median() / 1000
    mexico = raw.loc[raw["Country/Territory"] == "Mexico", "Typical_USD"].median() / 1000
    assert (us, mexico) == (pytest.approx(35.5), pytest.approx(19.91))
    data = trafficking_flows.load()
    found = trafficking_flows.markup(data["drug_prices"], data["countries"], "heroin", 2022)
    assert (found["level"], found["source"], found["us_year"], found["source_year"]) == (
        "wholesale",
        "Mexico",
        2021,
        2021,
    )
    text = trafficking_flows.markup_text("heroin", found)
    # the published ranges, from the raw file: Mexico 1,500-38,000 USD a kg, the US 27,333-43,667
    mexico_rows = raw[raw["Country/Territory"] == "Mexico"]
    us_rows = raw[raw["Country/Territory"] == "United States of America"]
    assert (mexico_rows["Minimum_USD"].min(), mexico_rows["Maximum_USD"].max()) == (1500, 38000)
    assert (us_rows["Minimum_USD"].min(), us_rows["Maximum_USD"].max()) == (27333, 43667)
    # Mexico's published minimum (1.50 a gram) is below a tenth of its typical price (19.91): left out
    assert mexico_rows["Minimum_USD"].min() < mexico / 10 * 1000
    assert found["bounds_basis"] == prices.RANGE_LEFT_OUT and np.isnan(found["low_ratio"])
    assert (
        "US$19.91 in Mexico (its typical price, 2021; UNODC's published range is left out as implausible: "
        "the published minimum is below a tenth of the typical price)" in text
    )
    assert "US$1.50" not in text and "38.00" not in text
    assert (
        "US$27.33-43.67 in the United States (UNODC's published minimum and maximum; typical US$35.50" in text
    )
    assert "With the published range of Mexico left out" in text
    assert "no multiple is given" in text and "cost about" not in text


def test_methamphetamine_markup_leaves_out_an_implausible_published_range(shared_data):
    """One Mexican typical price (4,815.50 USD a kg) against the US per-kg price UNODC files as
    "Retail" (10,500 USD, range 6,000-15,000). Mexico's published minimum, 39.53 USD a kg, is below a
    tenth of its typical price (an entry error likely): its range is neither printed nor used, and
    with one side's spread unknown no multiple is said."""
    raw = pd.DataFrame(json.loads((shared_data / "unodc" / "Before_Prices_of_drugs.json").read_text()))
    raw = raw[(raw["Drug"] == "Methamphetamine powder") & (raw["Year"] == 2021) & (raw["Unit"] == "kg")]
    mexico = raw[raw["Country/Territory"] == "Mexico"]
    us = raw[raw["Country/Territory"] == "United States of America"]
    assert set(us["LevelOfSale"]) == {"Retail"}
    data = trafficking_flows.load()
    found = trafficking_flows.markup(data["drug_prices"], data["countries"], "methamphetamine", 2022)
    assert found["us_relabelled"]
    source = found["source_prices"].iloc[0]
    typical_kg = mexico["Typical_USD"].median()
    assert (mexico["Minimum_USD"].min(), typical_kg) == (pytest.approx(39.53), pytest.approx(4815.5))
    assert mexico["Minimum_USD"].min() < typical_kg / 10
    assert source["usd_per_gram"] == pytest.approx(typical_kg / 1000)
    assert pd.isna(source["min_usd_per_gram"]) and pd.isna(source["max_usd_per_gram"])
    assert found["bounds_basis"] == prices.RANGE_LEFT_OUT and np.isnan(found["high_ratio"])
    text = trafficking_flows.markup_text("methamphetamine", found)
    assert f"US${typical_kg / 1000:.2f} in Mexico (its typical price, 2021; UNODC's published range" in text
    assert "US$0.04" not in text and "20.00" not in text
    assert "US$6.00-15.00 in the United States" in text
    assert "no multiple is given" in text and "cost about" not in text


def test_implausible_range_rule():
    """A published minimum below a tenth of the typical price, or a maximum above ten times it, is
    left out; a range within is kept (prices in US$ a gram)."""
    assert (
        prices.implausible_range(0.04, 20.0, 4.82)
        == "the published minimum is below a tenth of the typical price"
    )
    assert (
        prices.implausible_range(1.0, 60.0, 5.0)
        == "the published maximum is above ten times the typical price"
    )
    assert prices.implausible_range(0.5, 50.0, 5.0) == ""
    assert prices.implausible_range(None, None, 5.0) == ""


def _raw_cbp_kg(shared_data, drug: str, fiscal_year: int) -> tuple[dict[str, float], float]:
    """kg by component (OFO, USBP) from CBP's nationwide file and AMO's kg from its own file, read
    here with pandas from the raw CSVs (pounds x 0.45359237)."""
    lb = 0.45359237
    raw = pd.read_csv(shared_data / "cbp_drug_seizures" / "nationwide-drugs-fy19-fy22.csv", dtype={"FY": str})
    raw = raw[(raw["FY"].str[:4].astype(int) == fiscal_year) & (raw["Drug Type"] == drug)]
    by_component = (raw.groupby("Component")["Sum Qty (lbs)"].sum() * lb).to_dict()
    amo = pd.read_csv(
        shared_data / "cbp_amo_drug_seizures" / "amo-drug-seizures-fy19-fy22.csv", dtype={"FY": str}
    )
    amo = amo[(amo["FY"].str[:4].astype(int) == fiscal_year) & (amo["Drug Type"] == drug)]
    return by_component, amo["Sum Qty (lbs)"].sum() * lb


@pytest.mark.parametrize("drug", ["cocaine", "heroin", "methamphetamine", "fentanyl"])
def test_border_headline_keeps_air_and_marine_apart(shared_data, drug):
    """ "At the border" is OFO plus the Border Patrol (as in us_demand); AMO's seizures, most of the
    cocaine (82,234 of 114,118 kg in FY2022), are given apart. Expected values from the raw CSVs."""
    data = trafficking_flows.load()
    chain = trafficking_flows.supply_chain(
        drug,
        2022,
        data["unodc_seizures"],
        data["countries"],
        data["cbp_seizures_monthly"],
        data["amo_seizures_monthly"],
        data["crop_estimates"],
    )
    cbp_name = drug.capitalize()
    by_component, amo_kg = _raw_cbp_kg(shared_data, cbp_name, 2022)
    border_kg = by_component["Office of Field Operations"] + by_component["U.S. Border Patrol"]
    first, second = trafficking_flows.border_sentences(chain, 2022)
    ports = 100 * by_component["Office of Field Operations"] / border_kg
    rounded = f"{float(f'{border_kg:.3g}'):,.0f}"
    assert first == (
        f"CBP seized about {rounded} kg at the US border (CBP at ports of entry "
        f"and the Border Patrol between them) in fiscal year 2022; of these {rounded} kg, {ports:.0f}% "
        f"was seized at ports of entry and {100 - ports:.0f}% between them."
    )
    assert second.startswith(f"A further {float(f'{amo_kg:.3g}'):,.0f} kg was seized by CBP Air and Marine")
    assert "not necessarily at the border" in second
    total = f"{float(f'{border_kg + amo_kg:.3g}'):,.0f}"
    assert (
        f"of the {total} kg all of CBP seized that year, {100 * amo_kg / (border_kg + amo_kg):.0f}% was AMO's"
        in second
    )
    if drug == "cocaine":
        assert round(border_kg) == 31884 and round(amo_kg) == 82234 and round(ports) == 82
        assert "about 31,900 kg" in first and "72% was AMO's and 28% the border's" in second


def test_border_cocaine_is_mostly_coastal_interior_from_the_raw_file(shared_data):
    """About 63% of the cocaine CBP seized at the border in FY2022 was in its Coastal/Interior region
    (airports, seaports, coastal Border Patrol sectors), not on a land border: summed here from CBP's
    raw CSV by its Region column (OFO and USBP rows)."""
    raw = pd.read_csv(shared_data / "cbp_drug_seizures" / "nationwide-drugs-fy19-fy22.csv", dtype={"FY": str})
    raw = raw[(raw["FY"].str[:4].astype(int) == 2022) & (raw["Drug Type"] == "Cocaine")]
    kg = raw.groupby("Region")["Sum Qty (lbs)"].sum() * 0.45359237
    coastal = 100 * kg["Coastal/Interior"] / kg.sum()
    assert round(coastal) == 63
    data = trafficking_flows.load()
    regions = trafficking_flows.us_border_regions("cocaine", 2022, data["cbp_seizures_monthly"])
    assert list(regions.index) == ["Southwest Border", "Northern Border", "Coastal/Interior"]
    assert regions.to_dict() == pytest.approx(kg.to_dict())
    chain = trafficking_flows.supply_chain(
        "cocaine",
        2022,
        data["unodc_seizures"],
        data["countries"],
        data["cbp_seizures_monthly"],
        data["amo_seizures_monthly"],
        data["crop_estimates"],
    )
    sentence = trafficking_flows.border_sentences(chain, 2022, regions)[1]
    land = kg["Southwest Border"] + kg["Northern Border"]
    assert sentence.startswith(
        f"Of the same 31,900 kg, {coastal:.0f}% was seized in CBP's Coastal/Interior region (airports, "
        "seaports"
    )

    def three(value: float) -> str:
        return f"{float(f'{value:.3g}'):,.0f}"

    southwest, northern = three(kg["Southwest Border"]), three(kg["Northern Border"])
    assert (
        f"and {100 * land / kg.sum():.0f}% ({three(land)} kg: Southwest Border {southwest} kg, "
        f"Northern Border {northern} kg) on the land borders." in sentence
    )
    assert "37% (11,900 kg: Southwest Border 11,400 kg, Northern Border 476 kg)" in sentence


def test_unodc_series_returns_the_vintage_of_each_row(shared_data):
    """The accessor says which UNODC vintage each row comes from; a chosen vintage comes alone.
    US cocaine 2018, summed here from the raw national series (coca leaf left out): 254,310 kg; the
    spliced series takes the portal export's 193,654 kg for that year and says so."""
    table = trafficking_flows.load()["unodc_seizures"]
    raw = pd.read_excel(shared_data / "unodc" / "seizures_unodc.xlsx")
    raw[["country", "drug_group"]] = raw[["country", "drug_group"]].ffill()
    us = raw[(raw["country"] == "United States of America") & (raw["drug_group"] == "Cocaine-type")]
    year = next(c for c in raw.columns if str(c).startswith("2018"))
    national_2018 = us.loc[us["drug"] != "Coca leaf", year].sum()
    spliced = seizures.unodc_series(table, "cocaine").set_index(["iso3", "year"])
    national = seizures.unodc_series(table, "cocaine", series=HISTORIC_SERIES).set_index(["iso3", "year"])
    assert (
        national.loc[("USA", 2018), "kg"] == pytest.approx(national_2018) and round(national_2018) == 254310
    )
    assert set(national["series"]) == {HISTORIC_SERIES}
    assert spliced.loc[("USA", 2018), "series"] == PORTAL_SERIES
    assert spliced.loc[("USA", 2017), "series"] == HISTORIC_SERIES
    assert round(spliced.loc[("USA", 2018), "kg"]) == 193654
    with pytest.raises(ValueError, match="unknown UNODC series"):
        seizures.unodc_series(table, "cocaine", series="WDR 2030")


def test_profile_seizure_charts_mark_the_series_break():
    table = trafficking_flows.load()["unodc_seizures"]
    wide = seizures.seizures_by_drug(table, ["COL"])
    rows = seizures.series_break_rows(wide)
    assert rows.set_index("drug").loc["cocaine", "year"] == seizures.SERIES_BREAK_YEAR == 2018
    assert seizures.spans_series_break(wide)
    # a table that starts at the break (the portal export only) has nothing to mark
    assert not seizures.spans_series_break(wide.loc[2018:])
    for notebook in ("country_profile", "region_profile"):
        text = (paths.NOTEBOOKS_DIR / f"{notebook}.ipynb").read_text()
        assert "break_year=" in text and "SERIES_BREAK_NOTE" in text


def test_a_source_country_without_the_year_gives_its_nearest_year_shown():
    """Peru has no 2020 wholesale price here, only 2018 and 2019: its 2019 price stands, with its year
    written beside it; the multiple is the US price over each country's."""
    rows = [
        ("COL", 2020, "Cocaine hydrochloride", "wholesale", 1.0),
        ("PER", 2018, "Cocaine hydrochloride", "wholesale", 9.0),
        ("PER", 2019, "Cocaine hydrochloride", "wholesale", 4.0),
        ("USA", 2020, "Cocaine hydrochloride", "wholesale", 40.0),
    ]
    table = pd.DataFrame(rows, columns=["iso3", "year", "drug", "level", "usd_per_gram"])
    found = prices.markup(table, COUNTRIES, "cocaine", 2020)
    assert found["source_prices"][["iso3", "year", "usd_per_gram"]].values.tolist() == [
        ["COL", 2020, 1.0],
        ["PER", 2019, 4.0],
    ]
    text = trafficking_flows.markup_text("cocaine", found)
    assert "from US$1.00 (Colombia, 2020) to US$4.00 (Peru, 2019) in the Andean region" in text
    assert "years as shown" in text and "about 10 to 40 times as much" in text


def test_country_names_that_take_the_article_get_it_mid_sentence():
    from drugflows.wording import country_text

    assert country_text("United States") == "the United States"
    assert country_text("Philippines") == "the Philippines"
    assert country_text("Colombia") == "Colombia"
