"""``escalation backtest``: score the model on real episodes (scenarios with observed facts)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from escalation.cli.options import add_batch_options, add_episodes, add_out, batch_options, command

DEFAULT_RUNS = 2000


def _backtest(args: argparse.Namespace) -> int:
    from escalation.analysis.backtest import backtest
    from escalation.report.backtest_text import format_backtest

    targets = args.targets[0] if len(args.targets) == 1 else args.targets
    result = backtest(targets, args.runs, args.seed, reference=args.reference,
                      **batch_options(args))
    sys.stdout.write(format_backtest(result))
    if args.out:
        _write(result, args.out)
    return 0


def _write(result: Any, out: str) -> None:
    from escalation.plotting.backtest import write_backtest_figures
    from escalation.report.backtest_html import write_backtest_page

    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    result.scores().to_csv(root / "scores.csv", index=False)
    result.facts().to_csv(root / "facts.csv", index=False)
    result.skill().to_csv(root / "skill.csv", index=False)
    figures = write_backtest_figures(result, root)
    page = write_backtest_page(result, root)
    print(f"written to {out}/: scores.csv, facts.csv, skill.csv and {len(figures)} figure files "
          "(PNG, SVG)")
    print(f"report: {page}")


def register(commands: Any) -> None:
    parser = command(
        commands, "backtest", "score the model on real episodes against base-rate baselines",
        "escalation backtest scenarios/history --runs 2000 --out results/backtest",
        description="Run each real episode (a scenario with an observed: block) and score the "
        "forecast against what happened: log score and RPS of the outcome class beside a "
        "uniform and a leave-one-out base-rate baseline, with skill scores; PIT, 50%/90% "
        "coverage and CRPS of each observed lag, death count and duration (docs/analysis.md, "
        "'Backtest'). A single FILE takes its base rates from the shipped history library.")
    add_episodes(parser, "a folder of episodes (such as scenarios/history), or one scenario "
                 "file with an observed: block; several make one library")
    add_batch_options(parser, runs=DEFAULT_RUNS)
    parser.add_argument("--reference", metavar="DIR",
                        help="folder of episodes whose real classes give a single FILE's base "
                        "rates (default: the shipped scenarios/history)")
    add_out(parser, "folder for scores.csv, facts.csv, skill.csv, the figures (reliability, "
            "PIT, real class) and backtest.html")
    parser.set_defaults(handler=_backtest)
