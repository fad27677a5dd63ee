"""What the roles people assume to run the `wardfund` CLI on a stage have in common (the
operators', operator_access.py, and national finance's, finance_access.py).

Each is assumed from this account only, with MFA, for `session_hours` at most, and may describe
the stage's two stacks (the CLI reads their outputs); everything else it may do is added by
its own construct, one statement at a time (role_policy.allow).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import ArnFormat, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.role_policy import acknowledge_wildcard, allow

_STACKS_WILDCARD_REASON = (
    "cloudformation:DescribeStacks needs the stack's ARN, which ends in the id "
    "CloudFormation gives it at creation; the name is fixed, so only the id is a "
    "wildcard (the CLI reads the stage's outputs from these two stacks only)."
)


class CliAccess(Construct):
    """`role` (the child `Role`), allowed `cloudformation:DescribeStacks` on `stacks`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        role_name: str,
        session_hours: int,
        description: str,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            assumed_by=iam.AccountPrincipal(stack.account).with_conditions(
                {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
            ),
            max_session_duration=Duration.hours(session_hours),
            description=description,
        )
        self.stacks = [
            stack.format_arn(
                service="cloudformation",
                resource="stack",
                resource_name=f"{c.stack_name(config.stage, kind)}/*",
                arn_format=ArnFormat.SLASH_RESOURCE_NAME,
            )
            for kind in ("Stateful", "Stateless")
        ]
        allow(self.role, ["cloudformation:DescribeStacks"], self.stacks)

    def allow_in_campaign_partitions(self, actions: Sequence[str], table: dynamodb.ITable) -> None:
        """`actions` on the table, only in a campaign's partition (IAM cannot name a sort key,
        so the partition is as narrow as it goes)."""
        allow(
            self.role,
            actions,
            [table.table_arn],
            conditions={
                "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [c.CAMPAIGN_PARTITIONS]}
            },
        )

    def acknowledge_wildcards(self, reasons: Mapping[str, str]) -> None:
        """Acknowledge cdk-nag's IAM5 finding for the stacks' ARNs and for each other wildcard
        resource of the role, `reasons` mapping each such resource to why it is a wildcard."""
        for resource, reason in {
            **dict.fromkeys(self.stacks, _STACKS_WILDCARD_REASON),
            **reasons,
        }.items():
            acknowledge_wildcard(self.role, resource, reason)
