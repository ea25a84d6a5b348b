"""Small scenarios whose answers can be computed by hand, shared by several test modules.

``QUICK`` in a scenario text stands for an actor that decides within the hour and perceives
at once and exactly; ``quick`` expands it.
"""

from __future__ import annotations

from pathlib import Path

import escalation
from escalation import Scenario

QUICK = "deliberation_hours: 1\n    perception: {delay_hours: 0, noise: 0}"

# A criticises B. B answers with sanctions with a per-run probability p ~ uniform(0.2, 0.4),
# so with probability E[p] = 0.3; A then answers B's sanctions with probability 0.6, which
# ends the run at once (terminal). Nothing else can happen, so the outcome probabilities are
# both = 0.3 * 0.6, b_only = 0.3 * 0.4, none = 0.7.
COIN_FLIPS = """
name: coin_flips
horizon_days: 10
quiet_days: 2
actors:
  a:
    QUICK
    policies:
      - when: "perceived.actor == 'b' and not perceived.update"
        id: answer
        probability: 0.6
        do: {action: sanctions, target: b}
  b:
    QUICK
    policies:
      - when: "perceived.actor == 'a' and not perceived.update"
        id: answer
        probability: {dist: uniform, low: 0.2, high: 0.4}
        do: {action: sanctions, target: a}
initial_events:
  - {actor: a, action: criticize, target: b}
outcomes:
  - {id: both, when: "responses.a >= 1", terminal: true}
  - {id: b_only, when: "responses.b >= 1"}
  - {id: none, when: "true"}
"""
TRUE_PROBABILITIES = {"both": 0.3 * 0.6, "b_only": 0.3 * 0.4, "none": 0.7}


def quick(text: str) -> str:
    """The scenario text with every ``QUICK`` placeholder expanded."""
    return text.replace("QUICK", QUICK)


# -- scenarios built from plain data --------------------------------------------------------
# An actor that hears at once and exactly and decides within the hour, as QUICK above.
PROMPT: dict[str, object] = {"deliberation_hours": 1, "perception": {"delay_hours": 0, "noise": 0}}
CATCH_ALL = [{"id": "any", "when": "true"}]


def prompt(**fields: object) -> dict[str, object]:
    """A ``PROMPT`` actor with ``fields`` added or replaced."""
    return {**PROMPT, **fields}


def opening(actor: str, action: str, target: object, at: float = 0.0,
            **fields: object) -> dict[str, object]:
    """An initial event: ``actor`` does ``action`` to ``target`` at hour ``at``."""
    return {"actor": actor, "action": action, "target": target, "at_hours": at, **fields}


def crisis(actors: dict[str, object], **sections: object) -> Scenario:
    """A scenario of ``actors`` and the other ``sections`` given: ten days at most, quiet
    after three, and (unless ``outcomes`` is given) one catch-all outcome, so that no
    standard terminal class ends a run early."""
    data = {"name": "toy", "horizon_days": 10, "quiet_days": 3, "actors": actors,
            "outcomes": CATCH_ALL, **sections}
    return escalation.scenario_from_dict(data)


# A strike by a on b's base, which kills people at the per-run rate ``lethality`` per hit,
# and b's answer with per-run probability ``probability``: a real episode in miniature, with
# an observed block, for calibration (the record: b answered; b's deaths when given).
ONE_STRIKE = """\
name: {name}
{calibration}
title: "Toy: one strike, perhaps one answer"
horizon_days: 10
quiet_days: 2
actors:
  a:
    deliberation_hours: 2
    perception: {{delay_hours: 1}}
  b:
    deliberation_hours: 2
    perception: {{delay_hours: 1}}
    policies:
      - policy: proportional_retaliation
        id: answer
        probability: {{dist: uniform, low: 0, high: 1}}
        k: 1
        response: {{action: strike, target: {{owner: offender}}}}
assets:
  a_base: {{owner: a, host: b, personnel: 1000, value: 2, air_defence: 0, lethality: 1}}
  b_base: {{owner: b, host: a, personnel: 1000, value: 2, air_defence: 0,
            lethality: {{dist: uniform, low: 0.1, high: 5}}}}
initial_events:
  - {{id: opening_strike, actor: a, action: strike, target: b_base, at_hours: 0, salvo: 10}}
outcomes:
  - {{id: answered, when: "responses.b >= 1"}}
  - {{id: quiet, when: "true"}}
observed:
  summary: "a toy episode"
  outcome: {{value: {real}, source: "test"}}
{facts}
"""


def one_strike(folder: Path, name: str, real: str = "answered", deaths: float | None = None,
               calibration: str = "") -> Path:
    """Write ``ONE_STRIKE`` as ``folder/name.yaml``: the record says ``real`` happened, and
    that b lost ``deaths`` when given; ``calibration`` names a calibrated file."""
    facts = "" if deaths is None else f"  deaths:\n    b: {{value: {deaths:g}, source: \"test\"}}"
    path = folder / f"{name}.yaml"
    path.write_text(ONE_STRIKE.format(name=name, real=real, facts=facts,
                                      calibration=f"calibration: {calibration}" if calibration else ""))
    return path


# ONE_STRIKE's two shared parameters, as calibration names them
ANSWER_PROBABILITY = "*.answer.probability"
B_LETHALITY = "assets.b_base.lethality"


def two_strikes(folder: Path) -> Path:
    """``folder`` with two ``ONE_STRIKE`` episodes in which b answered and lost 14 and 18
    people: a small library for calibration's figures."""
    for name, deaths in (("first", 14), ("second", 18)):
        one_strike(folder, name, deaths=deaths)
    return folder
