"""Stateful resources: tables, bank-files bucket, secrets, SES; and what prod keeps."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import StageTemplates, Synthesis

REPO_ROOT = Path(__file__).resolve().parents[2]


def _table(stage: StageTemplates, table: Any) -> dict[str, Any]:
    return stage.resource(table)


def test_main_table_keys_billing_pitr_ttl_encryption(dev: StageTemplates) -> None:
    props = _table(dev, dev.stateful.data.table)["Properties"]
    assert props["KeySchema"] == [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ]
    assert props["AttributeDefinitions"] == [
        {"AttributeName": "PK", "AttributeType": "S"},
        {"AttributeName": "SK", "AttributeType": "S"},
    ]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}  # AWS managed KMS key
    # the outbox of the notifications function: new and old images (PAYOUT# status changes)
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert "GlobalSecondaryIndexes" not in props


def test_idempotency_table_matches_powertools_defaults(dev: StageTemplates) -> None:
    props = _table(dev, dev.stateful.data.idempotency_table)["Properties"]
    assert props["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert props["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert "StreamSpecification" not in props


def test_bank_files_bucket_is_private_encrypted_versioned_with_lifecycle(
    dev: StageTemplates,
) -> None:
    bank = dev.stateful.bank_files
    props = dev.resource(bank.bucket)["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        ]
    }
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert props["LoggingConfiguration"] == {
        "DestinationBucketName": dev.ref(bank.access_logs),
        "LogFilePrefix": "bank-files/",
    }
    (rule,) = props["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 90}
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    assert rule["Transitions"] == [
        {"StorageClass": "STANDARD_IA", "TransitionInDays": 90},
        {"StorageClass": "GLACIER", "TransitionInDays": 365},
    ]
    # The fixed, account- and region-scoped name the stateless stack addresses it by
    assert props["BucketName"] == {
        "Fn::Join": [
            "",
            ["wardfund-dev-bank-files-", {"Ref": "AWS::AccountId"}, "-", {"Ref": "AWS::Region"}],
        ]
    }


def test_secrets_are_generated_never_given(synth: Synthesis) -> None:
    for stage in synth.stages:
        secrets = stage.stateful.stripe_secrets
        prefix = f"wardfund/{stage.config.stage}/stripe"
        names = (
            (secrets.webhook_signing_secret, f"{prefix}/webhook-signing-secret"),
            # one restricted Stripe key per purpose (issue 13, item 7)
            (secrets.payouts_key, f"{prefix}/payouts-key"),
            (secrets.reconcile_key, f"{prefix}/reconcile-key"),
            (secrets.operator_key, f"{prefix}/operator-key"),
            # the Connect endpoint's own signing secret (issue 17)
            (secrets.connect_webhook_signing_secret, f"{prefix}/connect-webhook-signing-secret"),
        )
        for secret, name in names:
            props = stage.resource(secret)["Properties"]
            assert props["Name"] == name
            assert props["GenerateSecretString"] == {}
            assert "SecretString" not in props
        stage.stateful_template.resource_count_is("AWS::SecretsManager::Secret", 5)


def test_no_secret_material_in_any_template(synth: Synthesis) -> None:
    texts = dict(synth.template_texts())
    assert len(texts) == 4
    for name, text in texts.items():
        for marker in (
            "sk_live",
            "sk_test",
            "rk_live",
            "rk_test",
            "whsec_",
            "sk_",
            '"SecretString"',
        ):
            assert marker not in text, f"{marker!r} found in {name}"


def test_ses_identity_and_configuration_set(synth: Synthesis) -> None:
    for stage in synth.stages:
        email = stage.stateful.email
        domain = stage.config.sender_domain
        configuration_set = f"wardfund-{stage.config.stage}-email"
        stage.stateful_template.has_resource_properties(
            "AWS::SES::EmailIdentity",
            {
                "EmailIdentity": domain,
                "ConfigurationSetAttributes": {
                    "ConfigurationSetName": stage.ref(email.configuration_set)
                },
                "DkimAttributes": {"SigningEnabled": True},
            },
        )
        props = stage.resource(email.configuration_set)["Properties"]
        assert props["Name"] == configuration_set
        assert props["DeliveryOptions"] == {"TlsPolicy": "REQUIRE"}
        assert props["SuppressionOptions"] == {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]}
        assert props["ReputationOptions"] == {"ReputationMetricsEnabled": True}


# --- stage lifetimes --------------------------------------------------------------------------

STATEFUL_TYPES = (
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::SecretsManager::Secret",
    "AWS::SES::EmailIdentity",
    "AWS::SES::ConfigurationSet",
)


@pytest.mark.parametrize(("stage_name", "policy"), [("dev", "Delete"), ("prod", "Retain")])
def test_stateful_resources_retained_only_in_prod(
    synth: Synthesis, stage_name: str, policy: str
) -> None:
    stage = synth.dev if stage_name == "dev" else synth.prod
    resources = stage.resources("stateful")
    stateful = [r for r in resources.values() if r["Type"] in STATEFUL_TYPES]
    assert len(stateful) == 11  # 2 tables, 2 buckets, 5 secrets, identity, configuration set
    for resource in stateful:
        assert resource["DeletionPolicy"] == policy, resource["Type"]
        assert resource["UpdateReplacePolicy"] == policy, resource["Type"]


@pytest.mark.parametrize(("stage_name", "protected"), [("dev", False), ("prod", True)])
def test_deletion_protection_only_in_prod(
    synth: Synthesis, stage_name: str, protected: bool
) -> None:
    stage = synth.dev if stage_name == "dev" else synth.prod
    for table in (stage.stateful.data.table, stage.stateful.data.idempotency_table):
        assert stage.resource(table)["Properties"]["DeletionProtectionEnabled"] is protected
    assert stage.stateful.termination_protection is protected
    assert stage.stateless.termination_protection is protected


def test_prod_keeps_dead_letter_queues_and_logs(prod: StageTemplates, dev: StageTemplates) -> None:
    for stage, policy in ((dev, "Delete"), (prod, "Retain")):
        s = stage.stateless
        dlqs = [
            s.messaging.events_dlq,
            s.messaging.notifications_dlq,
            s.payouts.dlq,
            s.payouts.tasks.dlq,
            s.reconciliation.dlq,
            s.notifications.alarms_dlq,
        ]
        if s.stripe_destination is not None:
            dlqs.append(s.stripe_destination.delivery_dlq)
        for dlq in dlqs:
            assert stage.resource(dlq)["DeletionPolicy"] == policy
        log_groups = [
            r for r in stage.resources("stateless").values() if r["Type"] == "AWS::Logs::LogGroup"
        ]
        assert len(log_groups) == 11  # nine functions + two APIs' access logs
        assert {r["DeletionPolicy"] for r in log_groups} == {policy}


def test_stacks_are_environment_agnostic_and_split_by_lifetime(synth: Synthesis) -> None:
    names = sorted(
        child.node.id for child in synth.app.node.children if hasattr(child, "stack_name")
    )
    assert names == [
        "Wardfund-dev-Stateful",
        "Wardfund-dev-Stateless",
        "Wardfund-prod-Stateful",
        "Wardfund-prod-Stateless",
    ]
    for stage in synth.stages:
        assert stage.stateless.dependencies == [stage.stateful]
        assert not stage.stateful.dependencies
        stateful_types = {r["Type"] for r in stage.resources("stateful").values()}
        assert not any(
            t.startswith(("AWS::Lambda", "AWS::SQS", "AWS::ApiGateway")) for t in stateful_types
        )


# --- stack outputs (the CLI's deployed mode) --------------------------------------------------


def _outputs(template: Any) -> dict[str, Any]:
    """Outputs an operator or the CLI reads (not CDK's cross-stack `PublishOutput...`)."""
    return {
        key: output["Value"]
        for key, output in template.to_json().get("Outputs", {}).items()
        if not key.startswith(("PublishOutput", "ExportsOutput", "EmailDkimRecord"))
    }


@pytest.mark.parametrize("stage_name", ["dev", "prod"])
def test_stack_outputs_for_the_cli(synth: Synthesis, stage_name: str) -> None:
    stage = synth.dev if stage_name == "dev" else synth.prod
    assert _outputs(stage.stateful_template) == {
        "TableName": stage.ref(stage.stateful.data.table),
        "IdempotencyTableName": stage.ref(stage.stateful.data.idempotency_table),
        "BankFilesBucket": stage.ref(stage.stateful.bank_files.bucket),
        "StripeOperatorKeySecretName": f"wardfund/{stage_name}/stripe/operator-key",
        "StripeWebhookSecretName": f"wardfund/{stage_name}/stripe/webhook-signing-secret",
        # the CLI's BANK_DETAILS_KEY_ID: `campaign bank set` seals with it (issue 15 item 1)
        "BankDetailsKeyAlias": stage.ref(stage.stateful.bank_details.alias),
    }
    api = stage.stateless.api.api
    assert _outputs(stage.stateless_template) == {
        "EventsQueueUrl": stage.ref(stage.stateless.messaging.events_queue),
        "WebhookUrl": {"Fn::Join": ["", [stage.arn(api, "ApiEndpoint"), "/stripe/webhook"]]},
        # registered in Stripe as the Connect webhook endpoint (issue 17)
        "ConnectWebhookUrl": {
            "Fn::Join": ["", [stage.arn(api, "ApiEndpoint"), "/stripe/connect-webhook"]]
        },
        # operators assume it to run the CLI on the stage (issue 13, item 8)
        "OperatorRoleArn": stage.arn(stage.stateless.operators.role),
        # national finance assume it to read whole bank details and files (issue 15 item 1)
        "NationalFinanceRoleArn": stage.arn(stage.stateless.finance.role),
        # the ward nights' live pages, which `wardfund kit` prints (issue 17)
        "LivePageUrl": {
            "Fn::Join": ["", [stage.arn(stage.stateless.live.api, "ApiEndpoint"), "/live"]]
        },
    }


def test_outputs_are_what_the_cli_reads_from_the_stacks_it_names(synth: Synthesis) -> None:
    target = pytest.importorskip("wardfund.cli.target", reason="the CLI extra is not installed")
    # the CLI describes the stacks `Wardfund-<stage>-Stateful` and `Wardfund-<stage>-Stateless`
    source = (REPO_ROOT / "shared" / "wardfund" / "cli" / "target.py").read_text()
    assert '"Wardfund-{stage}-{kind}"' in source
    assert '("Stateful", "Stateless")' in source
    for stage in synth.stages:
        assert stage.stateful.stack_name == f"Wardfund-{stage.config.stage}-Stateful"
        assert stage.stateless.stack_name == f"Wardfund-{stage.config.stage}-Stateless"
        # every output the CLI maps to a setting is there, in one of the two stacks
        published = set(_outputs(stage.stateful_template)) | set(_outputs(stage.stateless_template))
        assert set(target.STACK_OUTPUTS) <= published
