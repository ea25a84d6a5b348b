"""Analysis of batch results: tables and statistics with intervals, paths, comparisons.

Every function takes ``Results`` (or scenarios to run) and returns a DataFrame or a small
result object; the figures in ``escalation.plotting`` draw them.
"""

from escalation.analysis.compare import Comparison, compare, comparison_of
from escalation.analysis.discovery import PrimResult, decision_tree, prim
from escalation.analysis.ladder import rung_bands, tension_bands, transition_matrix
from escalation.analysis.paths import path_table, path_tree
from escalation.analysis.replay import replay_run
from escalation.analysis.sensitivity import Sensitivity, sensitivity, swing_table
from escalation.analysis.survival import first_passage, kaplan_meier, time_to_outcome
from escalation.analysis.sweep import Axis, parse_axis, sweep

__all__ = [
    "Axis", "Comparison", "PrimResult", "Sensitivity", "compare", "comparison_of", "decision_tree",
    "first_passage", "kaplan_meier", "parse_axis", "path_table", "path_tree", "prim", "replay_run",
    "rung_bands", "sensitivity", "sweep", "swing_table", "tension_bands", "time_to_outcome",
    "transition_matrix",
]
