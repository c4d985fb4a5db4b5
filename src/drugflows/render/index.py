"""``reports/index.html``: every report with its parameters, status, duration, vintages and link."""

from __future__ import annotations

import itertools

import jinja2

from drugflows.render.html import TEMPLATES_DIR


def render_index(manifest: dict) -> str:
    """HTML of the index page for a manifest (see ``runner.write_manifest_and_index``)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "site"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    reports = sorted(manifest["reports"].values(), key=lambda r: (r["theme"], r["notebook"]))
    groups = [(theme or "Reports", list(items)) for theme, items in
              itertools.groupby(reports, key=lambda r: r["theme"])]
    failed = sum(r["status"] != "ok" for r in reports)
    return env.get_template("index.html.j2").render(
        groups=groups, total=len(reports), failed=failed, generated=manifest["generated"],
        commit=manifest.get("commit"))
