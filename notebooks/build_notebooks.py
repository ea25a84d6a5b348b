"""Write the notebooks of this folder, with no outputs (the test suite executes them).

    python notebooks/build_notebooks.py

Edit the cells here rather than in Jupyter, so that the stored notebooks stay stripped and
reviewable; or edit in Jupyter and clear all outputs before committing.
"""

from __future__ import annotations

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


NOTEBOOKS = {
    "01_us_iran_2020.ipynb": seed_notebook,
    "02_what_if.ipynb": what_if_notebook,
    "03_write_your_own.ipynb": own_notebook,
}


def build(name: str) -> nbformat.NotebookNode:
    notebook = new_notebook(cells=NOTEBOOKS[name]())
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def main() -> None:
    for name in NOTEBOOKS:
        notebook = build(name)
        nbformat.validate(notebook)
        nbformat.write(notebook, HERE / name)
        print(f"wrote notebooks/{name} ({len(notebook.cells)} cells)")


if __name__ == "__main__":
    main()
