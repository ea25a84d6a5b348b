"""A lean, hand-written SimPy model of benchmarks/minimal.yaml's story, and the engine measured
against it in the same process (issue #14).

    .venv/bin/python benchmarks/lean_minimal.py --check 4000     # same outcomes? (p-values)
    .venv/bin/python benchmarks/lean_minimal.py --bench           # runs/s, µs per event, ratio
    .venv/bin/python benchmarks/lean_minimal.py --bench --against /tmp/wt_before

The story, as the engine plays minimal.yaml (docs/scenario-format.md 2.3, 2.5, 2.9, 2.16): A's
scripted strike (10 missiles, each failing with chance 0.1, flight lognormal median 0.25 h,
sigma 0.6) hits B's base (value 2, a tenth of it lost per hit). Every act is reported to both
actors an hour later; an actor hearing of another's act while idle deliberates for U(6, 24) h
on everything heard by then, and follows its own acts up apart, after 2 h. Each has two
policies: stand down once it has answered once (then hold back on everything: with no one
able to die, nothing re-engages it), else answer harm h against itself with
min(20, max(1, round(k h))) missiles, k ~ U(0.5, 1.5) drawn once per run. The run ends quiet
two days after the last hostile act once no one is deliberating and no act or report is under
way (or at the 30-day horizon); it is a de-escalation with at most one kinetic answer, else a
contained exchange. Perception noise scales only perceived casualties, of which there are
none here, so the lean model leaves it out.

Written as a SimPy user would write it (a process per act, report, deliberation and the quiet
watch; one random stream per run), without the engine's generality: no conditions, no
ladder, tension, rows or records. ``--bench`` times it and the engine alternately in one
process (CPU time), rounds in alternating order. ``--against TREE`` measures another source
tree too (a git worktree of an earlier commit), each tree in its own processes, alternating
round by round. See benchmarks/README.md, "Issue #14: where the time goes".
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import simpy

HERE = Path(__file__).resolve().parent
HORIZON_H, QUIET_H = 30 * 24.0, 2 * 24.0
DELIBERATION_H, FOLLOW_UP_H, REPORT_DELAY_H = (6.0, 24.0), 2.0, 1.0
FLIGHT_MU, FLIGHT_SIGMA = math.log(0.25), 0.6
OPENING_SALVO, FAILURE, CAP = 10, 0.1, 20
VALUE, DAMAGE_PER_HIT = 2.0, 0.1
K_LOW, K_HIGH = 0.5, 1.5


# -- the lean model -------------------------------------------------------------------------
class Side:
    """One actor's run state: its k, its two inboxes, and its stand-down."""

    __slots__ = ("deliberating", "following_up", "inbox", "k", "own", "responses", "stood_down")

    def __init__(self, k: float) -> None:
        self.k, self.responses, self.stood_down = k, 0, False
        self.inbox: list[Act] = []
        self.own: list[Act] = []
        self.deliberating = self.following_up = False


class Act:
    """A model event: who did it, to whom (None: a public declaration), the harm it did."""

    __slots__ = ("actor", "harm", "target")

    def __init__(self, actor: Side, target: Side | None, harm: float) -> None:
        self.actor, self.target, self.harm = actor, target, harm


class LeanRun:
    """One run of the story. ``play()`` returns (outcome, duration in days, model events)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.env = simpy.Environment()
        self.a = Side(self.rng.uniform(K_LOW, K_HIGH))
        self.b = Side(self.rng.uniform(K_LOW, K_HIGH))
        self.busy = self.events = self.kinetic_responses = 0
        self.last_hostile = 0.0
        self.idle: simpy.Event | None = None
        self.done = self.env.event()

    def play(self) -> tuple[str, float, int]:
        env = self.env
        env.process(self.strike(self.a, self.b, OPENING_SALVO, scripted=True))
        env.process(self.watch())
        env.timeout(HORIZON_H).callbacks.append(lambda _: self.finish("horizon"))
        env.run(until=self.done)
        env._queue.clear()  # what was still to come holds this run in a reference cycle
        ended_by = self.done.value
        outcome = "protracted_conflict" if ended_by == "horizon" else \
            "de_escalation" if self.kinetic_responses <= 1 else "contained_exchange"
        return outcome, env.now / 24.0, self.events

    def finish(self, how: str) -> None:
        if not self.done.triggered:
            self.done.succeed(how)

    def other(self, side: Side) -> Side:
        return self.b if side is self.a else self.a

    def strike(self, actor: Side, target: Side, salvo: int,
               scripted: bool = False) -> Generator[simpy.Event, Any, None]:
        self.busy += 1
        rng = self.rng
        yield self.env.timeout(rng.lognormvariate(FLIGHT_MU, FLIGHT_SIGMA))
        hits = sum(1 for _ in range(salvo) if rng.random() >= FAILURE)
        self.last_hostile = self.env.now
        if not scripted:
            actor.responses += 1
            self.kinetic_responses += 1
        self.happened(Act(actor, target, VALUE * min(1.0, hits * DAMAGE_PER_HIT)))
        self.release()

    def happened(self, act: Act) -> None:
        self.events += 1
        self.busy += 1  # both reports take the same hour: one delivery
        self.env.process(self.deliver(act))

    def deliver(self, act: Act) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(REPORT_DELAY_H)
        for side in (self.a, self.b):
            if act.actor is side:
                side.own.append(act)
                if not side.following_up:
                    side.following_up = True
                    self.busy += 1
                    self.env.process(self.follow_up(side))
            else:
                side.inbox.append(act)
                if not side.deliberating:
                    side.deliberating = True
                    self.busy += 1
                    self.env.process(self.deliberate(side))
        self.release()

    def deliberate(self, side: Side) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(self.rng.uniform(*DELIBERATION_H))
        heard, side.inbox, side.deliberating = side.inbox, [], False
        self.decide(side, heard)
        self.release()

    def follow_up(self, side: Side) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(FOLLOW_UP_H)
        heard, side.own, side.following_up = side.own, [], False
        self.decide(side, heard)
        self.release()

    def decide(self, side: Side, heard: list[Act]) -> None:
        for act in heard:
            if side.stood_down:  # nothing can re-engage it: it holds back
                continue
            if side.responses >= 1:  # satisfied: declare it concluded
                side.stood_down = True
                self.happened(Act(side, None, 0.0))
            elif act.target is side and act.harm > 0:  # answer in proportion
                salvo = min(CAP, max(1, round(side.k * act.harm)))
                self.env.process(self.strike(side, self.other(side), salvo))

    def watch(self) -> Generator[simpy.Event, Any, None]:
        """End quiet once no hostile act for two days and nothing under way."""
        while True:
            remaining = self.last_hostile + QUIET_H - self.env.now
            if remaining > 1e-9:
                yield self.env.timeout(remaining)
            elif self.busy:
                self.idle = self.env.event()
                yield self.idle
            else:
                self.finish("quiet")
                return

    def release(self) -> None:
        self.busy -= 1
        if not self.busy and self.idle is not None and not self.idle.triggered:
            self.idle.succeed()


def lean_runs(seed: int, count: int) -> list[tuple[str, float, int]]:
    """``count`` runs of the lean model; run i is seeded by (seed, i) alone."""
    return [LeanRun((seed << 32) | run).play() for run in range(count)]


# -- the engine -----------------------------------------------------------------------------
def source_root() -> Path:
    """The source tree whose ``escalation`` is imported (a worktree under --tree)."""
    import escalation

    return Path(escalation.__file__).resolve().parents[1]


def engine_runs(scenario: Any, seed: int, count: int) -> tuple[list[str], list[float]]:
    """Outcomes and durations (days) of runs 0..count-1 of a batch, as ``run_chunk`` gives them."""
    from escalation.montecarlo.chunk import Coded, run_chunk
    from escalation.montecarlo.sampling import SamplingPlan

    runs = run_chunk(scenario, seed, 0, count, SamplingPlan()).runs
    coded, durations = runs["outcome"], runs["duration_days"]
    assert isinstance(coded, Coded) and not isinstance(durations, Coded)
    return [coded.words[c] for c in coded.codes], durations.astype(float).tolist()


def engine_events_per_run(scenario: Any, sample: int) -> float:
    import escalation

    return statistics.fmean(len(escalation.simulate(scenario, 0, run).events)
                            for run in range(sample))


# -- does the lean model tell the same story? -----------------------------------------------
def check(runs: int, seed: int = 0) -> dict[str, float]:
    """p-values of Pearson's chi-squared on outcome classes and of two-sample KS and
    Mann-Whitney U tests on durations, lean model against the engine, ``runs`` each."""
    from stability import compare  # benchmarks/stability.py: the tests every note uses

    import escalation

    scenario = escalation.load_scenario(source_root() / "benchmarks" / "minimal.yaml")
    outcomes, durations = engine_runs(scenario, seed, runs)
    lean = lean_runs(seed, runs)
    sides: tuple[dict[str, list[Any]], ...] = (
        {"outcome": outcomes, "duration": durations, "deaths": [0.0] * runs},
        {"outcome": [r[0] for r in lean], "duration": [r[1] for r in lean],
         "deaths": [0.0] * runs},
    )
    p = compare(*sides)
    figures = {"outcome chi2": p["outcome chi2"], "duration KS": p["duration KS"],
               "duration MWU": p["duration MWU"]}
    for name, side in zip(("engine", "lean"), sides, strict=True):
        figures[f"{name} de_escalation"] = side["outcome"].count("de_escalation") / runs
        figures[f"{name} median days"] = statistics.median(side["duration"])
    return figures


# -- how fast? ------------------------------------------------------------------------------
def cpu_seconds(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def one_round(runs: int, seed_runs: int, first: str) -> dict[str, float]:
    """One round of every measurement, in this process, the lean model first or last: CPU µs
    per run of the lean model, of ``run_chunk`` (what a batch pays per run: the run, its
    verdict, its row) and of ``run_world`` alone on minimal.yaml, and of ``run_chunk`` on the
    seed scenario."""
    import escalation
    from escalation.engine.simulate import run_world
    from escalation.model.streams import run_seeds
    from escalation.montecarlo.chunk import run_chunk
    from escalation.montecarlo.sampling import SamplingPlan

    root = source_root()
    minimal = escalation.load_scenario(root / "benchmarks" / "minimal.yaml")
    seed_scenario = escalation.load_scenario(root / "scenarios" / "us_iran_2020.yaml")
    seeds = run_seeds(0, 0, runs).tolist()
    values = SamplingPlan().values(minimal, 0, 0, runs).tolist()  # type: ignore[union-attr]

    def worlds() -> None:
        for own_seed, row in zip(seeds, values, strict=True):
            run_world(minimal, own_seed, row, False)

    lean_runs(0, 200)  # warm-up
    run_chunk(minimal, 0, 0, 200, SamplingPlan())
    run_chunk(seed_scenario, 0, 0, 50, SamplingPlan())
    lean = {"lean": lambda: lean_runs(0, runs)}
    engine = {
        "chunk": lambda: run_chunk(minimal, 0, 0, runs, SamplingPlan()),
        "world": worlds,
        "seed": lambda: run_chunk(seed_scenario, 0, 0, seed_runs, SamplingPlan()),
    }
    order = {**lean, **engine} if first == "lean" else {**engine, **lean}
    return {name: cpu_seconds(work) * 1e6 / (seed_runs if name == "seed" else runs)
            for name, work in order.items()}


def child_round(tree: Path, runs: int, seed_runs: int, first: str) -> dict[str, float]:
    """``one_round`` in a fresh process with ``tree``'s escalation first on the path."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--round", "--tree", str(tree),
         "--runs", str(runs), "--seed-runs", str(seed_runs), "--first", first],
        capture_output=True, text=True, check=True, cwd=tree)
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def events_per_run(tree: Path | None, sample: int) -> dict[str, float]:
    """Model events per run of the lean model and of the engine (``tree``'s, in a child when
    given) on minimal.yaml and on the seed scenario."""
    lean = statistics.fmean(r[2] for r in lean_runs(0, sample))
    if tree is None:
        import escalation

        root = source_root()
        return {"lean": lean, **{name: engine_events_per_run(escalation.load_scenario(root / path),
                                                             sample)
                                 for name, path in (("minimal", "benchmarks/minimal.yaml"),
                                                    ("seed", "scenarios/us_iran_2020.yaml"))}}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--events", str(sample), "--tree",
         str(tree)], capture_output=True, text=True, check=True, cwd=tree)
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def spread(values: list[float], digits: int = 0) -> str:
    """Median and range of a figure over the rounds."""
    return (f"{statistics.median(values):,.{digits}f} "
            f"({min(values):,.{digits}f}-{max(values):,.{digits}f})")


def report(label: str, rounds: list[dict[str, float]], events: dict[str, float]) -> None:
    engine_events, lean_events = events["minimal"], events["lean"]
    lean, chunk, world = ([r[k] for r in rounds] for k in ("lean", "chunk", "world"))
    rows = [
        ("lean model, runs/s", spread([1e6 / x for x in lean])),
        ("engine run_chunk, runs/s", spread([1e6 / x for x in chunk])),
        ("engine run_world, runs/s", spread([1e6 / x for x in world])),
        ("model events per run, engine / lean", f"{engine_events:.3f} / {lean_events:.3f}"),
        ("lean model, µs per model event", spread([x / lean_events for x in lean], 1)),
        ("engine run_chunk, µs per model event", spread([x / engine_events for x in chunk], 1)),
        ("engine run_world, µs per model event", spread([x / engine_events for x in world], 1)),
        ("ratio engine/lean, run_chunk (target >= 0.5)",
         spread([lo / c for lo, c in zip(lean, chunk, strict=True)], 3)),
        ("ratio engine/lean, run_world",
         spread([lo / w for lo, w in zip(lean, world, strict=True)], 3)),
        ("seed scenario run_chunk, ms per run", spread([r["seed"] / 1e3 for r in rounds], 3)),
        ("seed scenario, model events per run", f"{events['seed']:.2f}"),
        ("seed scenario, µs per model event",
         spread([r["seed"] / events["seed"] for r in rounds], 1)),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{label}: CPU time, median (range) of {len(rounds)} rounds")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


def bench(rounds: int, runs: int, seed_runs: int, against: Path | None) -> None:
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    if against is None:
        results = [one_round(runs, seed_runs, "lean" if r % 2 == 0 else "engine")
                   for r in range(rounds)]
        report(f"this tree ({source_root()})", results, events_per_run(None, 500))
        return
    here = source_root()
    trees = {"this tree": here, "against": against.resolve()}
    measured: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for r in range(rounds):  # alternate which tree goes first, and lean first or last
        order = list(trees.items()) if r % 2 == 0 else list(trees.items())[::-1]
        for name, tree in order:
            measured[name].append(child_round(tree, runs, seed_runs,
                                              "lean" if r % 4 < 2 else "engine"))
        print(f"round {r + 1} of {rounds} done, load average {os.getloadavg()[0]:.2f}", flush=True)
    for name, tree in trees.items():
        report(f"{name} ({tree})", measured[name], events_per_run(tree, 500))
    gains = [b["seed"] / a["seed"] for a, b in zip(measured["this tree"], measured["against"],
                                                    strict=True)]
    minimal = [b["chunk"] / a["chunk"] for a, b in zip(measured["this tree"],
                                                        measured["against"], strict=True)]
    print(f"speed-up of this tree over the other, per round: seed {spread(gains, 2)}x, "
          f"minimal run_chunk {spread(minimal, 2)}x")
    print("load average at the end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


# -- command line ---------------------------------------------------------------------------
def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", type=int, metavar="RUNS",
                        help="compare the outcome distributions, RUNS runs each")
    parser.add_argument("--seed", type=int, default=0, help="root seed of --check's runs")
    parser.add_argument("--bench", action="store_true", help="time lean model and engine")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5_000, help="minimal runs per round")
    parser.add_argument("--seed-runs", type=int, default=1_000, help="seed runs per round")
    parser.add_argument("--against", type=Path, help="another source tree to measure, alternating")
    parser.add_argument("--tree", type=Path,
                        help="measure this source tree's escalation (a git worktree), not the "
                        "installed one")
    parser.add_argument("--round", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--first", default="lean", help=argparse.SUPPRESS)
    parser.add_argument("--events", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.tree is not None:  # a child measuring another tree: its escalation first
        sys.path.insert(0, str(args.tree.resolve()))
    if args.round:
        print(json.dumps(one_round(args.runs, args.seed_runs, args.first)))
        return 0
    if args.events:
        print(json.dumps(events_per_run(None, args.events)))
        return 0
    if args.check:
        for name, value in check(args.check, args.seed).items():
            print(f"{name:<24} {value:.4g}")
    if args.bench:
        bench(args.rounds, args.runs, args.seed_runs, args.against)
    return 0


if __name__ == "__main__":
    sys.exit(main())
