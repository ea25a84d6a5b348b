"""Paths of any scenario come out of a batch whole, however many moves its vocabulary has.

A batch codes each move as one character and spells paths out when it collects them. With
more than 94 moves (actors x action kinds) codes went beyond U+007F, took two bytes or more in
UTF-8, and collecting the batch failed after every run was computed; the ellipsis of a long
path failed the same way. These scenarios have hundreds of actors and kinds, so their codes
take one, two and three bytes, and their paths run past ten moves.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import escalation
from escalation.engine.tally import MAX_MOVES, MOVE_SEPARATOR
from escalation.montecarlo.moves import ELLIPSIS, codes, encode, spell_out, vocabulary


def crowded(actors: int, kinds: int) -> dict[str, object]:
    """A scenario with ``actors`` actors and ``kinds`` extra action kinds, whose last actors
    open with twelve statements of the last kinds: their moves have the highest codes."""
    names = [f"actor_{i:03d}" for i in range(actors)]
    extra = [f"kind_{k:03d}" for k in range(kinds)]
    return {
        "name": "crowded",
        "horizon_days": 5,
        "quiet_days": 1,
        "actors": {name: {"deliberation_hours": 1} for name in names},
        "action_kinds": {kind: {"effect": "none", "goldstein": 0, "rung": 0} for kind in extra},
        "initial_events": [
            {"actor": names[-1 - i % 3], "action": extra[-1 - i % 5], "target": names[0],
             "at_hours": float(i)}
            for i in range(12)
        ],
    }


@pytest.mark.parametrize(("actors", "kinds"), [(4, 30), (120, 40), (300, 200)])
def test_a_batch_of_a_crowded_scenario_spells_out_its_paths(
    tmp_path: Path, actors: int, kinds: int
) -> None:
    file = tmp_path / "crowded.yaml"
    file.write_text(yaml.safe_dump(crowded(actors, kinds)))
    scenario = escalation.load_scenario(file)
    assert len(vocabulary(scenario)) > 94

    results = escalation.run_batch(scenario, runs=6, seed=3, backend="serial", progress=False,
                                   out=tmp_path / "batch")

    paths = results.runs["path"].astype(str)
    moves = paths.iloc[0].split(MOVE_SEPARATOR)
    assert len(moves) == MAX_MOVES + 1 and moves[-1] == ELLIPSIS
    assert moves[0] == f"actor_{actors - 1:03d}:kind_{kinds - 1:03d}"
    assert (paths == paths.iloc[0]).all()
    stored = pd.read_parquet(tmp_path / "batch" / "runs.parquet")["path"].astype(str)
    assert stored.tolist() == paths.tolist()


def test_codes_are_distinct_characters_utf8_can_hold(tmp_path: Path) -> None:
    file = tmp_path / "crowded.yaml"
    file.write_text(yaml.safe_dump(crowded(400, 150)))  # past U+D7FF, where surrogates start
    scenario = escalation.load_scenario(file)
    table = codes(scenario)
    assert len(table) > 0xD800
    assert len(set(table.values())) == len(table)
    assert all(len(code) == 1 for code in table.values())
    "".join(table.values()).encode("utf-8")  # no surrogate: raises if one slipped in


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_coded_paths_of_a_large_vocabulary_spell_out_to_their_moves(data: st.DataObject) -> None:
    scenario = _LARGE
    moves = [m for m in vocabulary(scenario) if m != ELLIPSIS]
    path = st.lists(st.sampled_from(moves), max_size=MAX_MOVES).map(
        lambda chosen: [*chosen, ELLIPSIS] if len(chosen) == MAX_MOVES else chosen)
    paths = data.draw(st.lists(path, min_size=1, max_size=20))
    table = codes(scenario)
    coded = pd.Series(pd.Categorical([encode(table, p) for p in paths]))

    assert spell_out(scenario, coded).tolist() == [MOVE_SEPARATOR.join(p) for p in paths]


def _large() -> escalation.Scenario:
    from escalation.scenario.loader import load_scenario_text

    return load_scenario_text(yaml.safe_dump(crowded(400, 150)), "crowded.yaml")


_LARGE = _large()
