"""Long-lived resources: data, files, secrets, the SES identity. Replaced rarely, never casually.

In prod every resource here is RETAINed (tables also have deletion protection) and the stack has
termination protection; in dev everything is destroyed with the stack.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from constructs import Construct

from infra.config import StageConfig
from infra.constructs.bank_files import BankFilesBucket
from infra.constructs.data_tables import DataTables
from infra.constructs.email_sending import EmailSending
from infra.constructs.stripe_secrets import StripeSecrets


class StatefulStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: StageConfig, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, termination_protection=config.is_prod, **kwargs)
        self.data = DataTables(self, "Data", config=config)
        self.bank_files = BankFilesBucket(self, "BankFiles", config=config)
        self.stripe_secrets = StripeSecrets(self, "StripeSecrets", config=config)
        self.email = EmailSending(self, "Email", config=config)
