"""Render the report catalog: papermill executes each notebook, nbconvert writes self-contained HTML."""
