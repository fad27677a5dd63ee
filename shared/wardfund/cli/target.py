"""Which stack a command works on: the deployed one (AWS credentials) or `--local`.

Both run the same code. `--local` points boto3, the settings and Stripe at the background
local stack (`wardfund local up`). Otherwise the names come from the environment
(`TABLE_NAME`, ...), or else from the CloudFormation outputs of the stage's stacks
(`--stage`), with the usual AWS credentials (`--profile`). There is no default: a command
given neither `--local` nor `--stage` (nor `TABLE_NAME`) says so and changes nothing.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from wardfund.adapters.dynamodb.table import Table
from wardfund.cli.options import ByOption, LocalOption, ProfileOption, StageOption

if TYPE_CHECKING:
    import stripe

    from wardfund.settings import Settings

# CloudFormation output → environment variable the settings read. A stage's two stacks
# publish every one (infra/stacks/), so a missing one means a stage not fully deployed.
STACK_OUTPUTS = {
    "TableName": "TABLE_NAME",
    "IdempotencyTableName": "IDEMPOTENCY_TABLE_NAME",
    "EventsQueueUrl": "EVENTS_QUEUE_URL",
    "BankFilesBucket": "BANK_FILES_BUCKET",
    "StripeOperatorKeySecretName": "STRIPE_API_KEY_SECRET_NAME",  # the operator's own key
    "StripeWebhookSecretName": "STRIPE_WEBHOOK_SECRET_NAME",
    "LivePageUrl": "LIVE_PAGE_URL",  # the kit prints the ward's live page
    # the bank-details KMS key's alias: `campaign bank set` seals new details with it
    "BankDetailsKeyAlias": "BANK_DETAILS_KEY_ID",
}
_INSTEAD = "set TABLE_NAME etc., or use --local"
NO_TARGET = (
    "say which stack: --local (the one `wardfund local up` keeps running) or --stage dev|prod "
    "(a deployed stage; or set WARDFUND_STAGE, or TABLE_NAME and the other names)"
)


class TargetError(RuntimeError):
    """The stack to work on cannot be found."""


def _from_cloudformation(stage: str) -> dict[str, str]:
    """The stage's stack outputs as the environment variables the settings read."""
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        client = boto3.client("cloudformation")
    except BotoCoreError as error:  # no region, or --profile names no profile
        raise TargetError(f"cannot read stage {stage}'s stacks ({error}); {_INSTEAD}") from error
    stacks = [_stack(client, f"Wardfund-{stage}-{kind}") for kind in ("Stateful", "Stateless")]
    found = {
        STACK_OUTPUTS[output["OutputKey"]]: output["OutputValue"]
        for stack in stacks
        for output in stack.get("Outputs", [])
        if output.get("OutputKey") in STACK_OUTPUTS
    }
    missing = [key for key, variable in STACK_OUTPUTS.items() if variable not in found]
    if missing:
        read = " and ".join(f"{stack['StackName']} ({stack['StackStatus']})" for stack in stacks)
        raise TargetError(
            f"no output {', '.join(missing)} in {read}: deploy stage {stage} again, or {_INSTEAD}"
        )
    return found


def _stack(client: Any, name: str) -> Any:
    """The stack's description, or why it cannot be read (absent, not allowed, no answer)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return client.describe_stacks(StackName=name)["Stacks"][0]
    except ClientError as error:
        reason = error.response.get("Error", {}).get("Message") or str(error)
        where = client.meta.region_name
        raise TargetError(f"cannot read stack {name} in {where} ({reason}); {_INSTEAD}") from error
    except BotoCoreError as error:  # no credentials, no answer
        raise TargetError(f"cannot read stack {name} ({error}); {_INSTEAD}") from error


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

    @cached_property
    def principal(self) -> str | None:
        """Who the AWS credentials belong to (STS), for the rules a typed name must not
        satisfy; none on the local stack, where everyone shares one login."""
        if self.local:
            return None
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            # a session of its own: the credentials as they are now, not as first cached
            sts = boto3.session.Session().client("sts")
            return str(sts.get_caller_identity()["Arn"])
        except (BotoCoreError, ClientError) as error:
            raise TargetError(f"cannot tell whose AWS credentials these are ({error})") from error

    def stripe(self) -> stripe.StripeClient:
        """A client with the operator's restricted key (`STRIPE_API_KEY`, else the stage's
        operator key secret); a missing or unusable key is a clear `error:`, before any work."""
        from wardfund.adapters.stripe_gateway import stripe_client
        from wardfund.adapters.stripe_keys import OPERATOR, checked_key, stripe_key

        given = os.environ.get("STRIPE_API_KEY")
        if given:
            api_key = checked_key(given, OPERATOR, "STRIPE_API_KEY")
        else:
            api_key = stripe_key(
                self.settings.stripe_api_key_secret_name,
                OPERATOR,
                self.settings.secrets_max_age_seconds,
            )
        return stripe_client(api_key, self.settings.stripe_api_base)


def connect(
    local: LocalOption = False,
    profile: ProfileOption = None,
    stage: StageOption = None,
    by: ByOption = None,
) -> Target:
    """Sets this process's environment for the chosen stack and returns its handles."""
    from wardfund.local.background import LocalStackNotRunning, use_local
    from wardfund.local.lambdas.runtime import apply_environment

    if local:
        try:
            use_local()
        except LocalStackNotRunning as error:
            raise TargetError(str(error)) from error
    else:
        if profile:
            os.environ["AWS_PROFILE"] = profile
        if not os.environ.get("TABLE_NAME"):
            if not stage:
                raise TargetError(NO_TARGET)
            apply_environment(_from_cloudformation(stage))
    return Target(local=local, actor=by or _default_actor())


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
