"""Commands that explain a run or gather a batch into a report: explain, report."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from escalation.cli.options import add_results_folder, add_seed, add_settings, load, non_negative


def _explain(args: argparse.Namespace) -> int:
    from escalation.engine.simulate import simulate
    from escalation.report.explain import explain

    scenario = load(args)
    sys.stdout.write(explain(scenario, simulate(scenario, seed=args.seed, run=args.run)))
    return 0


def _report(args: argparse.Namespace) -> int:
    from escalation.report.html import write_report

    print(write_report(args.folder))
    return 0


def register(commands: Any) -> None:
    explain = commands.add_parser(
        "explain", help="why did this run escalate: its causal chain, with perceptions and rules")
    explain.add_argument("file")
    add_seed(explain)
    explain.add_argument("--run", type=non_negative, default=0, help="run index (default 0)")
    add_settings(explain)
    explain.set_defaults(handler=_explain)
    report = commands.add_parser("report", help="one self-contained HTML page of a batch folder")
    add_results_folder(report)
    report.set_defaults(handler=_report)
