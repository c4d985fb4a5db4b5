"""Executed notebook -> self-contained HTML (nbconvert, with the project's offline template)."""

from __future__ import annotations

import functools
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

TEMPLATES_DIR = Path(__file__).parent / "templates"


@functools.cache
def exporter(show_code: bool) -> HTMLExporter:
    """An HTMLExporter on the ``drugflows`` template; code cells hidden unless ``show_code``."""
    exp = HTMLExporter(template_name="drugflows", extra_template_basedirs=[str(TEMPLATES_DIR)])
    exp.exclude_input = not show_code
    exp.exclude_input_prompt = not show_code
    exp.exclude_output_prompt = True
    exp.embed_images = True
    return exp


def notebook_to_html(nb: nbformat.NotebookNode, *, show_code: bool, header: dict) -> str:
    """HTML text of an executed notebook; ``header`` fills the report header (title, parameters...)."""
    body, _ = exporter(show_code).from_notebook_node(nb, resources={"drugflows": header})
    return body
