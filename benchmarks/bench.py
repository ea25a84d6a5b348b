"""Benchmarks of escalation: speed and memory of Monte Carlo batches.

    .venv/bin/python benchmarks/bench.py                 # both scenarios, default sizes
    .venv/bin/python benchmarks/bench.py --quick         # small batches, a smoke test
    .venv/bin/python benchmarks/bench.py --runs 20000    # the same number of runs for both
    .venv/bin/python benchmarks/bench.py --save          # also write benchmarks/results-<date>.json
    .venv/bin/python benchmarks/bench.py --million       # 1,000,000 runs of the seed scenario

For the seed scenario (scenarios/us_iran_2020.yaml) and a minimal one (benchmarks/minimal.yaml)
it measures runs per second of ``run_batch`` on one worker (serial backend) and on two
(processes backend), the speed-up, model events per run, microseconds per run and per event,
and peak memory. Each scenario is measured in a fresh Python process, so that its peak RSS
figures are its own. See benchmarks/README.md for what each figure means and the targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

import escalation
from escalation.montecarlo.backends import START_METHOD_VARIABLE, default_workers, start_method

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCENARIOS = {
    "us_iran_2020": ROOT / "scenarios" / "us_iran_2020.yaml",
    "minimal": HERE / "minimal.yaml",
}
DEFAULT_RUNS = {"us_iran_2020": 8_000, "minimal": 20_000}  # about 2.5 minutes in all, today
QUICK_RUNS = 1_000
MILLION = 1_000_000
SEED = 0
WORKERS = 2
WARM_UP_RUNS = 200
EVENT_SAMPLE = 500  # runs simulated with keep_events=True to count model events
TRACEMALLOC_RUNS = 2_000  # tracemalloc slows a run several times: a smaller serial batch

# The targets of the project's issue (see benchmarks/README.md); measured, not asserted.
TARGET_US_PER_RUN = 30.0
TARGET_US_PER_EVENT = 15.0
TARGET_MINIMAL_RUNS_PER_S = 10_000
TARGET_SPEEDUP = 1.8
TARGET_SPEEDUP_MIN_RUNS = 20_000
TARGET_MILLION_BYTES = 1 << 30

MIB = 1 << 20


# -- memory ---------------------------------------------------------------------------------
def maxrss_bytes(who: int) -> int:
    """Peak resident set size from getrusage: of this process (RUSAGE_SELF) or of the largest
    terminated, waited-for descendant (RUSAGE_CHILDREN). Linux gives KiB, macOS bytes."""
    value = resource.getrusage(who).ru_maxrss
    return int(value if sys.platform == "darwin" else value * 1024)


def cpu_of(who: int) -> float:
    """CPU seconds (user + system) of this process (RUSAGE_SELF) or of its waited-for
    descendants (RUSAGE_CHILDREN)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _rss(pid: int) -> int:
    """Current resident set size of ``pid`` in bytes (Linux), 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def _private(pid: int) -> int:
    """Memory of ``pid`` that no other process shares, in bytes (Linux; its RSS elsewhere).
    Helpers forked from the batch's process share its pages (its imports, the scenario)
    until they write to them: a sum of RSS would count those once per process."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return sum(int(line.split()[1]) * 1024 for line in rollup
                       if line.startswith(("Private_Clean:", "Private_Dirty:")))
    except (OSError, IndexError, ValueError):
        return _rss(pid)


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as children:
                    kids = [int(k) for k in children.read().split()]
            except (OSError, ValueError):
                continue
            found.extend(kids)
            todo.extend(kids)
    return found


class RssSampler:
    """Samples, every ``interval`` seconds, the RSS of this process and the sum of the RSS of
    all its descendants at the same moment, and the sum of all their PSS (Linux only;
    elsewhere it reports nothing). It gives the simultaneous peak of parent + workers, which
    getrusage cannot. The parent's RSS plus its helpers' private memory is what they take
    together, shared pages counted once."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.available = Path(f"/proc/{os.getpid()}/task").is_dir()
        self.parent = self.children = self.total = self.own = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> RssSampler:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()
            self._sample()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        me = os.getpid()
        parent = _rss(me)
        descendants = _descendants(me)
        children = sum(_rss(pid) for pid in descendants)
        self.own = max(self.own, parent + sum(_private(pid) for pid in descendants))
        self.parent = max(self.parent, parent)
        self.children = max(self.children, children)
        self.total = max(self.total, parent + children)

    def figures(self) -> dict[str, int | None]:
        if not self.available:
            return {"sampled_parent": None, "sampled_children": None, "sampled_total": None,
                    "sampled_unshared_total": None}
        return {"sampled_parent": self.parent, "sampled_children": self.children,
                "sampled_total": self.total, "sampled_unshared_total": self.own}


def helpers_as_without_sampler() -> None:
    """Start helpers as a batch would without the sampler: its thread alone would make the
    batch spawn them (see ``start_method``), and the figures would not be a user's."""
    os.environ.setdefault(START_METHOD_VARIABLE, start_method())


def complete(results: Any, runs: int, what: str) -> None:
    """Stop if a batch did not finish all its runs (a worker died, Ctrl-C): its rate would lie."""
    if results.stopped_by != "runs" or len(results.runs) != runs:
        raise SystemExit(f"{what}: only {len(results.runs):,} of {runs:,} runs finished "
                         f"(stopped by {results.stopped_by}); no figures")


# -- one scenario, in this process -------------------------------------------------------------
def measure(name: str, runs: int, sample: int, traced_runs: int) -> dict[str, Any]:
    """Every figure for one scenario. Meant to run in a fresh process (see ``main``)."""
    from escalation.montecarlo.batch import run_batch

    started = time.perf_counter()
    scenario = escalation.load_scenario(SCENARIOS[name])
    load_s = time.perf_counter() - started
    run_batch(scenario, min(WARM_UP_RUNS, runs), SEED, backend="serial", progress=False)

    wall, cpu = time.perf_counter(), time.process_time()
    serial = run_batch(scenario, runs, SEED, backend="serial", progress=False)
    serial_s, serial_cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    complete(serial, runs, f"{name}, 1 worker")
    rss_serial = maxrss_bytes(resource.RUSAGE_SELF)

    wall = time.perf_counter()  # pool start-up: one single-run chunk on each worker
    run_batch(scenario, WORKERS, SEED, workers=WORKERS, backend="processes", chunk_size=1,
              progress=False)
    startup_s = time.perf_counter() - wall

    load_average = os.getloadavg()[0]
    workers_cpu = cpu_of(resource.RUSAGE_CHILDREN) + time.process_time()  # this process works too
    helpers_as_without_sampler()
    with RssSampler() as sampler:
        wall = time.perf_counter()
        parallel = run_batch(scenario, runs, SEED, workers=WORKERS, backend="processes",
                             progress=False)
        parallel_s = time.perf_counter() - wall
    workers_cpu = cpu_of(resource.RUSAGE_CHILDREN) + time.process_time() - workers_cpu  # helpers count
    # once they have exited
    complete(parallel, runs, f"{name}, {WORKERS} workers")
    identical = serial.runs.equals(parallel.runs)
    del serial, parallel

    events, perceptions = [], []
    for run in range(sample):
        record = escalation.simulate(scenario, SEED, run, keep_events=True)
        events.append(len(record.events))
        perceptions.append(len(record.perceptions))
    rss_self = maxrss_bytes(resource.RUSAGE_SELF)
    rss_children = maxrss_bytes(resource.RUSAGE_CHILDREN)

    tracemalloc.start()
    run_batch(scenario, traced_runs, SEED, backend="serial", progress=False)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    rate1, rate2 = runs / serial_s, runs / parallel_s
    per_run = 1e6 / rate1
    per_run_events = statistics.fmean(events)
    budget = TARGET_US_PER_RUN + TARGET_US_PER_EVENT * per_run_events
    return {
        "scenario": name, "file": str(SCENARIOS[name].relative_to(ROOT)), "runs": runs,
        "load_ms": load_s * 1e3,
        "serial_s": serial_s, "serial_cpu_s": serial_cpu_s, "parallel_s": parallel_s,
        "runs_per_s_1": rate1, "runs_per_s_2": rate2, "speedup_2_vs_1": rate2 / rate1,
        "pool_startup_s": startup_s, "load_average_before_2_workers": load_average,
        "workers_cpu_share": workers_cpu / (parallel_s * WORKERS),
        "speedup_without_startup": runs / max(1e-9, parallel_s - startup_s) / rate1,
        "identical_results": bool(identical),
        "event_sample_runs": sample, "events_per_run": per_run_events,
        "events_per_run_min": min(events), "events_per_run_max": max(events),
        "perceptions_per_run": statistics.fmean(perceptions),
        "us_per_run": per_run, "cpu_us_per_run": serial_cpu_s / runs * 1e6,
        "us_per_event": per_run / per_run_events if per_run_events else None,
        "budget_us_per_run": budget, "times_budget": per_run / budget,
        "rss_self_after_serial": rss_serial, "rss_self": rss_self,
        "rss_children": rss_children, **sampler.figures(),
        "tracemalloc_runs": traced_runs, "tracemalloc_peak": traced_peak,
        "start_method": os.environ[START_METHOD_VARIABLE],
    }


def measure_in_child(name: str, runs: int, sample: int, traced_runs: int) -> dict[str, Any]:
    """``measure`` in a fresh interpreter, so that peak RSS is this scenario's alone."""
    with tempfile.TemporaryDirectory(prefix="escalation-bench-") as tmp:
        out = Path(tmp) / "figures.json"
        subprocess.run([sys.executable, __file__, "--only", name, "--runs", str(runs),
                        "--sample", str(sample), "--traced-runs", str(traced_runs),
                        "--figures-to", str(out)], check=True)
        figures: dict[str, Any] = json.loads(out.read_text())
    return figures


# -- a million runs -------------------------------------------------------------------------
def million(runs: int, keep_out: bool) -> dict[str, Any]:
    from escalation.montecarlo.batch import run_batch

    scenario = escalation.load_scenario(SCENARIOS["us_iran_2020"])
    folder = tempfile.mkdtemp(prefix="escalation-million-")
    try:
        helpers_as_without_sampler()
        with RssSampler(interval=1.0) as sampler:
            wall = time.perf_counter()
            results = run_batch(scenario, runs, SEED, workers=WORKERS, backend="processes",
                                out=folder, progress=True)
            wall_s = time.perf_counter() - wall
        completed = len(results.runs)
        complete(results, runs, "million-run batch")
        del results
        size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
    finally:
        if not keep_out:
            shutil.rmtree(folder, ignore_errors=True)
    parent, child = maxrss_bytes(resource.RUSAGE_SELF), maxrss_bytes(resource.RUSAGE_CHILDREN)
    return {
        "scenario": "us_iran_2020", "runs": runs, "completed": completed, "workers": WORKERS,
        "out": folder if keep_out else None, "out_bytes": size,
        "wall_s": wall_s, "runs_per_s": runs / wall_s,
        "rss_self": parent, "rss_children": child, "rss_bound": parent + WORKERS * child,
        **sampler.figures(), "start_method": os.environ[START_METHOD_VARIABLE],
    }


# -- printing -------------------------------------------------------------------------------
def _n(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _mib(value: int | None) -> str:
    return "n/a" if value is None else f"{value / MIB:,.0f} MiB"


def machine() -> dict[str, Any]:
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()
    return {"date": dt.datetime.now().isoformat(timespec="seconds"),
            "escalation": escalation.__version__, "commit": commit or None,
            "python": platform.python_version(), "platform": platform.platform(),
            "cpus_available": default_workers(), "load_average": list(os.getloadavg()),
            "seed": SEED, "workers": WORKERS}


def print_header(info: dict[str, Any]) -> None:
    print(f"escalation {info['escalation']} ({info['commit']}), Python {info['python']}, "
          f"{info['platform']}, {info['cpus_available']} CPUs available, load average "
          f"{info['load_average'][0]:.2f}")
    if info["cpus_available"] < WORKERS:
        print(f"warning: fewer than {WORKERS} CPUs: the 2-worker figures mean little")


def print_table(rows: list[dict[str, Any]]) -> None:
    names = [r["scenario"] for r in rows]
    lines: list[tuple[str, list[str], str]] = [
        ("runs per batch", [_n(r["runs"]) for r in rows], ""),
        ("runs/s, 1 worker (serial)", [_n(r["runs_per_s_1"]) for r in rows],
         f"minimal >= {TARGET_MINIMAL_RUNS_PER_S:,}"),
        ("runs/s, 2 workers (processes)", [_n(r["runs_per_s_2"]) for r in rows], ""),
        ("speed-up 2 vs 1", [_n(r["speedup_2_vs_1"], 2) + "x" for r in rows],
         f">= {TARGET_SPEEDUP}x at {TARGET_SPEEDUP_MIN_RUNS:,}+ runs"),
        ("  pool start-up (s)", [_n(r["pool_startup_s"], 2) for r in rows], ""),
        ("  speed-up less start-up", [_n(r["speedup_without_startup"], 2) + "x" for r in rows],
         ""),
        ("  CPU of all workers / (2 x wall)", [_n(100 * r["workers_cpu_share"]) + "%" for r in rows],
         "near 100% on a quiet machine"),
        ("  load average before", [_n(r["load_average_before_2_workers"], 2) for r in rows], ""),
        ("same results, 1 and 2 workers", ["yes" if r["identical_results"] else "NO" for r in rows],
         ""),
        ("model events per run", [_n(r["events_per_run"], 2) for r in rows], ""),
        ("  (min-max; runs sampled)",
         [f"{r['events_per_run_min']}-{r['events_per_run_max']}; {r['event_sample_runs']:,}"
          for r in rows], ""),
        ("perceptions per run", [_n(r["perceptions_per_run"], 1) for r in rows], ""),
        ("us per run, 1 worker (wall)", [_n(r["us_per_run"]) for r in rows], ""),
        ("us per run, 1 worker (CPU)", [_n(r["cpu_us_per_run"]) for r in rows], ""),
        ("us per event (per run / events)", [_n(r["us_per_event"]) for r in rows], ""),
        ("budget us per run, 30 + 15/event", [_n(r["budget_us_per_run"]) for r in rows],
         "us per run <= budget"),
        ("us per run / budget", [_n(r["times_budget"], 1) + "x" for r in rows], "<= 1.0x"),
        ("scenario load (ms)", [_n(r["load_ms"], 1) for r in rows], ""),
        ("peak RSS, process after serial", [_mib(r["rss_self_after_serial"]) for r in rows], ""),
        ("peak RSS, process (ru_maxrss)", [_mib(r["rss_self"]) for r in rows], ""),
        ("peak RSS, largest worker", [_mib(r["rss_children"]) for r in rows], ""),
        ("peak RSS, process + workers", [_mib(r["sampled_total"]) for r in rows], "(sampled)"),
        ("peak RSS of process + workers' own", [_mib(r["sampled_unshared_total"]) for r in rows],
         "(sampled; shared pages once)"),
        ("helpers started by", [r["start_method"] for r in rows], ""),
        ("tracemalloc peak, serial batch", [_mib(r["tracemalloc_peak"]) for r in rows], ""),
        ("  (runs in that batch)", [_n(r["tracemalloc_runs"]) for r in rows], ""),
    ]
    width = max(len(label) for label, _, _ in lines)
    cols = [max(len(name), *(len(v[i]) for _, v, _ in lines)) for i, name in enumerate(names)]
    print(" " * width + "".join(f"  {n:>{w}}" for n, w in zip(names, cols, strict=True))
          + "  target")
    for label, values, target in lines:
        print(f"{label:<{width}}" + "".join(f"  {v:>{w}}" for v, w in zip(values, cols, strict=True))
              + (f"  {target}" if target else ""))


def print_million(m: dict[str, Any]) -> None:
    print(f"million-run batch: {m['runs']:,} runs of {m['scenario']} on {m['workers']} workers "
          f"with --out ({m['completed']:,} completed)")
    print(f"  wall time                      {m['wall_s']:,.1f} s ({m['runs_per_s']:,.0f} runs/s)")
    print(f"  peak RSS, parent (ru_maxrss)   {_mib(m['rss_self'])}")
    print(f"  peak RSS, largest worker       {_mib(m['rss_children'])}")
    print(f"  parent + {m['workers']} x largest worker   {_mib(m['rss_bound'])}  (upper bound)")
    print(f"  parent + workers, RSS sampled  {_mib(m['sampled_total'])}")
    print(f"  parent + workers' own, sampled {_mib(m['sampled_unshared_total'])}  "
          f"(target: within {_mib(TARGET_MILLION_BYTES)}; helpers {m['start_method']})")
    print(f"  output folder                  {_mib(m['out_bytes'])}"
          + (f" in {m['out']}" if m["out"] else " (removed)"))


def save(figures: dict[str, Any], suffix: str = "") -> Path:
    path = HERE / f"results-{dt.date.today().isoformat()}{suffix}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    return path


# -- command line ---------------------------------------------------------------------------
def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, help="runs per batch, for both scenarios (default: "
                        + ", ".join(f"{k} {v:,}" for k, v in DEFAULT_RUNS.items())
                        + f"; --million: {MILLION:,})")
    parser.add_argument("--quick", action="store_true",
                        help=f"small batches ({QUICK_RUNS:,} runs, 100 sampled for events)")
    parser.add_argument("--save", action="store_true",
                        help="write the figures to benchmarks/results-<date>.json")
    parser.add_argument("--million", action="store_true",
                        help=f"one {MILLION:,}-run batch of the seed scenario on {WORKERS} workers "
                        "with --out to a temporary folder (about 30 minutes)")
    parser.add_argument("--keep-out", action="store_true",
                        help="with --million: keep the output folder")
    parser.add_argument("--only", choices=tuple(SCENARIOS),
                        help="measure one scenario in this process (used internally)")
    parser.add_argument("--sample", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--traced-runs", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--figures-to", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs is not None and args.runs <= 0:
        parser.error("--runs must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sample = args.sample or (100 if args.quick else EVENT_SAMPLE)

    def runs_of(name: str) -> int:
        return args.runs or (QUICK_RUNS if args.quick else DEFAULT_RUNS[name])

    def traced(name: str) -> int:
        return args.traced_runs or min(runs_of(name), TRACEMALLOC_RUNS)

    if args.only:
        figures = measure(args.only, runs_of(args.only), sample, traced(args.only))
        if args.figures_to:
            Path(args.figures_to).write_text(json.dumps(figures))
        else:
            print_table([figures])
        return 0

    info = machine()
    print_header(info)
    if args.million:
        runs = args.runs or MILLION
        print(f"running {runs:,} runs of us_iran_2020 on {WORKERS} workers ...", flush=True)
        result = million(runs, args.keep_out)
        print_million(result)
        if args.save:
            print(f"saved {save({'machine': info, 'million': result}, '-million')}")
        return 0

    started = time.perf_counter()
    rows = []
    for name in SCENARIOS:
        print(f"measuring {name}: {runs_of(name):,} runs per batch ...", flush=True)
        rows.append(measure_in_child(name, runs_of(name), sample, traced(name)))
    print()
    print_table(rows)
    print(f"\n(benchmark took {time.perf_counter() - started:,.0f} s)")
    if args.save:
        targets = {"us_per_run": TARGET_US_PER_RUN, "us_per_event": TARGET_US_PER_EVENT,
                   "minimal_runs_per_s_1": TARGET_MINIMAL_RUNS_PER_S,
                   "speedup_2_vs_1": TARGET_SPEEDUP, "speedup_min_runs": TARGET_SPEEDUP_MIN_RUNS,
                   "million_bytes": TARGET_MILLION_BYTES}
        print(f"saved {save({'machine': info, 'targets': targets, 'scenarios': rows})}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
