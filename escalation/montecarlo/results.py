"""A batch's results: one row per run (and per event when kept), and their summary."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from escalation.montecarlo.chunk import FAILED
from escalation.montecarlo.stats import wilson

# What ``report()`` computes; anything else in a summary.json is ``meta`` (the manifest).
REPORT_KEYS = frozenset({"scenario", "seed", "runs", "requested", "completed", "failed",
                         "stopped_by", "outcomes", "duration_days", "crisis_days", "deaths", "threats"})


@dataclass
class Results:
    """Runs as a DataFrame (``runs``), events when kept (``events``), and ``summary()``."""

    scenario: str
    seed: int
    outcome_ids: tuple[str, ...]
    runs: pd.DataFrame
    events: pd.DataFrame | None = None
    stopped_by: str = "runs"
    requested: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: str | os.PathLike[str], events: bool = False) -> Results:
        """The results of a finished batch folder (``run_batch(..., out=folder)``), from its
        runs.parquet and summary.json; ``events`` also reads events.parquet when there is one."""
        root = Path(folder)
        missing = [name for name in ("runs.parquet", "summary.json") if not (root / name).is_file()]
        if missing:
            raise FileNotFoundError(
                f"{root} is not a finished batch folder (no {' or '.join(missing)}); write one "
                "with: escalation run FILE --out DIR (an interrupted one finishes with --resume)")
        report = json.loads((root / "summary.json").read_text())
        events_file = root / "events.parquet"
        return cls(
            scenario=str(report["scenario"]), seed=int(report["seed"]),
            outcome_ids=tuple(str(row["outcome"]) for row in report["outcomes"]),
            runs=pd.read_parquet(root / "runs.parquet"),
            events=pd.read_parquet(events_file) if events and events_file.is_file() else None,
            stopped_by=str(report.get("stopped_by", "runs")),
            requested=int(report.get("requested", 0)),
            meta={k: v for k, v in report.items() if k not in REPORT_KEYS},
        )

    @property
    def completed(self) -> pd.DataFrame:
        failed = self.runs["outcome"] == FAILED
        return self.runs[~failed] if failed.any() else self.runs

    @property
    def failures(self) -> int:
        return int((self.runs["outcome"] == FAILED).sum())

    def _completed(self, column: str) -> pd.Series:
        """One column of ``completed``: the summaries take only the columns they read, as
        ``completed`` copies every column when some runs failed (~300 MiB at a million runs)."""
        values = self.runs[column]
        failed = self.runs["outcome"] == FAILED
        return values[~failed] if failed.any() else values

    def summary(self) -> pd.DataFrame:
        """Each outcome class: runs, probability and its 95% Wilson interval."""
        outcomes = self._completed("outcome")
        total = len(outcomes)
        counts = _tally(outcomes)
        names = list(self.outcome_ids) + sorted(set(counts) - set(self.outcome_ids))
        rows = []
        for name in names:
            hits = counts.get(name, 0)
            low, high = wilson(hits, total)
            rows.append({"outcome": name, "runs": hits,
                         "probability": hits / total if total else float("nan"),
                         "ci_low": low, "ci_high": high})
        return pd.DataFrame(rows).set_index("outcome")

    def report(self) -> dict[str, Any]:
        """Everything ``summary.json`` holds: outcomes, durations, deaths, threats, failures."""
        total = len(self.runs) - self.failures
        threats = {}
        for column in (c for c in self.runs.columns if c.startswith("threat.")):
            status = _tally(self._completed(column))
            kept = status.get("carried_out", 0)
            issued = total - status.get("not_issued", 0)
            low, high = wilson(kept, total)
            threats[column[7:]] = {"issued": issued, "carried_out": kept,
                                   "share_carried_out": kept / total if total else None,
                                   "ci_low": low, "ci_high": high}
        return {
            **self.meta,
            "scenario": self.scenario, "seed": self.seed, "runs": len(self.runs),
            "requested": self.requested, "completed": total, "failed": self.failures,
            "stopped_by": self.stopped_by,
            "outcomes": self.summary().reset_index().to_dict(orient="records"),
            "duration_days": _spread(self._completed("duration_days")),
            **({"crisis_days": _spread(self._completed("crisis_days"))}
               if "crisis_days" in self.runs else {}),  # batches before 0.2 lack it
            "deaths": {c[7:]: _spread(self._completed(c)) for c in self.runs.columns
                       if c.startswith("deaths.")},
            "threats": threats,
        }

    def format_summary(self) -> str:
        """The summary as a plain-text table, for terminals and logs."""
        report = self.report()
        lines = [f"{self.scenario}: {report['completed']:,} runs (seed {self.seed}"
                 f"{', stopped by ' + self.stopped_by if self.stopped_by != 'runs' else ''})"]
        if report["failed"]:
            lines.append(f"  {report['failed']} runs failed (see the 'error' column); "
                         "replay one with: escalation trace FILE --seed SEED --run RUN")
        if report["completed"]:
            lines += _summary_lines(report)
        else:  # no share to give, no spread to show
            lines.append("  no run completed: nothing to summarise" if report["failed"] else
                         "  no run finished: nothing to summarise")
        return "\n".join(lines)


def _summary_lines(report: dict[str, Any]) -> list[str]:
    """The outcome table, durations, deaths and threats of a report of completed runs (their
    shares and spreads mean nothing without any)."""
    lines = [f"  {'outcome':<22} {'runs':>8} {'probability':>11}   95% interval"]
    for row in report["outcomes"]:
        lines.append(f"  {row['outcome']:<22} {row['runs']:>8,} {row['probability']:>11.3f}"
                     f"   [{row['ci_low']:.3f}, {row['ci_high']:.3f}]")
    d = report["duration_days"]
    lines.append(f"  duration (days): median {d['median']:.1f}, 90% range "
                 f"[{d['p05']:.1f}, {d['p95']:.1f}]")
    if "crisis_days" in report:
        c = report["crisis_days"]
        lines.append(f"  to the last hostile act (days): median {c['median']:.1f}, 90% range "
                     f"[{c['p05']:.1f}, {c['p95']:.1f}]")
    for side, s in report["deaths"].items():
        if s["max"] > 0:
            lines.append(f"  deaths {side:<20} median {s['median']:.0f}, mean {s['mean']:.1f},"
                         f" 90% range [{s['p05']:.0f}, {s['p95']:.0f}]")
    for label, t in report["threats"].items():
        lines.append(f"  threat {label:<30} issued in {t['issued']:,}, carried out in "
                     f"{t['share_carried_out']:.1%} of runs [{t['ci_low']:.1%}, {t['ci_high']:.1%}]")
    return lines


def _tally(values: pd.Series) -> dict[str, int]:
    """How many rows hold each value present. A categorical is counted on its codes: turning
    a million rows into strings first took ~100 MiB, which the allocator then kept."""
    return {str(value): int(count) for value, count in values.value_counts().items() if count}


def _spread(values: pd.Series) -> dict[str, float]:
    data = values.to_numpy(dtype=float)
    missing = np.isnan(data)
    if missing.any():
        data = data[~missing]
    if data.size == 0:
        return {"mean": float("nan"), "median": float("nan"), "p05": float("nan"),
                "p95": float("nan"), "max": float("nan")}
    p05, median, p95 = np.percentile(data, [5, 50, 95])
    return {"mean": float(data.mean()), "median": float(median), "p05": float(p05),
            "p95": float(p95), "max": float(data.max())}
