"""Executed notebook -> self-contained HTML (nbconvert, with the project's offline template)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from drugflows.render.sanitize import clean_page, markdown_output_to_html

TEMPLATES_DIR = Path(__file__).parent / "templates"


@functools.cache
def exporter(show_code: bool) -> HTMLExporter:
    """An HTMLExporter on the ``drugflows`` template; code cells hidden unless ``show_code``."""
    exp = HTMLExporter(
        template_name="drugflows",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        filters={"df_markdown_output": markdown_output_to_html},
    )
    exp.exclude_input = not show_code
    exp.exclude_input_prompt = not show_code
    exp.exclude_output_prompt = True
    exp.embed_images = True
    return exp


TOC_MARK = "<!--df-toc-->"
_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"', re.S)
_TAG = re.compile(r"<[^>]*>")


def table_of_contents(body: str) -> str:
    """A numbered list of links to the report's second-level headings (their text, without tags:
    the heading's HTML is already escaped text)."""
    items = [
        f'<li><a href="#{anchor}">{_TAG.sub("", text).strip()}</a></li>' for anchor, text in _H2.findall(body)
    ]
    if not items:
        return ""
    return '<nav class="df-toc" aria-label="Contents">Contents<ol>' + "".join(items) + "</ol></nav>"


def notebook_to_html(nb: nbformat.NotebookNode, *, show_code: bool, header: dict) -> str:
    """HTML text of an executed notebook; ``header`` fills the report header (title, parameters,
    date, commit, data vintages), followed by a table of contents. Markdown outputs are rendered
    without raw HTML and the page is passed through :func:`sanitize.clean_page` (no script)."""
    body, _ = exporter(show_code).from_notebook_node(nb, resources={"drugflows": header})
    return clean_page(body.replace(TOC_MARK, table_of_contents(body), 1))


def warm_up() -> None:
    """Compile the templates once (about 0.2 s), in the render process before it forks its workers,
    so that no report pays for it."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Warm-up"), nbformat.v4.new_code_cell("1")]
    header = {"title": "", "parameters": {}, "vintages": {}, "generated": "", "status": "ok"}
    for show_code in (False, True):
        notebook_to_html(nb, show_code=show_code, header=header)
