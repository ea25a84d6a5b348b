"""A pytest plugin for mutation testing (``scripts/mutation.sh`` loads it with ``-p``).

mutmut runs the same tests many times in one process, which hypothesis's
``differing_executors`` health check takes for a mistake; examples are derandomized, so that
whether a mutant is killed does not depend on the examples drawn, and there is no deadline,
since mutated code runs slower.
"""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "mutation", derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.differing_executors, HealthCheck.too_slow],
)
settings.load_profile("mutation")
