"""A pytest plugin for mutation testing (``pyproject.toml`` [tool.mutmut] loads it with ``-p``).

mutmut runs the same tests many times in one process, which hypothesis's
``differing_executors`` health check takes for a mistake; examples are derandomized, so that
whether a mutant is killed does not depend on the examples drawn, and there is no deadline,
since mutated code runs slower. Each mutant runs in a process forked after the tests have run
once, so the engine's caches are emptied before every test: a cached answer would hide a
mutant of the function that computes it. Hypothesis would also seed its choices with the
literals of the package's sources, which a mutant may change, and so the examples with it:
it draws from the strategies alone here (as tests/test_adversarial.py's count does).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.internal.conjecture import providers

settings.register_profile(
    "mutation", derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.differing_executors, HealthCheck.too_slow],
)
settings.load_profile("mutation")
if hasattr(providers, "_get_local_constants"):  # Hypothesis 6.131 on
    providers._get_local_constants = providers.Constants


def pytest_runtest_setup(item: pytest.Item) -> None:
    from escalation.engine.perception import disclosure_steps

    disclosure_steps.cache_clear()
