"""A calibrated parameter set (escalation/scenario/calibrated.py) used by a scenario through
its ``calibration:`` key: values go to every per-run parameter a pattern matches, before the
scenario's own settings, which still win; the scenario keeps what was set and the provenance;
a file that cannot serve says so at the key."""

from __future__ import annotations

from pathlib import Path

import pytest

import escalation
from escalation.errors import Location, ScenarioError
from escalation.scenario.calibrated import read_calibrated, write_calibrated
from escalation.scenario.loader import loaded_text
from tests.toys import one_strike

PROVENANCE = {"method": "history_matching", "seed": 7, "library_sha256": "ab" * 32}


def value(scenario: escalation.Scenario, name: str) -> float:
    [parameter] = [p for p in scenario.parameters.all if p.name == name]
    assert parameter.distribution is None  # pinned, no longer drawn
    return parameter.value


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "hm").mkdir()
    write_calibrated(tmp_path / "hm" / "calibrated.yaml",
                     {"*.answer.probability": 0.25, "assets.*.lethality": 2.5}, PROVENANCE,
                     note="written by a test")
    one_strike(tmp_path, "toy", calibration="hm/calibrated.yaml")
    return tmp_path


def test_a_scenario_takes_the_values_and_keeps_the_provenance(folder: Path) -> None:
    scenario = escalation.load_scenario(folder / "toy.yaml")
    assert value(scenario, "actors.b.policies.answer.probability") == 0.25
    assert value(scenario, "assets.b_base.lethality") == 2.5
    assert value(scenario, "assets.a_base.lethality") == 2.5  # a constant matches too
    assert scenario.calibration is not None
    assert scenario.calibration["provenance"] == PROVENANCE
    assert scenario.calibration["set"]["assets.b_base.lethality"] == 2.5
    assert loaded_text(scenario) == (True, None)  # its file alone does not load to it
    calibrated = read_calibrated(str(folder / "hm" / "calibrated.yaml"), Location("t", 1, 1))
    assert calibrated.parameters == {"*.answer.probability": 0.25, "assets.*.lethality": 2.5}
    assert calibrated.provenance == PROVENANCE


def test_settings_and_variants_still_win(folder: Path) -> None:
    pinned = escalation.load_scenario(folder / "toy.yaml", ["assets.b_base.lethality=0.5"])
    assert value(pinned, "assets.b_base.lethality") == 0.5
    assert value(pinned, "assets.a_base.lethality") == 2.5
    (folder / "variants").mkdir()
    (folder / "variants" / "low.yaml").write_text(
        "extends: ../toy.yaml\nset:\n  actors.b.policies.answer.probability: 0.1\n")
    variant = escalation.load_scenario(folder / "variants" / "low.yaml")
    assert value(variant, "actors.b.policies.answer.probability") == 0.1
    assert value(variant, "assets.b_base.lethality") == 2.5
    (folder / "variants" / "own.yaml").write_text(  # a variant naming the file, from its folder
        "extends: ../plain.yaml\ncalibration: ../hm/calibrated.yaml\n")
    one_strike(folder, "plain")
    own = escalation.load_scenario(folder / "variants" / "own.yaml")
    assert value(own, "actors.b.policies.answer.probability") == 0.25
    assert escalation.load_scenario(folder / "plain.yaml").calibration is None


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot be read"),
    ("parameters: [1, 2]\n", "needs 'parameters:'"),
    ("parameters: {'*.k': high}\n", "is not a finite number"),
    ("parameters: {'*.k': .nan}\n", "is not a finite number"),
    ("parameters: {'*.k': 1}\ncalibration: [1]\n", "'calibration:' should map"),
    ("parameters: {a: [\n", "is not valid YAML"),
])
def test_a_file_that_cannot_serve_is_reported_at_the_key(folder: Path, content: str | None,
                                                         message: str) -> None:
    target = folder / "hm" / "calibrated.yaml"
    if content is None:
        target.unlink()
    else:
        target.write_text(content)
    with pytest.raises(ScenarioError) as caught:
        escalation.load_scenario(folder / "toy.yaml")
    text = str(caught.value)
    assert message in text and "toy.yaml:2:" in text and "calibrated.yaml" in text
