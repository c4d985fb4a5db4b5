"""Domain modules: one per family of processed tables, each owning that family's vocabulary
(codes and labels, defined once), accessors (tidy frames out of the tables) and statistics.

Layers: ``sources`` (one module per publisher) -> ``tables`` -> ``domain`` -> ``reports`` (one
module per notebook) -> notebooks. A domain module never imports a report module.
"""
