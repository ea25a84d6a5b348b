"""The scenario a batch records: its text as run and that text's digest, made once.

A batch's manifest pins the scenario by the SHA-256 of its text as run, and its folder keeps
that text. Working it out may mean reading and compiling the file again (36-56 ms), so a
command that runs many batches of one scenario (sweeps, sensitivity, comparisons) prepares
it once and hands ``run_batch`` the ``Prepared`` scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from escalation.errors import ScenarioError
from escalation.montecarlo.storage import content_hash
from escalation.scenario.compiled import Scenario
from escalation.scenario.loader import dump_scenario, is_variant, load_scenario_text, loaded_text
from escalation.scenario.yamlsource import read_yaml_text


@dataclass(frozen=True, eq=False)
class Prepared:
    """A compiled scenario with its text as run and that text's SHA-256."""

    scenario: Scenario
    text: bytes
    sha256: str


def prepare(scenario: Scenario | Prepared) -> Prepared:
    """``scenario`` with its text as run and digest (a ``Prepared`` one is returned as is)."""
    if isinstance(scenario, Prepared):
        return scenario
    text = scenario_as_run(scenario)
    return Prepared(scenario, text, content_hash(text))


def scenario_as_run(scenario: Scenario) -> bytes:
    """The scenario file as run: its own text (comments and citations kept) while it still
    loads to the very spec that runs and stands alone, else the canonical dump of that spec
    (a variant, or a scenario changed by settings).

    A scenario made by the loader in this process is taken as loaded, without reading or
    compiling its file again; any other (compiled by hand, unpickled) is checked against its
    file, if it names one."""
    known, loaded = loaded_text(scenario)
    if known:
        return loaded if loaded is not None else dump_scenario(scenario).encode("utf-8")
    path = Path(scenario.source)
    if path.is_file():
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
            if not is_variant(read_yaml_text(text, str(path))) and \
                    load_scenario_text(text, str(path)).spec == scenario.spec:
                return data
        except (ScenarioError, UnicodeDecodeError):
            pass
    return dump_scenario(scenario).encode("utf-8")
