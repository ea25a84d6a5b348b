"""Hypothesis strategies that build valid scenario dicts for ``escalation.scenario_from_dict``.

``scenarios()`` draws a small crisis: 2–4 actors with random registered policies and plain
rules, assets owned by and hosted in those actors, inventories, initiatives, accidents,
opening events and outcome classes, every number either a constant or a distribution kept
inside the range its field allows. Horizons are short (5–40 days) so that runs are fast.

Reactions can feed on each other (several actors answering the same act, answers to
answers), so without a bound a run could grow exponentially within its horizon. Every
generated scenario therefore opens its outcome list with a terminal ``saturated`` class that
ends a run after ``SATURATION`` counted acts, and the acts policies may order are all counted
by it (hostile acts and stand-downs); uncounted kinds (statements, warnings, accidents) only
appear where their number is bounded (openings and initiatives).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

ACTOR_POOL = ("alpha", "bravo", "charlie", "delta")
ASSET_KINDS = ("base", "city", "military_site", "leader")
WEAPONS = ("missiles", "rockets", "drones")
ROLES = ("offender", "sponsor", "origin_host", "self")
KINETIC = ("proxy_attack", "strike", "targeted_killing", "campaign")
HOSTILE = ("criticize", "threat", "threaten_sanctions", "show_of_force", "sanctions")
CONCILIATORY = ("stand_down", "ceasefire")
UNCOUNTED = ("statement", "warning", "accident")
WARN_ROLES = ("owner", "host", "offender", "sponsor")
SATURATION = 60
SATURATED = {
    "id": "saturated",
    "when": f"hostile_acts + stand_downs >= {SATURATION}",
    "terminal": True,
    "description": "safety bound of generated scenarios",
}

Data = dict[str, Any]


# -- numbers ----------------------------------------------------------------------------
@functools.cache
def decimals(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats in [low, high] with three decimals (``low`` and ``high`` must have at most
    three, so rounding never leaves the range)."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 3))


@functools.cache
@st.composite
def _sorted_pair(draw: st.DrawFn, low: float, high: float) -> tuple[float, float]:
    a, b = draw(decimals(low, high)), draw(decimals(low, high))
    return (a, b) if a <= b else (b, a)


@functools.cache
@st.composite
def _uniform(draw: st.DrawFn, low: float, high: float) -> Data:
    a, b = draw(_sorted_pair(low, high))
    return {"dist": "uniform", "low": a, "high": b}


@functools.cache
@st.composite
def _triangular(draw: st.DrawFn, low: float, high: float) -> Data:
    a, b, c = sorted(draw(st.lists(decimals(low, high), min_size=3, max_size=3)))
    return {"dist": "triangular", "low": a, "mode": b, "high": c}


@functools.cache
@st.composite
def _beta(draw: st.DrawFn, low: float, high: float) -> Data:
    a, b = draw(_sorted_pair(low, high))
    return {"dist": "beta", "a": draw(decimals(0.5, 8)), "b": draw(decimals(0.5, 8)),
            "low": a, "high": b}


@functools.cache
@st.composite
def _normal(draw: st.DrawFn, low: float, high: float) -> Data:
    return {"dist": "normal", "mean": draw(decimals(low, high)),
            "sd": draw(decimals(0, max(0.001, round((high - low) / 2, 3)))),
            "low": low, "high": high}


@functools.cache
@st.composite
def _choice(draw: st.DrawFn, low: float, high: float) -> Data:
    values = draw(st.lists(decimals(low, high), min_size=1, max_size=3))
    data: Data = {"dist": "choice", "values": values}
    if draw(st.booleans()):
        data["weights"] = draw(st.lists(decimals(0.1, 5), min_size=len(values),
                                        max_size=len(values)))
    return data


@functools.cache
@st.composite
def _lognormal(draw: st.DrawFn, low: float, high: float) -> Data:
    return {"dist": "lognormal", "median": draw(decimals(max(0.01, low), max(0.01, high))),
            "sigma": draw(decimals(0, 1))}


@functools.cache
@st.composite
def _poisson(draw: st.DrawFn, low: float, high: float) -> Data:
    return {"dist": "poisson", "mean": draw(decimals(0, high))}


@functools.cache
def numbers(low: float, high: float, *, unbounded: bool = False) -> st.SearchStrategy[Any]:
    """A constant or a distribution whose every value lies in [low, high]; with
    ``unbounded`` (fields with no upper limit, ``low`` = 0) also right-skewed ones."""
    options = [
        decimals(low, high), decimals(low, high), decimals(low, high),
        _uniform(low, high), _triangular(low, high), _beta(low, high),
        _normal(low, high), _choice(low, high),
    ]
    if unbounded:
        assert low == 0
        options += [_lognormal(low, high), _poisson(low, high)]
    return st.one_of(options)


@functools.cache
def probabilities() -> st.SearchStrategy[Any]:
    return numbers(0, 1)


@functools.cache
def counts(high: float) -> st.SearchStrategy[Any]:
    """Non-negative numbers of things (salvos, people, stocks)."""
    return numbers(0, high, unbounded=True)


@functools.cache
def delays(low: float, high: float) -> st.SearchStrategy[Any]:
    """Non-negative durations in hours."""
    return numbers(low, high, unbounded=low == 0)


def _maybe(draw: st.DrawFn, data: Data, key: str, strategy: st.SearchStrategy[Any]) -> None:
    """Set ``data[key]`` from ``strategy`` half the time (else the field keeps its default)."""
    if draw(st.booleans()):
        data[key] = draw(strategy)


# -- the scenario's vocabulary, known while drawing its parts ---------------------------
@dataclass(frozen=True)
class Names:
    actors: tuple[str, ...]
    assets: tuple[str, ...]
    asset_kinds: tuple[str, ...]
    kinetic: tuple[str, ...]
    items: tuple[str, ...]


@functools.cache
@st.composite
def targets(draw: st.DrawFn, names: Names, kinetic: bool, prefer: tuple[str, ...] = ()) -> Any:
    options: list[st.SearchStrategy[Any]] = [
        st.sampled_from(prefer or names.assets),
        st.sampled_from(names.actors + ROLES),
        selectors(names),
    ]
    if not kinetic:
        options.append(st.none())
    return draw(st.one_of(options))


@functools.cache
@st.composite
def selectors(draw: st.DrawFn, names: Names) -> Data:
    data: Data = {"owner": draw(st.sampled_from(names.actors + ROLES))}
    _maybe(draw, data, "kind", st.sampled_from(names.asset_kinds))
    _maybe(draw, data, "host", st.sampled_from(names.actors))
    _maybe(draw, data, "same_kind", st.booleans())
    _maybe(draw, data, "homeland", st.booleans())
    return data


@functools.cache
@st.composite
def orders(
    draw: st.DrawFn, names: Names, actions: tuple[str, ...], prefer: tuple[str, ...] = ()
) -> Data:
    """One order. No ``weapon`` override: an act's weapon is always its kind's, so tests
    can read which stock an event used from its kind. With ``prefer`` (openings, which have
    no offender to answer) the target is explicit and most often one of those assets."""
    action = draw(st.sampled_from(actions))
    data: Data = {"action": action}
    if prefer or draw(st.integers(0, 4)) == 4:  # reactions: mostly the default, "offender"
        data["target"] = draw(targets(names, action in names.kinetic, prefer))
    elif action not in names.kinetic and draw(st.integers(0, 4)) == 4:
        data["target"] = None
    _maybe(draw, data, "salvo", counts(30))
    if draw(st.integers(0, 3)) == 0:
        data["origin"] = draw(st.lists(st.sampled_from(names.assets), max_size=2))
    if draw(st.integers(0, 3)) == 0:
        data["warn"] = draw(st.lists(st.sampled_from(names.actors + WARN_ROLES), min_size=1,
                                     max_size=2))
        _maybe(draw, data, "warning_lead_hours", delays(0, 3))
    if draw(st.integers(0, 3)) == 0:
        data["attribution"] = draw(attributions(names))
    _maybe(draw, data, "note", st.sampled_from(("", "a note", "ünïcode — note")))
    return data


@functools.cache
@st.composite
def attributions(draw: st.DrawFn, names: Names) -> Data:
    """Who an act appears to come from: no one, or any actor (its author too)."""
    data: Data = {}
    _maybe(draw, data, "appears_as", st.sampled_from((*names.actors, "unknown")))
    _maybe(draw, data, "seen_through", probabilities())
    _maybe(draw, data, "verified_after_hours", delays(0, 96))
    _maybe(draw, data, "known_to", st.lists(st.sampled_from(names.actors), max_size=2))
    return data


@functools.cache
def reactions(names: Names) -> st.SearchStrategy[Data]:
    """Orders a policy may give: every one counted by the saturation bound."""
    return orders(names, names.kinetic + HOSTILE + CONCILIATORY)


@functools.cache
def conditions(names: Names, me: str) -> st.SearchStrategy[str]:
    others = [a for a in names.actors if a != me]
    pool = [
        "perceived.hostile and perceived.against_me and not perceived.update",
        "perceived.kinetic and not perceived.by_me and not perceived.update",
        "perceived.deaths > 0 and perceived.against_me",
        "perceived.hostile and (perceived.against_me or perceived.against_ally) "
        "and not perceived.by_me",
        "tension >= 1 and perceived.hostile and not perceived.by_me",
        "own.credibility < 0.5 and perceived.hostile and perceived.against_me",
        "perceived.rung >= 4 and not perceived.by_me and not perceived.update",
        "perceived.by_me and perceived.effect == 'strike'",
        "perceived.goldstein > 0 and not perceived.by_me and not perceived.update",
        "time > 2 and perceived.harm > 1 and perceived.against_me",
        "max(perceived.deaths, perceived.injuries / 4) >= 1 and not perceived.by_me",
        "perceived.kind in ['strike', 'campaign'] and perceived.homeland",
        "alert and pair_rung >= 3",
        "false",
    ]
    pool += [f"perceived.actor == '{o}' and perceived.hostile and not perceived.update"
             for o in others]
    pool += [f"actors.{o}.credibility >= 0.5 and perceived.against_me" for o in others]
    pool += [f"own.inventory.{item} > 5 and perceived.against_me" for item in names.items]
    return st.sampled_from(pool)


# -- policies ---------------------------------------------------------------------------
@functools.cache
@st.composite
def policies(draw: st.DrawFn, names: Names, me: str, index: int) -> Data:
    kind = draw(st.sampled_from((
        "proportional_retaliation", "tit_for_tat", "graduated_escalation",
        "threat_then_enforce", "sanctions_instead_of_force", "stand_down_when_satisfied",
        "rule",
    )))
    data: Data = {} if kind == "rule" else {"policy": kind}
    if draw(st.booleans()):
        data["id"] = f"p{index}_{kind[:5]}"
    if kind == "rule":
        data["when"] = draw(conditions(names, me))
        data["do"] = draw(st.one_of(reactions(names),
                                    st.lists(reactions(names), min_size=1, max_size=2)))
        _maybe(draw, data, "stop", st.booleans())
    elif draw(st.integers(0, 2)) == 2:  # mostly the policy's own default trigger
        data["when"] = draw(conditions(names, me))
    _maybe(draw, data, "probability", probabilities())
    if draw(st.integers(0, 3)) == 0:  # now and then a policy on a clock of its own
        data["deliberation_hours"] = draw(delays(0, 48))
    else:  # or on a named clock (none: the statement clock if it only speaks)
        _maybe(draw, data, "clock", st.sampled_from(("deliberation", "statement",
                                                     "standing_orders")))
    if kind == "proportional_retaliation":
        _maybe(draw, data, "k", numbers(0, 3))
        _maybe(draw, data, "unit_harm", numbers(0.1, 5))
        _maybe(draw, data, "cap", counts(30))
        _maybe(draw, data, "minimum", numbers(0, 5))
        _maybe(draw, data, "response", orders(names, names.kinetic))
    elif kind == "tit_for_tat":
        _maybe(draw, data, "generosity", probabilities())
        data["response"] = draw(reactions(names))
        _maybe(draw, data, "conciliation", orders(names, CONCILIATORY))
    elif kind == "graduated_escalation":
        _maybe(draw, data, "step", st.integers(0, 3))
        data["options"] = draw(st.lists(reactions(names), min_size=1, max_size=3))
    elif kind == "threat_then_enforce":
        _maybe(draw, data, "issue_when", st.one_of(st.just("true"), conditions(names, me)))
        data["threat"] = draw(orders(names, ("threat", "threaten_sanctions")))
        data["red_line"] = draw(conditions(names, me))
        data["enforce"] = draw(reactions(names))
        _maybe(draw, data, "expires_after_days", numbers(0, 20))
        _maybe(draw, data, "learning", probabilities())
    elif kind == "sanctions_instead_of_force":
        _maybe(draw, data, "death_threshold", counts(20))
        _maybe(draw, data, "sanctions", orders(names, ("sanctions", "threaten_sanctions")))
        _maybe(draw, data, "force", orders(names, names.kinetic))
    elif kind == "stand_down_when_satisfied":
        _maybe(draw, data, "answers", st.integers(1, 3))
        _maybe(draw, data, "declaration", orders(names, CONCILIATORY))
        _maybe(draw, data, "reengage_when", conditions(names, me))
    return data


# -- actors, assets and the rest --------------------------------------------------------
@functools.cache
@st.composite
def stages(draw: st.DrawFn) -> list[Data]:
    """Disclosure stages: times and shares both non-decreasing, the last share 1."""
    size = draw(st.integers(1, 3))
    times = sorted(draw(st.lists(decimals(0, 200), min_size=size, max_size=size)))
    shares = sorted(draw(st.lists(decimals(0, 1), min_size=size - 1, max_size=size - 1)))
    return [{"after_hours": t, "share": s} for t, s in zip(times, [*shares, 1.0], strict=True)]


@functools.cache
@st.composite
def actors(draw: st.DrawFn, names: Names, me: str, items: tuple[str, ...]) -> Data:
    others = [a for a in names.actors if a != me]
    data: Data = {}
    if draw(st.integers(0, 3)) == 0:
        data["kind"] = "non_state"
        _maybe(draw, data, "sponsor", st.sampled_from(others))
    for field in ("resolve", "risk_tolerance", "audience_cost", "credibility",
                  "relays_warnings"):
        _maybe(draw, data, field, probabilities())
    if draw(st.integers(0, 2)) == 0:
        data["allies"] = draw(st.lists(st.sampled_from(others), max_size=2, unique=True))
    _maybe(draw, data, "relay_delay_hours", delays(0, 2))
    if items:
        data["inventory"] = {item: draw(counts(60)) for item in items}
    data["deliberation_hours"] = draw(delays(0.5, 48))
    _maybe(draw, data, "follow_up_hours", delays(0.5, 24))
    perception: Data = {}
    _maybe(draw, perception, "delay_hours", delays(0, 12))
    _maybe(draw, perception, "noise", numbers(0, 1))
    _maybe(draw, perception, "enemy_loss_bias", numbers(0, 3))
    _maybe(draw, perception, "enemy_loss_inflation", numbers(0, 20))
    data["perception"] = perception
    if draw(st.integers(0, 2)) == 0:
        data["disclosure"] = {"deaths": draw(stages()), "injuries": draw(stages())}
    if draw(st.integers(0, 3)) == 0:  # helps defend others' assets
        defence: Data = {"protects": draw(st.lists(st.sampled_from(others), min_size=1,
                                                   max_size=2, unique=True))}
        _maybe(draw, defence, "intercept", probabilities())
        if items:
            _maybe(draw, defence, "weapon", st.sampled_from(items))
        _maybe(draw, defence, "when", st.sampled_from(("true", "alert", "tension > 1")))
        data["defends"] = [defence]
    count = draw(st.integers(1, 3))
    data["policies"] = [draw(policies(names, me, i)) for i in range(count)]
    if draw(st.integers(0, 2)) == 0:
        data["initiatives"] = [{
            "id": "harass",
            "rate_per_day": draw(numbers(0, 1)),
            "min_tension": draw(numbers(0, 2)),
            "do": draw(orders(names, names.kinetic + HOSTILE + CONCILIATORY + UNCOUNTED)),
            "max_occurrences": draw(st.integers(0, 5)),
        }]
    return data


@functools.cache
@st.composite
def assets(draw: st.DrawFn, owner: str, actor_ids: tuple[str, ...]) -> Data:
    data: Data = {"owner": owner, "kind": draw(st.sampled_from(ASSET_KINDS))}
    _maybe(draw, data, "host", st.sampled_from(actor_ids))
    _maybe(draw, data, "personnel", counts(3000))
    _maybe(draw, data, "value", counts(30))
    _maybe(draw, data, "air_defence", probabilities())
    _maybe(draw, data, "lethality", counts(3))
    _maybe(draw, data, "injury_rate", counts(10))
    _maybe(draw, data, "damage_per_hit", numbers(0, 1))
    _maybe(draw, data, "warned_factor", probabilities())
    _maybe(draw, data, "economic_value", counts(5000))
    return data


@functools.cache
@st.composite
def custom_kinds(draw: st.DrawFn) -> Data:
    """Zero or one extra kinetic kind with its own weapon."""
    if draw(st.booleans()):
        return {}
    kind: Data = {
        "effect": "strike",
        "goldstein": draw(decimals(-10, -1)),
        "rung": draw(st.integers(0, 8)),
        "weapon": draw(st.sampled_from(WEAPONS)),
    }
    _maybe(draw, kind, "salvo", counts(20))
    _maybe(draw, kind, "duration_hours", delays(0, 6))
    _maybe(draw, kind, "failure_probability", probabilities())
    _maybe(draw, kind, "potency", numbers(0, 2))
    _maybe(draw, kind, "economic_loss", delays(0, 500))
    return {"drone_strike": kind}


@functools.cache
@st.composite
def outcome_lists(draw: st.DrawFn, actor_ids: tuple[str, ...]) -> list[Data]:
    """The saturation bound, some classes, and sometimes a final catch-all ``true``.

    Conditions read only names a ``RunRecord`` carries, so tests can re-classify a run."""
    pool = [
        ("war", "max_rung >= 8"),
        ("de_escalation", "ended_by == 'quiet' and kinetic_responses <= 1"),
        ("contained_exchange", "ended_by == 'quiet'"),
        ("bloody", "deaths.total > 10"),
        ("threat_kept", "threats_carried_out >= 1"),
        ("short", "duration_days < 10 and hostile_acts >= 2"),
        ("homeland", "homeland_strikes > 0 or threats_backed_down > 0"),
        *((f"hurt_{a}", f"deaths.{a} + injuries.{a} > 0") for a in actor_ids),
    ]
    chosen = draw(st.lists(st.sampled_from(pool), max_size=4, unique_by=lambda p: p[0]))
    classes = [SATURATED] + [
        {"id": oid, "when": when, "terminal": draw(st.integers(0, 3)) == 0}
        for oid, when in chosen
    ]
    if draw(st.booleans()):
        classes.append({"id": "other", "when": "true"})
    return classes


@functools.cache
@st.composite
def scenarios(draw: st.DrawFn) -> Data:
    """A valid scenario dict: load it with ``escalation.scenario_from_dict``."""
    count = draw(st.integers(2, 4))
    actor_ids = ACTOR_POOL[:count]
    horizon = draw(decimals(5, 40))
    asset_data: dict[str, Data] = {}
    for owner in actor_ids:
        for j in range(draw(st.integers(1, 2))):
            asset_data[f"{owner}_site{j}"] = draw(assets(owner, actor_ids))
    kinds = draw(custom_kinds())
    stocks = {me: tuple(sorted(draw(st.sets(st.sampled_from(WEAPONS), max_size=2))))
              for me in actor_ids}
    names = Names(
        actors=actor_ids,
        assets=tuple(asset_data),
        asset_kinds=tuple(sorted({a["kind"] for a in asset_data.values()})),
        kinetic=KINETIC + tuple(kinds),
        items=tuple(sorted({item for stocked in stocks.values() for item in stocked})),
    )
    actor_data = {me: draw(actors(names, me, stocks[me])) for me in actor_ids}
    openings = []
    for index in range(draw(st.integers(1, 3))):
        actor = draw(st.sampled_from(actor_ids))
        others = tuple(aid for aid in asset_data if asset_data[aid]["owner"] != actor)
        opening = draw(orders(names, KINETIC + HOSTILE + CONCILIATORY + UNCOUNTED, others))
        opening["actor"] = actor
        opening["at_hours"] = draw(decimals(0, min(72, horizon * 24)))
        if draw(st.booleans()):
            opening["id"] = f"opening{index}"
        openings.append(opening)
    data: Data = {
        "name": "generated",
        "horizon_days": horizon,
        "quiet_days": draw(decimals(1, 14)),
        "actors": actor_data,
        "assets": asset_data,
        "initial_events": openings,
        "outcomes": draw(outcome_lists(actor_ids)),
    }
    if kinds:
        data["action_kinds"] = kinds
    # no after_terminal: continue here, since the terminal saturation bound is what keeps a
    # generated run from growing without end (tests/test_after_terminal.py covers continuing)
    if draw(st.booleans()):
        data["tension"] = {"per_goldstein": draw(numbers(0, 0.5)),
                           "half_life_days": draw(numbers(0.5, 14)),
                           "alert_threshold": draw(numbers(0, 3))}
    if draw(st.booleans()):
        data["harm"] = {"death": draw(decimals(0, 2)), "injury": draw(decimals(0, 1)),
                        "value": draw(decimals(0, 2))}
    if draw(st.integers(0, 2)) == 0:
        accident: Data = {
            "id": "mishap",
            "actor": draw(st.sampled_from(actor_ids)),
            "rate_per_day": draw(numbers(0, 1)),
            "deaths": draw(counts(50)),
            "max_occurrences": draw(st.integers(0, 3)),
        }
        _maybe(draw, accident, "victims", st.sampled_from(actor_ids))
        data["accidents"] = [accident]
    return data
