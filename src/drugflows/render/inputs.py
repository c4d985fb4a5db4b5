"""What a report reads, found without running anything: its notebook's code cells and defaults."""

from __future__ import annotations

import ast
import json
from pathlib import Path


def code_cells(notebook: Path) -> list[tuple[list[str], str]]:
    """(tags, source) of each code cell of a notebook file."""
    doc = json.loads(Path(notebook).read_text(encoding="utf-8"))
    return [
        (cell.get("metadata", {}).get("tags", []), "".join(cell["source"]))
        for cell in doc["cells"]
        if cell["cell_type"] == "code"
    ]


def parameter_defaults(notebook: Path) -> dict:
    """The literal values the notebook's ``parameters`` cell assigns (read, never run)."""
    defaults = {}
    for tags, source in code_cells(notebook):
        if "parameters" not in tags:
            continue
        for node in ast.parse(source).body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                try:
                    defaults[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return defaults
