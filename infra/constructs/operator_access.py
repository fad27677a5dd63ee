"""The role operators assume to run the `wardfund` CLI on a deployed stage (issue 13, item 8).

It grants what the CLI's commands call and nothing else: reading the stage's two stacks (for
their outputs), the ledger table (deleting only in a campaign's partition: `campaign bank
reject` and `approve` delete the change waiting), the idempotency table (`outbox resend` sends
each email once), new launch-invoice documents and reading bank files (`outbox resend` reads
the run's summary), sending email only From the sender address, the operators' own
restricted Stripe key, and sealing new campaign bank details with the bank-details key
(`campaign bank set`; Encrypt only: they cannot open details or the run's payment files,
which only the national finance role can, infra/constructs/finance_access.py). It cannot read
the payout run's or reconciliation's Stripe key, send to a queue, invoke a function or change
the infrastructure. It is assumed from this account only, with MFA, for an
hour at most; the CLI keeps the session's STS identity with every audited action (who
exported donor data, read the permissibility checks, approved an invoice).
"""

from __future__ import annotations

from aws_cdk import ArnFormat, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.bank_details_key import grant_operators
from infra.nag import acknowledge, resource_finding


class OperatorAccess(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        table: dynamodb.ITable,
        idempotency_table: dynamodb.ITable,
        bank_files_bucket: s3.IBucket,
        operator_key: secretsmanager.ISecret,
        ses_resources: list[str],
        bank_details_key_arn: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        stack = Stack.of(self)
        self.role = iam.Role(
            self,
            "Role",
            role_name=c.operator_role_name(config.stage),
            assumed_by=iam.AccountPrincipal(stack.account).with_conditions(
                {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
            ),
            max_session_duration=Duration.hours(c.OPERATOR_SESSION_HOURS),
            description=f"wardfund {config.stage}: operators running the wardfund CLI",
        )
        stacks = [
            stack.format_arn(
                service="cloudformation",
                resource="stack",
                resource_name=f"{c.stack_name(config.stage, kind)}/*",
                arn_format=ArnFormat.SLASH_RESOURCE_NAME,
            )
            for kind in ("Stateful", "Stateless")
        ]
        self._allow(["cloudformation:DescribeStacks"], stacks)
        self._allow(c.OPERATOR_TABLE_ACTIONS, [table.table_arn])
        self._allow(
            ["dynamodb:DeleteItem"],
            [table.table_arn],
            conditions={
                "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [c.CAMPAIGN_PARTITIONS]}
            },
        )
        self._allow(c.IDEMPOTENCY_ACTIONS, [idempotency_table.table_arn])
        documents = bank_files_bucket.arn_for_objects(f"{c.LAUNCH_INVOICES_PREFIX}/*")
        bank_files = bank_files_bucket.arn_for_objects(f"{c.BANK_TRANSFERS_PREFIX}/*")
        self._allow(["s3:PutObject"], [documents])
        self._allow(["s3:GetObject"], [bank_files])
        self._allow(
            c.SES_SEND_ACTIONS,
            ses_resources,
            conditions={"StringEquals": {"ses:FromAddress": config.sender_address}},
        )
        self._allow(["secretsmanager:GetSecretValue"], [operator_key.secret_arn])
        grant_operators(self.role, bank_details_key_arn)
        self._acknowledge_wildcards(stacks, documents, bank_files)

    def _allow(
        self,
        actions: tuple[str, ...] | list[str],
        resources: list[str],
        conditions: dict | None = None,
    ) -> None:
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=list(actions), resources=list(resources), conditions=conditions
            )
        )

    def _acknowledge_wildcards(self, stacks: list[str], documents: str, bank_files: str) -> None:
        policy = self.role.node.find_child("DefaultPolicy")
        reasons = {
            **dict.fromkeys(
                stacks,
                "cloudformation:DescribeStacks needs the stack's ARN, which ends in the id "
                "CloudFormation gives it at creation; the name is fixed, so only the id is a "
                "wildcard (the CLI reads the stage's outputs from these two stacks only).",
            ),
            documents: "s3:PutObject needs object ARNs; `invoice submit` writes each document "
            "under a new key, so writing is scoped to the launch-invoices/ prefix only.",
            bank_files: "s3:GetObject needs object ARNs; `outbox resend` attaches the run's "
            "bank file, whose key is per run, so reading is scoped to bank-transfers/ only.",
        }
        for resource, reason in reasons.items():
            acknowledge(policy, resource_finding(policy, "AwsSolutions-IAM5", resource), reason)
