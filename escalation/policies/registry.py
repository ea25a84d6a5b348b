"""The explicit list of response policies a scenario may name."""

from __future__ import annotations

from escalation.errors import Path
from escalation.policies.base import Compiler, Policy
from escalation.policies.graduated import GraduatedEscalationPolicy
from escalation.policies.proportional import ProportionalRetaliationPolicy
from escalation.policies.rule import RulePolicy
from escalation.policies.sanctions import SanctionsInsteadOfForcePolicy
from escalation.policies.stand_down import StandDownWhenSatisfiedPolicy
from escalation.policies.threat import ThreatThenEnforcePolicy
from escalation.policies.tit_for_tat import TitForTatPolicy
from escalation.scenario.schema_policies import PolicyBase

POLICIES: dict[str, type[Policy]] = {
    cls.name: cls
    for cls in (
        ProportionalRetaliationPolicy,
        TitForTatPolicy,
        GraduatedEscalationPolicy,
        ThreatThenEnforcePolicy,
        SanctionsInsteadOfForcePolicy,
        StandDownWhenSatisfiedPolicy,
        RulePolicy,
    )
}


def compile_policy(spec: PolicyBase, compiler: Compiler, path: Path, label: str) -> Policy:
    """The runtime policy for one entry of an actor's ``policies`` list."""
    name = getattr(spec, "policy", "rule")
    return POLICIES[name].compile(spec, compiler, path, label)
