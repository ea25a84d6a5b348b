"""A pytest plugin for mutation testing (``pyproject.toml`` [tool.mutmut] loads it with ``-p``).

mutmut runs the same tests many times in one process, which hypothesis's
``differing_executors`` health check takes for a mistake; examples are derandomized, so that
whether a mutant is killed does not depend on the examples drawn, and there is no deadline,
since mutated code runs slower. Each mutant runs in a process forked after the tests have run
once, so the engine's caches are emptied before every test: a cached answer would hide a
mutant of the function that computes it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "mutation", derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.differing_executors, HealthCheck.too_slow],
)
settings.load_profile("mutation")


def pytest_runtest_setup(item: pytest.Item) -> None:
    from escalation.engine.perception import disclosure_steps

    disclosure_steps.cache_clear()
