"""Commands that read a finished batch folder and print (and save) a table: paths, discover,
export. They only read the batch: what they save goes into --out DIR, else into the batch
folder when it is writable, else nowhere (they say so), so a read-only batch can be analysed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from escalation.cli.options import (
    add_out,
    add_results_folder,
    command,
    positive,
    share,
    writable,
)


def save_folder(args: argparse.Namespace) -> Path | None:
    """Where a command saves its tables and figures: --out, else the batch folder, or None
    (and a note on standard error) when that folder is read-only and no --out was given."""
    if args.out:
        return Path(args.out)
    if writable(args.folder):
        return Path(args.folder)
    print(f"escalation: {args.folder} is read-only, so nothing was saved; give --out DIR to "
          "save the tables and figures elsewhere", file=sys.stderr)
    return None


def _paths(args: argparse.Namespace) -> int:
    from escalation.analysis.paths import format_path_table, path_table
    from escalation.montecarlo.results import Results

    results = Results.load(args.folder)
    table = path_table(results, depth=args.depth, drop_kinds=args.drop, actors=not args.kinds_only,
                       top=args.top)
    print(format_path_table(table))  # fits the terminal, never cuts a path
    root = save_folder(args)
    if root is not None:
        root.mkdir(parents=True, exist_ok=True)
        table.to_csv(root / "paths.csv", index=False)
        print(root / "paths.csv")
    return 0


def _discover(args: argparse.Namespace) -> int:
    from escalation.analysis.discovery import decision_tree, prim
    from escalation.montecarlo.results import Results
    from escalation.plotting import save_figure
    from escalation.plotting.discovery import prim_chart

    results = Results.load(args.folder)
    box = prim(results, args.outcome, min_coverage=args.min_coverage)
    print(box.headline())  # says when the box is weak
    print(box.box.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    rules = decision_tree(results, args.outcome, max_depth=args.depth, min_gain=args.min_gain)
    print(f"\ndecision tree (depth {args.depth}), leaves purest first:")
    if len(rules) == 1:
        print(f"no split lowers the impurity by {args.min_gain:.0%} of the root's: the sampled "
              "assumptions do not separate these runs; chance within runs decides (see "
              "escalation sensitivity)")
    print(rules.to_string(index=False, float_format=lambda v: f"{v:.3f}", max_colwidth=100))
    root = save_folder(args)
    if root is None:
        return 0
    root.mkdir(parents=True, exist_ok=True)
    box.box.to_csv(root / "discovery_box.csv", index=False)
    rules.to_csv(root / "discovery_tree.csv", index=False)
    for path in [root / "discovery_box.csv", root / "discovery_tree.csv",
                 *save_figure(prim_chart(box), root, "discovery")]:
        print(path)
    return 0


def _export(args: argparse.Namespace) -> int:
    from escalation.montecarlo.results import Results

    runs = Results.load(args.folder).runs
    if args.csv == "-":
        runs.to_csv(sys.stdout, index=False)
        return 0
    target = Path(args.csv)
    temporary = target.with_name(f".{target.name}.tmp")
    runs.to_csv(temporary, index=False)
    temporary.replace(target)  # never a half-written table under the real name
    print(f"{target}: {len(runs):,} runs, {len(runs.columns)} columns")
    return 0


def csv_file(text: str) -> str:
    """An argparse type for --csv FILE: '-' (standard output), or a file in an existing
    folder this user can write into, checked before the batch is read."""
    import os

    if text == "-":
        return text
    path = Path(text)
    folder = path.parent
    if path.is_dir():
        problem = f"{text} is a folder: give a file name, e.g. {path / 'runs.csv'}"
    elif not folder.is_dir():
        problem = f"{folder} is not a folder: create it first, or write the CSV file elsewhere"
    elif not os.access(folder, os.W_OK | os.X_OK):
        problem = f"{folder} is read-only (for this user): write the CSV file elsewhere"
    else:
        return text
    raise argparse.ArgumentTypeError(problem)


def register(commands: Any) -> None:
    paths = command(commands, "paths", "the most frequent escalation paths of a batch",
                    "escalation paths results/us_iran --depth 5")
    add_results_folder(paths)
    paths.add_argument("--depth", type=positive, metavar="N",
                       help="count only the first N moves (at least 1; default: whole paths)")
    paths.add_argument("--top", type=positive, default=20, metavar="N",
                       help="rows before 'other', at least 1 (default 20)")
    paths.add_argument("--drop", action="append", default=["criticize"], metavar="KIND",
                       help="leave out moves of this kind (repeatable; default: criticize)")
    paths.add_argument("--kinds-only", action="store_true", help="moves without their actor")
    add_out(paths, "save paths.csv into DIR (default: RESULTS_DIR when it is writable)")
    paths.set_defaults(handler=_paths)
    discover = command(commands, "discover",
                       "which combinations of assumptions lead to an outcome (PRIM, tree)",
                       "escalation discover results/us_iran --outcome war")
    add_results_folder(discover)
    discover.add_argument("--outcome", help="outcome class (default: war, else the last one)")
    discover.add_argument("--min-coverage", type=share, default=0.5, metavar="SHARE",
                          help="smallest share of the outcome's runs the box must keep, from 0 "
                          "to 1 (default 0.5)")
    discover.add_argument("--depth", type=positive, default=3, metavar="N",
                          help="decision tree depth, at least 1 (default 3)")
    discover.add_argument("--min-gain", type=share, default=0.01, metavar="SHARE",
                          help="least share of the root's impurity a split must remove, from 0 "
                          "to 1 (default 0.01)")
    add_out(discover, "save the tables and the figure into DIR (default: RESULTS_DIR when it "
            "is writable)")
    discover.set_defaults(handler=_discover)
    export = command(commands, "export", "write a batch's run table as CSV (one row per run)",
                     "escalation export results/us_iran --csv us_iran_runs.csv")
    add_results_folder(export)
    export.add_argument("--csv", metavar="FILE", type=csv_file, required=True,
                        help="the CSV file to write ('-': standard output)")
    export.set_defaults(handler=_export)
