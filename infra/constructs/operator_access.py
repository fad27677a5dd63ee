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

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.bank_details_key import grant_operators
from infra.constructs.cli_access import CliAccess
from infra.constructs.role_policy import allow


class OperatorAccess(CliAccess):
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
        super().__init__(
            scope,
            construct_id,
            config=config,
            role_name=c.operator_role_name(config.stage),
            session_hours=c.OPERATOR_SESSION_HOURS,
            description=f"wardfund {config.stage}: operators running the wardfund CLI",
        )
        allow(self.role, c.OPERATOR_TABLE_ACTIONS, [table.table_arn])
        self.allow_in_campaign_partitions(["dynamodb:DeleteItem"], table)
        allow(self.role, c.IDEMPOTENCY_ACTIONS, [idempotency_table.table_arn])
        documents = bank_files_bucket.arn_for_objects(f"{c.LAUNCH_INVOICES_PREFIX}/*")
        bank_files = bank_files_bucket.arn_for_objects(f"{c.BANK_TRANSFERS_PREFIX}/*")
        allow(self.role, ["s3:PutObject"], [documents])
        allow(self.role, ["s3:GetObject"], [bank_files])
        allow(
            self.role,
            c.SES_SEND_ACTIONS,
            ses_resources,
            conditions={"StringEquals": {"ses:FromAddress": config.sender_address}},
        )
        allow(self.role, ["secretsmanager:GetSecretValue"], [operator_key.secret_arn])
        grant_operators(self.role, bank_details_key_arn)
        self.acknowledge_wildcards(
            {
                documents: "s3:PutObject needs object ARNs; `invoice submit` writes each "
                "document under a new key, so writing is scoped to the launch-invoices/ prefix "
                "only.",
                bank_files: "s3:GetObject needs object ARNs; `outbox resend` attaches the run's "
                "bank file, whose key is per run, so reading is scoped to bank-transfers/ only.",
            }
        )
