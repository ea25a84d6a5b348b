"""Commands that explain a run or gather a batch into a report: explain, report."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from escalation.cli.options import (
    EXIT_BAD_INPUT,
    add_file,
    add_out,
    add_results_folder,
    add_seed,
    add_settings,
    command,
    load,
    non_negative,
    writable,
)


def _explain(args: argparse.Namespace) -> int:
    from escalation.engine.simulate import simulate
    from escalation.report.explain import explain

    scenario = load(args)
    sys.stdout.write(explain(scenario, simulate(scenario, seed=args.seed, run=args.run)))
    return 0


def _report(args: argparse.Namespace) -> int:
    from escalation.report.html import write_report

    if args.out is None and not writable(args.folder):
        print(f"escalation: {args.folder} is read-only, so report.html cannot be written into "
              "it: give --out DIR to write it elsewhere", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(write_report(args.folder) if args.out is None else report_elsewhere(args.folder, args.out))
    return 0


def report_elsewhere(folder: str, out: str) -> Path:
    """The batch's report.html written into ``out`` instead of its folder. The page is
    self-contained (figures inline), so it is made in a scratch folder that links to the
    batch's files, then moved: the batch folder is only read."""
    from escalation.report.html import write_report

    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target, prefix=".report-") as scratch:
        for entry in Path(folder).resolve().iterdir():
            if entry.is_file():
                os.symlink(entry, Path(scratch) / entry.name)
        page = write_report(scratch)
        return Path(page).replace(target / page.name)


def register(commands: Any) -> None:
    explain = command(commands, "explain",
                      "why did this run escalate: its causal chain, with perceptions and rules",
                      "escalation explain us_iran_2020 --seed 42 --run 17")
    add_file(explain)
    add_seed(explain)
    explain.add_argument("--run", type=non_negative, default=0, metavar="N",
                         help="run index within the batch, from 0 (default 0)")
    add_settings(explain)
    explain.set_defaults(handler=_explain)
    report = command(commands, "report", "one self-contained HTML page of a batch folder",
                     "escalation report results/us_iran")
    add_results_folder(report)
    add_out(report, "write report.html into DIR (default: RESULTS_DIR)")
    report.set_defaults(handler=_report)
