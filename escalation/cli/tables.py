"""Commands that read a finished batch folder and print (and save) a table: paths, discover."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from escalation.cli.options import add_results_folder, positive, share


def _paths(args: argparse.Namespace) -> int:
    from escalation.analysis.paths import path_table
    from escalation.montecarlo.results import Results

    results = Results.load(args.folder)
    table = path_table(results, depth=args.depth, drop_kinds=args.drop, actors=not args.kinds_only,
                       top=args.top)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}", max_colwidth=120))
    out = Path(args.folder) / "paths.csv"
    table.to_csv(out, index=False)
    print(out)
    return 0


def _discover(args: argparse.Namespace) -> int:
    from escalation.analysis.discovery import decision_tree, prim
    from escalation.montecarlo.results import Results
    from escalation.plotting import save_figure
    from escalation.plotting.discovery import prim_chart

    results = Results.load(args.folder)
    box = prim(results, args.outcome, min_coverage=args.min_coverage)
    base = float(box.trajectory["density"].iloc[0])
    print(f"PRIM box for '{box.outcome}': coverage {box.coverage:.1%} of its runs, density "
          f"{box.density:.1%} inside against {base:.1%} in all runs (step {box.step} of "
          f"{len(box.trajectory) - 1})")
    print(box.box.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    rules = decision_tree(results, args.outcome, max_depth=args.depth, min_gain=args.min_gain)
    print(f"\ndecision tree (depth {args.depth}), leaves purest first:")
    if len(rules) == 1:
        print(f"no split lowers the impurity by {args.min_gain:.0%} of the root's: the sampled "
              "assumptions do not separate these runs; chance within runs decides (see "
              "escalation sensitivity)")
    print(rules.to_string(index=False, float_format=lambda v: f"{v:.3f}", max_colwidth=100))
    root = Path(args.folder)
    box.box.to_csv(root / "discovery_box.csv", index=False)
    rules.to_csv(root / "discovery_tree.csv", index=False)
    for path in [root / "discovery_box.csv", root / "discovery_tree.csv",
                 *save_figure(prim_chart(box), root, "discovery")]:
        print(path)
    return 0


def register(commands: Any) -> None:
    paths = commands.add_parser("paths", help="the most frequent escalation paths of a batch")
    add_results_folder(paths)
    paths.add_argument("--depth", type=positive, help="count only the first N moves")
    paths.add_argument("--top", type=positive, default=20, help="rows before 'other' (default 20)")
    paths.add_argument("--drop", action="append", default=["criticize"], metavar="KIND",
                       help="leave out moves of this kind (repeatable; default: criticize)")
    paths.add_argument("--kinds-only", action="store_true", help="moves without their actor")
    paths.set_defaults(handler=_paths)
    discover = commands.add_parser(
        "discover", help="which combinations of assumptions lead to an outcome (PRIM, tree)")
    add_results_folder(discover)
    discover.add_argument("--outcome", help="outcome class (default: war, else the last one)")
    discover.add_argument("--min-coverage", type=share, default=0.5,
                          help="smallest share of the outcome's runs the box must keep (default 0.5)")
    discover.add_argument("--depth", type=positive, default=3, help="decision tree depth (default 3)")
    discover.add_argument("--min-gain", type=share, default=0.01,
                          help="least share of the root's impurity a split must remove (default 0.01)")
    discover.set_defaults(handler=_discover)
