"""Country and region profiles: the catalog covers the countries the issue names, every profile
renders, a country with almost no data says so section by section, names resolve or are refused."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
import yaml

from drugflows import countries as country_groups
from drugflows import params, paths, tables
from drugflows.domain import assistance as domain_assistance
from drugflows.render import catalog
from drugflows.reports import country_profile, region_profile


@pytest.fixture(scope="module")
def countries():
    return tables.load("countries")


def specs_of(notebook: str) -> list[catalog.ReportSpec]:
    return [s for s in catalog.load_catalog() if s.notebook == notebook]


PROCESSED = paths.PROJECT_ROOT / "data" / "processed"
#: The sections' data, as the issue names them, read from the processed files directly.
REPORT_DRUGS = {"cocaine", "heroin", "methamphetamine", "fentanyl"}
OUTCOME_NAMES = {
    "homicide_rate",
    "wgi_rule_of_law_estimate",
    "wgi_control_of_corruption_estimate",
    "corruption_perceptions_index",
    "goc_criminality",
    "goc_resilience",
    "goc_cocaine_trade",
    "goc_heroin_trade",
    "goc_synthetic_drug_trade",
    "goc_cannabis_trade",
}


def countries_with_two_sections() -> pd.DataFrame:
    """The countries table's rows with data in at least two of crops, seizures, prices, US
    drug-control assistance and outcomes, computed from the processed files with pandas alone."""
    table = pd.read_csv(PROCESSED / "countries.csv", keep_default_na=False, na_values=[""])
    crops = pd.read_csv(PROCESSED / "crop_estimates.csv")
    crops = crops[(crops["measure"] == "cultivation_ha") & crops["crop"].isin(["coca", "opium_poppy"])]
    seized = pd.read_parquet(PROCESSED / "unodc_seizures.parquet")
    portal = seized["source"].str.contains("portal")
    seized = seized[seized["drug_class"].isin(REPORT_DRUGS) & (portal == (seized["year"] >= 2018))]
    prices = pd.read_csv(PROCESSED / "drug_prices.csv", keep_default_na=False, na_values=[""])
    money = pd.read_parquet(PROCESSED / "us_assistance.parquet")
    money = money[~money["is_aggregate"]]
    drug_money = (
        ((money["source"] == "USAID Greenbook") & (money["transaction_type"] == "obligations"))
        | (
            (money["account_or_sector"] == "Counter-Narcotics")
            & (money["transaction_type"] == "disbursements")
        )
        | ((money["source"] == "State Department CBJ") & (money["account_or_sector"] == "INCLE"))
    )
    indicators = pd.read_parquet(PROCESSED / "country_indicators.parquet")
    sections = [
        set(crops["iso3"]) - {"WLD"},
        set(seized["iso3"]),
        set(prices.loc[prices["usd_per_gram"].notna(), "iso3"]),
        set(money.loc[drug_money, "iso3"]),
        set(indicators.loc[indicators["indicator"].isin(OUTCOME_NAMES), "iso3"]),
    ]
    count = sum(table["iso3"].isin(s).astype(int) for s in sections)
    return table[count >= 2]


def test_the_catalog_profiles_every_country_with_data_in_two_sections_and_every_region(countries):
    expected = countries_with_two_sections()
    generated = specs_of("country_profile")
    assert len(generated) == len(expected) >= 150
    by_code = expected.set_index("iso3")
    assert {s.parameters["country"] for s in generated} == set(by_code.index)
    for spec in generated:
        iso3 = spec.parameters["country"]
        assert spec.name == iso3.lower()  # stable run names, as before the generation
        assert spec.title == f"Country profile: {by_code.loc[iso3, 'name']}"
        assert spec.region == by_code.loc[iso3, "region_group"], spec.key  # the index groups by it
    for iso3 in ("BRA", "ECU", "ARG", "CHL", "URY", "PRY", "COL", "MEX", "CHN", "AFG"):
        assert iso3 in by_code.index
    assert {"ARG", "BRA", "CHL", "PRY", "URY"} <= {
        s.parameters["country"] for s in generated if s.region == "Southern Cone and Brazil"
    }
    assert "TUV" not in by_code.index  # outcomes only: one section
    regions = {s.parameters["region"] for s in specs_of("region_profile")}
    assert regions == set(country_groups.region_groups(countries))
    assert [s.key for s in catalog.select(catalog.load_catalog(), ["country_profile/bra"])] == [
        "country_profile/bra"
    ]


def write_catalog(tmp_path, entry: str):
    path = tmp_path / "catalog.yml"
    path.write_text(f"notebooks:\n  country_profile:\n{entry}", encoding="utf-8")
    return path


def test_an_explicit_run_overrides_a_generated_one(tmp_path):
    path = write_catalog(
        tmp_path,
        '    title: "Country profile: {country}"\n    generate: countries\n    runs:\n'
        '      - name: col\n        title: "Colombia, by hand"\n        region: Andean region\n'
        "        parameters: {country: COL}\n"
        "      - name: tuv\n        region: Oceania\n        parameters: {country: TUV}\n",
    )
    specs = catalog.load_catalog(path)
    generated = countries_with_two_sections()
    assert len(specs) == len(generated) + 1  # col replaced, tuv added
    by_name = {s.name: s for s in specs}
    assert by_name["col"].title == "Colombia, by hand"
    assert by_name["bra"].title == "Country profile: Brazil"
    assert by_name["tuv"].title == "Country profile: TUV"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("planets", r"generate: 'planets' is not a generator; valid: countries"),
        ("[countries]", r"generate: \['countries'\] is not a generator"),
        ("{countries: true}", r"generate: \{'countries': True\} is not a generator"),
        ("", r"generate: None is not a generator"),
    ],
)
def test_a_generator_that_does_not_exist_is_refused(tmp_path, value, message):
    path = write_catalog(tmp_path, f"    generate: {value}\n")
    with pytest.raises(catalog.CatalogError, match=message):
        catalog.load_catalog(path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("COL", "COL"), ("col", "COL"), ("Colombia", "COL"), (" colombia ", "COL"), ("Burma", "MMR")],
)
def test_codes_names_and_aliases_resolve(value, expected, countries):
    assert params.country("country", value, countries) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Colmbia", r"Unknown country 'Colmbia'.*Did you mean: Colombia \(COL\)"),
        ("Hondura", r"Did you mean: Honduras \(HND\)"),
        ("Narnia", r"Unknown country 'Narnia'"),
        ("", "must be an ISO3 code or a country name"),
        (170, "must be an ISO3 code or a country name, got int 170"),
    ],
)
def test_unknown_countries_are_refused_with_close_matches(value, message, countries):
    with pytest.raises(params.ParameterError, match=message):
        params.country("country", value, countries)


@pytest.fixture(scope="module")
def tuvalu(tmp_path_factory):
    """A country with almost no data, rendered by the runner."""
    tmp = tmp_path_factory.mktemp("tuvalu")
    doc = {
        "notebooks": {
            "country_profile": {
                "runs": [
                    {
                        "name": "tuv",
                        "title": "Country profile: Tuvalu",
                        "region": "Oceania",
                        "parameters": {"country": "Tuvalu"},
                    }
                ]
            }
        }
    }
    (tmp / "catalog.yml").write_text(yaml.safe_dump(doc))
    out = tmp / "reports"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "drugflows",
            "render",
            "--catalog",
            str(tmp / "catalog.yml"),
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out


@pytest.mark.slow
def test_every_profile_of_the_test_catalog_renders(rendered_catalog, rendered_specs):
    out, run = rendered_catalog
    profiles = [s for s in rendered_specs if s.notebook in ("country_profile", "region_profile")]
    assert 0 < len([s for s in profiles if s.notebook == "country_profile"]) <= 6  # a handful, not 200
    for spec in profiles:
        assert re.search(rf"^ok\s+{re.escape(spec.key)}\s", run.stdout, re.M), spec.key
        assert (out / spec.notebook / f"{spec.name}.html").exists()


@pytest.mark.slow
def test_a_country_with_almost_no_data_says_so_and_draws_no_empty_chart(tuvalu):
    nb = nbformat.read(tuvalu / "country_profile" / "tuv.ipynb", as_version=4)
    text = "\n".join(
        o["data"].get("text/markdown", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "data" in o
    )
    for line in (
        "No coca or opium poppy cultivation estimates on file for Tuvalu.",
        "No seizures of cocaine, heroin, methamphetamine or fentanyl reported to UNODC by Tuvalu.",
        "No drug prices on file for Tuvalu.",
        "No US INCLE, counter-drug or counter-narcotics-sector assistance to Tuvalu",
        "No thematic report in the catalog covers Tuvalu.",  # its catalog has no other report
    ):
        assert line in text
    images = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})
    ]
    assert len(images) <= 1  # at most the outcomes chart, for which there are figures


@pytest.mark.slow
def test_index_groups_profiles_by_region_with_a_map_and_a_filter(rendered_catalog, countries):
    out, _ = rendered_catalog
    html = (out / "index.html").read_text()
    assert 'id="by-region"' in html and 'id="filter"' in html
    assert re.search(r'<img class="map" src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', html)
    for region in country_groups.region_groups(countries):
        assert f'<span class="region">{region}</span>' in html
    assert '<a href="country_profile/col.html">Colombia</a>' in html
    assert '<a href="region_profile/andean-region.html">region profile</a>' in html


def test_peer_line_keeps_the_same_peers_every_year():
    import pandas as pd

    from drugflows.domain import outcomes

    # A and B report every year; C only from 2003, with a much lower value: a mean of "whoever
    # reports" would drop in 2003. The fixed line keeps A and B over the country's years.
    rows = [("X", y, 10.0) for y in range(2000, 2006)]
    rows += [(p, y, 20.0) for p in ("A", "B") for y in range(2000, 2006)]
    rows += [("C", y, 1.0) for y in range(2003, 2006)]
    panel = pd.DataFrame(rows, columns=["iso3", "year", "value"])
    years, members = outcomes.fixed_peers(panel, "X", ["A", "B", "C"])
    assert years == list(range(2000, 2006)) and members == ["A", "B"]


def test_jamaica_homicide_peers_from_the_raw_file(countries):
    import pandas as pd

    from drugflows.reports import country_profile

    indicators = tables.load("country_indicators")
    against = country_profile.outcomes_against_peers(
        indicators, "JAM", country_groups.peers("JAM", countries), "Jamaica"
    )
    label = "Homicides per 100,000 people"
    years, members = against.attrs["peers"][label]
    raw = pd.read_csv(paths.SHARED_DATA_DIR / "owid" / "homicide-rate-unodc.csv")
    raw = raw[raw["Code"].isin(members)].pivot(index="Year", columns="Code", values=raw.columns[3])
    assert raw.loc[years].notna().all().all()  # the same peers every year drawn
    line = against[(against["outcome"] == label) & (against["group"] != "Jamaica")].set_index("year")["value"]
    assert line.index.tolist() == years
    assert line[2000] == pytest.approx(raw.loc[2000, members].mean())
    people = indicators[(indicators["indicator"] == "population") & (indicators["year"] == 2015)]
    assert (people.set_index("iso3").loc[members, "value"] >= 1e6).all()
    caveat = country_profile.peer_caveat(against, countries)
    assert (
        f"Homicides per 100,000 people: {', '.join(countries.set_index('iso3').loc[members, 'name'])}"
        in caveat
    )


def raw_greenbook() -> pd.DataFrame:
    """The raw Greenbook accounts file, whole fiscal years only (the 1976 transition quarter left out)."""
    raw = pd.read_csv(
        paths.SHARED_DATA_DIR / "foreign_assistance" / "greenbook_counternarcotics_accounts.csv",
        dtype={"Fiscal Year": str},
    )
    raw = raw[~raw["Fiscal Year"].str.contains(".", regex=False)]
    return raw.assign(fiscal_year=raw["Fiscal Year"].astype(int))


def test_region_money_is_in_millions_named_for_its_accounts_with_deobligations_noted():
    """Region tables print Greenbook money in US$ millions to one decimal, under the accounts'
    names (INCLE is more than counter-narcotics money), and say what a negative sum is."""
    from drugflows.domain.assistance import GREENBOOK_SUM

    data = region_profile.load()
    raw = raw_greenbook()
    ten = raw[raw["fiscal_year"].between(2011, 2020)]
    by_country = ten.groupby("Country")["Obligations (Constant Dollars)"].sum() / 1e6
    assert round(by_country["Colombia"], 1) == 2752.3 and round(by_country["Sudan"], 1) == -1.6
    for region, country in (("Andean region", "Colombia"), ("Middle East and North Africa", "Sudan")):
        table = region_profile.member_comparison(
            region,
            data["countries"],
            data["country_indicators"],
            data["unodc_seizures"],
            data["us_assistance"],
        )
        shown = region_profile.comparison_table(table).set_index("Country")
        column = f"US {GREENBOOK_SUM}, fiscal 2011-2020 (US$ million, constant)"
        formats = region_profile.comparison_formats(table)
        assert "counter-narcotics" not in column and formats[column] == "{:,.1f}"
        assert formats[column].format(shown.loc[country, column]) == f"{by_country[country]:,.1f}"
        notes = region_profile.money_notes(table)
        assert "also pays for police, justice and corrections programmes" in notes[0]
        negative = [n for n in notes if "de-obligation" in n]
        assert negative == (
            [
                "Sudan: minus US$1.6 million, a net de-obligation: withdrawals in 2011-2020 of money "
                "obligated earlier exceeded new obligations."
            ]
            if country == "Sudan"
            else []
        )


def test_small_populations_are_rounded_to_thousands(countries):
    from drugflows.reports import country_profile

    raw = pd.read_csv(
        paths.SHARED_DATA_DIR / "owid" / "Population by country, 1800 to 2100 (Gapminder & UN).csv"
    )
    bahamas = raw[(raw["Entity"] == "Bahamas") & (raw["Year"] == 2015)].iloc[0, 2]
    assert bahamas == 386_838
    lines = country_profile.at_a_glance(
        "BHS", countries, tables.load("country_indicators"), tables.load("majors_list")
    )
    assert lines[1].startswith(
        f"Population about {bahamas / 1e3:,.0f} thousand in 2015, the latest estimate on file (UN World "
        "Population Prospects 2017); "
    )
    assert "386,838" not in " ".join(lines)


def test_mexico_peers_are_said_to_be_only_the_us_and_canada(countries):
    from drugflows.reports import country_profile

    peers = country_groups.peers("MEX", countries)
    raw = pd.read_csv(
        paths.SHARED_DATA_DIR / "owid" / "Population by country, 1800 to 2100 (Gapminder & UN).csv"
    )
    people = raw[raw["Year"] == 2015].set_index("Entity").iloc[:, 1]
    names = countries.set_index("iso3")["name"].str.replace("St. ", "Saint ")
    large = sorted(c for c in peers if people.get(names[c], 0) >= 1e6)
    assert large == ["CAN", "USA"]  # the report region Mexico and North America, a million people or more
    against = country_profile.outcomes_against_peers(
        tables.load("country_indicators"), "MEX", peers, "Mexico"
    )
    text = country_profile.peer_text(against, countries, "Mexico")
    assert (
        "Mexico's regional peers here are only Canada and the United States: the peer line is their mean, "
        "not a norm for the region." in text
    )


def test_a_price_below_a_cent_per_gram_is_printed_per_kilogram():
    """Coca leaf in Colombia, 2021: US$0.62 per kg in the raw UNODC price table (sold by the kg),
    which two decimals per gram would print as 0.00."""
    raw = pd.read_json(paths.SHARED_DATA_DIR / "unodc" / "Before_Prices_of_drugs.json")
    leaf = raw[
        (raw["Country/Territory"] == "Colombia") & (raw["Drug"] == "Coca leaf") & (raw["Year"] == 2021)
    ]
    assert list(leaf["Unit"]) == ["kg"] and leaf["Typical_USD"].iloc[0] == pytest.approx(0.62, abs=0.005)
    latest = country_profile.latest_prices(tables.load("drug_prices"), "COL").set_index("drug")
    shown = country_profile.prices_table(latest.reset_index()).set_index("Drug")
    text = country_profile.PRICE_FORMATS["Wholesale"](shown.loc["Coca leaf", "Wholesale"])
    assert text == f"{leaf['Typical_USD'].iloc[0] / 1000:#.2g} ({leaf['Typical_USD'].iloc[0]:#.2g} per kg)"
    assert text == "0.00062 (0.62 per kg)"
    assert country_profile.price_text(1.2234) == "1.22" and country_profile.price_text(0.0941) == "0.094"


@pytest.fixture(scope="module")
def profile_data():
    return country_profile.load()


def raw_homicide() -> pd.DataFrame:
    raw = pd.read_csv(paths.SHARED_DATA_DIR / "owid" / "homicide-rate-unodc.csv")
    return raw.rename(columns={raw.columns[3]: "rate"})


def test_colombia_findings_hold_the_cited_seizures_and_the_raw_assistance_files(profile_data):
    lines = country_profile.reading("COL", profile_data)
    # unodc/SOURCE.md: Colombia's DrugSubGroup Cocaine total, 457,454 kg (2018) and 767,319 kg (2022)
    up = round(100 * (767_319 / 457_454 - 1))
    assert (
        "Cocaine (hydrochloride, base and paste) seized: 767,000 kg in 2022 according to the UNODC data "
        f"portal export (2018-2022), up {up}% from 457,000 kg in 2018" in lines[0]
    )
    country = pd.read_csv(paths.SHARED_DATA_DIR / "foreign_assistance" / "us_foreign_aid_country.csv")
    country = country[
        (country["Country Code"] == "COL") & (country["Transaction Type Name"] == "Obligations")
    ]
    by_year = country.groupby(country["Fiscal Year"].astype(str))["current_amount"].sum()
    # foreign_assistance/SOURCE.md, Colombia's counter-narcotics sector: US$106.1 million obligated in
    # FY2023; the early-2025 download holds FY2024 only in part, so FY2023 is the latest complete year.
    sector = 106.1e6
    line = next(x for x in lines if x.startswith("US assistance"))
    assert line == (
        f"US assistance obligated in fiscal 2023: US${by_year['2023'] / 1e6:,.0f} million across all "
        f"sectors, of which US${sector / 1e6:,.0f} million coded to the counter-narcotics sector "
        f"({100 * sector / by_year['2023']:.0f}%) (ForeignAssistance.gov, current dollars; INCLE money coded "
        "to other sectors is not in the counter-narcotics figure). Fiscal 2024 obligations may still be "
        f"incomplete in this download (US${by_year['2024'] / 1e6:,.0f} million so far)."
    )
    assert "On the Majors List in fiscal 2025 (on every list on file, fiscal 2022-2025)." in lines


def test_ecuador_homicide_against_its_region_on_the_same_year_from_the_raw_file(profile_data):
    raw = raw_homicide()
    ecuador = raw[raw["Code"] == "ECU"].set_index("Year")["rate"]
    year = int(ecuador.index.max())
    peers = raw[(raw["Year"] == year) & raw["Code"].isin(["BOL", "COL", "PER", "VEN"])]
    ten_before = float(ecuador[year - 10])
    line = next(x for x in country_profile.reading("ECU", profile_data) if x.startswith("Homicide"))
    assert line.startswith(f"Homicide rate: {ecuador[year]:.1f} per 100,000 people in {year} (")
    assert f"{ten_before:.1f} in {year - 10})" in line
    if len(peers) >= 3:
        assert line.endswith(f"with a figure that year: {peers['rate'].median():.1f}.")
    else:  # too few for a median: the peers' own rates by name
        named = " and ".join(
            f"{n} {r:.1f}" for n, r in sorted(zip(peers["Entity"], peers["rate"], strict=True))
        )
        assert line.endswith(f"too few for a median: {named}.")


def test_colombia_homicide_gives_its_two_peers_by_name_not_their_mean(profile_data):
    raw = raw_homicide()
    year = int(raw.loc[raw["Code"] == "COL", "Year"].max())
    peers = raw[(raw["Year"] == year) & raw["Code"].isin(["BOL", "ECU", "PER", "VEN"])].set_index("Entity")
    assert sorted(peers.index) == ["Bolivia", "Ecuador"]  # the case the rule is for
    line = next(x for x in country_profile.reading("COL", profile_data) if x.startswith("Homicide"))
    assert line.endswith(
        "only 2 other members of the Andean region (of at least 1 million people) with a figure that year, "
        f"too few for a median: Bolivia {peers.loc['Bolivia', 'rate']:.1f} and Ecuador "
        f"{peers.loc['Ecuador', 'rate']:.1f}."
    )
    assert "median" not in line.split("too few for a median")[0]


def test_north_american_peers_leave_out_bermuda_and_are_named(profile_data):
    raw = raw_homicide()
    people = pd.read_csv(
        paths.SHARED_DATA_DIR / "owid" / "Population by country, 1800 to 2100 (Gapminder & UN).csv"
    )
    # Bermuda (about 64,000 people) has no UN population figure on file: it cannot be shown to have a
    # million people, so it is no peer, though it reports a homicide rate the same year as the US.
    assert "Bermuda" not in set(people["Entity"])
    year = int(raw.loc[raw["Code"] == "USA", "Year"].max())
    rates = raw[raw["Year"] == year].set_index("Code")["rate"]
    assert "BMU" in rates.index
    line = next(x for x in country_profile.reading("USA", profile_data) if x.startswith("Homicide"))
    assert "Bermuda" not in line and "median" not in line.split("too few for a median")[0]
    assert line.endswith(f"too few for a median: Canada {rates['CAN']:.1f} and Mexico {rates['MEX']:.1f}.")


@pytest.mark.parametrize(
    ("people", "text"),
    [
        (1_397_028_553, "1.40 billion"),
        (48_228_704, "48 million"),
        (5_200_000, "5.2 million"),
        (386_838, "387 thousand"),
    ],
)
def test_populations_are_rounded_to_what_an_estimate_supports(people, text):
    from drugflows import wording

    assert wording.people_text(people) == text


def test_china_population_finding_from_the_raw_file(profile_data):
    raw = pd.read_csv(
        paths.SHARED_DATA_DIR / "owid" / "Population by country, 1800 to 2100 (Gapminder & UN).csv"
    )
    china = raw[(raw["Entity"] == "China") & (raw["Year"] == 2015)].iloc[0, 2]
    lines = country_profile.reading("CHN", profile_data)
    assert (
        f"Population: {china / 1e9:.2f} billion in 2015, the latest estimate on file (UN World Population "
        "Prospects 2017)."
    ) in lines
    assert not any(re.search(r"\d\.0 million|\d{1,3},\d{3}\.\d million", line) for line in lines)


@pytest.mark.parametrize("iso3", ["FJI", "BRB", "ARG", "AFG", "USA"])
def test_findings_read_well_for_countries_with_little_data(iso3, profile_data):
    lines = country_profile.reading(iso3, profile_data)
    assert lines and all(line.endswith(".") and not line.endswith("..") for line in lines)
    text = " ".join(lines)
    assert not re.search(r"\bnan\b|\bNone\b|e-0\d|\(\)|  ", text)
    assert text.count("Population:") == 1


def test_fiji_says_plainly_what_is_missing(profile_data):
    assert (
        "Not on file for Fiji: coca or opium poppy cultivation estimates; seizures of cocaine, heroin, "
        "methamphetamine or fentanyl reported to UNODC; drug prices (each section below says so)."
    ) in country_profile.reading("FJI", profile_data)


def test_the_finding_builders_are_one_list_each():
    assert country_profile.seizure_findings in country_profile.FINDING_BUILDERS
    assert region_profile.homicide_region_findings in region_profile.REGION_FINDING_BUILDERS


def test_region_homicide_finding_uses_one_common_year_from_the_raw_file():
    data = region_profile.load()
    args = (data["countries"], data["country_indicators"], data["unodc_seizures"], data["us_assistance"])
    table = region_profile.member_comparison("Southern Cone and Brazil", *args)
    lines = region_profile.reading("Southern Cone and Brazil", data, table)
    raw = raw_homicide()
    members = raw[raw["Code"].isin(["ARG", "BRA", "CHL", "FLK", "PRY", "SGS", "URY"])]
    counts = members.groupby("Year")["Code"].nunique()
    year = int(counts[counts >= members["Code"].nunique() / 2].index.max())
    that = members[members["Year"] == year].set_index("Entity")["rate"].sort_values()
    assert (
        f"Homicide rate in {year}, the latest year most members report: median {that.median():.1f} per "
        f"100,000 people across the {len(that)} members with a rate; highest {that.index[-1]} "
        f"({that.iloc[-1]:.1f}), lowest {that.index[0]} ({that.iloc[0]:.1f})."
    ) in lines


def test_region_table_values_carry_their_years_and_headings_their_units():
    data = region_profile.load()
    args = (data["countries"], data["country_indicators"], data["unodc_seizures"], data["us_assistance"])
    shown = region_profile.comparison_table(region_profile.member_comparison("Andean region", *args))
    raw = raw_homicide()
    colombia = raw[raw["Code"] == "COL"].set_index("Year")["rate"]
    cell = shown.set_index("Country").loc["Colombia", "Homicides per 100,000 people"]
    assert cell == f"{colombia.iloc[-1]:.1f} ({colombia.index[-1]})"
    for column in shown.columns[1:-1]:
        assert shown[column].str.fullmatch(r"–|[-+]?[\d,.]+ \(\d{4}\)").all(), column
    assert region_profile.COCAINE_HEADING.endswith(", kg")
    ranking = region_profile.homicide_ranking(region_profile.member_comparison("Andean region", *args))
    assert all(re.search(r" \(\d{4}\)$", label) for label in ranking.index)


def test_mexico_price_finding_from_the_raw_unodc_prices(profile_data):
    raw = pd.read_json(paths.SHARED_DATA_DIR / "unodc" / "Before_Prices_of_drugs.json")
    retail = raw[
        (raw["Country/Territory"] == "Mexico")
        & (raw["Year"] == 2021)
        & (raw["LevelOfSale"] == "Retail")
        & (raw["Unit"] == "g")
    ]
    per_gram = retail.groupby("Drug")["Typical_USD"].median()
    line = next(x for x in country_profile.reading("MEX", profile_data) if x.startswith("Prices"))
    cocaine = float(f"{per_gram['Cocaine hydrochloride']:.3g}")
    heroin = float(f"{per_gram['Heroin']:.3g}")
    assert line.startswith(
        f"Prices in 2021: cocaine hydrochloride US${cocaine:g} per gram (retail), heroin US${heroin:g} per "
        "gram (retail)"
    )
    assert "cannabis" not in line and line.endswith("1 more drug in the price table below.")


def test_mexico_profile_gives_its_ofac_entries_and_registered_homicides(profile_data):
    data = {**profile_data, **country_profile.country_tables("MEX")}
    lines = country_profile.reading("MEX", data)
    ofac = next(x for x in lines if x.startswith("OFAC"))
    designations = profile_data["ofac_narcotics_designations"]
    mexico = designations[designations["iso3"] == "MEX"]
    assert f"places {len(mexico):,} entries in Mexico" in ofac and "3 May 2024" in ofac
    assert f"Kingpin Act (SDNTK) {int(mexico['sdntk'].sum()):,}" in ofac
    assert f"{int((mexico['sdn_type'] == 'individual').sum()):,} individuals" in ofac
    # ../shared/data/mexico_sesnsp/SOURCE.md: 34,723 victims of intentional homicide in 2019, the peak
    sesnsp = next(x for x in lines if x.startswith("Mexico's state prosecutors"))
    assert "the peak complete year on file was 2019 (about 34,700)" in sesnsp
    assert "not death certificates" in sesnsp
    # Only Mexico's profile reads the SESNSP table
    assert country_profile.tables_for("COL") == country_profile.TABLES
    assert "mexico_victims_monthly" in country_profile.tables_for("MEX")


def test_colombia_profile_names_its_precursor_seizures_from_the_raw_file(profile_data):
    raw = pd.read_excel(paths.SHARED_DATA_DIR / "unodc" / "drug_seizures_2018_2022.xlsx", header=1)
    acetone = raw[(raw["msCode"] == "COL") & (raw["DrugName"] == "Acetone") & (raw["Reference year"] == 2022)]
    kg = float(f"{acetone['Kilograms'].sum():.3g}")  # 877,996 kg, to three significant figures
    line = next(x for x in country_profile.reading("COL", profile_data) if x.startswith("Precursor"))
    assert f"acetone {kg:,.0f} kg in 2022 (cocaine, also heroin and methamphetamine)" in line


def test_a_country_without_designations_or_precursors_gets_no_such_line(profile_data):
    lines = country_profile.reading("FJI", profile_data)
    assert not any(x.startswith(("OFAC", "Precursor", "Mexico's state")) for x in lines)


def raw_unodc_2018_2022() -> pd.DataFrame:
    return pd.read_excel(paths.SHARED_DATA_DIR / "unodc" / "drug_seizures_2018_2022.xlsx", header=1)


def test_stale_and_tiny_seizures_are_not_headlines(profile_data):
    # Bolivia's last heroin seizure in the historical series is from the 1990s (0.76 kg): too old.
    old = pd.read_excel(paths.SHARED_DATA_DIR / "unodc" / "seizures_unodc.xlsx")
    old[["country", "drug_group"]] = old[["country", "drug_group"]].ffill()
    heroin = old[old["country"].str.startswith("Bolivia") & (old["drug"] == "Heroin")]
    years = [int(float(c)) for c in heroin.columns[5:] if heroin[c].notna().any()]
    recent = raw_unodc_2018_2022()
    bolivia_recent = recent[(recent["msCode"] == "BOL") & (recent["DrugName"] == "Heroin")]
    assert max(years) < recent["Reference year"].max() - country_profile.HEADLINE_YEARS
    assert bolivia_recent["Kilograms"].sum() < 1  # nothing of 1 kg or more since
    assert not any(x.startswith("Heroin seized") for x in country_profile.reading("BOL", profile_data))
    # China's fentanyl: 0.00003 kg in 2022 in the export, no headline.
    china = recent[(recent["msCode"] == "CHN") & (recent["DrugName"] == "Fentanyl")]
    assert china.loc[china["Reference year"] == 2022, "Kilograms"].sum() < 0.001
    china_lines = country_profile.reading("CHN", profile_data)
    assert not any(x.startswith("Fentanyl seized") for x in china_lines)
    # Canada's ephedrine: 0 kg in 2018 and 2019, no precursor headline.
    canada = recent[(recent["msCode"] == "CAN") & recent["DrugName"].str.contains("phedrine", na=False)]
    assert (canada["Kilograms"] == 0).all()
    assert not any("ephedrine" in x.lower() for x in country_profile.reading("CAN", profile_data))
    for iso3 in ("BRA", "ARG", "JAM", "AFG"):
        text = " ".join(country_profile.reading(iso3, profile_data))
        assert "less than 0.01 kg" not in text and " 0 kg" not in text


def test_mexico_fentanyl_headline_from_the_raw_export_says_what_it_leaves_out(profile_data):
    recent = raw_unodc_2018_2022()
    mexico = recent[(recent["msCode"] == "MEX") & (recent["DrugName"] == "Fentanyl")]
    kg = mexico.groupby("Reference year")["Kilograms"].sum()
    line = next(x for x in country_profile.reading("MEX", profile_data) if x.startswith("Fentanyl seized"))
    assert line.startswith(
        f"Fentanyl seized: {round(kg[2022], -1):,.0f} kg in 2022 according to the UNODC data portal export "
        "(2018-2022) (UNODC's export does not capture fentanyl-related substances or precursors), "
        f"{kg[2022] / kg[2018]:.0f} times the {kg[2018]:,.0f} kg in 2018;"
    )


def test_cultivation_headline_is_recent_named_and_latest_first(profile_data):
    figures = pd.read_csv(paths.SHARED_DATA_DIR / "published_figures" / "figures.csv")
    afg = figures[
        (figures["series"] == "opium_poppy_cultivation")
        & (figures["country_iso3"] == "AFG")
        & (figures["year"] == 2023)
    ]
    lines = country_profile.reading("AFG", profile_data)
    # Only UNODC's 2023 figure: ONDCP's 2004 estimate is too old, the unnamed quotation has no estimator.
    assert (
        f"Opium poppy cultivation: {afg['value'].iloc[0]:,.0f} ha in 2023 (UNODC, published 2023)." in lines
    )
    text = " ".join(
        line
        for iso3 in ("AFG", "MEX", "PER", "BOL", "COL")
        for line in country_profile.reading(iso3, profile_data)
    )
    assert "Unnamed estimator" not in text and "in 2007 (UNODC" not in text
    peru = next(
        x for x in country_profile.reading("PER", profile_data) if x.startswith("Coca bush cultivation")
    )
    years = [int(y) for y in re.findall(r" ha in (\d{4})", peru)]
    assert years == sorted(years, reverse=True) and len(years) >= 2


def test_counts_take_the_right_number():
    from drugflows import wording

    assert wording.count_text(1, "entry") == "1 entry"
    assert wording.count_text(438, "entry") == "438 entries"
    assert wording.count_text(1, "individual") == "1 individual"
    assert wording.count_text(2, "entity") == "2 entities"
    assert wording.count_text(3, "aircraft") == "3 aircraft"
    assert wording.count_text(1_200, "more drug") == "1,200 more drugs"


def test_no_profile_prints_a_singular_count_with_a_plural_noun(profile_data):
    for iso3 in ("BOL", "USA", "BRA", "CAN", "MEX", "COL", "PER"):
        text = " ".join(country_profile.reading(iso3, profile_data))
        assert not re.search(
            r"(?<![\d,.])1 (entries|individuals|entities|vessels|more drugs|more chemicals)", text
        )
    bolivia = next(x for x in country_profile.reading("BOL", profile_data) if x.startswith("OFAC"))
    assert "places 1 entry in Bolivia (1 individual;" in bolivia


def test_the_fiscal_year_in_progress_a_year_after_is_not_taken_as_complete():
    assert domain_assistance.complete_fiscal_year(pd.Timestamp("2025-02-01")) == 2023
    assert domain_assistance.complete_fiscal_year(pd.Timestamp("2025-10-15")) == 2024


def test_a_broken_countries_table_is_a_clear_catalog_error(tmp_path, monkeypatch):
    import shutil

    processed = tmp_path / "processed"
    shutil.copytree(paths.processed_dir(), processed)
    (processed / "countries.csv").write_text("garbage\n")
    monkeypatch.setenv("DRUGFLOWS_PROCESSED_DIR", str(processed))
    with pytest.raises(catalog.CatalogError, match=r"country_profile\.generate: 'countries' needs"):
        catalog.load_catalog()
