"""The national finance role: the one role that reads whole campaign bank details (issue 15,
item 1).

National finance assume it (from this account, with MFA, for an hour at most) to run
`wardfund campaign bank show|export|files --stage <stage>`: `export` opens each campaign's
sealed details (KMS Decrypt, only with the bank-details purpose in the encryption context)
and records the read in the campaign's audit trail (PutItem, only in a campaign's partition);
`files` lists the run's bank files and saves them (S3 under `bank-transfers/` only; KMS
Decrypt only as S3 asks for it, for those objects). It cannot seal or change details, write or
delete a file, send email, read a Stripe key or change the infrastructure; the operators'
role, for its part, cannot open details or the payment files. The CLI keeps the session's STS
identity with each export.
"""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.bank_details_key import grant_national_finance
from infra.constructs.cli_access import CliAccess
from infra.constructs.role_policy import allow


class NationalFinanceAccess(CliAccess):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        table: dynamodb.ITable,
        bank_files_bucket: s3.IBucket,
        bank_details_key_arn: str,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            config=config,
            role_name=c.national_finance_role_name(config.stage),
            session_hours=c.FINANCE_SESSION_HOURS,
            description=f"wardfund {config.stage}: national finance reading campaign bank "
            "details and the payout run's bank files",
        )
        allow(self.role, c.FINANCE_TABLE_READ_ACTIONS, [table.table_arn])
        # the audit trail's item of each export
        self.allow_in_campaign_partitions(["dynamodb:PutItem"], table)
        bank_files = bank_files_bucket.arn_for_objects(f"{c.BANK_TRANSFERS_PREFIX}/*")
        allow(
            self.role,
            ["s3:ListBucket"],
            [bank_files_bucket.bucket_arn],
            conditions={"StringLike": {"s3:prefix": [f"{c.BANK_TRANSFERS_PREFIX}/*"]}},
        )
        allow(self.role, ["s3:GetObject"], [bank_files])
        grant_national_finance(self.role, bank_details_key_arn, bank_files_bucket)
        self.acknowledge_wildcards(
            {
                bank_files: "s3:GetObject needs object ARNs; `campaign bank files` saves the "
                "run's files, whose keys are per run, so reading is scoped to bank-transfers/ "
                "only.",
            }
        )
