"""Response policies: a contract every registered policy keeps, and what each one does.

In the manner of Axelrod's strategy tests, ``PolicyContract`` holds the checks every policy
must pass; each policy has a subclass that names it and gives a small scenario in which it
acts, and adds the tests of its documented behaviour. A policy registered without such a
subclass fails ``test_every_registered_policy_has_a_contract``.

The contract: the compiled policy is the registered class; it pickles and unpickles; the
scenario pickles and the unpickled one runs exactly like the original; a run is reproducible
from its seed (and different seeds differ); the policy really acts in the scenario; and
running leaves the policy unchanged (all per-run memory lives in the run).
"""

from __future__ import annotations

import dataclasses
import math
import pickle
from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import escalation
from escalation import Event, RunRecord, Scenario
from escalation.policies.base import Policy
from escalation.policies.graduated import choose_option
from escalation.policies.proportional import proportional_salvo
from escalation.policies.registry import POLICIES
from tests.toys import crisis, opening, prompt, quick

SEEDS = range(6)

# Two sides that hear at once (no delay, no noise) and decide within the hour.


def load(text: str) -> Scenario:
    return escalation.load_scenario_text(quick(text))


def run(scenario: Scenario, seed: int = 0) -> RunRecord:
    return escalation.simulate(scenario, seed=seed)


def by(record: RunRecord, actor: str) -> list[Event]:
    return [e for e in record.events if e.actor == actor]


def same_run(a: RunRecord, b: RunRecord) -> None:
    assert a.summary() == b.summary()
    assert a.events == b.events
    assert a.perceptions == b.perceptions


# -- the contract -----------------------------------------------------------------------
class PolicyContract:
    """Checks every registered policy must pass; subclasses set ``policy`` and ``scenario``.

    In ``scenario`` the policy under test is actor ``a``'s, with id ``under_test``."""

    policy: ClassVar[str]
    scenario: ClassVar[str]
    label = "a.under_test"

    @pytest.fixture(scope="class")
    @classmethod
    def compiled(cls) -> Scenario:
        return load(cls.scenario)

    @staticmethod
    def under_test(scenario: Scenario) -> Policy:
        return next(p for p in scenario.actor("a").policies if p.label == "a.under_test")

    def test_compiles_to_the_registered_class(self, compiled: Scenario) -> None:
        policy = self.under_test(compiled)
        assert type(policy) is POLICIES[self.policy]
        assert policy.name == self.policy
        assert repr(policy) == f"{type(policy).__name__}('a.under_test')"

    def test_policy_pickles(self, compiled: Scenario) -> None:
        policy = self.under_test(compiled)
        data = pickle.dumps(policy)
        copy = pickle.loads(data)
        assert type(copy) is type(policy)
        assert copy.label == policy.label and repr(copy) == repr(policy)
        assert copy.__getstate__() == policy.__getstate__()  # its attributes, compiled or not

    def test_unpickled_scenario_runs_identically(self, compiled: Scenario) -> None:
        copy = pickle.loads(pickle.dumps(compiled))
        assert type(self.under_test(copy)) is POLICIES[self.policy]
        for seed in SEEDS:
            same_run(run(compiled, seed), run(copy, seed))

    def test_reproducible_from_seed(self, compiled: Scenario) -> None:
        records = [run(compiled, seed) for seed in SEEDS]
        for seed, record in zip(SEEDS, records, strict=True):
            same_run(record, run(compiled, seed))
        varied = {repr(run(compiled, seed).events) for seed in range(20)}
        assert len(varied) > 1, "the scenario should vary by seed"

    def test_policy_acts(self, compiled: Scenario) -> None:
        """It acts in most runs (policies that act with a probability may not in every one)."""
        acted = [any(e.policy == self.label for e in run(compiled, seed).events) for seed in SEEDS]
        assert sum(acted) > len(SEEDS) / 2, acted

    def test_acting_stops_the_later_policies(self) -> None:
        """A policy that acts stops the deliberation on that report (a threat being issued
        excepted): a catch-all rule placed after it never answers the same report."""
        scenario = load(self.scenario.replace("  b:", AFTER + "  b:", 1))
        acted = 0
        for seed in range(12):
            record = run(scenario, seed)
            ours = {e.cause for e in by(record, "a") if e.policy == self.label
                    and not (e.effect == "threat" and not e.threat)}  # not a threat issued
            after = {e.cause for e in by(record, "a") if e.policy == "a.after"}
            assert not ours & after, f"seed {seed}"
            acted += bool(ours)
        assert acted

    def test_runs_leave_the_policy_unchanged(self) -> None:
        """All per-run memory lives in the run. Checked on a scenario of the test's own, not
        the class's shared one: state that other tests' runs left in a shared policy would
        already be in the snapshot, and the check would pass or fail by test order."""
        scenario = load(self.scenario)
        before = pickle.dumps(scenario.actor("a").policies)
        for seed in SEEDS:
            run(scenario, seed)
        assert pickle.dumps(scenario.actor("a").policies) == before
        same_run(run(scenario, 3), run(load(self.scenario), 3))  # as a scenario never run


AFTER = """      - id: after
        when: "perceived.kind != 'statement'"
        clock: deliberation
        do: {action: statement, target: null}
"""


def test_every_registered_policy_has_a_contract() -> None:
    covered = {cls.policy for cls in PolicyContract.__subclasses__()}
    assert covered == set(POLICIES)


# -- proportional retaliation -----------------------------------------------------------
PROPORTIONAL = """
name: proportional
horizon_days: 10
quiet_days: 3
actors:
  a:
    QUICK
    policies:
      - policy: proportional_retaliation
        id: under_test
        k: {{dist: uniform, low: 0.2, high: 2}}
        unit_harm: {unit_harm}
        cap: {cap}
        minimum: {minimum}
        response: {{action: strike, target: {{owner: offender}}}}
  b:
    QUICK
assets:
  a_base: {{owner: a, host: b, personnel: {people}, lethality: 1, value: 0}}
  b_base: {{owner: b, host: a, personnel: 100}}
action_kinds:
  hit: {{effect: killing, goldstein: -10, rung: 6, success_probability: 1}}
initial_events:
  - {{actor: b, action: {opening}, target: a_base, salvo: 8}}
"""

CAPPED = """
name: capped
horizon_days: 5
actors:
  a:
    QUICK
    policies:
      - policy: proportional_retaliation
        id: under_test
        k: {k}
        unit_harm: {unit_harm}
        cap: {cap}
        minimum: {minimum}
        response: {{action: strike, target: b_base}}
  b: {{}}
assets:
  a_base: {{owner: a, host: b, personnel: {people}, value: 0}}
  b_base: {{owner: b, host: a}}
action_kinds:
  hit: {{effect: killing, goldstein: -10, rung: 6, success_probability: 1}}
initial_events:
  - {{actor: b, action: hit, target: a_base}}
"""


def capped(k: float, unit_harm: float, cap: float, minimum: float, people: int) -> Scenario:
    return load(CAPPED.format(k=k, unit_harm=unit_harm, cap=cap, minimum=minimum,
                              people=people))


class TestProportionalRetaliation(PolicyContract):
    policy = "proportional_retaliation"
    scenario = PROPORTIONAL.format(unit_harm=1, cap=12, minimum=1, people=100, opening="strike")

    def test_absurd_multiplier_fires_the_cap(self) -> None:
        assert proportional_salvo(1e300, 1e300, 1e-9, 12, 1) == 12

    @given(
        harm=st.floats(0, 1e4), k=st.floats(0, 20),
        unit_harm=st.just(0.0) | st.floats(1e-9, 10),  # the compiler's least unit_harm: 1e-9
        cap=st.floats(0, 200), minimum=st.floats(0, 50),
    )
    def test_salvo_never_above_cap(
        self, harm: float, k: float, unit_harm: float, cap: float, minimum: float
    ) -> None:
        salvo = proportional_salvo(harm, k, unit_harm, cap, minimum)
        assert salvo == int(salvo), "salvos are whole units"
        assert salvo <= cap
        assert salvo >= min(math.floor(cap), math.ceil(minimum))

    @given(
        harms=st.tuples(st.floats(0, 1e4), st.floats(0, 1e4)), k=st.floats(0, 20),
        unit_harm=st.floats(0.01, 10), cap=st.floats(0, 200), minimum=st.floats(0, 50),
    )
    def test_salvo_grows_with_harm(
        self, harms: tuple[float, float], k: float, unit_harm: float, cap: float,
        minimum: float,
    ) -> None:
        low, high = sorted(harms)
        assert (proportional_salvo(low, k, unit_harm, cap, minimum)
                <= proportional_salvo(high, k, unit_harm, cap, minimum))

    @given(harm=st.integers(0, 500), k=st.integers(0, 5), unit_harm=st.sampled_from((1, 2, 4)))
    def test_salvo_is_k_times_harm_between_minimum_and_cap(
        self, harm: int, k: int, unit_harm: int
    ) -> None:
        wanted = round(k * harm / unit_harm)
        assert proportional_salvo(harm, k, unit_harm, 10**6, 0) == wanted
        assert proportional_salvo(harm, k, unit_harm, 3, 0) == min(3, wanted)
        assert proportional_salvo(harm, k, unit_harm, 10**6, 7) == max(7, wanted)

    @settings(max_examples=40, deadline=None)
    @given(
        k=st.sampled_from((0, 0.3, 0.5, 1, 1.7, 3)), unit_harm=st.sampled_from((0.5, 1, 2.5)),
        cap=st.integers(0, 30), minimum=st.integers(0, 4), people=st.integers(0, 60),
        seed=st.integers(0, 1000),
    )
    def test_real_runs_never_fire_above_cap(
        self, k: float, unit_harm: float, cap: int, minimum: int, people: int, seed: int
    ) -> None:
        """A killing of ``people`` is perceived by its victim as exactly that harm; the
        answer fires ``proportional_salvo`` of it, never more than ``cap``."""
        record = run(capped(k, unit_harm, cap, minimum, people), seed)
        assert record.deaths["a"] == people
        answers = [e for e in by(record, "a") if e.policy == self.label]
        expected = proportional_salvo(people, k, unit_harm, cap, minimum) if people else 0
        if expected < 1:
            assert answers == []
            return
        (answer,) = answers
        assert answer.salvo <= cap
        assert answer.salvo == expected
        assert answer.cause == 0 and answer.kind == "strike" and answer.asset == "b_base"

    def test_real_runs_with_distributed_k_stay_under_cap(self) -> None:
        scenario = load(PROPORTIONAL.format(unit_harm=0.5, cap=6, minimum=1, people=500,
                                            opening="strike"))
        salvos = [e.salvo for seed in range(30) for e in by(run(scenario, seed), "a")
                  if e.policy == self.label]
        assert salvos and max(salvos) <= 6
        assert 6 in salvos, "a large harm should reach the cap"

    def test_no_answer_without_harm(self) -> None:
        record = run(capped(1, 1, 10, 1, people=0), 0)
        assert record.deaths["a"] == 0
        assert by(record, "a") == []

    def test_fractional_cap_is_never_exceeded(self) -> None:
        record = run(capped(1, 1, 3.6, 1, people=40), 0)
        (answer,) = [e for e in by(record, "a") if e.policy == self.label]
        assert answer.salvo <= 3.6

    @pytest.mark.parametrize(("injured", "minimum"), [(False, 0), (True, 1)])
    def test_any_harm_is_answered_even_below_one(self, injured: bool, minimum: int) -> None:
        """One death (harm 1) is answered with one unit; so is one injury weighed 0.5 (harm
        0.5, a salvo of 0 raised to the minimum of 1)."""
        text = CAPPED.replace("b: {{}}", "b: {{}}\nharm: {{death: 1, injury: 0.5, value: 0}}")
        if injured:
            text = text.replace("success_probability: 1}}", "success_probability: 1}}\n"
                                "  blow: {{effect: strike, goldstein: -10, rung: 6, salvo: 1, "
                                "failure_probability: 0}}").replace("action: hit", "action: blow")
            text = text.replace("personnel: {people}, value: 0}}",
                                "personnel: {people}, value: 0, lethality: 0, injury_rate: 1000}}")
        record = run(load(text.format(k=1, unit_harm=1, cap=10, minimum=minimum, people=1)), 0)
        (hurt,) = [p for p in record.perceptions if p.observer == "a" and p.event.actor == "b"]
        assert (hurt.deaths, hurt.injuries, hurt.harm) == ((0, 1, 0.5) if injured else (1, 0, 1))
        (answer,) = [e for e in by(record, "a") if e.policy == self.label]
        assert answer.salvo == 1

    def test_a_salvo_of_zero_lets_later_policies_answer(self) -> None:
        """A cap of 0 leaves nothing to fire: the policy does not act, and the next answers."""
        text = CAPPED.replace("response: {{action: strike, target: b_base}}",
                              "response: {{action: strike, target: b_base}}\n"
                              "      - {{when: 'perceived.against_me',"
                              " do: {{action: sanctions, target: b}}}}")
        record = run(load(text.format(k=1, unit_harm=1, cap=0, minimum=0, people=5)), 0)
        assert [(e.kind, e.policy) for e in by(record, "a")] == [("sanctions", "a.rule_1")]


# -- tit for tat ------------------------------------------------------------------------
TIT_FOR_TAT = """
name: tit_for_tat
horizon_days: 10
quiet_days: 3
actors:
  a:
    QUICK
    policies:
      - policy: tit_for_tat
        id: under_test
        generosity: 0.2
        response: {action: sanctions, target: offender}
  b:
    QUICK
    policies:
      - policy: tit_for_tat
        generosity: 0.3
        response: {action: criticize, target: offender}
assets:
  a_base: {owner: a, host: b, personnel: 100}
initial_events:
  - {actor: b, action: proxy_attack, target: a_base, at_hours: 0}
  - {actor: b, action: threat, target: a, at_hours: 5}
  - {actor: b, action: criticize, target: a, at_hours: 10}
"""

PROVOKED = """
name: provoked
horizon_days: 20
quiet_days: 3
actors:
  a:
    QUICK
    policies:
      - policy: tit_for_tat
        id: under_test
        generosity: {generosity}
        response: {{action: sanctions, target: offender}}
        conciliation: {{action: ceasefire, target: offender}}
  b: {{}}
  c: {{}}
assets:
  a_base: {{owner: a, host: b, personnel: 50}}
initial_events:
{openings}
"""
PROVOCATIONS = {
    "criticize": "target: a", "threat": "target: a", "sanctions": "target: a",
    "proxy_attack": "target: a_base", "strike": "target: a_base",
}


def provoked(generosity: float, acts: list[tuple[str, str, float]]) -> Scenario:
    openings = "\n".join(
        f"  - {{actor: {actor}, action: {kind}, {PROVOCATIONS.get(kind, 'target: a')}, "
        f"at_hours: {at}}}"
        for actor, kind, at in acts
    )
    return load(PROVOKED.format(generosity=generosity, openings=openings))


provocations = st.lists(
    st.tuples(st.sampled_from(sorted(PROVOCATIONS)), st.floats(0, 24)),
    min_size=1, max_size=5,
).map(lambda acts: [("b", kind, round(sum(gap for _, gap in acts[:i + 1]), 3))
                    for i, (kind, _) in enumerate(acts)])


class TestTitForTat(PolicyContract):
    policy = "tit_for_tat"
    scenario = TIT_FOR_TAT

    @settings(max_examples=30, deadline=None)
    @given(acts=provocations, seed=st.integers(0, 1000))
    def test_generosity_zero_answers_every_hostile_act(
        self, acts: list[tuple[str, str, float]], seed: int
    ) -> None:
        record = run(provoked(0, acts), seed)
        hostile = [e for e in record.events if e.actor == "b"]
        assert len(hostile) == len(acts)
        answers = [e for e in by(record, "a") if e.policy == self.label]
        assert sorted(e.cause for e in answers) == [e.id for e in hostile]
        assert all(e.kind == "sanctions" and e.target == "b" for e in answers)

    @settings(max_examples=30, deadline=None)
    @given(acts=provocations, seed=st.integers(0, 1000))
    def test_generosity_one_never_answers(
        self, acts: list[tuple[str, str, float]], seed: int
    ) -> None:
        record = run(provoked(1, acts), seed)
        assert len([e for e in record.events if e.actor == "b"]) == len(acts)
        assert by(record, "a") == []

    def test_generosity_half_answers_about_half(self) -> None:
        acts = [("b", "criticize", 5.0 * i) for i in range(20)]
        scenario = provoked(0.5, acts)
        answered = sum(len(by(run(scenario, seed), "a")) for seed in range(10))
        assert 60 <= answered <= 140  # of 200 acts

    def test_a_forgiven_offender_is_still_an_opponent_and_is_answered_once(self) -> None:
        """Forgiving (generosity 1) still remembers the offender, so its stand-down is
        answered; an opponent's conciliation is answered once, then it is forgotten."""
        acts = [("b", "strike", 0), ("b", "stand_down", 10), ("b", "stand_down", 20)]
        for generosity, kinds in ((1, ["ceasefire"]), (0, ["sanctions", "ceasefire"])):
            record = run(provoked(generosity, acts), 0)
            assert [e.kind for e in by(record, "a")] == kinds

    def test_a_conciliation_from_another_in_between_is_not_answered(self) -> None:
        record = run(provoked(0, [("b", "strike", 0), ("c", "ceasefire", 5),
                                  ("b", "stand_down", 10)]), 0)
        stand_down = next(e for e in record.events if e.kind == "stand_down")
        assert [(e.kind, e.cause) for e in by(record, "a")][1:] == [("ceasefire", stand_down.id)]

    def test_each_tit_for_tat_remembers_its_own_opponents(self) -> None:
        """a's first tit-for-tat answers b, its second c (and makes peace): b's stand-down is
        no business of the second, whose opponents b never was."""
        policies = [
            {"policy": "tit_for_tat", "id": "with_b", "response": {"action": "sanctions"},
             "when": "perceived.actor == 'b' and perceived.hostile"},
            {"policy": "tit_for_tat", "id": "with_c", "response": {"action": "sanctions"},
             "when": "perceived.actor == 'c' and perceived.hostile",
             "conciliation": {"action": "ceasefire", "target": "offender"}},
            {"id": "after", "when": "perceived.kind == 'ceasefire' and not perceived.by_me",
             "clock": "deliberation", "do": {"action": "statement", "target": None}},
        ]
        scenario = crisis({"a": prompt(policies=policies), "b": prompt(), "c": prompt()},
                          initial_events=[opening("b", "criticize", "a"),
                                          opening("b", "stand_down", "a", at=5),
                                          opening("c", "criticize", "a", at=10),
                                          opening("c", "ceasefire", "a", at=15)])
        answers = [(e.kind, e.policy) for e in by(run(scenario), "a")]
        assert answers == [("sanctions", "a.with_b"), ("sanctions", "a.with_c"),
                           ("ceasefire", "a.with_c")]  # its peace stops the rule after it

    def test_answers_conciliation_only_from_a_past_opponent(self) -> None:
        record = run(provoked(0, [
            ("b", "strike", 0), ("b", "stand_down", 10), ("c", "ceasefire", 20),
        ]), 0)
        strike, stand_down, ceasefire = (e for e in record.events if e.actor in ("b", "c"))
        kinds = [(e.kind, e.cause) for e in by(record, "a")]
        assert kinds == [("sanctions", strike.id), ("ceasefire", stand_down.id)]
        assert ceasefire.actor == "c"


# -- graduated escalation ---------------------------------------------------------------
GRADUATED = """
name: graduated
horizon_days: 6
quiet_days: 3
actors:
  a:
    QUICK
    policies:
      - policy: graduated_escalation
        id: under_test
        probability: 0.8
        options:
          - {action: sanctions, target: offender}
          - {action: criticize, target: offender}
          - {action: strike, target: {owner: offender}, salvo: 2}
  b:
    QUICK
    policies:
      - policy: graduated_escalation
        probability: 0.8
        options:
          - {action: criticize, target: offender}
          - {action: proxy_attack, target: {owner: offender}, salvo: 3}
assets:
  a_base: {owner: a, host: b, personnel: 0}
  b_base: {owner: b, host: a, personnel: 0}
initial_events:
  - {actor: b, action: criticize, target: a}
"""

LADDER_TEST = """
name: ladder
horizon_days: 5
actors:
  a:
    QUICK
    policies:
      - policy: graduated_escalation
        id: under_test
        step: {step}
        options:
          - {{action: campaign, target: b_base}}
          - {{action: criticize, target: offender}}
          - {{action: strike, target: b_base}}
          - {{action: sanctions, target: offender}}
  b: {{}}
assets:
  a_base: {{owner: a, host: b, personnel: 0}}
  b_base: {{owner: b, host: a, personnel: 0}}
outcomes:
  - {{id: any, when: "true"}}
initial_events:
  - {{actor: b, action: {kind}, target: {target}}}
"""
RUNGS = {"criticize": 1, "sanctions": 3, "strike": 5, "campaign": 8}


class TestGraduatedEscalation(PolicyContract):
    policy = "graduated_escalation"
    scenario = GRADUATED

    @pytest.fixture(scope="class")
    @classmethod
    def option(cls, compiled: Scenario) -> object:
        return cls.under_test(compiled).options[0]  # type: ignore[attr-defined]

    def test_options_sorted_by_rung(self, compiled: Scenario) -> None:
        options = self.under_test(compiled).options  # type: ignore[attr-defined]
        assert [o.kind.id for o in options] == ["criticize", "sanctions", "strike"]

    @given(rungs=st.lists(st.integers(0, 8), min_size=1, max_size=6),
           wanted=st.integers(-1, 10) | st.floats(-1, 10))
    def test_choose_option_lowest_at_or_above(
        self, option: object, rungs: list[int], wanted: float
    ) -> None:
        options = tuple(
            dataclasses.replace(option, kind=dataclasses.replace(  # type: ignore[type-var]
                option.kind, id=f"kind{i}", rung=rung))  # type: ignore[attr-defined]
            for i, rung in enumerate(sorted(rungs))
        )
        chosen = choose_option(options, wanted)
        assert chosen in options
        reaching = [o for o in options if o.kind.rung >= wanted]
        if reaching:
            assert chosen is reaching[0]
            assert chosen.kind.rung == min(r for r in rungs if r >= wanted)
        else:
            assert chosen is options[-1]

    @settings(max_examples=25, deadline=None)
    @given(kind=st.sampled_from(("criticize", "threat", "sanctions", "proxy_attack", "strike")),
           step=st.integers(0, 4), seed=st.integers(0, 100))
    def test_answers_step_rungs_above_the_act(self, kind: str, step: int, seed: int) -> None:
        target = "a_base" if kind in ("proxy_attack", "strike") else "a"
        record = run(load(LADDER_TEST.format(step=step, kind=kind, target=target)), seed)
        act = record.events[0]
        (answer,) = [e for e in by(record, "a") if e.policy == self.label]
        reaching = [r for r in sorted(RUNGS.values()) if r >= act.rung + step]
        expected = reaching[0] if reaching else max(RUNGS.values())
        assert RUNGS[answer.kind] == expected
        assert answer.cause == act.id

    def test_answers_a_rung_five_strike_higher(self) -> None:
        record = run(load(LADDER_TEST.format(step=1, kind="strike", target="a_base")), 0)
        strike = record.events[0]
        assert strike.kind == "strike" and strike.rung == 5
        (answer,) = [e for e in by(record, "a") if e.policy == self.label]
        assert answer.kind == "campaign" and answer.rung > 5


# -- threat then enforce ----------------------------------------------------------------
THREAT = """
name: threat
horizon_days: 8
quiet_days: 3
actors:
  a:
    QUICK
    resolve: {resolve}
    audience_cost: {audience_cost}
    credibility: {credibility}
    policies:
      - policy: threat_then_enforce
        id: under_test
        issue_when: "perceived.actor == 'b' and perceived.kind == 'statement'"
        threat: {{action: threat, target: b, note: "do not strike"}}
        red_line: "perceived.actor == 'b' and perceived.against_me and perceived.kinetic"
        enforce: {{action: strike, target: {{owner: b}}, salvo: 3}}
        learning: {learning}
        {expiry}
  b:
    QUICK
    policies:
      - when: "perceived.actor == 'a' and perceived.kind == 'threat'"
        probability: {defiance}
        do: {{action: proxy_attack, target: a_base, salvo: 4}}
  observer:
    QUICK
    policies:
      - when: "perceived.kind == 'ping' and abs(actors.a.credibility - {expected}) < 0.000001"
        do: {{action: statement, target: null, note: as_expected}}
      - when: "perceived.kind == 'ping'"
        do: {{action: statement, target: null, note: unexpected}}
assets:
  a_base: {{owner: a, host: b, personnel: 10, lethality: 0}}
  b_base: {{owner: b, host: a, personnel: 10}}
action_kinds:
  ping: {{effect: none, goldstein: 0, rung: 0}}
initial_events:
  - {{actor: b, action: statement, target: a, at_hours: 0}}
  - {{actor: b, action: ping, target: null, at_hours: 60}}
"""


def threat(resolve: float = 1, audience_cost: float = 0.5, credibility: float = 0.5,
           learning: float = 0.5, expected: float = 0.5, defiance: float = 1,
           expiry: str = "") -> Scenario:
    return load(THREAT.format(resolve=resolve, audience_cost=audience_cost,
                              credibility=credibility, learning=learning, expected=expected,
                              defiance=defiance, expiry=expiry))


def observed_credibility(record: RunRecord) -> str:
    (note,) = [e.note for e in by(record, "observer")]
    return note


class TestThreatThenEnforce(PolicyContract):
    policy = "threat_then_enforce"
    scenario = THREAT.format(
        resolve="{dist: uniform, low: 0, high: 1}", audience_cost=0.3, credibility=0.5,
        learning=0.5, expected=0.5, defiance=0.5, expiry="",
    )

    def test_issues_its_threat(self) -> None:
        record = run(threat(defiance=0), 0)
        (issued,) = [e for e in by(record, "a") if e.policy == self.label]
        assert issued.kind == "threat" and issued.effect == "threat" and issued.target == "b"
        assert issued.cause == 0 and issued.threat == ""
        assert record.threats == {self.label: "pending"}
        assert record.threats_made == 1
        assert observed_credibility(record) == "as_expected"  # unchanged: 0.5

    @pytest.mark.parametrize("learning", [0.2, 0.5, 1.0])
    @pytest.mark.parametrize("audience_cost", [0.0, 1.0])
    def test_enforces_with_full_resolve(self, audience_cost: float, learning: float) -> None:
        expected = 0.4 + learning * (1 - 0.4)
        record = run(threat(resolve=1, audience_cost=audience_cost, credibility=0.4,
                            learning=learning, expected=expected), 0)
        (crossing,) = [e for e in by(record, "b") if e.kinetic]
        (enforced,) = [e for e in record.events if e.threat == self.label]
        assert enforced.actor == "a" and enforced.kind == "strike"
        assert enforced.asset == "b_base" and enforced.salvo == 3
        assert enforced.cause == crossing.id
        assert record.threats == {self.label: "carried_out"}
        assert (record.threats_carried_out, record.threats_backed_down) == (1, 0)
        assert observed_credibility(record) == "as_expected"

    @pytest.mark.parametrize("learning", [0.2, 0.5, 1.0])
    def test_backs_down_without_resolve_or_audience_cost(self, learning: float) -> None:
        expected = 0.6 - learning * 0.6
        record = run(threat(resolve=0, audience_cost=0, credibility=0.6, learning=learning,
                            expected=expected), 0)
        assert [e.kind for e in by(record, "b")] == ["statement", "proxy_attack", "ping"]
        assert [e for e in record.events if e.threat] == []
        assert [e.kind for e in by(record, "a")] == ["threat"]
        assert record.threats == {self.label: "backed_down"}
        assert (record.threats_carried_out, record.threats_backed_down) == (0, 1)
        assert observed_credibility(record) == "as_expected"

    def test_audience_cost_binds_without_resolve(self) -> None:
        """Fearon: a public threat with full audience costs is carried out even by an actor
        with no resolve of its own."""
        record = run(threat(resolve=0, audience_cost=1, expected=0.75), 0)
        assert record.threats == {self.label: "carried_out"}
        assert observed_credibility(record) == "as_expected"

    def test_unchallenged_threat_stays_pending(self) -> None:
        record = run(threat(resolve=1, defiance=0, credibility=0.7, expected=0.7), 0)
        assert record.threats == {self.label: "pending"}
        assert [e.kind for e in by(record, "a")] == ["threat"]
        assert observed_credibility(record) == "as_expected"

    def test_lapsed_threat_is_not_enforced_and_costs_nothing(self) -> None:
        record = run(threat(resolve=1, expected=0.5, expiry="expires_after_days: 0"), 0)
        assert any(e.kinetic for e in by(record, "b"))
        assert record.threats == {self.label: "lapsed"}
        assert [e.kind for e in by(record, "a")] == ["threat"]
        assert observed_credibility(record) == "as_expected"

    @pytest.mark.parametrize(("expiry", "fate"), [(1, "carried_out"), (0.99, "lapsed")])
    def test_a_threat_lapses_only_after_its_expiry(self, expiry: float, fate: str) -> None:
        """Issued at hour 0 and crossed at hour 24: a threat of one day still holds."""
        scenario = crisis(
            {"a": prompt(deliberation_hours=0, resolve=1, policies=[
                {"policy": "threat_then_enforce", "id": "t", "expires_after_days": expiry,
                 "issue_when": "perceived.kind == 'statement'",
                 "threat": {"action": "threat", "target": "b"},
                 "red_line": "perceived.kind == 'sanctions'",
                 "enforce": {"action": "sanctions", "target": "b"}}]),
             "b": prompt()},
            initial_events=[opening("b", "statement", "a"), opening("b", "sanctions", "a", at=24)],
        )
        assert run(scenario).threats == {"a.t": fate}

    @pytest.mark.parametrize(("defiance", "note"), [(0, "committed"), (1, "released")])
    def test_issuing_commits_without_stopping_and_settling_releases(
        self, defiance: float, note: str
    ) -> None:
        """Issuing adds the audience cost (0.5) to commitment and lets the next policy answer
        the same report; a settled threat takes it back."""
        text = THREAT.replace(
            "        {expiry}\n",
            "        {expiry}\n"
            "      - {{when: \"perceived.kind == 'statement'\", stop: false,\n"
            "          clock: deliberation, do: {{action: criticize, target: b}}}}\n"
            "      - {{when: \"perceived.kind == 'ping' and own.commitment == 0.5\",\n"
            "          clock: deliberation,\n"
            "          do: {{action: statement, target: null, note: committed}}}}\n"
            "      - {{when: \"perceived.kind == 'ping' and own.commitment == 0\",\n"
            "          clock: deliberation,\n"
            "          do: {{action: statement, target: null, note: released}}}}\n")
        record = run(load(text.format(resolve=1, audience_cost=0.5, credibility=0.5, learning=0.5,
                                      expected=0.5, defiance=defiance, expiry="")), 0)
        threat_act, answer = by(record, "a")[:2]
        assert (threat_act.kind, answer.kind, answer.cause) == ("threat", "criticize", threat_act.cause)
        assert [e.note for e in by(record, "a") if e.kind == "statement"] == [note]

    @pytest.mark.parametrize(("resolve", "audience_cost"), [(0.0, 0.5), (0.2, 0.5)])
    def test_enforcement_probability_is_resolve_plus_the_rest_times_commitment(
        self, resolve: float, audience_cost: float
    ) -> None:
        runs = 200
        chance = resolve + (1 - resolve) * audience_cost
        scenario = threat(resolve=resolve, audience_cost=audience_cost)
        kept = sum(run(scenario, seed).threats[self.label] == "carried_out" for seed in range(runs))
        assert abs(kept / runs - chance) <= 5 * math.sqrt(chance * (1 - chance) / runs)

    @pytest.mark.parametrize(("threatened", "struck", "sponsored", "fate"), [
        ("b", {"owner": "sponsor"}, False, "carried_out"),  # b's sponsor is b itself
        ("b", {"owner": "sponsor"}, True, "backed_down"),   # b's sponsor is s
        ("offender", "b_base", False, "carried_out"),      # the threat's role: b
        ("b", {"owner": "origin_host"}, False, "backed_down"),  # b struck from c's soil
        ({"owner": "origin_host"}, {"owner": "origin_host"}, False, "carried_out"),
        ("b", {"owner": "self"}, False, "backed_down"),
        ("a", {"owner": "self"}, False, "carried_out"),  # a threat to itself, for the role
        ("b", {"owner": "offender"}, True, "carried_out"),  # the offender, not its sponsor
        (None, "b_base", False, "backed_down"),  # a threat to no one is kept by no strike
        ("b", {"owner": "b"}, False, "carried_out"),
        ("b", {"owner": "c"}, False, "backed_down"),
    ])
    def test_a_threat_not_enforced_is_kept_only_if_its_enemy_is_struck(
        self, threatened: object, struck: object, sponsored: bool, fate: str
    ) -> None:
        """a never enforces (no resolve), but a later rule strikes on the same report: the
        threat counts as kept when that strike's target is the threatened actor, each target
        resolved against the report (roles, a sponsor, the launch site's host)."""
        policies = [
            {"policy": "threat_then_enforce", "id": "t", "issue_when": "perceived.effect == 'none'",
             "threat": {"action": "threat", "target": threatened},
             "red_line": "perceived.actor == 'b' and perceived.kinetic",
             "enforce": {"action": "strike", "target": "b_base"}},
            {"when": "perceived.actor == 'b' and perceived.kinetic",
             "do": {"action": "strike", "target": struck, "salvo": 1}},
        ]
        b = prompt(kind="non_state", sponsor="s") if sponsored else prompt()
        scenario = crisis(
            {"a": prompt(resolve=0, audience_cost=0, policies=policies), "b": b, "c": prompt(),
             "s": prompt()},
            assets={name: {"owner": name[0], "personnel": 0} for name in
                    ("a_base", "b_base", "c_base", "s_base")} | {"pad": {"owner": "b", "host": "c"}},
            initial_events=[opening("b", "criticize", "a"),
                            opening("b", "strike", "a_base", at=5, salvo=1, origin=["pad"])],
        )
        assert run(scenario).threats == {"a.t": fate}

    @staticmethod
    def threats(policies: list[dict[str, object]], b_acts: list[tuple[str, float]],
                **a: object) -> RunRecord:
        """a's ``policies`` (threats to b, issued on b's statement at hour 0), then b's acts."""
        return run(crisis(
            {"a": prompt(policies=policies, **a), "b": prompt()},
            action_kinds={"slow": {"effect": "sanctions", "goldstein": -8, "rung": 3,
                                   "duration_hours": 24},
                          "ping": {"effect": "none", "goldstein": 0, "rung": 0}},
            initial_events=[opening("b", "statement", "a"),
                            *(opening("b", kind, "a", at=at) for kind, at in b_acts)]))

    @staticmethod
    def red_line(label: str, crossing: str, enforce: str = "sanctions") -> dict[str, object]:
        return {"policy": "threat_then_enforce", "id": label,
                "issue_when": "perceived.kind == 'statement'",
                "threat": {"action": "threat", "target": "b"},
                "red_line": f"perceived.kind == '{crossing}'",
                "enforce": {"action": enforce, "target": "b"}}

    def test_two_threats_commit_at_most_fully_and_release_their_own_share(self) -> None:
        """Two threats at audience cost 0.6: commitment 1 (not 1.2); enforcing the first
        releases its 0.6, leaving 0.4; both are counted as carried out."""
        notes = [{"when": f"perceived.kind == 'ping' and {test}", "deliberation_hours": 1,
                  "do": {"action": "statement", "target": None, "note": note}}
                 for test, note in (("own.commitment == 1", "full"),
                                    ("own.commitment > 0.39 and own.commitment < 0.41", "part"))]
        record = self.threats(
            [self.red_line("one", "sanctions"), self.red_line("two", "show_of_force"), *notes],
            [("ping", 5), ("sanctions", 10), ("ping", 15), ("show_of_force", 20)],
            resolve=1, audience_cost=0.6)
        assert [e.note for e in by(record, "a") if e.kind == "statement"] == ["full", "part"]
        assert record.threats == {"a.one": "carried_out", "a.two": "carried_out"}
        assert (record.threats_made, record.threats_carried_out) == (2, 2)

    def test_a_threat_is_settled_once(self) -> None:
        """Backed down from, a threat ignores its red line crossed again; being enforced (an
        act under way for a day), it does not enforce twice; two threats backed down from are
        both counted."""
        record = self.threats([self.red_line("one", "sanctions"), self.red_line("two", "sanctions")],
                              [("sanctions", 10), ("sanctions", 20)], resolve=0, audience_cost=0)
        assert record.threats == {"a.one": "backed_down", "a.two": "backed_down"}
        assert record.threats_backed_down == 2 and by(record, "a")[2:] == []
        record = self.threats([self.red_line("one", "sanctions", enforce="slow")],
                              [("sanctions", 10), ("sanctions", 12)], resolve=1)
        assert [e.kind for e in by(record, "a")] == ["threat", "slow"]

    def test_a_strike_by_any_later_policy_of_the_deliberation_keeps_the_threat(self) -> None:
        """The threat is not enforced (no resolve); of two later policies, the first strikes
        b, the second makes a statement: all the deliberation did counts, so it was kept."""
        policies = [self.red_line("one", "sanctions"),
                    {"when": "perceived.kind == 'sanctions'", "stop": False,
                     "do": {"action": "strike", "target": "b", "salvo": 1}},
                    {"when": "perceived.kind == 'sanctions'",
                     "do": {"action": "statement", "target": None}}]
        scenario = crisis({"a": prompt(resolve=0, audience_cost=0, policies=policies), "b": prompt()},
                          assets={"b_base": {"owner": "b"}},
                          initial_events=[opening("b", "statement", "a"),
                                          opening("b", "sanctions", "a", at=10)])
        assert run(scenario).threats == {"a.one": "carried_out"}

    def test_a_threat_enforced_with_nothing_left_to_fire_is_backed_down_from(self) -> None:
        policy = {**self.red_line("one", "sanctions"),
                  "enforce": {"action": "strike", "target": "b", "salvo": 2}}
        scenario = crisis({"a": prompt(resolve=1, inventory={"missiles": 0}, policies=[policy]),
                           "b": prompt()},
                          assets={"b_base": {"owner": "b"}},
                          initial_events=[opening("b", "statement", "a"),
                                          opening("b", "sanctions", "a", at=10)])
        record = run(scenario)
        assert record.threats == {"a.one": "backed_down"}
        assert [e.kind for e in by(record, "a")] == ["threat"]

    def test_a_threat_is_issued_on_the_report_it_names(self) -> None:
        record = self.threats([{**self.red_line("one", "sanctions"),
                                "issue_when": "perceived.kind == 'ping'"}], [("ping", 5)])
        (threat,) = by(record, "a")
        assert threat.cause == record.events[1].id and record.events[1].kind == "ping"

    def test_threat_counted_as_carried_out_has_an_enforcing_act(self) -> None:
        text = THREAT.replace("enforce: {{action: strike, target: {{owner: b}}, salvo: 3}}",
                              "enforce: {{action: strike, target: {{owner: b, kind: city}}}}")
        text = text.replace("assets:\n", "assets:\n  a_city: {{owner: a, kind: city}}\n")
        record = run(load(text.format(resolve=1, audience_cost=0.5, credibility=0.5,
                                      learning=0.5, expected=0.5, defiance=1, expiry="")), 0)
        assert any(e.kinetic for e in by(record, "b")), "the red line was crossed"
        if record.threats[self.label] == "carried_out":
            assert [e for e in record.events if e.threat == self.label], "nothing enforced it"

    def test_enforcement_rate_follows_resolve(self) -> None:
        kept = {
            resolve: sum(
                run(threat(resolve=resolve, audience_cost=0), seed).threats[self.label]
                == "carried_out"
                for seed in range(40)
            )
            for resolve in (0.2, 0.8)
        }
        assert 2 <= kept[0.2] <= 16 and 24 <= kept[0.8] <= 38


# -- sanctions instead of force ---------------------------------------------------------
SANCTIONS = """
name: sanctions
horizon_days: 5
quiet_days: 2
actors:
  a:
    QUICK
    policies:
      - policy: sanctions_instead_of_force
        id: under_test
        death_threshold: {threshold}
        sanctions: {{action: sanctions, target: offender}}
        force: {{action: strike, target: {{owner: offender}}, salvo: 2}}
  b: {{}}
assets:
  a_base: {{owner: a, host: b, personnel: {people}, lethality: {lethality}}}
  b_base: {{owner: b, host: a}}
action_kinds:
  hit: {{effect: killing, goldstein: -10, rung: 6, success_probability: 1}}
initial_events:
  - {{actor: b, action: {opening}, target: a_base}}
"""


class TestSanctionsInsteadOfForce(PolicyContract):
    policy = "sanctions_instead_of_force"
    scenario = SANCTIONS.format(threshold=1, people=200, lethality=0.3, opening="strike")

    @settings(max_examples=40, deadline=None)
    @given(people=st.integers(0, 15),
           threshold=st.integers(0, 15) | st.floats(0, 15).map(lambda x: round(x, 2)),
           seed=st.integers(0, 100))
    def test_force_only_above_the_death_threshold(
        self, people: int, threshold: float, seed: int
    ) -> None:
        scenario = load(SANCTIONS.format(threshold=threshold, people=people, lethality=1,
                                         opening="hit"))
        record = run(scenario, seed)
        assert record.deaths["a"] == people
        (answer,) = [e for e in by(record, "a") if e.policy == self.label]
        assert answer.cause == 0
        assert answer.kind == ("strike" if people > threshold else "sanctions")

    def test_at_the_threshold_sanctions(self) -> None:
        record = run(load(SANCTIONS.format(threshold=5, people=5, lethality=1, opening="hit")))
        assert [e.kind for e in by(record, "a")] == ["sanctions"]
        record = run(load(SANCTIONS.format(threshold=5, people=6, lethality=1, opening="hit")))
        assert [e.kind for e in by(record, "a")] == ["strike"]


# -- stand down when satisfied ----------------------------------------------------------
STAND_DOWN = """
name: stand_down
horizon_days: 10
quiet_days: 3
actors:
  a:
    QUICK
    policies:
      - policy: stand_down_when_satisfied
        id: under_test
        answers: {answers}
        declaration: {{action: stand_down, target: b}}
      - when: "perceived.hostile and perceived.against_me and not perceived.update"
        do: {{action: sanctions, target: offender}}
  b: {{}}
assets:
  a_base: {{owner: a, host: b, personnel: 2}}
action_kinds:
  hit: {{effect: killing, goldstein: -10, rung: 6, success_probability: {success}}}
initial_events:
{openings}
"""


def stand_down(answers: int, acts: list[str], success: float = 1,
               spacing: float = 12) -> Scenario:
    openings = "\n".join(
        f"  - {{actor: b, action: {kind}, target: {'a_base' if kind == 'hit' else 'a'}, "
        f"at_hours: {i * spacing}}}"
        for i, kind in enumerate(acts)
    )
    return load(STAND_DOWN.format(answers=answers, openings=openings, success=success))


class TestStandDownWhenSatisfied(PolicyContract):
    policy = "stand_down_when_satisfied"
    scenario = STAND_DOWN.format(
        answers=1, success=0.5,
        openings="  - {actor: b, action: criticize, target: a, at_hours: 0}\n"
                 "  - {actor: b, action: hit, target: a_base, at_hours: 12}\n"
                 "  - {actor: b, action: criticize, target: a, at_hours: 24}",
    )

    @settings(max_examples=20, deadline=None)
    @given(answers=st.integers(1, 3), extra=st.integers(1, 3), seed=st.integers(0, 100))
    def test_declares_after_answers_then_holds(self, answers: int, extra: int, seed: int) -> None:
        record = run(stand_down(answers, ["criticize"] * (answers + extra)), seed)
        acts = by(record, "a")
        assert [e.kind for e in acts] == ["sanctions"] * answers + ["stand_down"]
        declaration = acts[-1]
        assert declaration.policy == self.label
        assert declaration.cause == acts[answers - 1].id  # on hearing of its last answer
        assert record.stand_downs == 1
        later = [e for e in by(record, "b") if e.time > declaration.time]
        assert len(later) >= 1, "b provokes again after the declaration"

    def test_after_reengaging_it_counts_its_answers_anew(self) -> None:
        """With two answers to satisfy it: two sanctions, a declaration; blood re-engages it,
        and it declares again only after two more answers, not at once."""
        record = run(stand_down(2, ["criticize", "criticize", "hit", "criticize", "criticize"]), 0)
        assert [e.kind for e in by(record, "a")] == [
            "sanctions", "sanctions", "stand_down", "sanctions", "sanctions", "stand_down"]

    def test_reengages_when_blood_is_spilled(self) -> None:
        record = run(stand_down(1, ["criticize", "criticize", "hit", "criticize"]), 0)
        b_acts = by(record, "b")
        kinds = [(e.kind, e.cause) for e in by(record, "a")]
        first_sanctions = by(record, "a")[0]
        second_sanctions = by(record, "a")[2]
        assert kinds == [
            ("sanctions", b_acts[0].id), ("stand_down", first_sanctions.id),
            ("sanctions", b_acts[2].id), ("stand_down", second_sanctions.id),
        ]
        assert record.stand_downs == 2


# -- plain rules ------------------------------------------------------------------------
RULE = """
name: rule
horizon_days: 6
quiet_days: 3
actors:
  a:
    QUICK
    policies:
      - id: under_test
        when: "perceived.hostile and perceived.against_me and not perceived.update"
        probability: 0.5
        do:
          - {action: criticize, target: offender}
          - {action: sanctions, target: offender}
  b:
    QUICK
    policies:
      - when: "perceived.kind == 'sanctions' and perceived.against_me"
        probability: 0.7
        do: {action: threat, target: offender}
initial_events:
  - {actor: b, action: criticize, target: a, at_hours: 0}
  - {actor: b, action: show_of_force, target: a, at_hours: 1}
  - {actor: b, action: threaten_sanctions, target: a, at_hours: 2}
  - {actor: b, action: sanctions, target: a, at_hours: 3}
"""


class TestRule(PolicyContract):
    policy = "rule"
    scenario = RULE

    def test_carries_out_every_order_it_lists(self) -> None:
        for seed in SEEDS:
            record = run(load(RULE), seed)
            ours = [e for e in by(record, "a") if e.policy == self.label]
            by_cause: dict[int | None, list[str]] = {}
            for e in ours:
                by_cause.setdefault(e.cause, []).append(e.kind)
            assert all(kinds == ["criticize", "sanctions"] for kinds in by_cause.values())
