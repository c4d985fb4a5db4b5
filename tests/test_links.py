"""Links from the profiles to the reports that cover them: computed by the runner from the catalog being
rendered, passed to the notebooks as a parameter, covered by the input key."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest
import yaml

from drugflows.render import catalog, links, runner


@pytest.fixture(scope="module")
def specs():
    return catalog.load_catalog()


def hrefs(specs, key: str) -> list[str]:
    return [href for _, href in links.related_reports(specs, specs)[key]]


def test_the_default_catalog_gives_the_links_the_notebooks_computed_before(specs):
    # The hrefs profiles.related_reports gave inside the notebooks before the runner computed them.
    assert hrefs(specs, "country_profile/col") == [
        "../trafficking_flows/cocaine.html",
        "../trafficking_flows/heroin.html",
        "../source_countries/coca.html",
        "../colombia_eradication/lag-1.html",
        "../colombia_eradication/lag-2.html",
        "../partnership_outcomes/plan-colombia.html",
        "../cost_effectiveness/plan-colombia.html",
        "../threat_finance/all-programs.html",  # OFAC's list places entries in Colombia
        "../region_profile/andean-region.html",
    ]
    assert hrefs(specs, "country_profile/mex") == [
        "../border_seizures/fentanyl-southwest-border.html",
        "../border_seizures/methamphetamine-southwest-border.html",
        "../border_seizures/cocaine-southwest-border.html",
        "../border_seizures/heroin-southwest-border.html",
        "../border_seizures/marijuana-southwest-border.html",
        "../trafficking_flows/cocaine.html",
        "../trafficking_flows/fentanyl.html",
        "../trafficking_flows/methamphetamine.html",
        "../trafficking_flows/heroin.html",
        "../source_countries/opium-poppy.html",
        "../partnership_outcomes/merida-initiative.html",
        "../threat_finance/all-programs.html",
        "../threat_finance/mexico.html",
        "../mexico_violence/intentional-homicide.html",
        "../mexico_violence/extortion-corridor-states.html",
        "../region_profile/mexico-and-north-america.html",
    ]
    assert hrefs(specs, "region_profile/central-america") == [
        "../country_profile/blz.html",
        "../country_profile/cri.html",
        "../country_profile/gtm.html",
        "../country_profile/hnd.html",
        "../country_profile/nic.html",
        "../country_profile/pan.html",
        "../country_profile/slv.html",
        "../region_profile/central-america.html",
    ]
    canada = hrefs(specs, "country_profile/can")
    assert "../border_seizures/fentanyl-northern-border.html" in canada
    assert not any("southwest" in href for href in canada)
    titles = dict((href, title) for title, href in links.related_reports(specs, specs)["country_profile/col"])
    assert titles["../partnership_outcomes/plan-colombia.html"] == next(
        s.title for s in specs if s.key == "partnership_outcomes/plan-colombia"
    )


def test_a_subset_catalog_links_only_to_its_runs(specs):
    subset = [
        s
        for s in specs
        if s.key
        in ("country_profile/col", "source_countries/coca", "border_seizures/fentanyl-southwest-border")
    ]
    assert hrefs(subset, "country_profile/col") == ["../source_countries/coca.html"]
    # Rendering a selection of a catalog (--only) still links into the whole catalog.
    only_col = [s for s in specs if s.key == "country_profile/col"]
    assert links.related_reports(only_col, subset) == links.related_reports(subset, subset)


def test_profiles_get_their_links_as_a_runner_parameter_and_others_none(specs):
    linked = {s.key: s for s in links.with_related_reports(specs, specs)}
    col = linked["country_profile/col"]
    assert col.parameters == {"country": "COL"}  # the header and index show the catalog's only
    assert [href for _, href in col.runner_parameters[links.PARAMETER]] == hrefs(specs, "country_profile/col")
    assert linked["us_demand/cocaine"].runner_parameters == {}
    # The strategy check gets every other report of the catalog, and picks the ones it cites.
    strategy = linked["strategy_check/latest"].runner_parameters[links.PARAMETER]
    assert [href for _, href in strategy] == [
        f"../{s.notebook}/{s.name}.html" for s in specs if s.notebook != "strategy_check"
    ]


def test_the_input_key_of_a_profile_changes_when_a_covering_run_is_added(specs):
    def key_of_col(catalog_specs):
        spec = next(s for s in links.with_related_reports(catalog_specs, catalog_specs) if s.name == "col")
        return runner.input_key(spec, None, ["countries", "crop_estimates", "unodc_seizures"])

    base = [s for s in specs if s.notebook != "trafficking_flows"]
    cocaine = next(s for s in specs if s.key == "trafficking_flows/cocaine")
    fentanyl_north = next(s for s in specs if s.key == "border_seizures/fentanyl-northern-border")
    assert key_of_col([*base, cocaine]) != key_of_col(base)  # Colombia seizes cocaine: a new link
    assert key_of_col([*base, fentanyl_north]) == key_of_col(base) != ""  # a report on Canada: none


def test_an_unknown_country_gets_no_links_and_the_notebook_refuses_it():
    spec = catalog.ReportSpec(
        notebook="country_profile", name="x", title="x", parameters={"country": "Narnia"}
    )
    assert links.related_reports([spec], [spec]) == {"country_profile/x": []}


@pytest.mark.slow
def test_a_rendered_profile_lists_the_links_of_its_catalog(tmp_path):
    doc = {
        "notebooks": {
            "country_profile": {
                "title": "Country profile: {country}",
                "runs": [{"name": "col", "parameters": {"country": "COL"}}],
            },
            "source_countries": {
                "title": "Crops: {crop}",
                "runs": [{"name": "coca", "parameters": {"crop": "coca"}}],
            },
        }
    }
    (tmp_path / "catalog.yml").write_text(yaml.safe_dump(doc))
    out = tmp_path / "reports"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "drugflows",
            "render",
            "--catalog",
            str(tmp_path / "catalog.yml"),
            "--output",
            str(out),
            "--only",
            "country_profile",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    html = (out / "country_profile" / "col.html").read_text()
    assert '<a href="../source_countries/coca.html">Crops: coca</a>' in html
    assert "../partnership_outcomes/" not in html and "../region_profile/" not in html
    manifest = json.loads((out / "manifest.json").read_text())["reports"]
    assert manifest["country_profile/col"]["parameters"] == {"country": "COL"}
    executed = nbformat.read(out / "country_profile" / "col.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'related_reports = [["Crops: coca", "../source_countries/coca.html"]]' in injected.source


@pytest.mark.parametrize("notebook", ["country_profile", "region_profile"])
def test_the_profile_notebooks_do_not_import_the_runner(notebook):
    from drugflows import paths

    text = (paths.NOTEBOOKS_DIR / f"{notebook}.ipynb").read_text()
    assert "drugflows.render" not in text and "load_catalog" not in text
    cell = next(
        c for c in nbformat.reads(text, as_version=4).cells if "parameters" in c.metadata.get("tags", [])
    )
    assert "related_reports = None" in cell.source


@pytest.mark.slow
def test_a_hand_run_says_the_runner_adds_the_links(tmp_path):
    import papermill

    from drugflows import paths

    # Not the notebook's default region: nbval executes that one as it is.
    executed = papermill.execute_notebook(
        paths.NOTEBOOKS_DIR / "region_profile.ipynb",
        tmp_path / "out.ipynb",
        parameters={"region": "Caribbean"},
        kernel_name="python3",
        cwd=paths.NOTEBOOKS_DIR,
        progress_bar=False,
    )
    text = "\n".join(
        o["data"].get("text/markdown", "")
        for c in executed.cells
        for o in c.get("outputs", [])
        if "data" in o
    )
    assert "Links to the region's country profiles are added when the runner renders the profile." in text
    assert "../country_profile/" not in text


def test_a_profile_run_without_parameters_links_as_the_notebook_default(specs):
    from drugflows import paths
    from drugflows.render import inputs

    assert inputs.parameter_defaults(paths.NOTEBOOKS_DIR / "country_profile.ipynb") == {
        "country": "COL",
        "related_reports": None,
    }
    default = catalog.ReportSpec(notebook="country_profile", name="default", title="Country profile")
    assert (
        links.related_reports([default], specs)["country_profile/default"]
        == (links.related_reports(specs, specs)["country_profile/col"])
    )


@pytest.mark.parametrize(
    "value",
    [
        "../x.html",
        [["Title", "javascript:alert(1)"]],
        [["Title", "https://example.org/x.html"]],
        [["Title", "//example.org/x.html"]],
        [["Title", "/etc/x.html"]],
        [["Title", "../border_seizures/x.ipynb"]],
        [["only a title"]],
        [[1, "../x.html"]],
    ],
)
def test_the_links_parameter_takes_relative_report_pages_only(value):
    from drugflows import params

    with pytest.raises(params.ParameterError, match="related_reports"):
        params.links("related_reports", value)


def test_the_links_parameter_keeps_the_runners_links():
    from drugflows import params

    given = [["Source countries: coca", "../source_countries/coca.html"]]
    assert params.links("related_reports", given) == [
        ("Source countries: coca", "../source_countries/coca.html")
    ]
    assert params.links("related_reports", None) is None
