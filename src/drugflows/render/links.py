"""Links between reports: which reports of the catalog being rendered cover a profile's country or region.

The runner computes them from the catalog (never the notebook) and passes them to the profile notebooks
as the parameter :data:`PARAMETER`, a list of ``[title, href]`` pairs with hrefs relative to the
profile's folder; so the links follow ``--catalog`` and the input key covers them.
"""

from __future__ import annotations

import dataclasses

from drugflows.render.catalog import RELATED_REPORTS, ReportSpec
from drugflows.render.inputs import parameter_defaults

PARAMETER = RELATED_REPORTS
PROFILE_NOTEBOOK = "country_profile"
REGION_NOTEBOOK = "region_profile"
#: The report that links to every other report of the catalog (it picks, per claim, the ones it cites).
STRATEGY_NOTEBOOK = "strategy_check"


def covering_reports(
    specs: list[ReportSpec],
    iso3: str | None,
    region: str | None,
    crops: list[str],
    seized: set[str],
    designated: bool = False,
) -> list[list[str]]:
    """[title, href] of the reports of ``specs`` that cover the country ``iso3`` (or, for ``iso3``
    None, the region), given the crops grown there, the drugs it reported seizing and whether OFAC's
    narcotics list places any entry there (``designated``)."""
    from drugflows.domain.outcomes import PROGRAMS

    covered = []
    for spec in specs:
        p = spec.parameters
        if spec.notebook == "partnership_outcomes":
            program = PROGRAMS.get(p.get("program"), {})
            chosen = p.get("country") or program.get("countries", [])
            hit = iso3 in ([chosen] if isinstance(chosen, str) else chosen)
        elif spec.notebook == "source_countries":
            hit = p.get("crop") in crops
        elif spec.notebook in ("colombia_eradication", "cost_effectiveness"):
            hit = iso3 == "COL"
        elif spec.notebook == "border_seizures":
            hit = (iso3 == "MEX" and p.get("region") == "Southwest Border") or (
                iso3 == "CAN" and p.get("region") == "Northern Border"
            )
        elif spec.notebook == "trafficking_flows":
            hit = p.get("drug") in seized
        elif spec.notebook == "threat_finance":
            chosen = p.get("countries")
            if chosen is None and p.get("region") is None:
                hit = designated
            else:
                hit = iso3 is not None and iso3 in ([chosen] if isinstance(chosen, str) else chosen or [])
        elif spec.notebook == "mexico_violence":
            hit = iso3 == "MEX"
        elif spec.notebook == REGION_NOTEBOOK:
            hit = region is not None and p.get("region") == region
        elif spec.notebook == PROFILE_NOTEBOOK:
            hit = iso3 is None and spec.region == region
        else:
            hit = False
        if hit:
            covered.append([spec.title, f"../{spec.notebook}/{spec.name}.html"])
    return covered


def related_reports(specs: list[ReportSpec], catalog: list[ReportSpec]) -> dict[str, list[list[str]]]:
    """The links of every profile among ``specs`` to the reports of ``catalog`` that cover it, by
    report key. A profile whose country or region the notebook will refuse gets none. The strategy
    check gets every report of ``catalog`` but itself."""
    links = {
        spec.key: [
            [s.title, f"../{s.notebook}/{s.name}.html"] for s in catalog if s.notebook != STRATEGY_NOTEBOOK
        ]
        for spec in specs
        if spec.notebook == STRATEGY_NOTEBOOK
    }
    profiles_to_link = [s for s in specs if s.notebook in (PROFILE_NOTEBOOK, REGION_NOTEBOOK)]
    if not profiles_to_link:
        return links
    from drugflows import params, tables
    from drugflows.countries import region_groups
    from drugflows.domain.crops import CROPS, crop_countries
    from drugflows.domain.drugs import DRUGS
    from drugflows.domain.seizures import unodc_series

    countries = tables.load("countries")
    estimates, unodc = tables.load("crop_estimates"), tables.load("unodc_seizures")
    grown = {crop: set(crop_countries(estimates, crop)) for crop in CROPS}
    seized_by = {drug: set(unodc_series(unodc, drug)["iso3"]) for drug in DRUGS}
    region_of = countries.set_index("iso3")["region_group"]
    designated_in = set(tables.load("ofac_narcotics_designations")["iso3"].dropna())
    for spec in profiles_to_link:
        chosen = {**parameter_defaults(spec.input_path), **spec.parameters}
        try:
            if spec.notebook == PROFILE_NOTEBOOK:
                iso3 = params.country("country", chosen.get("country"), countries)
                region = region_of[iso3]
            else:
                iso3 = None
                region = params.choose("region", chosen.get("region"), region_groups(countries))
        except params.ParameterError:
            links[spec.key] = []
            continue
        crops = [crop for crop in CROPS if iso3 in grown[crop]]
        seized = {drug for drug in DRUGS if iso3 and iso3 in seized_by[drug]}
        links[spec.key] = covering_reports(catalog, iso3, region, crops, seized, iso3 in designated_in)
    return links


def with_related_reports(specs: list[ReportSpec], catalog: list[ReportSpec]) -> list[ReportSpec]:
    """``specs`` with each profile's links to ``catalog`` in its runner parameters."""
    links = related_reports(specs, catalog)
    return [
        dataclasses.replace(s, runner_parameters={**s.runner_parameters, PARAMETER: links[s.key]})
        if s.key in links
        else s
        for s in specs
    ]
