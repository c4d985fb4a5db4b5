"""Executed notebook -> self-contained HTML (nbconvert, with the project's offline template)."""

from __future__ import annotations

import functools
import re
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


TOC_MARK = "<!--df-toc-->"
_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"', re.S)


def table_of_contents(body: str) -> str:
    """A numbered list of links to the report's second-level headings."""
    items = [f'<li><a href="#{anchor}">{text.strip()}</a></li>' for anchor, text in _H2.findall(body)]
    if not items:
        return ""
    return '<nav class="df-toc" aria-label="Contents">Contents<ol>' + "".join(items) + "</ol></nav>"


def notebook_to_html(nb: nbformat.NotebookNode, *, show_code: bool, header: dict) -> str:
    """HTML text of an executed notebook; ``header`` fills the report header (title, parameters,
    date, commit, data vintages), followed by a table of contents."""
    body, _ = exporter(show_code).from_notebook_node(nb, resources={"drugflows": header})
    return body.replace(TOC_MARK, table_of_contents(body), 1)
