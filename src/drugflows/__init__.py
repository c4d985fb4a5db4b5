"""drugflows: drug flows into the United States and US counterdrug partnerships abroad.

Loaders turn the raw public files into tidy tables (``drugflows.sources``), ``drugflows.tables``
reads the processed tables, the indicator modules compute what the notebooks show, and
``drugflows.render`` turns the parameterized notebooks into HTML reports.
"""

__version__ = "0.1.0"
