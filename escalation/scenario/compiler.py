"""Turn a validated ``ScenarioSpec`` into a runnable ``Scenario``.

Compiling resolves every name (actors, assets, action kinds), parses every condition against
the names it may read, checks ranges, and gives each per-run number a parameter slot. All
problems are collected, each with its path, so a broken file reports every fault at once.
"""

from __future__ import annotations

import math
from typing import Any

from escalation.errors import Path, Problem, ScenarioError, did_you_mean, format_path
from escalation.model.bounds import MAX_PEOPLE, MAX_UNITS
from escalation.model.namespace import initiative_names, policy_names, summary_names
from escalation.model.vocabulary import KINETIC, UNKNOWN_AUTHOR
from escalation.policies.base import Policy
from escalation.policies.registry import compile_policy
from escalation.scenario.clocks import CLOCK_DEFAULTS, policy_clock
from escalation.scenario.compiled import (
    AccidentDef,
    ActorDef,
    AssetDef,
    AttributionDef,
    DefenceDef,
    InitialDef,
    InitialStateDef,
    InitiativeDef,
    KindDef,
    LadderDef,
    LaneDef,
    OrderDef,
    OutcomeDef,
    PastDef,
    PerceptionDef,
    Scenario,
    SelectorDef,
    TensionDef,
    Variate,
)
from escalation.scenario.conditions import (
    Expression,
    ExpressionError,
    ValueType,
    parse_condition,
    parse_expression,
)
from escalation.scenario.distributions import LogNormal, _Distribution
from escalation.scenario.lint import lint
from escalation.scenario.observed import compile_observed
from escalation.scenario.params import Parameters, ParameterTable
from escalation.scenario.references import References
from escalation.scenario.schema import ActionKind, Actor, Asset, Defence, Initiative, ScenarioSpec
from escalation.scenario.schema_orders import (
    TARGET_ROLES,
    WARN_ROLES,
    Attribution,
    Formula,
    Order,
    TargetSelector,
)
from escalation.scenario.standard import standard_kinds, standard_ladder, standard_outcomes

_FALSE = parse_condition("false", {})
_ZERO = parse_expression("0", {}, ValueType.NUMBER)


class Compiler:
    """Collects problems while compiling; ``compile`` raises them all together."""

    def __init__(self, spec: ScenarioSpec, source: str) -> None:
        self.spec = spec
        self.source = source
        self.problems: list[Problem] = []
        self.table = ParameterTable()
        self.labels: dict[Path, str] = {}
        self.kind_specs: dict[str, ActionKind] = {**standard_kinds(), **spec.action_kinds}
        self.refs = References(spec)
        items = sorted({item for actor in spec.actors.values() for item in actor.inventory})
        self.items = tuple(items)
        self.policy_names = policy_names(spec.actors, items)
        self.initiative_names = initiative_names(spec.actors, items)
        self.kinds = {kid: self._kind(kid, kind) for kid, kind in self.kind_specs.items()}
        self.used_kinds = {"warning", "accident"}  # kinds some act can take (the engine's own)
        self.warned: list[tuple[str, str | None]] = []  # (actor or role warned, the order's
        # target asset, None when chosen in the run)

    # -- services used by policies -------------------------------------------------------
    def problem(self, path: Path, message: str) -> None:
        self.problems.append(Problem(None, path, message))

    def param(
        self, path: Path, value: Any, low: float = -math.inf, high: float = math.inf,
        integer: bool = False,
    ) -> int:
        """A slot for a per-run number, after checking it stays within [low, high]."""
        lo, hi = value.bounds() if isinstance(value, _Distribution) else (value, value)
        if lo < low or hi > high:
            span = f"between {low:g} and {high:g}" if math.isfinite(high) else f"at least {low:g}"
            self.problem(path, f"must be {span}; got {_describe(value)}")
        return self.table.add(self._parameter_name(path), value, integer)

    def chance(self, path: Path, value: Any) -> int | Expression:
        """A probability: a parameter slot within [0, 1], or a formula computed at each
        decision (policy names; clipped to [0, 1] when used)."""
        if isinstance(value, Formula):
            return self.formula(value, path, self.policy_names)
        return self.param(path, value, 0.0, 1.0)

    def formula(self, value: Formula, path: Path, names: dict[str, ValueType]) -> Expression:
        """A number-valued expression, type-checked against ``names`` at its path."""
        try:
            return parse_expression(value.expr, names, ValueType.NUMBER)
        except ExpressionError as error:
            self.problems.append(Problem(None, (*path, "expr"), f"at character {error.column}: {error}"))
            return _ZERO

    def condition(
        self, text: str, path: Path, names: dict[str, ValueType] | None = None
    ) -> Expression:
        try:
            return parse_condition(text, self.policy_names if names is None else names)
        except ExpressionError as error:
            self.problems.append(Problem(None, path, f"at character {error.column}: {error}"))
            return _FALSE

    def order(self, spec: Order, path: Path) -> OrderDef:
        kind = self.kinds.get(spec.action)
        if kind is None:
            hint = did_you_mean(spec.action, self.kinds)
            self.problem((*path, "action"), f"unknown action kind '{spec.action}'{hint}; "
                         "use a standard kind or define it under action_kinds")
            kind = self.kinds["statement"]
        self.used_kinds.add(kind.id)
        asset, actor, selector = self._target(spec.target, kind, (*path, "target"))
        for index, origin in enumerate(spec.origin):
            self.refs.check_asset(self, origin, (*path, "origin", index))
        self.warned.extend((warned, asset) for warned in spec.warn)
        for index, warned in enumerate(spec.warn):
            if warned not in WARN_ROLES:
                self.refs.check_actor(self, warned, (*path, "warn", index))
        in_policy = len(path) > 2 and path[0] == "actors" and path[2] == "policies"
        names = self.policy_names if in_policy else self.initiative_names  # where it is decided
        if isinstance(spec.salvo, Formula):
            salvo: Any = self.formula(spec.salvo, (*path, "salvo"), names)
        else:
            self._count_variate(spec.salvo, (*path, "salvo"), MAX_UNITS, "units")
            salvo = _variate(spec.salvo) if spec.salvo is not None else None
        return OrderDef(
            kind, asset, actor, selector, salvo,
            spec.weapon or kind.weapon, spec.origin, spec.warn,
            self._hours(spec.warning_lead_hours, (*path, "warning_lead_hours"), names), spec.note,
            self._hours(spec.after_hours, (*path, "after_hours"), names),
            self._attribution(spec.attribution, (*path, "attribution")),
        )

    def _attribution(self, spec: Attribution | None, path: Path) -> AttributionDef | None:
        if spec is None:
            return None
        apparent = "" if spec.appears_as == UNKNOWN_AUTHOR else spec.appears_as
        if apparent:
            self.refs.check_actor(self, apparent, (*path, "appears_as"))
        for index, actor in enumerate(spec.known_to):
            self.refs.check_actor(self, actor, (*path, "known_to", index))
        self._nonnegative_variate(spec.verified_after_hours, (*path, "verified_after_hours"))
        verify = spec.verified_after_hours
        return AttributionDef(
            apparent, self.param((*path, "seen_through"), spec.seen_through, 0.0, 1.0),
            _variate(verify) if verify is not None else None, frozenset(spec.known_to),
        )

    # -- the whole scenario --------------------------------------------------------------
    def compile(self) -> Scenario:
        spec = self.spec
        self.refs.check_ids(self)
        assets = {aid: self._asset(aid, asset) for aid, asset in spec.assets.items()}
        actors = tuple(self._actor(aid, actor) for aid, actor in spec.actors.items())
        initial = tuple(self._initial(index) for index in range(len(spec.initial_events)))
        start = self._start(actors, len(spec.ladder.rungs) if spec.ladder else None)
        outcomes = self._outcomes()
        accidents = tuple(self._accident(index) for index in range(len(spec.accidents)))
        ladder = spec.ladder or standard_ladder()
        ladder_def = LadderDef(
            tuple(r.name for r in ladder.rungs), ladder.nationals_killed,
            ladder.homeland_struck, ladder.mutual_homeland, ladder.war_deaths,
        )
        self._check_rungs(len(ladder.rungs))
        tension = TensionDef(
            self.param(("tension", "per_goldstein"), spec.tension.per_goldstein, 0.0),
            self.param(("tension", "half_life_days"), spec.tension.half_life_days, 1e-6),
            self.param(("tension", "alert_threshold"), spec.tension.alert_threshold, 0.0),
        )
        observed = None if spec.observed is None else compile_observed(
            spec.observed, tuple(o.id for o in outcomes), tuple(spec.actors), self)
        if self.problems:
            raise ScenarioError(self.problems)
        self.table.settle(tuple(f"action_kinds.{kid}." for kid in self.kinds
                                if kid not in self.used_kinds))
        self.table.settle(tuple(f"actors.{aid}.relays_warnings" for aid in spec.actors
                                if not self._may_relay(aid)))
        weights = (spec.harm.death, spec.harm.injury, spec.harm.value, spec.harm.economic)
        return Scenario(
            spec, self.source, Parameters(tuple(self.table.parameters)), actors, assets,
            self.kinds, initial, outcomes, accidents, ladder_def, tension, weights, self.items,
            start, tuple(lint(spec)), observed,
        )

    # -- parts ---------------------------------------------------------------------------
    def _parameter_name(self, path: Path) -> str:
        for end in range(len(path), 0, -1):
            label = self.labels.get(path[:end])
            if label is not None:
                return format_path((*path[:end - 1], label, *path[end:]))
        return format_path(path)

    def _kind(self, kid: str, kind: ActionKind) -> KindDef:
        path: Path = ("action_kinds", kid)
        self._nonnegative_variate(kind.duration_hours, (*path, "duration_hours"))
        self._count_variate(kind.salvo, (*path, "salvo"), MAX_UNITS, "units")
        self._nonnegative_variate(kind.economic_loss, (*path, "economic_loss"))
        return KindDef(
            kid, str(kind.effect), kind.cameo, kind.goldstein, kind.rung,
            self._delay(kind.duration_hours, (*path, "duration_hours")), kind.weapon, _variate(kind.salvo),
            self.param((*path, "failure_probability"), kind.failure_probability, 0.0, 1.0),
            self.param((*path, "success_probability"), kind.success_probability, 0.0, 1.0),
            self.param((*path, "potency"), kind.potency, 0.0),
            kind.goldstein < 0, kind.effect in KINETIC, _variate(kind.economic_loss),
        )

    def _asset(self, aid: str, asset: Asset) -> AssetDef:
        path: Path = ("assets", aid)
        self.refs.check_actor(self, asset.owner, (*path, "owner"))
        if asset.host is not None:
            self.refs.check_actor(self, asset.host, (*path, "host"))

        def number(name: str, high: float = math.inf) -> int:
            return self.param((*path, name), getattr(asset, name), 0.0, high)

        self._count_variate(asset.personnel, (*path, "personnel"), MAX_PEOPLE, "people")
        return AssetDef(
            aid, asset.name or aid, asset.owner, asset.host or asset.owner, asset.kind,
            number("personnel"), number("value"), number("air_defence", 1.0),
            number("lethality"), number("injury_rate"), number("damage_per_hit"),
            number("warned_factor", 1.0), number("economic_value"), number("shelter_hours"),
            -1 if asset.warned_air_defence is None else number("warned_air_defence", 1.0),
        )

    def _actor(self, aid: str, actor: Actor) -> ActorDef:
        path: Path = ("actors", aid)
        for index, ally in enumerate(actor.allies):
            self.refs.check_actor(self, ally, (*path, "allies", index))
        if actor.sponsor is not None:
            self.refs.check_actor(self, actor.sponsor, (*path, "sponsor"))

        def unit(name: str) -> int:
            return self.param((*path, name), getattr(actor, name), 0.0, 1.0)

        perception = actor.perception
        pp: Path = (*path, "perception")
        self._nonnegative_variate(perception.delay_hours, (*pp, "delay_hours"))
        self._nonnegative_variate(actor.deliberation_hours, (*path, "deliberation_hours"))
        self._nonnegative_variate(actor.follow_up_hours, (*path, "follow_up_hours"))
        follow_up = actor.deliberation_hours if actor.follow_up_hours is None else actor.follow_up_hours
        follow_field = "deliberation_hours" if actor.follow_up_hours is None else "follow_up_hours"
        self._nonnegative_variate(actor.relay_delay_hours, (*path, "relay_delay_hours"))
        return ActorDef(
            aid, actor.name or aid, actor.kind, unit("resolve"), unit("risk_tolerance"),
            unit("audience_cost"), unit("credibility"), frozenset(actor.allies), actor.sponsor,
            unit("relays_warnings"), self._delay(actor.relay_delay_hours, (*path, "relay_delay_hours")),
            tuple(
                (item, self.param((*path, "inventory", item), count, 0.0, integer=True))
                for item, count in actor.inventory.items()
            ),
            self._delay(actor.deliberation_hours, (*path, "deliberation_hours")),
            self._delay(follow_up, (*path, follow_field)),
            PerceptionDef(
                self._delay(perception.delay_hours, (*pp, "delay_hours")),
                self.param((*pp, "noise"), perception.noise, 0.0),
                self.param((*pp, "enemy_loss_bias"), perception.enemy_loss_bias, 0.0),
                self.param((*pp, "enemy_loss_inflation"), perception.enemy_loss_inflation, 0.0),
            ),
            tuple((s.after_hours, s.share) for s in actor.disclosure.deaths),
            tuple((s.after_hours, s.share) for s in actor.disclosure.injuries),
            self._policies(aid, actor),
            tuple(self._initiative(aid, index, i) for index, i in enumerate(actor.initiatives)),
            self._lanes(aid, actor),
            tuple(self._defence(aid, index, d) for index, d in enumerate(actor.defends)),
        )

    def _defence(self, aid: str, index: int, spec: Defence) -> DefenceDef:
        path: Path = ("actors", aid, "defends", index)
        for i, actor in enumerate(spec.protects):
            self.refs.check_actor(self, actor, (*path, "protects", i))
        kind = self.kinds.get(spec.action)
        if kind is None:
            self.problem((*path, "action"), f"unknown action kind '{spec.action}'"
                         f"{did_you_mean(spec.action, self.kinds)}")
            kind = self.kinds["intercept"]
        self.used_kinds.add(kind.id)
        return DefenceDef(
            frozenset(spec.protects), self.param((*path, "intercept"), spec.intercept, 0.0, 1.0),
            spec.weapon,
            None if spec.when.strip() == "true" else
            self.condition(spec.when, (*path, "when"), self.initiative_names),
            kind,
        )

    def _may_relay(self, aid: str) -> bool:
        """Whether ``aid`` can ever be asked to pass a warning on: some order warns it, by name
        or by a role, of an attack on an asset it hosts for another (any such asset, when the
        target is chosen in the run). Otherwise its chance to relay is read by nothing, and is
        not drawn."""
        assets = self.spec.assets
        hosted = {a for a, spec in assets.items() if spec.host == aid and spec.owner != aid}
        return any((warned == aid or warned in WARN_ROLES) and (target in hosted if target
                                                                else bool(hosted))
                   for warned, target in self.warned)

    def _lanes(self, aid: str, actor: Actor) -> tuple[LaneDef, ...]:
        """One lane per clock (scenario/clocks.py): the actor's deliberation, its statements,
        its standing orders, each with the policies on that clock, then one lane per policy
        with its own ``deliberation_hours`` (policies named by their place). The actor's
        deliberation is kept even without policies unless another lane has them (an actor
        that only speaks has nothing to deliberate on)."""
        own: list[LaneDef] = []
        on: dict[str, list[int]] = {"deliberation": [], "statement": [], "standing_orders": []}
        for index, spec in enumerate(actor.policies):
            path: Path = ("actors", aid, "policies", index)
            if spec.deliberation_hours is None:
                on[policy_clock(spec, self.kind_specs)].append(index)
                continue
            if spec.clock is not None:
                self.problem((*path, "clock"), "a policy with its own deliberation_hours has no "
                             "clock: remove `clock`, or `deliberation_hours` to use the clock's "
                             "default")
            self._nonnegative_variate(spec.deliberation_hours, (*path, "deliberation_hours"))
            own.append(LaneDef(self._delay(spec.deliberation_hours, (*path, "deliberation_hours")),
                               (index,)))
        clocks = [LaneDef(_variate(CLOCK_DEFAULTS[clock]), tuple(on[clock]))
                  for clock in ("statement", "standing_orders") if on[clock]]
        shared = [LaneDef(self._delay(actor.deliberation_hours, ("actors", aid, "deliberation_hours")),
                          tuple(on["deliberation"]))]
        if not on["deliberation"] and (clocks or own):
            shared = []
        return (*shared, *clocks, *own)

    def _initiative(self, aid: str, index: int, initiative: Initiative) -> InitiativeDef:
        path: Path = ("actors", aid, "initiatives", index)
        return InitiativeDef(
            f"{aid}.{initiative.id}",
            self.param((*path, "rate_per_day"), initiative.rate_per_day, 0.0),
            self.param((*path, "min_tension"), initiative.min_tension, 0.0),
            self.order(initiative.do, (*path, "do")),
            initiative.max_occurrences,
            None if initiative.when.strip() == "true" else
            self.condition(initiative.when, (*path, "when"), self.initiative_names),
        )

    def _policies(self, aid: str, actor: Actor) -> tuple[Policy, ...]:
        compiled = []
        for index, spec in enumerate(actor.policies):
            path: Path = ("actors", aid, "policies", index)
            label = spec.id or f"{getattr(spec, 'policy', 'rule')}_{index}"
            if spec.id:
                self.labels[path] = spec.id
            compiled.append(compile_policy(spec, self, path, f"{aid}.{label}"))
        return tuple(compiled)

    def _start(self, actors: tuple[ActorDef, ...], rungs: int | None) -> InitialStateDef:
        """The state a run opens in (``initial_state``), every name in it checked."""
        state, path = self.spec.initial_state, ("initial_state",)
        top = (rungs or len(standard_ladder().rungs)) - 1
        for index, pair in enumerate(state.pairs):
            for side, actor in enumerate(pair.between):
                self.refs.check_actor(self, actor, (*path, "pairs", index, "between", side))
            if pair.between[0] == pair.between[1]:
                self.problem((*path, "pairs", index, "between"), "a pair is two different actors")
            if pair.rung > top:
                self.problem((*path, "pairs", index, "rung"),
                             f"rung {pair.rung} is above the ladder's top rung ({top})")
        policies = {policy.label: (actor.id, policy) for actor in actors for policy in actor.policies}
        threats = []
        for index, threat in enumerate(state.threats):
            found = policies.get(threat.policy)
            if found is None or not found[1].standing:
                standing = [label for label, (_, p) in policies.items() if p.name == "threat_then_enforce"]
                self.problem((*path, "threats", index, "policy"),
                             f"'{threat.policy}' is not a threat_then_enforce policy"
                             f"{did_you_mean(threat.policy, standing)}; name one as 'actor.policy_id'"
                             + (f" ({', '.join(standing)})" if standing else ": the scenario has none"))
                continue
            threats.append((found[0], found[1], threat.days_ago))
        for index, actor in enumerate(state.stood_down):
            self.refs.check_actor(self, actor, (*path, "stood_down", index))
        history = []
        for index, past in enumerate(state.history):
            where: Path = (*path, "history", index)
            self.refs.check_actor(self, past.actor, (*where, "actor"))
            history.append(PastDef(past.actor, -24.0 * past.days_ago, self.order(past, where),
                                   past.deaths, past.injuries, past.pending))
        return InitialStateDef(
            self.param((*path, "tension"), state.tension, 0.0),
            tuple((*pair.between, pair.rung) for pair in state.pairs), tuple(threats),
            tuple(state.stood_down), tuple(sorted(history, key=lambda past: past.at_hours)),
        )

    def _initial(self, index: int) -> InitialDef:
        event = self.spec.initial_events[index]
        path: Path = ("initial_events", index)
        self.refs.check_actor(self, event.actor, (*path, "actor"))
        if event.at_hours > self.spec.horizon_days * 24:
            self.problem((*path, "at_hours"), "is after the horizon; raise horizon_days")
        order = self.order(event, path)
        return InitialDef(event.id or f"opening_{index}", event.actor, event.at_hours, order,
                          event.answer)

    def _outcomes(self) -> tuple[OutcomeDef, ...]:
        names = summary_names(self.spec.actors)
        given = self.spec.outcomes is not None
        classes = self.spec.outcomes if given else standard_outcomes()
        seen: set[str] = set()
        compiled = []
        for index, outcome in enumerate(classes or ()):
            path: Path = ("outcomes", index) if given else ("outcomes",)
            if outcome.id in seen:
                self.problem((*path, "id"), f"outcome '{outcome.id}' is defined twice")
            seen.add(outcome.id)
            condition = self.condition(outcome.when, (*path, "when"), names)
            compiled.append(OutcomeDef(outcome.id, condition, outcome.terminal, outcome.description))
        if not compiled:
            self.problem(("outcomes",), "needs at least one outcome class")
        return tuple(compiled)

    def _accident(self, index: int) -> AccidentDef:
        accident = self.spec.accidents[index]
        path: Path = ("accidents", index)
        self.refs.check_actor(self, accident.actor, (*path, "actor"))
        if accident.victims is not None:
            self.refs.check_actor(self, accident.victims, (*path, "victims"))
        self._count_variate(accident.deaths, (*path, "deaths"), MAX_PEOPLE, "people")
        return AccidentDef(
            accident.id, accident.actor,
            self.param((*path, "rate_per_day"), accident.rate_per_day, 0.0),
            _variate(accident.deaths), accident.victims, accident.max_occurrences,
            accident.description,
        )

    def _target(
        self, target: str | TargetSelector | None, kind: KindDef, path: Path
    ) -> tuple[str | None, str | None, SelectorDef | None]:
        if target is None:
            if kind.kinetic:
                self.problem(path, f"a '{kind.id}' needs a target asset or selector")
            return None, None, None
        if isinstance(target, str):
            if target in self.spec.assets:
                return target, None, None
            if target in self.spec.actors or target in TARGET_ROLES:
                if kind.kinetic:  # an actor as a kinetic target: any of its assets
                    return None, None, SelectorDef(target, None, None, False, None)
                return None, target, None
            hint = did_you_mean(target, [*self.spec.assets, *self.spec.actors, *TARGET_ROLES])
            self.problem(path, f"unknown target '{target}'{hint}; expected an asset id, an actor "
                         f"id or one of {', '.join(TARGET_ROLES)}")
            return None, None, None
        if target.owner not in TARGET_ROLES:
            self.refs.check_actor(self, target.owner, (*path, "owner"))
        if target.host is not None:
            self.refs.check_actor(self, target.host, (*path, "host"))
        if target.kind is not None:
            self.refs.check_asset_kind(self, target.kind, (*path, "kind"))
        return None, None, SelectorDef(
            target.owner, target.kind, target.host, target.same_kind, target.homeland
        )

    def _count_variate(self, value: Any, path: Path, most: float, unit: str) -> None:
        """A count must not be negative, and must be able to stay within its bound: a run
        that draws beyond it stops as failed (model/bounds.py); one that always would is refused."""
        self._nonnegative_variate(value, path)
        low = value.bounds()[0] if isinstance(value, _Distribution) else value
        if value is not None and low > most:
            self.problem(path, f"{_describe(value)} {unit} cannot be meant: a run allows at most "
                         f"{most:,} (docs/assumptions.md, 'Bounds on a run')")

    def _hours(self, value: Any, path: Path, names: dict[str, ValueType]) -> Any:
        """A delay: a formula type-checked against ``names`` (its result is checked when it is
        computed), or a variate that cannot be negative; None stays None."""
        if isinstance(value, Formula):
            return self.formula(value, path, names)
        self._nonnegative_variate(value, path)
        return None if value is None else _variate(value)

    def _delay(self, value: float | _Distribution, path: Path) -> Variate:
        """A per-occurrence time. A log-normal one's median is also a per-run number, named
        ``PATH.median`` and constant unless set, so that a run may move it (calibration
        pins it, docs/calibration.md) without another draw moving."""
        if isinstance(value, LogNormal):
            slot = self.table.shared_constant(self._parameter_name((*path, "median")),
                                              value.median)
            return value.sampler(slot)
        return _variate(value)

    def _nonnegative_variate(self, value: Any, path: Path) -> None:
        if value is None:
            return
        low = value.bounds()[0] if isinstance(value, _Distribution) else value
        if low < 0:
            self.problem(path, f"must not be negative; got {_describe(value)}")

    def _check_rungs(self, count: int) -> None:
        for kid, kind in self.kinds.items():
            if kind.rung >= count:
                self.problem(("action_kinds", kid, "rung"),
                             f"rung {kind.rung} is above the ladder's top rung ({count - 1})")


def _variate(value: float | _Distribution) -> Variate:
    return value.sampler() if isinstance(value, _Distribution) else float(value)


def _describe(value: Any) -> str:
    if isinstance(value, _Distribution):
        lo, hi = value.bounds()
        return f"a {value.dist} distribution ranging over [{lo:g}, {hi:g}]"  # type: ignore[attr-defined]
    return f"{value:g}"


def compile_scenario(spec: ScenarioSpec, source: str) -> Scenario:
    """The runnable form of ``spec``; raises ScenarioError listing every problem (no location)."""
    return Compiler(spec, source).compile()
