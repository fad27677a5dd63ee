"""Without --local or TABLE_NAME, a command finds the deployed stage through the outputs of its
CloudFormation stacks (`Wardfund-<stage>-Stateful` and `-Stateless`, named and given outputs
as infra/ does); those outputs become the environment the settings and adapters read. Moto
plays CloudFormation, DynamoDB, S3 and SQS in this process."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import patch

import boto3
import pytest
from moto import mock_aws

from infra import constants as c
from tests.integration.operations import ok, said, wardfund
from wardfund.adapters.dynamodb.bank_details_store import DynamoBankDetailsStore
from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.stripe_keys import OPERATOR
from wardfund.cli.target import STACK_OUTPUTS
from wardfund.local.lambdas.runtime import apply_environment
from wardfund.settings import get_settings

REGION = "eu-west-2"
CLI_OUTPUTS = [
    c.OUTPUT_TABLE_NAME,
    c.OUTPUT_IDEMPOTENCY_TABLE_NAME,
    c.OUTPUT_BANK_FILES_BUCKET,
    c.OUTPUT_STRIPE_OPERATOR_KEY_SECRET_NAME,
    c.OUTPUT_STRIPE_WEBHOOK_SECRET_NAME,
    c.OUTPUT_EVENTS_QUEUE_URL,
    c.OUTPUT_LIVE_PAGE_URL,
    c.OUTPUT_BANK_DETAILS_KEY_ALIAS,
]
# What would choose a stack before the command does (the local stack's fixture sets some).
CHOOSING = [*STACK_OUTPUTS.values(), "AWS_ENDPOINT_URL", "AWS_PROFILE", "WARDFUND_LOCAL"]


@pytest.fixture
def aws(tmp_path: Path) -> Iterator[None]:
    """Moto, and an environment where no stack is chosen yet; both undone afterwards, and the
    settings and clients cached meanwhile forgotten."""
    try:
        with patch.dict(os.environ):
            for name in (*CHOOSING, "WARDFUND_STAGE"):
                os.environ.pop(name, None)
            os.environ.update(
                AWS_DEFAULT_REGION=REGION,
                AWS_CONFIG_FILE=str(tmp_path / "no-config"),
                AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
            )
            with mock_aws():
                yield
    finally:
        apply_environment({})


def _table(*keys: tuple[str, str]) -> dict[str, Any]:
    return {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k, _ in keys],
            "KeySchema": [{"AttributeName": k, "KeyType": kind} for k, kind in keys],
        },
    }


def _templates(stage: str) -> dict[str, dict[str, Any]]:
    """Each stack's resources the CLI reads, with its outputs as infra/stacks/ declares them."""
    return {
        "Stateful": {
            "Resources": {
                "Ledger": _table(("PK", "HASH"), ("SK", "RANGE")),
                "Idempotency": _table(("id", "HASH")),
                "BankFiles": {"Type": "AWS::S3::Bucket"},
                "BankDetailsKey": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {}}},
            },
            "Outputs": {
                c.OUTPUT_TABLE_NAME: {"Ref": "Ledger"},
                c.OUTPUT_IDEMPOTENCY_TABLE_NAME: {"Ref": "Idempotency"},
                c.OUTPUT_BANK_FILES_BUCKET: {"Ref": "BankFiles"},
                c.OUTPUT_STRIPE_OPERATOR_KEY_SECRET_NAME: c.stripe_key_secret_name(stage, OPERATOR),
                c.OUTPUT_STRIPE_WEBHOOK_SECRET_NAME: c.webhook_secret_name(stage),
                c.OUTPUT_BANK_DETAILS_KEY_ALIAS: c.bank_details_key_alias(stage),
            },
        },
        "Stateless": {
            "Resources": {"Events": {"Type": "AWS::SQS::Queue"}},
            "Outputs": {
                c.OUTPUT_EVENTS_QUEUE_URL: {"Ref": "Events"},
                c.OUTPUT_WEBHOOK_URL: "https://api.example/stripe/webhook",
                c.OUTPUT_LIVE_PAGE_URL: "https://live.example/live",
            },
        },
    }


def deploy(
    stage: str, kinds: tuple[str, ...] = ("Stateful", "Stateless"), without: str = ""
) -> None:
    """Creates the stage's stacks (or some of them), one output left out if `without`."""
    for kind in kinds:
        template = _templates(stage)[kind]
        template["Outputs"] = {
            key: {"Value": value} for key, value in template["Outputs"].items() if key != without
        }
        boto3.client("cloudformation").create_stack(
            StackName=c.stack_name(stage, kind), TemplateBody=json.dumps(template)
        )
        if kind == "Stateful":  # the key's alias, as infra/constructs/bank_details_key.py has it
            _alias_the_bank_details_key(stage)


def _alias_the_bank_details_key(stage: str) -> None:
    resources = boto3.client("cloudformation").describe_stack_resources(
        StackName=c.stack_name(stage, "Stateful"), LogicalResourceId="BankDetailsKey"
    )
    key_id = resources["StackResources"][0]["PhysicalResourceId"]
    boto3.client("kms").create_alias(AliasName=c.bank_details_key_alias(stage), TargetKeyId=key_id)


def published(stage: str) -> dict[str, str]:
    """The outputs of the stage's stacks, as CloudFormation gives them."""
    cloudformation = boto3.client("cloudformation")
    return {
        output["OutputKey"]: output["OutputValue"]
        for kind in ("Stateful", "Stateless")
        for stack in cloudformation.describe_stacks(StackName=c.stack_name(stage, kind))["Stacks"]
        for output in stack["Outputs"]
    }


def campaigns_in(table_name: str) -> list[str]:
    return [campaign.campaign_id for campaign in DynamoCampaignStore(Table(table_name)).all()]


@pytest.mark.usefixtures("aws")
def test_the_stage_outputs_become_the_settings_the_command_works_with() -> None:
    deploy("dev")
    outputs = published("dev")

    ok("campaign", "add", "leeds", "--name", "Leeds", "--stage", "dev")

    settings = get_settings()
    assert {
        c.OUTPUT_TABLE_NAME: settings.table_name,
        c.OUTPUT_IDEMPOTENCY_TABLE_NAME: settings.idempotency_table_name,
        c.OUTPUT_BANK_FILES_BUCKET: settings.bank_files_bucket,
        # the CLI reads the operators' own restricted key, never the payout run's
        c.OUTPUT_STRIPE_OPERATOR_KEY_SECRET_NAME: settings.stripe_api_key_secret_name,
        c.OUTPUT_STRIPE_WEBHOOK_SECRET_NAME: settings.stripe_webhook_secret_name,
        c.OUTPUT_EVENTS_QUEUE_URL: settings.events_queue_url,
        c.OUTPUT_LIVE_PAGE_URL: settings.live_page_url,
        # what `campaign bank set` seals with (issue 15 item 1)
        c.OUTPUT_BANK_DETAILS_KEY_ALIAS: os.environ["BANK_DETAILS_KEY_ID"],
    } == {key: outputs[key] for key in CLI_OUTPUTS}
    assert campaigns_in(outputs[c.OUTPUT_TABLE_NAME]) == ["leeds"]


@pytest.mark.usefixtures("aws")
def test_bank_details_are_sealed_with_the_stages_key_from_its_output() -> None:
    # issue 15 item 1: without the key's alias a stage refused `campaign bank set` (no key)
    deploy("dev")
    alias = published("dev")[c.OUTPUT_BANK_DETAILS_KEY_ALIAS]
    ok("campaign", "add", "leeds", "--name", "Leeds", "--stage", "dev")

    ok(
        "campaign", "bank", "set", "leeds", "--account-name", "Leeds Independents",
        "--sort-code", "60-16-13", "--account-number", "31926819", "--stage", "dev",
        "--by", "alice",
    )  # fmt: skip

    table = Table(published("dev")[c.OUTPUT_TABLE_NAME])
    pending = DynamoBankDetailsStore(table).pending("leeds")
    assert pending is not None
    key = boto3.client("kms").describe_key(KeyId=alias)["KeyMetadata"]["Arn"]
    opened = boto3.client("kms").decrypt(
        CiphertextBlob=pending.sealed,
        EncryptionContext={"wardfund:campaign": "leeds", "wardfund:purpose": "bank-details"},
    )
    assert opened["KeyId"] == key
    assert json.loads(opened["Plaintext"])["account_number"] == "31926819"


@pytest.mark.usefixtures("aws")
def test_the_stage_option_chooses_whose_stacks_are_read() -> None:
    deploy("dev")
    deploy("prod")

    ok("campaign", "add", "leeds", "--name", "Leeds", "--stage", "prod")

    assert campaigns_in(published("prod")[c.OUTPUT_TABLE_NAME]) == ["leeds"]
    assert campaigns_in(published("dev")[c.OUTPUT_TABLE_NAME]) == []


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize(
    ("deployed", "absent"), [((), "Stateful"), (("Stateful",), "Stateless")], ids=str
)
def test_a_missing_stack_is_named_and_nothing_is_chosen(
    deployed: tuple[str, ...], absent: str
) -> None:
    deploy("dev", kinds=deployed)

    result = wardfund("campaign", "list", "--stage", "dev")

    name = c.stack_name("dev", absent)
    assert result.exit_code == 2
    assert said(result).strip() == (
        f"error: cannot read stack {name} in {REGION} (Stack with id {name} does not exist); "
        "set TABLE_NAME etc., or use --local"
    )
    assert "TABLE_NAME" not in os.environ


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("missing", CLI_OUTPUTS)
def test_a_missing_output_is_named_with_the_stacks_read(missing: str) -> None:
    deploy("dev", without=missing)

    result = wardfund("campaign", "list", "--stage", "dev")

    assert result.exit_code == 2
    assert said(result).strip() == (
        f"error: no output {missing} in Wardfund-dev-Stateful (CREATE_COMPLETE) and "
        "Wardfund-dev-Stateless (CREATE_COMPLETE): deploy stage dev again, "
        "or set TABLE_NAME etc., or use --local"
    )
    assert not set(STACK_OUTPUTS.values()) & set(os.environ)


@pytest.mark.usefixtures("aws")
def test_an_unknown_profile_is_a_clear_error_not_a_traceback() -> None:
    deploy("dev")

    result = wardfund("campaign", "list", "--stage", "dev", "--profile", "nowhere")

    assert result.exit_code == 2
    assert said(result).strip() == (
        "error: cannot read stage dev's stacks (The config profile (nowhere) could not be "
        "found); set TABLE_NAME etc., or use --local"
    )


@pytest.mark.usefixtures("aws")
def test_no_stage_and_no_local_is_an_error_not_a_silent_dev() -> None:
    deploy("dev")

    result = wardfund("campaign", "add", "leeds", "--name", "Leeds")

    assert result.exit_code == 2
    assert said(result).strip().startswith("error: say which stack: --local")
    assert "--stage dev|prod" in said(result)
    assert campaigns_in(published("dev")[c.OUTPUT_TABLE_NAME]) == []


def test_the_outputs_left_out_above_are_all_that_the_cli_reads() -> None:
    assert sorted(STACK_OUTPUTS) == sorted(CLI_OUTPUTS)
