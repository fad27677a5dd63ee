"""Long-lived resources: data, files, secrets, the SES identity. Replaced rarely, never casually.

In prod every resource here is RETAINed (tables also have deletion protection) and the stack has
termination protection; in dev everything is destroyed with the stack.

Outputs (`TableName`, `IdempotencyTableName`, `BankFilesBucket`, `StripeOperatorKeySecretName`,
`StripeWebhookSecretName`, `BankDetailsKeyAlias`) are what the CLI reads to work on a deployed
stage (shared/wardfund/cli/target.py, STACK_OUTPUTS).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.bank_details_key import BankDetailsKey
from infra.constructs.bank_files import BankFilesBucket
from infra.constructs.data_tables import DataTables
from infra.constructs.email_sending import EmailSending
from infra.constructs.stripe_secrets import StripeSecrets
from wardfund.adapters.stripe_keys import OPERATOR


class StatefulStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: StageConfig, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, termination_protection=config.is_prod, **kwargs)
        self.data = DataTables(self, "Data", config=config)
        self.bank_files = BankFilesBucket(self, "BankFiles", config=config)
        self.bank_details = BankDetailsKey(self, "BankDetails", config=config)
        self.stripe_secrets = StripeSecrets(self, "StripeSecrets", config=config)
        self.email = EmailSending(self, "Email", config=config)
        self._build_outputs(config)

    def _build_outputs(self, config: StageConfig) -> None:
        outputs = {
            c.OUTPUT_TABLE_NAME: (self.data.table.table_name, "The ledger table (TABLE_NAME)"),
            c.OUTPUT_IDEMPOTENCY_TABLE_NAME: (
                self.data.idempotency_table.table_name,
                "Powertools idempotency records (IDEMPOTENCY_TABLE_NAME)",
            ),
            c.OUTPUT_BANK_FILES_BUCKET: (
                self.bank_files.bucket.bucket_name,
                "Bank-transfer CSVs and documents (BANK_FILES_BUCKET)",
            ),
            c.OUTPUT_STRIPE_OPERATOR_KEY_SECRET_NAME: (
                c.stripe_key_secret_name(config.stage, OPERATOR),
                "Secret holding the operators' restricted Stripe key (the CLI's "
                "STRIPE_API_KEY_SECRET_NAME)",
            ),
            c.OUTPUT_STRIPE_WEBHOOK_SECRET_NAME: (
                c.webhook_secret_name(config.stage),
                "Secret holding the Stripe webhook signing secret (STRIPE_WEBHOOK_SECRET_NAME)",
            ),
            c.OUTPUT_BANK_DETAILS_KEY_ALIAS: (
                self.bank_details.alias_name,
                "KMS key sealing campaign bank details and the bank files (BANK_DETAILS_KEY_ID)",
            ),
        }
        for key, (value, description) in outputs.items():
            CfnOutput(self, key, value=value, description=description)
