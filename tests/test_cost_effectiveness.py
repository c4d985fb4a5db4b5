"""The cost chain held against the raw municipal panel and Mejia and Restrepo (2016)'s figures:
money and spraying over the same years, the spraying coefficient with its interval carried to a
range, the paper's numbers quoted as published and the implied share labelled as worked backwards."""

from __future__ import annotations

import pandas as pd
import pytest

from drugflows import paths
from drugflows.domain import assistance as domain_assistance
from drugflows.reports import cost_effectiveness as ce

SHARED = paths.SHARED_DATA_DIR


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return ce.load()


@pytest.fixture(scope="module")
def setup(data) -> ce.Setup:
    return ce.validate(
        2000, 2008, 0.5, None, [0.01], ["COL", "PER"], 2000, 2019, data["countries"], data["us_assistance"]
    )


@pytest.fixture(scope="module")
def chain(data, setup):
    avoided, note, interval = ce.coca_avoided(setup, data["colombia_municipal_coca"])
    links = ce.colombia_links(
        data["us_assistance"],
        data["crop_estimates"],
        data["unodc_seizures"],
        setup.years,
        0.5,
        avoided,
        interval,
        sprayed_ha=ce.sprayed_by_year(data["colombia_municipal_coca"]),
    )
    return links.set_index("policy"), avoided, note, interval


def test_sprayed_hectares_and_money_cover_the_same_years(data, chain):
    links = chain[0]
    raw = pd.read_csv(
        f"{SHARED}/colombia/dataset_paper3_v2.csv", encoding="mac_roman", usecols=["year", "asp_"]
    )
    sprayed = raw.groupby("year")["asp_"].sum()
    assert sprayed[2006] == pytest.approx(172_025, abs=1) and sprayed[2008] == pytest.approx(133_496, abs=1)
    erad = links.loc["eradication"]
    assert erad["years"] == "2001-2008"  # the panel starts in 2001: fiscal 2000 is not counted
    assert erad["effort"] == pytest.approx(sprayed.loc[2001:2008].sum())
    state = domain_assistance.greenbook_counternarcotics(data["us_assistance"], "COL")["State"]
    assert erad["usd"] == pytest.approx(state.loc[2001:2008].sum() * 0.5)


def test_spraying_interval_is_carried_to_the_links(chain):
    links, avoided, note, interval = chain
    assert interval[0] < 0 < avoided < interval[1]  # spraying: not distinguishable from zero
    assert not ce.estimable(interval) and ce.estimable(None) and ce.estimable((0.01, 0.2))


def test_paper_figures_quoted_as_published_and_implied_share_labelled(chain, setup):
    links, avoided, note, _ = chain
    lines = ce.reading(links.reset_index(), avoided, note, setup)
    implied = next(line for line in lines if "worked backwards" in line)
    # Mejia and Restrepo (2016), abstract: US$940,000 and US$175,000 per kilogram
    assert "US\\$940,000" in implied and "US\\$175,000" in implied  # 940,000: quoted, no share worked out
    assert implied.startswith("What the paper's numbers imply") and "not a finding" in implied
    assert all("$" not in line.replace("\\$", "") for line in lines)  # every dollar sign escaped
    assert "What the paper's number implies: retail share" in ce.chain_table(links.reset_index()).columns


def test_money_in_sensible_units():
    assert ce.usd(90_400_000) == "US\\$90 million"
    assert ce.usd(940_000) == "US\\$940,000"
    assert ce.usd(1_234_000_000) == "US\\$1.2 billion"
    assert ce.usd(1_906.7, markdown=False) == "US$1,900"


def test_accounting_counts_only_years_with_complete_eradication(data, setup):
    table = ce.accounting(
        data["us_assistance"], data["crop_estimates"], data["unodc_seizures"], ["COL"], (2000, 2019)
    ).iloc[0]
    # manual eradication was not recorded in 2001-2003: those years' totals are incomplete
    assert table["eradication_years"] == "2004-2019"
    money = (
        domain_assistance.greenbook_counternarcotics(data["us_assistance"], "COL").loc[2004:2019].sum().sum()
    )
    assert table["usd_per_ha_eradicated"] == pytest.approx(money / table["ha_eradicated"])


def test_years_without_spraying_are_refused(data):
    # aerial spraying stopped in October 2015: the raw panel has none in 2016-2017
    raw = pd.read_csv(
        f"{SHARED}/colombia/dataset_paper3_v2.csv", encoding="mac_roman", usecols=["year", "asp_"]
    )
    assert raw.groupby("year")["asp_"].sum().loc[2016:2017].eq(0).all()
    with pytest.raises(ce.params.ParameterError, match="no year with aerial spraying"):
        ce.colombia_links(
            data["us_assistance"],
            data["crop_estimates"],
            data["unodc_seizures"],
            (2016, 2017),
            0.5,
            0.1,
            sprayed_ha=ce.sprayed_by_year(data["colombia_municipal_coca"]),
        )


def test_a_set_avoided_figure_has_no_interval_in_the_headline(data):
    setup = ce.validate(
        2004, 2012, 0.5, 0.1, [0.01], ["COL"], 2000, 2019, data["countries"], data["us_assistance"]
    )
    avoided, note, interval = ce.coca_avoided(setup, data["colombia_municipal_coca"])
    assert (avoided, note, interval) == (0.1, "set in the parameters", None)
    links = ce.colombia_links(
        data["us_assistance"], data["crop_estimates"], data["unodc_seizures"], setup.years, 0.5, avoided
    )
    lines = ce.reading(links, avoided, note, setup)
    assert "without an interval" in lines[2] and "within the interval" not in " ".join(lines)
    assert lines[1].startswith(
        "Taking 0.10 hectares of coca avoided a year later per hectare sprayed (set as a parameter of "
        "this report), an assumption and not a finding"
    )
    assert not any("coca_avoided_per_ha" in line for line in lines)  # no raw key in a headline
    assert lines[3].startswith("Side by side, not as a ratio") and "times as surely" not in " ".join(lines)


def test_greenbook_money_is_named_for_its_accounts_not_called_counter_narcotics(chain, setup):
    """The State money of the chain is INCLE plus the Andean Counterdrug Initiative, by the raw
    file's accounts; the accounting chart says so and that INCLE is more than counter-narcotics."""
    links, avoided, note, _ = chain
    raw = pd.read_csv(
        f"{SHARED}/foreign_assistance/greenbook_counternarcotics_accounts.csv", dtype={"Fiscal Year": str}
    )
    rows = raw[(raw["Country"] == "Colombia") & raw["Fiscal Year"].isin([str(y) for y in range(2001, 2009)])]
    state = rows[rows["Funding Agency"].str.contains("State")]
    assert set(state["Funding Account Name"]) <= set(domain_assistance.accounts_of("State"))
    erad = links.loc["eradication"]
    assert erad["usd"] == pytest.approx(state["Obligations (Constant Dollars)"].sum() * 0.5, rel=1e-9)
    line = ce.reading(links.reset_index(), avoided, note, setup)[0]
    assert "With 50% of State's INCLE and Andean Counterdrug Initiative obligations to Colombia" in line
    caveat = ce.per_kg_caveat(setup)
    assert caveat.startswith("INCLE, Andean Counterdrug Initiative, DoD counter-drug and DEA obligations")
    assert "more than counter-narcotics money" in caveat and "counter-narcotics" not in ce.PER_KG_TITLE


def test_both_policies_use_one_window_and_say_their_kilograms(data, chain):
    """Spraying money and seizure money over the same fiscal years (2001-2008: the municipal
    panel's spraying starts in 2001, so fiscal 2000 drops out of both), against the raw Greenbook
    and UNODC files; the kilograms are named pure (spraying) and bulk (seizures), never divided."""
    links = chain[0]
    assert links.loc["eradication", "years"] == links.loc["interdiction", "years"] == "2001-2008"
    raw = pd.read_csv(
        f"{SHARED}/foreign_assistance/greenbook_counternarcotics_accounts.csv", dtype={"Fiscal Year": str}
    )
    raw = raw[(raw["Country"] == "Colombia") & raw["Fiscal Year"].str.fullmatch(r"\d{4}")]
    raw["fy"] = raw["Fiscal Year"].astype(int)
    money = raw[raw["fy"].between(2001, 2008)]
    constant = "Obligations (Constant Dollars)"
    state = money[money["Funding Agency"].str.contains("State", na=False)][constant].sum()
    defense = money[money["Funding Account Name"].str.contains("Defense", na=False)][constant].sum()
    unodc = pd.read_excel(f"{SHARED}/unodc/seizures_unodc.xlsx")
    unodc.columns = [str(c).removesuffix(".0") for c in unodc.columns]  # years read as 2001.0
    unodc[["country", "drug_group"]] = unodc[["country", "drug_group"]].ffill()
    cocaine = unodc[(unodc["country"] == "Colombia") & (unodc["drug_group"] == "Cocaine-type")]
    cocaine = cocaine[cocaine["drug"].isin(["Cocaine (base, paste and salts)", "Other coca/cocaine type"])]
    kg = cocaine[[str(y) for y in range(2001, 2009)]].sum().sum()
    assert kg == pytest.approx(1_379_094.8, abs=1)  # 1,375,982 kg + 3,113 kg "other" (2005)
    assert links.loc["interdiction", "effort"] == pytest.approx(kg)
    assert links.loc["interdiction", "usd"] == pytest.approx(defense + 0.5 * state, rel=1e-6)
    assert links.loc["eradication", "usd"] == pytest.approx(0.5 * state, rel=1e-6)
    assert "pure cocaine" in links.loc["eradication", "kg_unit"]
    assert "bulk weight" in links.loc["interdiction", "kg_unit"]


def test_a_spraying_interval_through_zero_gives_no_cost_per_kilogram(chain, setup):
    """The spraying coefficient on the raw panel is not distinguishable from zero (see
    test_partnership_outcomes): no cost per kilogram, no implied eradication share, no ratio."""
    links, avoided, note, interval = chain
    assert interval[0] < 0 < interval[1]
    erad = links.loc["eradication"]
    assert pd.isna(erad["upstream_kg_per_unit"]) and pd.isna(erad["implied_retail_share"])
    lines = ce.reading(links.reset_index(), avoided, note, setup)
    text = " ".join(lines)
    assert lines[1].startswith("No estimate of a cost per kilogram through spraying")
    assert "cannot be told from zero (or from an increase)" in lines[1]
    assert "per kilogram less in Colombia" not in text and "times as surely" not in text
    assert "fiscal 2000, the Plan Colombia supplemental, is left out of both" in lines[0]
    assert set(ce.sensitivity_curves(links.reset_index(), [0.01])["policy"]) == {"interdiction"}


def _raw_chain_inputs():
    """State and Defense obligations to Colombia (Greenbook, constant US$), hectares sprayed (raw
    municipal panel) and kg of cocaine-type drugs seized (UNODC), fiscal 2001-2008, and UNODC's
    potential production over cultivation (kg/ha) from the published figures, all read directly."""
    raw = pd.read_csv(
        f"{SHARED}/foreign_assistance/greenbook_counternarcotics_accounts.csv", dtype={"Fiscal Year": str}
    )
    raw = raw[(raw["Country"] == "Colombia") & raw["Fiscal Year"].str.fullmatch(r"\d{4}")]
    money = raw[raw["Fiscal Year"].astype(int).between(2001, 2008)]
    constant = "Obligations (Constant Dollars)"
    state = money[money["Funding Agency"].str.contains("State", na=False)][constant].sum()
    defense = money[money["Funding Account Name"].str.contains("Defense", na=False)][constant].sum()
    panel = pd.read_csv(
        f"{SHARED}/colombia/dataset_paper3_v2.csv", encoding="mac_roman", usecols=["year", "asp_"]
    )
    sprayed = panel.groupby("year")["asp_"].sum()
    figures = pd.read_csv(f"{SHARED}/published_figures/figures.csv")

    def unodc(series):
        rows = figures[
            (figures["series"] == series)
            & (figures["country_iso3"] == "COL")
            & (figures["estimate_by"] == "UNODC")
            & figures["year"].between(2001, 2008)
        ]
        return rows.sort_values("published_year").groupby("year")["value"].last()

    production, cultivation = unodc("cocaine_production_potential_pure"), unodc("coca_cultivation")
    yield_kg = production.sum() * 1000 / cultivation[production.index].sum()
    kg = 1_379_094.8  # test_both_policies_use_one_window_and_say_their_kilograms, from the UNODC file
    return state, defense, sprayed.loc[2001:2008].sum(), kg, yield_kg, sprayed


def test_first_heading_names_the_chain_years_and_why(chain, setup):
    """The panel has no spraying before 2001, so the chain runs on fiscal 2001-2008 of the 2000-2008
    chosen: the first heading says so, as the headline does."""
    sprayed = _raw_chain_inputs()[-1]
    assert int(sprayed[sprayed > 0].index.min()) == 2001
    assert ce.heading(chain[0].reset_index(), setup) == (
        "## Plan Colombia, fiscal 2001-2008 (the years of 2000-2008 with spraying figures, "
        "which start in 2001)"
    )


def test_cost_grid_shows_both_ends_of_each_assumption(data, chain, setup):
    """The eradication grid runs from the low end of the project's spraying interval (more coca
    after spraying: no finite cost) through zero to its high end and the assumed figures; a cell is
    the raw Greenbook money over the raw panel's hectares, over hectares avoided x UNODC's yield x
    retail share. The budget share is shown at a quarter and three quarters too, in the table and
    the first headline."""
    links, avoided, note, interval = chain
    state, defense, hectares, kg, yield_kg, _ = _raw_chain_inputs()
    assert yield_kg == pytest.approx(5.95, abs=0.005)
    grid = ce.eradication_grid(links.reset_index(), [0.01, 0.25], interval)
    low, high = float(f"{interval[0]:.2g}"), float(f"{interval[1]:.2g}")
    assert grid.index.min() == low < 0 < high and 0.0 in grid.index and high in grid.index
    assert grid.loc[low, "Row"] == "project's 95% interval, low end"
    assert grid.loc[low, "retail share 0.01"] == ce.MORE_COCA
    assert grid.loc[0.0, "retail share 0.25"] == ce.NO_FINITE_COST
    per_retail_kg = (0.5 * state / hectares) / (0.1 * yield_kg * 0.01)
    assert grid.loc[0.1, "retail share 0.01"] == f"{float(f'{per_retail_kg:.2g}'):,.0f}"
    ends = ce.budget_share_ends(links.reset_index(), 0.5).set_index(
        "Share of State's obligations counted as paying for spraying"
    )
    assert list(ends.index) == ["25% (assumption)", "50% (chosen)", "75% (assumption)"]
    assert ends.loc["25% (assumption)", "US$ per ha sprayed"] == float(f"{0.25 * state / hectares:.2g}")
    assert ends.loc["75% (assumption)", "US$ per kg seized (bulk)"] == float(
        f"{(defense + 0.25 * state) / kg:.2g}"
    )
    line = ce.reading(links.reset_index(), avoided, note, setup)[0]
    assert (
        f"from 25% to 75% of State's obligations, a hectare sprayed costs {ce.usd(0.25 * state / hectares)} "
        f"to {ce.usd(0.75 * state / hectares)} and a kilogram seized {ce.usd((defense + 0.75 * state) / kg)} "
        f"to {ce.usd((defense + 0.25 * state) / kg)}" in line
    )
