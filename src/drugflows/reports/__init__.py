"""Report modules: one per notebook (``reports/<notebook>.py``), holding that report's tables,
parameter validation, headline findings, labels and table formats. A notebook imports its report
module and the display and plotting helpers (``drugflows.display``, ``drugflows.plotting``), nothing
else; a report module may use any domain module, and no domain module imports a report module.
"""
