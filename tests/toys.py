"""Small scenarios whose answers can be computed by hand, shared by several test modules.

``QUICK`` in a scenario text stands for an actor that decides within the hour and perceives
at once and exactly; ``quick`` expands it.
"""

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
