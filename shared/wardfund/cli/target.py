"""Which stack a command works on: the deployed one (AWS credentials) or `--local`.

Both run the same code. `--local` points boto3, the settings and Stripe at the background
local stack (`wardfund local up`). Otherwise the names come from the environment
(`TABLE_NAME`, ...), or else from the CloudFormation outputs of the stage's stacks
(`--stage`, default `dev`), with the usual AWS credentials (`--profile`).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Annotated

import typer

from wardfund.adapters.dynamodb.table import Table

if TYPE_CHECKING:
    import stripe

    from wardfund.settings import Settings

LocalOption = Annotated[
    bool,
    typer.Option(
        "--local", envvar="WARDFUND_LOCAL", help="Use the background local stack (`local up`)."
    ),
]
ProfileOption = Annotated[
    str | None, typer.Option("--profile", help="AWS profile for the deployed stack.")
]
StageOption = Annotated[
    str, typer.Option("--stage", envvar="WARDFUND_STAGE", help="Deployed stage: dev or prod.")
]
ByOption = Annotated[
    str | None,
    typer.Option("--by", envvar="WARDFUND_ACTOR", help="Who is acting (for the audit trail)."),
]

# CloudFormation output → environment variable the settings read.
STACK_OUTPUTS = {
    "TableName": "TABLE_NAME",
    "IdempotencyTableName": "IDEMPOTENCY_TABLE_NAME",
    "EventsQueueUrl": "EVENTS_QUEUE_URL",
    "BankFilesBucket": "BANK_FILES_BUCKET",
    "StripeApiKeySecretName": "STRIPE_API_KEY_SECRET_NAME",
    "StripeWebhookSecretName": "STRIPE_WEBHOOK_SECRET_NAME",
}


class TargetError(RuntimeError):
    """The stack to work on cannot be found."""


def _from_cloudformation(stage: str) -> dict[str, str]:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    found: dict[str, str] = {}
    client = boto3.client("cloudformation")
    for kind in ("Stateful", "Stateless"):
        name = f"Wardfund-{stage}-{kind}"
        try:
            stacks = client.describe_stacks(StackName=name)["Stacks"]
        except (ClientError, BotoCoreError) as error:
            raise TargetError(
                f"cannot read stack {name} ({error}); set TABLE_NAME etc., or use --local"
            ) from error
        for output in stacks[0].get("Outputs", []):
            variable = STACK_OUTPUTS.get(output.get("OutputKey", ""))
            if variable:
                found[variable] = output["OutputValue"]
    found.setdefault("STRIPE_API_KEY_SECRET_NAME", f"wardfund/{stage}/stripe/api-key")
    if "TABLE_NAME" not in found:
        raise TargetError(f"stacks of stage {stage} have no TableName output")
    return found


@dataclass
class Target:
    """What a command needs, built lazily after the environment is set."""

    local: bool
    actor: str

    @cached_property
    def settings(self) -> Settings:
        from wardfund.settings import get_settings

        return get_settings()

    @cached_property
    def table(self) -> Table:
        return Table(self.settings.table_name)

    def stripe(self) -> stripe.StripeClient:
        from wardfund.adapters.secrets import read_secret
        from wardfund.adapters.stripe_gateway import stripe_client

        api_key = os.environ.get("STRIPE_API_KEY") or read_secret(
            self.settings.stripe_api_key_secret_name, self.settings.secrets_max_age_seconds
        )
        return stripe_client(api_key, self.settings.stripe_api_base)


def connect(
    local: bool = False, profile: str | None = None, stage: str = "dev", by: str | None = None
) -> Target:
    """Sets this process's environment for the chosen stack and returns its handles."""
    from wardfund.local.background import LocalStackNotRunning, use_local
    from wardfund.local.runtime import apply_environment

    if local:
        try:
            use_local()
        except LocalStackNotRunning as error:
            raise TargetError(str(error)) from error
    else:
        if profile:
            os.environ["AWS_PROFILE"] = profile
        if not os.environ.get("TABLE_NAME"):
            apply_environment(_from_cloudformation(stage))
    return Target(local=local, actor=by or _default_actor())


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
