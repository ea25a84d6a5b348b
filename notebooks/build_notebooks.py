"""Write the notebooks of this folder, with no outputs (the test suite executes them).

    python notebooks/build_notebooks.py [NAME.ipynb ...]

Edit the cells here rather than in Jupyter, so that the stored notebooks stay stripped and
reviewable; or edit in Jupyter and clear all outputs before committing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = """\
%matplotlib inline
from pathlib import Path

import pandas as pd

import escalation
import escalation.analysis.paths
import escalation.montecarlo.results
import escalation.plotting
import escalation.plotting.paths
import escalation.report.trace

# The notebooks run from the repository root (the test suite) or from notebooks/ (Jupyter).
ROOT = Path.cwd() if (Path.cwd() / "scenarios").is_dir() else Path.cwd().parent
SEED = ROOT / "scenarios" / "us_iran_2020.yaml"
pd.set_option("display.max_colwidth", 120)"""


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip())


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip())


def seed_notebook() -> nbformat.NotebookNode:
    return [
        md("""
# US–Iran, January 2020: the seed scenario

This notebook loads the seed scenario `scenarios/us_iran_2020.yaml`, follows one simulated run
event by event, runs a batch of 1,000 runs, and reads the result against what actually
happened (the sources are in `seeds/us_iran_2020/`: `summary.md`, `facts.md`,
`calibration.md`).

**What happened.** On 3 January 2020 the United States killed Qassem Soleimani in Baghdad.
Five days later Iran fired 16 ballistic missiles at Al-Asad and Erbil, after warning Iraq's
prime minister; 12 hit, nobody died (110 brain injuries were disclosed over the following six
weeks). Iran declared its measures "concluded" and threatened any country hosting a US
attack. The US, with no deaths to avenge, announced new sanctions and stood down. That is
**one** history: one draw from whatever process produced it.
"""),
        code(SETUP),
        md("""
## The scenario

Every number in the file cites a source or says it is an assumption. The uncertain ones are
*parameters*, drawn once per run; the list below is what a batch varies.
"""),
        code("""
scenario = escalation.load_scenario(SEED)
print(scenario.spec.title)
print(f"{len(scenario.parameters.uncertain)} uncertain parameters:")
for p in scenario.parameters.uncertain:
    print(f"  {p.name:<70} {p.distribution.dist}")"""),
        md("""
## One run, as a timeline

`simulate(scenario, seed, run)` is run `run` of the batch with that seed, so this is exactly
run 0 of the batch below. Each line is an act; the indented lines are who perceived it, when,
and how (perception is delayed and noisy: Iran's state media inflate US losses, `cal:#13`).
"""),
        code("""
record = escalation.simulate(scenario, seed=42, run=0)
print(escalation.report.trace.format_trace(scenario, record))"""),
        md("""
## A batch of 1,000 runs

Each run draws its own parameters and its own chance events. The summary gives each outcome
class with a 95% Wilson interval: with 1,000 runs an interval is a few points wide, so
differences of one or two points between classes mean nothing.
"""),
        code("""
results = escalation.run_batch(scenario, runs=1000, seed=42, backend="serial", progress=False)
results.summary()"""),
        code("""
print(results.format_summary())"""),
        code("""
escalation.plotting.outcome_chart(results)"""),
        md("""
The outcome classes are defined at the end of the scenario file: `war` (a homeland campaign,
or deaths at war levels), `de_escalation` (at most one answer from each of the two states, no
homeland struck, then two quiet weeks), `contained_exchange` (several exchanges, then quiet),
`protracted_conflict` (still going at 90 days).
"""),
        md("""
## Escalation paths

A path is the sequence of moves in a run (minor kinds such as statements are dropped). The
table gives the most frequent first six moves, each with the share of runs and how those runs
ended; the icicle chart shows the same tree, first move at the top.
"""),
        code("""
escalation.analysis.paths.path_table(results, depth=6)"""),
        code("""
escalation.plotting.paths.path_icicle_chart(results)"""),
        md("""
## Against the historical record

History took one path: **one** Iranian missile strike, **no** US deaths, US **sanctions** and
**no** US strike, both sides standing down. We count the runs that took that path. (The
count is strict: a run where Kataib Hezbollah's rockets drew a US strike on its sites does not
match, although the Iran–US dyad de-escalated in it too.)
"""),
        code("""
runs = results.completed
path = runs["path"].astype(str)
historical = (
    (runs["outcome"].astype(str) == "de_escalation")
    & (runs["deaths.united_states"] == 0)
    & (path.str.count("iran:ballistic_strike") == 1)
    & path.str.contains("united_states:sanctions", regex=False)
    & ~path.str.contains("united_states:strike", regex=False)
)
low, high = escalation.montecarlo.results.wilson(int(historical.sum()), len(runs))
print(f"runs on the historical path: {historical.sum()} of {len(runs)} "
      f"= {historical.mean():.1%} [95% interval {low:.1%}, {high:.1%}]")
print(f"runs in which Iran struck at all: {path.str.contains('iran:ballistic_strike').mean():.1%}")
print(f"runs with US deaths: {(runs['deaths.united_states'] > 0).mean():.1%}")
print(f"runs with a US strike on Iran: {path.str.contains('united_states:strike').mean():.1%}")"""),
        code("""
# What separates the historical runs from the others? The mean of each drawn parameter.
params = [c for c in runs.columns if c.startswith("param.")]
pd.DataFrame({"historical path": runs.loc[historical, params].mean(),
              "other runs": runs.loc[~historical, params].mean()}).round(3)"""),
        md("""
### How to read this, honestly

- **The model is calibrated on the very episode it is compared with.** Delays, salvo size,
  failure rate, the warning and its relay come from this crisis (`calibration.md`). That the
  historical path is among the frequent ones is a consistency check of the encoding, not
  evidence that the model predicts crises.
- **One history cannot confirm a probability.** Whether the historical path has a share of
  20% or 60% in the model, the real outcome is compatible with it. What the batch says is
  conditional: *if* these rules and ranges describe the actors, these are the odds of each
  course. The table of parameter means shows how little any single assumption separates the
  historical runs from the others (apart from those the definition selects on: Iran's
  retaliation probability is higher because the path needs a strike, Kataib Hezbollah's
  harassment rate lower because its rockets tend to draw a US strike). In this model the course
  is set mostly by chance events within a run (proxy rockets, a salvo that kills despite the
  warning, an airliner shot down), not by one assumption.
- **The rules are the decisive assumption, not the numbers.** The US policy
  `sanctions_instead_of_force` decides *by construction* that no deaths mean sanctions; Iran's
  `concluded` policy stands down after one answer. The batch quantifies how often chance events
  (deaths despite the warning, proxy rockets, an airliner shot down, Israel drawn in) knock the
  crisis off that course; it does not test whether the leaders would have chosen differently.
- **The outcome classes are thresholds we chose** (`war` at 50 US or 200 Iranian deaths or a
  homeland campaign). Change them and the shares move.
- **Rare branches are poorly sampled.** With 1,000 runs a 1% path has an interval of roughly
  0.5–2%; the icicle chart hides branches under 1%.
"""),
        md("""
## Explore

`escalation.explorer.explore` puts sliders on the main assumptions (the uncertain policy
parameters first). Each slider pins its field to one value (`PATH=VALUE`, as
`escalation run --set`), and releasing it re-runs 300 runs with the same seed and redraws the
outcome chart. Without `ipywidgets` (`pip install ipywidgets`) it returns a static chart at the
scenario's own values instead.
"""),
        code("""
from escalation.explorer import explore

explore(SEED, runs=300, seed=0)"""),
    ]


def what_if_notebook() -> nbformat.NotebookNode:
    return [
        md("""
# What if? Counterfactuals on the seed scenario

A counterfactual changes one assumption of `us_iran_2020` and asks how the odds of each
outcome move. `escalation.analysis.compare.compare` runs both versions with **common random
numbers**: run *i* of the base and of the variant draw the same parameters and the same chance
events, so they differ only where the change matters. The difference in probability is the
mean of per-run differences, and its interval is much narrower than the one two independent
batches would give.
"""),
        code(SETUP + """

from escalation.analysis.compare import compare
from escalation.analysis.sweep import parse_axis, sweep
from escalation.plotting.assumptions import comparison_chart, sweep_chart

RUNS = 500
base = escalation.load_scenario(SEED)


def variant(file_name, settings):
    \"\"\"A variant file of the seed when it exists, else the same change as settings.\"\"\"
    path = ROOT / "scenarios" / file_name
    if path.is_file():
        print(f"variant: {path.relative_to(ROOT)}")
        return escalation.load_scenario(path)
    print("variant: seed with " + ", ".join(settings))
    return escalation.load_scenario(SEED, settings=settings)"""),
        md("""
## 1. No warning

In 2020 Iran warned Iraq's prime minister, the warning reached US forces, and the troops
sheltered (`facts:#7`, `cal:#8–#10`). Without a warning the salvo meets troops in the open.
"""),
        code("""
no_warning = variant("us_iran_2020_no_warning.yaml", ["actors.iran.policies.avenges.response.warn=[]"])
comparison = compare(base, no_warning, runs=RUNS, seed=7, backend="serial", progress=False)
print(comparison.format())"""),
        code("""
comparison.differences[["base", "variant", "difference", "ci_low", "ci_high",
                        "independent_half_width", "tighter", "discordant"]].round(3)"""),
        md("""
`transitions` shows where runs moved: row = outcome of run *i* in the base, column = outcome
of the same run in the variant. Runs on the diagonal did not change.
"""),
        code("""
comparison.transitions"""),
        code("""
comparison_chart(comparison, "no warning")"""),
        md("""
### Why the paired intervals are tight

The black bars are the paired 95% intervals, the grey ones what two *independent* batches of
the same size would give; the `tighter` column is their ratio. A run that ends the same way in
both versions contributes a difference of exactly zero, so only the `discordant` runs add
variance. The gain is therefore largest when a change moves few runs: here it moves a large
share of them (see the `changed outcome` count), so the intervals are "only" 1.3–2 times
tighter, which is still worth 1.7–4 times as many independent runs (variance goes with the
square). In the host-base comparison below few runs move and the gain is much larger; a class
that no run enters or leaves has an interval of exactly zero (`exact`).
"""),
        md("""
## 2. US deaths at Al-Asad

What if the salvo had killed Americans? The variant file keeps the warning but makes
sheltering useless (`warned_factor = 1`) and aims the salvo at Al-Asad; the fallback setting
removes the warning as well. The US `sanctions_instead_of_force` policy and the
"52 sites" red line both turn on US deaths.
"""),
        code("""
us_deaths = variant("us_iran_2020_us_deaths.yaml",
                    ["assets.al_asad.warned_factor=1", "actors.iran.policies.avenges.response.warn=[]"])
comparison = compare(base, us_deaths, runs=RUNS, seed=7, backend="serial", progress=False)
print(comparison.format())
comparison_chart(comparison, "US deaths")"""),
        md("""
## 3. The US strikes back anyway

`sanctions_instead_of_force` strikes when the perceived deaths exceed `death_threshold`
(uniform 0–20 in the seed) and imposes sanctions otherwise. The threshold cannot go below 0
(the loader refuses it), and at 0 a strike that kills nobody still draws sanctions; so this
variant replaces the policy's `sanctions` order by the same strike as its `force` order: any
Iranian strike on US forces, even one that kills nobody, is answered by force.
"""),
        code("""
FORCE = ("{action: strike, target: {owner: iran, kind: military_site}, "
         "salvo: {dist: uniform, low: 5, high: 20}, origin: [al_dhafra, carrier_group]}")
us_strikes = escalation.load_scenario(
    SEED, settings=[f"actors.united_states.policies.sanctions_first.sanctions={FORCE}"])
comparison = compare(base, us_strikes, runs=RUNS, seed=7, backend="serial", progress=False)
print(comparison.format())
comparison_chart(comparison, "US answers by force")"""),
        md("""
## 4. A host used as a base

Iran threatened any country that lets the US attack from its soil (Dubai was named). In the
seed, the US "52 sites" strike may come from Al Dhafra (UAE) or a carrier; here it can only
come from Al Dhafra, so the host is always exposed if that threat is ever enforced.
"""),
        code("""
host_base = variant("us_iran_2020_host_base.yaml",
                    ["actors.united_states.policies.fifty_two_sites.enforce.origin=[al_dhafra]"])
comparison = compare(base, host_base, runs=RUNS, seed=7, backend="serial", progress=False)
print(comparison.format())
comparison_chart(comparison, "strikes from a host")"""),
        md("""
This branch can only matter in runs where the US enforces its "52 sites" threat, which needs
US deaths first, so most runs cannot move at all: the `discordant` column and `transitions`
show how many did, and the `tighter` column shows how much sharper the paired estimate is when
changes are rare. The direction of the change comes from what the model assumes about the two
origins (Al Dhafra's air defence and Iran's answer to a host, against a carrier at sea), so read
it as a consequence of those assumptions, not as a finding about basing.

## 5. A sweep: how likely was Iran to retaliate at all?

`actors.iran.policies.avenges.probability` is a beta(8, 2) in the seed (retaliation widely
expected, not certain). The sweep pins it to 0, 0.25, 0.5, 0.75 and 1 and runs 300 runs at
each point with the same seed, so the points share their random numbers and the curves are
smooth.
"""),
        code("""
axis = parse_axis("actors.iran.policies.avenges.probability=0:1:5")
table = sweep(lambda s: escalation.load_scenario(SEED, s), [axis], runs=300, seed=1,
              backend="serial", progress=False)
table.round(3)"""),
        code("""
sweep_chart(table, [axis.path])"""),
        md("""
## Limits

- A counterfactual changes one input of a model whose rules were written with the real
  sequence in view; it answers "what does *this model* do if...", not "what would have
  happened".
- Common random numbers make differences sharp, not right: a tight interval around a
  difference says the batch is large enough, nothing about whether the assumptions are.
- Some changes touch rare branches only; a zero difference can mean "no effect" or "the branch
  is never reached with these assumptions". `transitions` and `discordant` tell which.
"""),
    ]


def own_notebook() -> nbformat.NotebookNode:
    return [
        md("""
# Write your own scenario

A scenario is plain data: the same fields as a YAML file (`docs/scenario-format.md`), here
built as a Python dict step by step and checked with `escalation.scenario_from_dict`. For a
commented file to copy, see `scenarios/two_state_template.yaml`.

The story (invented): Northland and Southland each keep an outpost across the river. A
Southland patrol fires on Northland's outpost. Northland answers in proportion, then declares
the matter closed. Southland answers Northland's strike with sanctions unless it lost more
people than it can stomach, in which case it strikes back.
"""),
        code(SETUP),
        md("""
## Step 1: the states

Each actor has a delay between hearing of an event and deciding (`deliberation_hours`, a
*variate* drawn at every decision) and policies, asked in order.
"""),
        code("""
actors = {
    "northland": {
        "name": "Northland",
        "deliberation_hours": {"dist": "uniform", "low": 12, "high": 48},   # assumption
        "policies": [
            # after one answer, declare the matter closed (unless its people are killed again)
            {"policy": "stand_down_when_satisfied", "id": "satisfied", "answers": 1},
            # answer in proportion to the harm perceived, with an uncertain multiplier k
            {"policy": "proportional_retaliation", "id": "answer",
             "k": {"dist": "uniform", "low": 0.5, "high": 1.5},   # a parameter: drawn once per run
             "response": {"action": "strike", "target": {"owner": "offender"}}},
        ],
    },
    "southland": {
        "name": "Southland",
        "deliberation_hours": 24,
        "policies": [
            {"policy": "sanctions_instead_of_force", "id": "sanctions_first",
             "death_threshold": {"dist": "uniform", "low": 0, "high": 10},   # deaths it absorbs
             "sanctions": {"action": "sanctions", "target": "northland"},
             "force": {"action": "strike", "target": {"owner": "northland"}}},
        ],
    },
}"""),
        md("""
## Step 2: what can be hit, and how it opens

Assets belong to an actor and stand on a host's soil. The opening is a scripted act at t = 0.
"""),
        code("""
assets = {
    "north_post": {"owner": "northland", "host": "southland", "personnel": 40, "value": 2},
    "south_post": {"owner": "southland", "host": "northland", "personnel": 40, "value": 2},
}
opening = [{"id": "river_shot", "actor": "southland", "action": "strike", "target": "north_post",
            "at_hours": 0}]

data = {
    "name": "my_crisis",
    "title": "Northland and Southland: a shot across the river",
    "horizon_days": 60,
    "quiet_days": 10,
    "actors": actors,
    "assets": assets,
    "initial_events": opening,
}"""),
        md("""
## Step 3: a deliberate mistake

Two typical slips: a distribution whose `low` is above its `high`, and a misspelt field. The
loader reports every problem at once, with the path of the field and a suggestion.
"""),
        code("""
import copy

broken = copy.deepcopy(data)
broken["actors"]["northland"]["policies"][1]["k"] = {"dist": "uniform", "low": 1.5, "high": 0.5}
policy = broken["actors"]["southland"]["policies"][0]
policy["death_treshold"] = policy.pop("death_threshold")
try:
    escalation.scenario_from_dict(broken, "my_crisis")
except escalation.ScenarioError as error:
    print(error)"""),
        md("""
## Step 4: the fixed scenario

`data` itself has neither mistake, so it validates. The uncertain parameters are listed by
name: these names are what `--set`, sweeps and the explorer use.
"""),
        code("""
scenario = escalation.scenario_from_dict(data, "my_crisis")
[p.name for p in scenario.parameters.uncertain]"""),
        md("""
## Step 5: one run, then a batch

No `outcomes` were given, so the standard outcome classes apply.
"""),
        code("""
record = escalation.simulate(scenario, seed=42, run=0)
print(escalation.report.trace.format_trace(scenario, record))"""),
        code("""
results = escalation.run_batch(scenario, runs=500, seed=1, backend="serial", progress=False)
results.summary()"""),
        code("""
escalation.plotting.outcome_chart(results)"""),
        md("""
## Step 6: change one thing

Settings change a field before validation (the same `PATH=VALUE` as `escalation run --set`).
Here Southland tolerates no deaths at all.
"""),
        code("""
hawkish = escalation.scenario_from_dict(
    data, "my_crisis", settings=["actors.southland.policies.sanctions_first.death_threshold=0"])
escalation.run_batch(hawkish, runs=500, seed=1, backend="serial", progress=False).summary()"""),
        md("""
To keep the scenario, write it as YAML with `escalation.dump_scenario` or by hand, cite a source
or write "assumption" beside every number, and check it with `escalation validate FILE`.
"""),
    ]


def calibrate_notebook() -> nbformat.NotebookNode:
    return [
        md("""
# Calibrate: which values does history rule out?

A scenario states its assumptions: how likely a state is to answer a strike, how lethal a hit
on a base is. `scenarios/history/` holds real episodes, each with an `observed:` block saying
what happened (the outcome class, first-answer lags, deaths, hostile acts, crisis days).
**History matching** sets one assumption to the same value in every episode and asks a
modest question: *which values cannot reproduce what happened?* It does not look for the
best value; it removes the values the record contradicts.

- **Implausibility.** For each observed output, how far the observation lies from the mean of
  the runs at that value, in standard deviations of the runs' own spread (counts and delays on
  the log1p scale). A point's implausibility is the largest over every output of every episode.
- **Cutoff 3.** A value whose implausibility exceeds 3 is ruled out (Pukelsheim's three-sigma
  rule: any unimodal distribution keeps at least 95% of its mass within three standard
  deviations). For the outcome class this rules out exactly the values that give what
  happened less than a 10% chance. What is left is *not ruled out yet*.
- **Waves.** The first wave fills the range with a Latin hypercube; each later wave draws its
  points near the points the previous wave kept, so the search closes in.

`docs/calibration.md` gives the formulas and the references. The last section runs a second
method, **ABC-SMC**, on a toy whose answer is known: it gives a weighted posterior sample
rather than a set of values not ruled out.
"""),
        code(SETUP),
        code("""
from escalation.analysis.calibration import history_match, shared_parameters
from escalation.analysis.episodes import WHOLE_CRISIS, load_episodes
from escalation.plotting.calibration import (
    implausibility_by_episode,
    plausible_pairs,
    write_calibration_figures,
)

HISTORY = ROOT / "scenarios" / "history"
# A small budget, so that the notebook runs in well under a minute. For real use, give each
# wave more points and runs, e.g. waves=3, points=40, runs=200 (the defaults of
# `escalation calibrate`), and backend="processes" to use every core.
BUDGET = {"waves": 1, "points": 6, "runs": 20}
SERIAL = {"seed": 0, "backend": "serial", "progress": False}"""),
        md("""
## The library and the shared parameter

Each episode is a scenario with its record. The pattern `*.probability` matches every
policy's chance of acting, in every episode: one value of it sets them all at once, so one
number is tested against twelve crises.
"""),
        code("""
episodes = load_episodes(HISTORY)
PATTERN = "*.probability"
[shared] = shared_parameters(episodes, [PATTERN])
pd.DataFrame([{"episode": e.name, "what happened": e.real_class,
               "observed numbers": len(e.scenario.observed.facts),
               "parameters the pattern sets": len(shared.names[e.name])} for e in episodes])"""),
        md("""
## History matching with no discrepancy

With a discrepancy of 0 (the default), the model must reproduce every episode by itself: the
only spread allowed is the runs' own.
"""),
        code("""
result = history_match(HISTORY, [PATTERN], **BUDGET, **SERIAL)
result.waves()"""),
        code("""
result.summary()"""),
        md("""
The first figure puts each value tried against its implausibility (log scale): a point above
the dashed cutoff is ruled out. Implausibilities that are infinite (every run gives the same
number and it is not the observed one) are drawn as triangles at the top of the axis, and the
axis label says how many.
"""),
        code("""
plausible_pairs(result)"""),
        md("""
The second figure shows, for the last wave, each episode's implausibility at every point:
the episodes on the left rule out the most values, and an episode whose points all lie above
the cutoff rules out every value by itself.
"""),
        code("""
implausibility_by_episode(result)"""),
        md("""
### What this says

On the shipped library, with no discrepancy, **one probability shared by every policy is
ruled out everywhere**: no value tried reproduces all twelve episodes, and a larger budget
does not change that (20 points of 100 runs each are all ruled out too). The table below
gives each episode's lowest implausibility over every point tried: an episode above the
cutoff rules out every value by itself, whatever the others say.
"""),
        code("""
lowest = result.points[[f"I.{name}" for name in result.episodes]].min()
lowest.index = list(result.episodes)
pd.DataFrame({"lowest implausibility": lowest,
              "rules out every value tried": lowest > result.cutoff}
             ).sort_values("lowest implausibility", ascending=False).round(2)"""),
        md("""
Why? Take the episode that is hardest to reproduce and run it at the best value tried. Its
observed numbers lie outside (or at the edge of) what the runs produce, whatever the shared
probability: the miss is in the numbers the model makes (deaths, the length of the crisis),
not in how likely the states are to act.
"""),
        code("""
worst = lowest.idxmax()
episode = next(e for e in episodes if e.name == worst)
best = float(result.points.loc[result.points["implausibility"].idxmin(), PATTERN])
settings = [*WHOLE_CRISIS, *(f"{name}={best}" for name in shared.names[worst])]
runs = escalation.run_batch(escalation.load_scenario(episode.path, settings), runs=200, seed=0,
                            backend="serial", progress=False).completed
print(f"{worst} at {PATTERN} = {best:.2f}: what happened against 200 runs")
pd.DataFrame([{"observed": fact.name, "record": fact.value,
               "runs 5%": runs[fact.column].quantile(0.05),
               "runs median": runs[fact.column].median(),
               "runs 95%": runs[fact.column].quantile(0.95)}
              for fact in episode.scenario.observed.facts]).round(2)"""),
        md("""
## Allowing for model discrepancy

`discrepancy` (d) says how far the model may be from the world even at the right value: d²
is added to every variance. It is an admission, not a fix. With d = 2, an observed number may
lie a factor of e² ≈ 7 from the runs' typical value per standard deviation on the log1p
scale, so the cutoff of 3 tolerates a miss of a factor of several hundred; and the outcome
class can no longer rule anything out (its implausibility is at most 1/d = 0.5).
"""),
        code("""
lenient = history_match(HISTORY, [PATTERN], **{**BUDGET, "waves": 2}, discrepancy=2.0, **SERIAL)
lenient.waves()"""),
        code("""
lenient.summary()"""),
        code("""
plausible_pairs(lenient)"""),
        code("""
implausibility_by_episode(lenient)"""),
        md("""
With this much discrepancy some values survive, and the low probabilities are the first to
go. Read it honestly: **the library can be matched only by conceding that the model misses
some episodes' numbers, such as deaths, at any shared probability.** The values not ruled out
are values the record does not contradict *given that concession*; they are not estimates.
The remedy is in the scenarios (assets, lethality, how long crises last) or in calibrating
those numbers too (`--params 'assets.*.lethality'` with a `--range`), not in a larger d.
"""),
        md("""
## A toy where the answer is known

To see the method find a value, give it a record made from a known one. The toy: north shells
south's border post once; each hit kills `lethality` people; south answers in kind with
probability `probability`. We run it at a lethality of 2 and take south's deaths at the
10th, 50th and 90th percentiles of the runs as three "episodes", in each of which south
answered. Then we search both parameters over their full ranges.
"""),
        code("""
import tempfile

import yaml

TRUE_LETHALITY = 2.0
TOY_LETHALITY = "assets.south_post.lethality"
TOY_PATTERNS = ["*.answer.probability", TOY_LETHALITY]


def toy(name, deaths):
    \"\"\"One shelling, perhaps one answer; the record: south answered and lost `deaths`.\"\"\"
    post = {"personnel": 1000, "value": 2, "air_defence": 0}
    return {
        "name": name, "horizon_days": 10, "quiet_days": 2,
        "actors": {"north": {"deliberation_hours": 2},
                   "south": {"deliberation_hours": 2, "policies": [
                       {"policy": "proportional_retaliation", "id": "answer", "k": 1,
                        "probability": {"dist": "uniform", "low": 0, "high": 1},
                        "response": {"action": "strike", "target": {"owner": "offender"}}}]}},
        "assets": {"north_post": {"owner": "north", "host": "south", **post, "lethality": 1},
                   "south_post": {"owner": "south", "host": "north", **post,
                                  "lethality": {"dist": "uniform", "low": 0.1, "high": 5}}},
        "initial_events": [{"id": "shelling", "actor": "north", "action": "strike",
                            "target": "south_post", "at_hours": 0, "salvo": 10}],
        "outcomes": [{"id": "answered", "when": "responses.south >= 1"},
                     {"id": "quiet", "when": "true"}],
        "observed": {"summary": "a toy episode",
                     "outcome": {"value": "answered", "source": "toy"},
                     "deaths": {"south": {"value": deaths, "source": "toy"}}},
    }


known = escalation.scenario_from_dict(toy("known", 0), settings=[f"{TOY_LETHALITY}={TRUE_LETHALITY}"])
deaths = escalation.run_batch(known, runs=400, seed=11, backend="serial", progress=False).runs["deaths.south"]
toys = tempfile.TemporaryDirectory()  # removed when the notebook's kernel ends
for q in (10, 50, 90):
    path = Path(toys.name) / f"p{q}.yaml"
    path.write_text(yaml.safe_dump(toy(f"p{q}", float(deaths.quantile(q / 100)))))
toy_result = history_match(toys.name, TOY_PATTERNS, waves=2, points=16, runs=40, **SERIAL)
toy_result.summary()"""),
        code("""
plausible_pairs(toy_result)"""),
        md("""
The deaths find the known lethality: 2 lies inside the range not ruled out, and lethalities
far from it are ruled out. The record says little about the probability: only values that
give south's answer less than a 10% chance are ruled out. On the probability, three episodes
in which south answered rule out no more than one does, because a point's implausibility is
the *largest* over the episodes, not a product of likelihoods (on the lethality, each death
toll adds a constraint of its own). That is the method working as intended: it
keeps every value the record cannot tell apart, and narrows only where the record speaks.

## Writing the figures

`write_calibration_figures(result, folder)` writes both figures as PNG and SVG, as the other
figure writers do.
"""),
        code("""
figures = tempfile.TemporaryDirectory()
[path.name for path in write_calibration_figures(lenient, figures.name)]"""),
        md("""
## ABC-SMC: a posterior, not only what is left

History matching keeps a set: every value not ruled out counts the same, and nothing says
which of them the record favours. **ABC-SMC** (approximate Bayesian computation by sequential
Monte Carlo) asks another question: *starting from a uniform prior over the ranges, which
values reproduce the record, and how often?* Its answer is a **weighted sample of the
posterior**.

- **Particles.** A particle is one value per shared parameter. Its simulation is **one run of
  every episode** with those values set: the standard ABC simulation. The runs' own randomness
  is averaged over by the many particles, not by many runs of each.
- **Distance.** One number says how far a simulation lies from the record. By default it is a
  *semi-automatic projection*: a ridge regression, fitted on the prior's simulations, maps all
  the episodes' summaries (the outcome class, and every observed number on the log1p scale)
  to one estimate per parameter, and the distance compares the simulation's estimates with
  the record's. So every episode's evidence counts, and the distance has one term per
  parameter however many episodes there are.
- **Generations.** Generation 0 draws its particles from the prior and keeps them all. Each
  later generation moves the previous one's particles by a random step and keeps only those
  whose simulation lies within a **tolerance** of the record; the tolerance shrinks from one
  generation to the next (by default, the median of the previous generation's distances).
  Each particle's weight corrects for how it was proposed.

What it is not: the posterior is approximate (it depends on the summaries, the distance and
the tolerance reached), it leans on the prior, and it has no model discrepancy. Where the
model cannot reproduce an episode, ABC-SMC still returns the values that come closest: read
the tolerance reached beside the posterior. `docs/calibration.md` gives the details and the
references.

We run it on the toy above, where the lethality is known, with a small budget.
"""),
        code("""
from escalation.analysis.posterior import abc_smc
from escalation.plotting.posterior import posterior_pairs, tolerance_by_generation

# A small budget, so that the notebook stays fast. For real use, give it more particles and
# generations, e.g. particles=200, generations=4 (the defaults of `escalation calibrate
# --method abc`) or more, and backend="processes" to use every core.
ABC_BUDGET = {"particles": 100, "generations": 4}  # generations count the prior's
posterior = abc_smc(toys.name, TOY_PATTERNS, **ABC_BUDGET, **SERIAL)
posterior.steps()"""),
        md("""
Each row is a generation: the tolerance its particles met (infinite for generation 0, the
prior), the candidates it ran to find its particles, the share accepted, and the effective
sample size of the weights (`ess`: the number of particles when every weight is equal). The
tolerance shrinks at every generation, and the acceptance usually falls: each generation
closes in further and costs more than the one before.
"""),
        code("""
posterior.summary()"""),
        md("""
The summary gives each parameter's prior range, and the posterior's weighted mean, median,
standard deviation and central 95% interval (`low`, `high`). Does the interval cover the
lethality the toy was made with?
"""),
        code("""
lethality = posterior.summary().set_index("parameter").loc[TOY_LETHALITY]
covered = lethality["low"] <= TRUE_LETHALITY <= lethality["high"]
print(f"{lethality['level']:.0%} interval of the lethality: [{lethality['low']:.2f}, "
      f"{lethality['high']:.2f}], median {lethality['median']:.2f}; the known value "
      f"{TRUE_LETHALITY:g} is {'inside' if covered else 'OUTSIDE'} it")

# Beside history matching's answer on the same toy (the range of the values not ruled out)
matched = toy_result.summary().set_index("parameter")
weighted = posterior.summary().set_index("parameter")
pd.DataFrame({"not ruled out: from": matched["plausible_low"],
              "not ruled out: to": matched["plausible_high"],
              "posterior: 2.5%": weighted["low"], "posterior: median": weighted["median"],
              "posterior: 97.5%": weighted["high"]}).round(2)"""),
        md("""
The two answers are not the same kind of thing, and their widths do not compare. History
matching's range is the span of the last wave's few points not ruled out, all of them equal,
so its edges are rough. The posterior's interval holds 95% of the weight at the tolerance
reached, and the median says where the weight centres. On the probability, a value is kept
more often the more often its runs reproduce south's answer in all three episodes, so each
episode counts; history matching keeps every value that gives the answer at least a 10%
chance. With this small budget the tolerance is still wide: more particles and generations
close in further.

The first figure puts the posterior over the prior: on the diagonal, each parameter's
weighted histogram beside the prior's; off it, the last generation's particles (each as large
as its weight) over the prior's draws.
"""),
        code("""
posterior_pairs(posterior)"""),
        md("""
The second figure shows, per generation, the tolerance the particles met and the share of
candidates accepted (with the effective sample size): how far the search closed in, and what
it cost.
"""),
        code("""
tolerance_by_generation(posterior)"""),
        md("""
### Which summaries inform which parameter

`posterior.projection()` opens the distance: one row per summary (`S.<episode>.<output>`),
with the record's value, its spread over the prior's simulations and, for each parameter, its
coefficient in the regression that estimates that parameter. The coefficients are per spread,
so the rows compare: **the larger a coefficient, of either sign, the more that summary moves
that parameter's estimate**, and a coefficient near 0 means the summary says little about it.
"""),
        code("""
posterior.projection().round(3)"""),
        md("""
### One interface, and the command line

Both methods go through one function, `escalation.analysis.calibrate.calibrate(targets,
patterns, method=...)`: `method="history"` (the default) runs `history_match`, `method="abc"`
runs `abc_smc`, each with its own options. Both results have `summary()`, `steps()` (waves or
generations) and `values()`: one value per pattern, for ABC-SMC its weighted posterior median.
The same seed gives the same posterior.
"""),
        code("""
from escalation.analysis.calibrate import calibrate

same = calibrate(toys.name, TOY_PATTERNS, method="abc", **ABC_BUDGET, **SERIAL)
pd.DataFrame({"abc_smc": posterior.values(), 'calibrate(method="abc")': same.values()})"""),
        md("""
From the command line, on the real library:

    escalation calibrate scenarios/history --params '*.probability' \\
        --method abc --generations 4 --particles 200 --out results/abc

With `--out`, `calibrated.yaml` then holds each pattern's weighted posterior median (with
history matching, the median of the last wave's values not ruled out), for any scenario's
`calibration:` key.
"""),
        md("""
## From the command line, and what is not done yet

The history match, with a real budget:

    escalation calibrate scenarios/history --params '*.probability' \\
        --waves 3 --points 40 --runs 200 --out results/hm

`docs/calibration.md` explains both methods, the files `--out` writes, and, in its "Not yet"
section, what is still to come. Shared parameters are per-run parameters only: delays drawn at
each occurrence (deliberation, perception) cannot be calibrated yet.
"""),
    ]


NOTEBOOKS = {
    "01_us_iran_2020.ipynb": seed_notebook,
    "02_what_if.ipynb": what_if_notebook,
    "03_write_your_own.ipynb": own_notebook,
    "04_calibrate.ipynb": calibrate_notebook,
}


def build(name: str) -> nbformat.NotebookNode:
    notebook = new_notebook(cells=NOTEBOOKS[name]())
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def main(names: list[str]) -> None:
    """Write the notebooks named (all of them when none is): each build gives the cells new
    ids, so naming one leaves the others unchanged."""
    for name in names or NOTEBOOKS:
        notebook = build(name)
        nbformat.validate(notebook)
        nbformat.write(notebook, HERE / name)
        print(f"wrote notebooks/{name} ({len(notebook.cells)} cells)")


if __name__ == "__main__":
    main(sys.argv[1:])
