"""The paired difference's interval and when pairing means anything.

- ``paired_interval`` is Newcombe's (1998) method 10: it reproduces every row of the paper's
  worked examples (e, f, g, h: both, first only, second only, neither), including tables with
  no discordant pair, whose interval is not a point.
- Comparing two unrelated scenarios says that common random numbers do not pair their runs;
  a variant of one scenario does not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import escalation
from escalation.analysis.compare import comparison_of, paired_interval
from escalation.montecarlo.batch import run_batch
from tests.toys import COIN_FLIPS, quick

ROOT = Path(__file__).resolve().parents[1]
US_IRAN = ROOT / "scenarios" / "us_iran_2020.yaml"

# Newcombe RG. Improved confidence intervals for the difference between binomial proportions
# based on paired data. Statistics in Medicine 1998; 17: 2635-2650: the method 10 limits of
# its worked examples, to 4 decimals (transcribed; e.g. (36, 12, 2, 0): theta = 10/50 = 0.2).
NEWCOMBE_METHOD_10 = [
    ((36, 12, 2, 0), (0.0569, 0.3404)),
    ((20, 12, 2, 16), (0.0562, 0.3292)),
    ((18, 12, 2, 18), (0.0562, 0.3290)),
    ((36, 14, 0, 0), (0.1528, 0.4167)),
    ((35, 14, 0, 1), (0.1461, 0.4175)),
    ((18, 14, 0, 18), (0.1441, 0.3963)),
    ((2, 97, 1, 0), (0.8721, 0.9854)),
    ((1, 97, 1, 1), (0.8736, 0.9850)),
    ((0, 29, 1, 0), (0.6666, 0.9882)),
    ((2, 98, 0, 0), (0.9178, 0.9945)),
    ((1, 98, 0, 1), (0.9171, 0.9916)),
    ((0, 30, 0, 0), (0.8395, 1.0)),
    ((54, 0, 0, 0), (-0.0664, 0.0664)),
    ((53, 0, 0, 1), (-0.0729, 0.0729)),
    ((30, 0, 0, 24), (-0.0358, 0.0358)),
    ((29, 0, 0, 25), (-0.0354, 0.0354)),
]


@pytest.mark.parametrize(("table", "limits"), NEWCOMBE_METHOD_10)
def test_newcombe_method_10_reproduces_the_published_examples(
    table: tuple[int, int, int, int], limits: tuple[float, float],
) -> None:
    assert paired_interval(*table, z=1.96) == pytest.approx(limits, abs=1.01e-4)


def test_the_first_example_by_hand() -> None:
    """(36, 12, 2, 0): p1 = 48/50, p2 = 38/50, phi = (0 - 24) / sqrt(48 * 2 * 38 * 12) < 0, so
    no damping; the limits combine the two Wilson intervals."""
    z = 1.96

    def wilson(x: int, n: int) -> tuple[float, float]:
        centre, spread = 2 * x + z * z, z * (z * z + 4 * x * (1 - x / n)) ** 0.5
        return (centre - spread) / (2 * (n + z * z)), (centre + spread) / (2 * (n + z * z))

    p1, p2 = 0.96, 0.76
    (l1, u1), (l2, u2) = wilson(48, 50), wilson(38, 50)
    phi = -24 / (48 * 2 * 38 * 12) ** 0.5
    low = p1 - p2 - ((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2) ** 0.5
    high = p1 - p2 + ((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2) ** 0.5
    assert paired_interval(36, 12, 2, 0, z=z) == pytest.approx((low, high), abs=1e-12)
    assert (round(low, 4), round(high, 4)) == (0.0569, 0.3404)


def test_no_discordant_pair_still_has_an_interval_that_shrinks_with_runs() -> None:
    widths = [paired_interval(n // 10, 0, 0, n - n // 10) for n in (100, 1000, 10000)]
    assert all(low < 0 < high for low, high in widths)
    assert widths[0][1] > widths[1][1] > widths[2][1] > 0


def test_comparing_unrelated_scenarios_warns_that_nothing_pairs(tmp_path: Path) -> None:
    toy = escalation.scenario_from_dict(yaml.safe_load(quick(COIN_FLIPS)))
    seed = escalation.load_scenario(US_IRAN)
    a = run_batch(toy, 60, 4, backend="serial", progress=False)
    b = run_batch(seed, 60, 4, backend="serial", progress=False)
    comparison = comparison_of(a, b)
    warning = comparison.pairing_warning()
    assert warning is not None and "do not pair" in warning
    assert comparison.format().startswith("warning: ")
    variant = escalation.load_scenario(US_IRAN, ["actors.iran.policies.avenges.probability=0.5"])
    related = comparison_of(b, run_batch(variant, 60, 4, backend="serial", progress=False))
    assert related.pairing_warning() is None
