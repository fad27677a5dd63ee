"""Statements added to a role one at a time, each scoped to the resources it names, and cdk-nag's
acknowledgment of a wildcard resource among them (a function's role, lambda_function.py; the
CLI's roles, cli_access.py; a schedule's role, schedules.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import aws_iam as iam

from infra.nag import acknowledge, resource_finding


def allow(
    role: iam.Role,
    actions: Sequence[str],
    resources: Sequence[str],
    conditions: Mapping[str, Any] | None = None,
) -> None:
    """Add one least-privilege statement to the role's default policy."""
    role.add_to_policy(
        iam.PolicyStatement(actions=list(actions), resources=list(resources), conditions=conditions)
    )


def acknowledge_wildcard(role: iam.Role, resource: str, reason: str) -> None:
    """Acknowledge cdk-nag's IAM5 finding for one wildcard resource of the role's default
    policy, with `reason`."""
    policy = role.node.find_child("DefaultPolicy")
    acknowledge(policy, resource_finding(policy, "AwsSolutions-IAM5", resource), reason)
