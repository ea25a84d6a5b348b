"""The scenario format: what a crisis YAML file may contain, field by field.

These pydantic models are the single source of the format: loading validates against them,
``escalation schema`` prints their JSON Schema, and the reference docs are generated from them.
Cross-references by name (an asset's owner, a policy's action kind) are checked afterwards,
when the scenario is compiled, because they need the whole document.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from escalation.model.vocabulary import Effect
from escalation.scenario.effect_defaults import INTERCEPT, LETHALITY, RELAY
from escalation.scenario.schema_observed import Observed
from escalation.scenario.schema_orders import (
    Condition,
    Identifier,
    Model,
    Num,
    Order,
    Probability,
    Target,
    Variate,
)
from escalation.scenario.schema_policies import PolicySpec
from escalation.scenario.time_defaults import (
    DELIBERATION_HOURS,
    PERCEPTION_DELAY_HOURS,
    RELAY_DELAY_HOURS,
    SHELTER_HOURS,
)


class Perception(Model):
    """How an actor comes to know of events: late, noisy and, about enemies, biased."""

    delay_hours: Variate = Field(
        PERCEPTION_DELAY_HOURS, description="Hours before a report reaches the actor.")
    noise: Num = Field(0.2, description="Spread (log scale) of perceived counts.")
    enemy_loss_bias: Num = Field(
        1.0, description="Multiplies the losses of actors it is in conflict with."
    )
    enemy_loss_inflation: Num = Field(
        0.0, description="Mean phantom deaths added to reports of enemy losses."
    )


class Stage(Model):
    after_hours: float = Field(ge=0, description="Hours after the event.")
    share: float = Field(ge=0, le=1, description="Cumulative share of the true count revealed.")


def _immediate() -> tuple[Stage, ...]:
    return (Stage(after_hours=0.0, share=1.0),)


class Disclosure(Model):
    """How an actor reveals its own losses: all at once, or in stages over weeks."""

    deaths: tuple[Stage, ...] = Field(default_factory=_immediate, min_length=1)
    injuries: tuple[Stage, ...] = Field(default_factory=_immediate, min_length=1)

    @model_validator(mode="after")
    def _increasing(self) -> Disclosure:
        for stages in (self.deaths, self.injuries):
            times = [s.after_hours for s in stages]
            shares = [s.share for s in stages]
            if times != sorted(times) or shares != sorted(shares):
                raise ValueError("stages must be in time order with non-decreasing shares")
            if shares[-1] != 1.0:
                raise ValueError("the last stage must reveal everything (share: 1)")
        return self


class Initiative(Model):
    """Acts an actor takes unprompted, at random times, while tension is high enough
    (harassment by proxies, patrols that provoke)."""

    id: Identifier
    rate_per_day: Num = Field(description="Expected acts per day while active.")
    min_tension: Num = Field(0.0, description="Active only while tension is at least this.")
    when: Condition = Field(
        "true", description="Active only while this also holds, checked at each arrival: it "
        "reads the actor's own state (own.*), the world's (tension, time, max_rung), other "
        "actors' (actors.X.stood_down) and the run's counts so far (deaths.X, hostile_acts).")
    do: Order
    max_occurrences: int = Field(1000, ge=0, le=100000)


class Defence(Model):
    """Help an actor gives in defending others' assets: its own interceptors, its own decision
    whether to join, and its own risk (each interception is an act the attacker perceives)."""

    protects: tuple[str, ...] = Field(
        min_length=1, description="Actors whose assets it helps defend against strikes.")
    intercept: Probability = Field(
        INTERCEPT, description="Chance it stops each unit it engages (after the asset's own air "
        "defence); drawn once per run.")
    weapon: str | None = Field(
        None, description="Inventory item spent per unit engaged (its interceptors); none: "
        "unlimited.")
    when: Condition = Field(
        "true", description="Joins only while this holds, checked at each strike: the names of "
        "an initiative's when (own.*, tension, alert, actors.X.*, the run's counts).")
    action: str = Field(
        "intercept", description="Action kind recording its interceptions, aimed at the "
        "attacker.")


class Actor(Model):
    """A state or non-state party with its capabilities, temperament and policies."""

    name: str = Field("", description="Display name; defaults to the id.")
    kind: Literal["state", "non_state"] = "state"
    resolve: Probability = Field(0.5, description="Willingness to carry out what it threatens.")
    risk_tolerance: Probability = Field(0.5, description="Readable by conditions as own.risk_tolerance.")
    audience_cost: Probability = Field(
        0.5, description="Sensitivity to the domestic cost of backing down from a public threat."
    )
    credibility: Probability = Field(0.5, description="Initial credibility of its threats.")
    allies: tuple[str, ...] = Field((), description=(
        "Actors it stands with: acts against or by them read as perceived.against_ally / "
        "perceived.by_ally (and trigger tit-for-tat by default)."))
    sponsor: str | None = Field(None, description="State backing a non-state party.")
    relays_warnings: Probability = Field(
        RELAY, description="Chance it passes a warning about a strike on its soil to the owner "
        "of the targeted asset; drawn once per run, and only for an actor that hosts another's "
        "asset and that some order warns."
    )
    relay_delay_hours: Variate = Field(
        RELAY_DELAY_HOURS, description="Hours it takes to pass a warning on.")
    inventory: dict[str, Num] = Field(
        default_factory=dict, description="Stocks such as missiles: item -> count."
    )
    deliberation_hours: Variate = Field(
        DELIBERATION_HOURS, description="Hours between a report and a decision.")
    follow_up_hours: Variate | None = Field(
        None, description="Hours to decide after a report of its own act (declarations planned "
        "with the act); default: deliberation_hours.",
    )
    perception: Perception = Field(default_factory=Perception)
    disclosure: Disclosure = Field(default_factory=Disclosure)
    policies: list[PolicySpec] = Field(default_factory=list)
    initiatives: list[Initiative] = Field(default_factory=list)
    defends: list[Defence] = Field(
        default_factory=list, description="Help it gives in defending others' assets "
        "(allied air and missile defence).")


class Asset(Model):
    """A base, city, facility or person that acts can target."""

    name: str = ""
    owner: str = Field(description="Actor whose nationals and property it holds.")
    host: str | None = Field(None, description="Country it stands in; default: the owner.")
    kind: Identifier = Field("base", description="Free label used by target selectors.")
    personnel: Num = Field(0.0, description="People exposed; caps casualties.")
    value: Num = Field(1.0, description="Harm its loss represents to its owner.")
    air_defence: Probability = Field(0.0, description="Chance each arriving unit is intercepted.")
    lethality: Num = Field(
        LETHALITY, description="Expected deaths per hit, unwarned; drawn once per run.")
    injury_rate: Num = Field(1.0, description="Expected injuries per hit, unwarned.")
    damage_per_hit: Num = Field(0.1, description="Share of its value lost per hit.")
    economic_value: Num = Field(
        0.0, description="Economic value at risk, in US$ million (an oil facility, a port): "
        "the same share is lost per hit as of its value."
    )
    warned_air_defence: Probability | None = Field(
        None, description="Chance each arriving unit is intercepted when its owner was warned "
        "in time: defences raised on notice; none: air_defence, warned or not."
    )
    warned_factor: Probability = Field(
        0.1, description="Share of deaths left when warned with ample notice (those who "
        "cannot take cover): shelters turn deaths into injuries, so injuries are not reduced."
    )
    shelter_hours: Num = Field(
        SHELTER_HOURS, description="Time constant of taking cover once the owner is warned: "
        "after a lead of t hours a share 1 - exp(-t / shelter_hours) of those who can is under "
        "cover; 0: all at once, whatever the lead."
    )


class ActionKind(Model):
    """A kind of act, with its CAMEO code, Goldstein score and escalation rung."""

    effect: Effect = Field(description="Which effect model applies.")
    cameo: str | None = Field(None, pattern=r"^[0-9]{2,4}$", max_length=4)
    goldstein: float = Field(ge=-10, le=10, description="Conflict (-10) to cooperation (+10).")
    rung: int = Field(ge=0, le=100, description="Base rung on the escalation ladder.")
    duration_hours: Variate = Field(0.0, description="Preparation and flight time.")
    weapon: str | None = Field(None, description="Inventory item consumed per unit of salvo.")
    salvo: Variate = Field(1.0, description="Default units per act.")
    failure_probability: Probability = Field(0.0, description="Chance each unit fails.")
    success_probability: Probability = Field(1.0, description="Chance a killing succeeds.")
    potency: Num = Field(
        1.0, description="Casualties per hit relative to the target's rates (a rocket does far "
        "less than a ballistic missile).",
    )
    economic_loss: Variate = Field(
        0.0, description="Economic damage the act does to its target, in US$ million, drawn "
        "at every occurrence: sanctions, a cyber attack, a blockade (besides any asset damage)."
    )
    declaratory: bool = Field(
        False, description="Words, not deeds (a statement, a criticism, a threat): a policy "
        "whose every act is declaratory is decided on the statement clock, apart from the "
        "actor's deliberation (see a policy's `clock`).")
    description: str = ""
    source: str = Field("", description="Where the code and score come from.")


class Rung(Model):
    name: str
    description: str = ""


class Ladder(Model):
    """Rungs from routine to war, and the thresholds that lift an act's rung."""

    rungs: tuple[Rung, ...] = Field(min_length=2)
    nationals_killed: int = Field(ge=0, description="Least rung of an act that kills nationals.")
    homeland_struck: int = Field(ge=0, description="Least rung of a strike on home soil.")
    mutual_homeland: int = Field(
        ge=0, description="Rung of a pair once both have struck each other's soil."
    )
    war_deaths: int | None = Field(
        None, ge=1, description="Deaths from hostile acts between a pair that make it a war "
        "(the top rung); null: only acts of a top-rung kind do.")

    @model_validator(mode="after")
    def _within(self) -> Ladder:
        top = len(self.rungs) - 1
        for name in ("nationals_killed", "homeland_struck", "mutual_homeland"):
            if getattr(self, name) > top:
                raise ValueError(f"{name} is above the top rung ({top})")
        return self


class Tension(Model):
    per_goldstein: Num = Field(0.1, description="Tension per point of Goldstein hostility.")
    half_life_days: Num = Field(7.0, description="Days for tension to halve.")
    alert_threshold: Num = Field(1.5, description="Tension at which forces go on alert.")


class HarmWeights(Model):
    """How deaths, injuries, lost value and economic loss add up to the single 'harm'
    policies answer."""

    death: float = Field(1.0, ge=0)
    injury: float = Field(0.25, ge=0)
    value: float = Field(1.0, ge=0)
    economic: float = Field(
        0.1, ge=0, description="Harm per US$ million of economic loss: 0.1, one death per "
        "US$10 million, about the value of a statistical life in US federal guidance."
    )


class InitialEvent(Order):
    """A scripted act that opens the crisis."""

    id: Identifier | None = None
    actor: str
    at_hours: float = Field(0.0, ge=0)
    answer: bool = Field(
        False, description="The opening answers an earlier act (one in initial_state.history): "
        "it counts as its actor's answer (own.responses, responses.<actor>, kinetic_responses), "
        "so that what follows an answer, a stand-down, can follow it.")


class PairState(Model):
    """Two actors already in conflict at t = 0, and the rung their crisis has reached."""

    between: tuple[str, str] = Field(description="The two actors' ids.")
    rung: int = Field(ge=0, description="Rung of the ladder the pair has reached.")


class StandingThreat(Model):
    """A threat issued before t = 0: its red line is checked from the first report on."""

    policy: str = Field(description="Label of a threat_then_enforce policy: 'actor.policy_id'.")
    days_ago: float = Field(0.0, ge=0, description="Days before t = 0 it was issued (for expiry).")


class PastEvent(Order):
    """Something that happened before t = 0: shown in traces, never counted again."""

    actor: str
    days_ago: float = Field(gt=0, description="Days before t = 0.")
    deaths: int = Field(0, ge=0)
    injuries: int = Field(0, ge=0)
    target: Target = None
    pending: bool = Field(
        False, description="Still being decided on at t = 0: every actor receives a report of "
        "it then (after its perception delay), and its policies may answer it.")


class InitialState(Model):
    """Where the crisis stands at t = 0, for a scenario that opens inside one: rungs already
    reached, tension, threats and stand-downs already declared, and what happened before.
    The past is recorded, not scored again: it moves no count of the run's summary."""

    tension: Num = Field(0.0, description="Tension at t = 0.")
    pairs: list[PairState] = Field(default_factory=list)
    threats: list[StandingThreat] = Field(default_factory=list)
    stood_down: list[str] = Field(
        default_factory=list, description="Actors whose stand-downs are declared and stand.")
    history: list[PastEvent] = Field(default_factory=list)


class Limits(Model):
    """Bounds on one run's work, so a scenario whose actors answer each other without delay,
    or an event rate no clock can keep up with, ends as a failed run instead of never ending.

    An event here is anything a run schedules: an act, a report reaching an actor, a
    deliberation, an arrival of a random process. A run of the seed scenario schedules about
    125 (at most ~700); the bounds sit far above any run that means something."""

    max_events: int = Field(
        100_000, ge=1, le=1_000_000_000, description="Events one run may schedule in all.")
    max_events_per_instant: int = Field(
        10_000, ge=1, le=1_000_000_000,
        description="Events one run may schedule at one instant (zero-delay chains).")


class OutcomeClass(Model):
    id: Identifier
    when: Condition
    terminal: bool = Field(False, description="Checked after every event; ends the run at once.")
    description: str = ""


class Accident(Model):
    """A mishap no one chose, possible only while forces are on alert."""

    id: Identifier
    actor: str = Field(description="Whose forces cause it.")
    rate_per_day: Num = Field(description="Hazard per day while on alert.")
    deaths: Variate = 0.0
    victims: str | None = Field(None, description="Actor whose nationals die; null: third parties.")
    max_occurrences: int = Field(1, ge=0, le=1000)
    description: str = ""


class ScenarioSpec(Model):
    """A crisis: who is involved, what they can do, how they respond, how it starts and ends."""

    name: Identifier
    title: str = ""
    description: str = ""
    start: str | None = Field(None, description="Calendar time of t = 0 (ISO 8601), for display.")
    horizon_days: float = Field(60.0, gt=0, le=36500)
    quiet_days: float = Field(14.0, gt=0, description="Days without hostility that end a crisis.")
    after_terminal: Literal["stop", "continue"] = Field(
        "stop", description="What a run does once a terminal outcome class holds: stop there "
        "(the class is the answer), or continue to the crisis's end, the class kept, so that its "
        "deaths, acts and length are those of the whole crisis (escalation backtest does this)."
    )
    ladder: Ladder | None = Field(None, description="Default: the standard ladder.")
    tension: Tension = Field(default_factory=Tension)
    harm: HarmWeights = Field(default_factory=HarmWeights)
    actors: dict[str, Actor] = Field(min_length=1)
    assets: dict[str, Asset] = Field(default_factory=dict)
    action_kinds: dict[str, ActionKind] = Field(
        default_factory=dict, description="Kinds added to, or replacing, the standard set."
    )
    initial_state: InitialState = Field(default_factory=InitialState)
    initial_events: list[InitialEvent] = Field(default_factory=list)
    outcomes: list[OutcomeClass] | None = Field(None, description="Default: the standard classes.")
    accidents: list[Accident] = Field(default_factory=list)
    limits: Limits = Field(default_factory=Limits)
    sources: list[str] = Field(default_factory=list)
    observed: Observed | None = Field(
        None, description="What really happened, for a scenario of a real episode: scored by "
        "escalation backtest.")
    calibration: str | None = Field(
        None, description="A calibrated parameter set (escalation calibrate --out DIR writes "
        "DIR/calibrated.yaml), relative to this file: every per-run parameter one of its "
        "patterns matches takes its value; --set and a variant's set: still win "
        "(docs/calibration.md).")
