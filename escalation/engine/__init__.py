"""One run of a scenario: SimPy processes for actors, acts and accidents; no files, no plots."""
