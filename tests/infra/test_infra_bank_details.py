"""Campaign bank details deployed (issue 15 item 1): the bank-details KMS key (rotated, kept in
prod) and its alias output; who may use the key and only how (the payout functions open
details and write the files, national finance opens details and reads the files, operators
only seal); the national finance role; the payout functions' settings, from context."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from infra import constants as c
from infra.config import ConfigError, StageConfig
from tests.infra.test_infra_iam import (
    BANK_DETAILS_PURPOSE,
    _conditions,
    _each,
    _grants,
    _key,
    _key_arn,
    _kms,
    _objects_of_bank_bucket,
    _objects_under,
    _stack_arn,
    _through_s3,
)
from wardfund.adapters import kms_bank_details

if TYPE_CHECKING:
    from tests.infra.conftest import StageTemplates, Synthesis


@pytest.fixture(params=["dev", "prod"])
def stage(request: pytest.FixtureRequest, synth: Synthesis) -> StageTemplates:
    return synth.dev if request.param == "dev" else synth.prod


# --- the key ----------------------------------------------------------------------------------


def test_one_rotated_key_per_stage_kept_in_prod(stage: StageTemplates) -> None:
    keys = [r for r in stage.resources("stateful").values() if r["Type"] == "AWS::KMS::Key"]
    assert keys == [stage.resource(stage.stateful.bank_details.key)]
    (key,) = keys
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["Properties"]["PendingWindowInDays"] == 30
    retained = "Retain" if stage.config.is_prod else "Delete"
    assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == retained
    # no key in the stateless stack: the stateless stack can be replaced without it
    assert not any(r["Type"].startswith("AWS::KMS") for r in stage.resources("stateless").values())


def test_the_key_policy_leaves_access_to_iam_in_the_account(stage: StageTemplates) -> None:
    # the roles are in the stateless stack, which depends on this one: IAM says who (below)
    key = stage.resource(stage.stateful.bank_details.key)
    assert key["Properties"]["KeyPolicy"]["Statement"] == [
        {
            "Action": "kms:*",
            "Effect": "Allow",
            "Principal": {
                "AWS": {
                    "Fn::Join": [
                        "",
                        ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"},
                         ":root"],
                    ]
                }
            },
            "Resource": "*",
        }
    ]  # fmt: skip


def test_the_alias_is_the_output_the_cli_seals_with(stage: StageTemplates) -> None:
    alias = stage.resource(stage.stateful.bank_details.alias)
    name = stage.config.stage
    assert alias["Properties"] == {
        "AliasName": f"alias/wardfund-{name}-bank-details",
        "TargetKeyId": _key_arn(stage),
    }
    outputs = stage.stateful_template.to_json()["Outputs"]
    assert outputs["BankDetailsKeyAlias"]["Value"] == stage.ref(stage.stateful.bank_details.alias)
    # the CLI turns that output into the setting the KMS adapter reads
    from wardfund.cli.target import STACK_OUTPUTS

    assert STACK_OUTPUTS["BankDetailsKeyAlias"] == kms_bank_details.KEY_ID == "BANK_DETAILS_KEY_ID"
    # the local stack's alias follows the same pattern
    assert c.bank_details_key_alias("local") == kms_bank_details.LOCAL_ALIAS


def test_the_grants_hold_callers_to_the_encryption_context_the_code_seals_with() -> None:
    context = kms_bank_details._context("leeds")
    assert context == {"wardfund:campaign": "leeds", "wardfund:purpose": "bank-details"}
    key, value = next(iter(BANK_DETAILS_PURPOSE["StringEquals"].items()))
    assert key == f"kms:EncryptionContext:{kms_bank_details.PURPOSE_KEY}"
    assert context[kms_bank_details.PURPOSE_KEY] == value


def _key_users(stage: StageTemplates) -> dict[str, set[str]]:
    """Each role any policy of either stack lets use the bank-details key -> the actions."""
    key_arn = _key(_key_arn(stage))
    users: dict[str, set[str]] = {}
    for kind in ("stateful", "stateless"):
        for resource in stage.resources(kind).values():
            if resource["Type"] != "AWS::IAM::Policy":
                continue
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                actions = statement["Action"]
                actions = [actions] if isinstance(actions, str) else actions
                targets = statement["Resource"]
                targets = targets if isinstance(targets, list) else [targets]
                granted = {_key(stage.resolve_cross_stack(t)) for t in targets}
                kms_actions = {a for a in actions if a.startswith("kms:")}
                if not kms_actions:
                    continue
                # KMS is granted on this key only, never on "*"
                assert granted == {key_arn}, statement
                for role in resource["Properties"]["Roles"]:
                    users.setdefault(role["Ref"], set()).update(kms_actions)
    return users


def test_only_these_roles_may_use_the_key_and_only_so(stage: StageTemplates) -> None:
    s = stage.stateless
    assert _key_users(stage) == {
        # whichever finishes the run opens the details and writes the SSE-KMS files
        stage.lid(s.payouts.run.role): {"kms:Decrypt", "kms:GenerateDataKey"},
        stage.lid(s.payouts.pay.role): {"kms:Decrypt", "kms:GenerateDataKey"},
        # whole details and the files: national finance only
        stage.lid(s.finance.role): {"kms:Decrypt"},
        # operators seal new details, and cannot open them
        stage.lid(s.operators.role): {"kms:Encrypt"},
    }


# --- the national finance role ----------------------------------------------------------------


def test_national_finance_role_has_only_what_export_and_files_call(
    stage: StageTemplates,
) -> None:
    role = stage.stateless.finance.role
    table = stage.stateful.data.table
    name = stage.config.stage
    pairs, conditional = _grants(stage, role)
    bucket = {"Fn::Join": ["", _objects_of_bank_bucket(name)["Fn::Join"][1][:-1]]}
    assert pairs == (
        _each(["cloudformation:DescribeStacks"], _stack_arn(f"Wardfund-{name}-Stateful"))
        | _each(["cloudformation:DescribeStacks"], _stack_arn(f"Wardfund-{name}-Stateless"))
        # `show` and `export` read; each export is audited in the campaign's partition
        | _each(("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"), stage.arn(table))
        # `files`: the run's bank files only
        | _each(["s3:ListBucket"], bucket)
        | _each(["s3:GetObject"], _objects_under(name, "bank-transfers"))
        | _kms(stage, "kms:Decrypt")
    )
    assert _conditions(conditional, "dynamodb:") == [
        ("dynamodb:PutItem",
         _key({"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CAMPAIGN#*"]}})),
    ]  # fmt: skip
    assert _conditions(conditional, "s3:") == [
        ("s3:ListBucket", _key({"StringLike": {"s3:prefix": ["bank-transfers/*"]}})),
    ]
    # the details (that purpose only) and the files (through S3, bank-transfers/ only)
    assert _conditions(conditional, "kms:") == sorted(
        [
            ("kms:Decrypt", _key(BANK_DETAILS_PURPOSE)),
            ("kms:Decrypt", _key(_through_s3(name))),
        ]
    )
    assert len(conditional) == 4
    # it changes nothing but the audit trail: no seal, no update, no delete, no file written
    assert not {a for a, _ in pairs} & {
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "s3:PutObject",
        "s3:DeleteObject",
        "secretsmanager:GetSecretValue",
        "ses:SendEmail",
    }


def test_national_finance_is_assumed_with_mfa_for_an_hour(stage: StageTemplates) -> None:
    props = stage.resource(stage.stateless.finance.role)["Properties"]
    assert props["RoleName"] == f"wardfund-{stage.config.stage}-national-finance"
    assert props["MaxSessionDuration"] == 3600
    assert "ManagedPolicyArns" not in props
    assert "Policies" not in props
    (statement,) = props["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    assert statement["Principal"]["AWS"]["Fn::Join"][1][-1] == ":root"
    # a role of its own: not the operators'
    assert stage.lid(stage.stateless.finance.role) != stage.lid(stage.stateless.operators.role)
    outputs = stage.stateless_template.to_json()["Outputs"]
    assert outputs["NationalFinanceRoleArn"]["Value"] == stage.arn(stage.stateless.finance.role)


# --- the payout functions' settings -----------------------------------------------------------


def _environment(stage: StageTemplates, function: Any) -> dict[str, Any]:
    props = stage.resource(function)["Properties"]
    return dict(stage.resolve_cross_stack(props["Environment"]["Variables"]))


def test_both_payout_functions_are_told_the_key_and_the_national_account(
    synth: Synthesis,
) -> None:
    national = {
        "NATIONAL_BANK_ACCOUNT_NAME": "Common Ground",
        "NATIONAL_BANK_SORT_CODE": "601613",
        "NATIONAL_BANK_ACCOUNT_NUMBER": "31926819",
        "BACS_SERVICE_USER_NUMBER": "123456",
    }
    for stage, expected in ((synth.dev, {}), (synth.prod, national)):
        payouts = stage.stateless.payouts
        for function in (payouts.run.function, payouts.pay.function):
            env = _environment(stage, function)
            assert env["BANK_DETAILS_KEY_ID"] == _key_arn(stage)
            given = {k: v for k, v in env.items() if k.startswith(("NATIONAL_BANK_", "BACS_"))}
            assert given == expected
        # no other function is told about the key or the account
        others = [
            stage.stateless.api.receive,
            stage.stateless.processing.process,
            stage.stateless.notifications.send,
            stage.stateless.notifications.alarms,
            stage.stateless.reconciliation.reconcile,
            stage.stateless.live.page,
        ]
        for other in others:
            env = _environment(stage, other.function)
            assert not {k for k in env if k.startswith(("BANK_DETAILS", "NATIONAL_BANK_", "BACS_"))}


def test_the_settings_are_the_names_the_bank_files_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from wardfund.adapters.s3_bank_files import national_account

    config = StageConfig.from_context(
        {
            "national_bank_account_name": "Common Ground",
            "national_bank_sort_code": "60-16-13",
            "national_bank_account_number": "31926819",
            "bacs_service_user_number": "123456",
        }.get
    )
    for name, value in config.national_bank_environment.items():
        monkeypatch.setenv(name, value)
    account = national_account()
    assert (account.account_name, account.sort_code, account.account_number) == (
        "Common Ground",
        "601613",
        "31926819",
    )
    assert account.can_send_bacs
    assert account.service_user_number == "123456"


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({}, {}),
        # no Service User Number: a Bankline file with the debit account, no Standard 18
        (
            {
                "national_bank_account_name": " Common  Ground ",
                "national_bank_sort_code": "60 16 13",
                "national_bank_account_number": 31926819,  # a number in cdk.json
            },
            {
                "NATIONAL_BANK_ACCOUNT_NAME": "Common Ground",
                "NATIONAL_BANK_SORT_CODE": "601613",
                "NATIONAL_BANK_ACCOUNT_NUMBER": "31926819",
            },
        ),
    ],
)
def test_the_national_account_is_optional_and_whole(
    context: dict[str, object], expected: dict[str, str]
) -> None:
    assert StageConfig.from_context(context.get).national_bank_environment == expected


WHOLE = {
    "national_bank_account_name": "Common Ground",
    "national_bank_sort_code": "601613",
    "national_bank_account_number": "31926819",
}


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"national_bank_sort_code": "601613"}, "missing 'national_bank_account_name'"),
        (
            {**WHOLE, "national_bank_account_number": ""},
            "missing 'national_bank_account_number'",
        ),
        ({**WHOLE, "national_bank_sort_code": "60161"}, "sort code"),
        ({**WHOLE, "national_bank_account_number": "1926819"}, "8 digits, not 7"),
        ({"bacs_service_user_number": "123456"}, "needs the national account too"),
        ({**WHOLE, "bacs_service_user_number": "12345"}, "6-digit Bacs Service User Number"),
        ({**WHOLE, "bacs_service_user_number": "SUN123"}, "6-digit Bacs Service User Number"),
    ],
)
def test_a_partial_or_malformed_national_account_stops_synthesis(
    context: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        StageConfig.from_context(context.get)


def test_the_context_keys_and_outputs_are_documented() -> None:
    root = Path(__file__).resolve().parents[2]
    infra_readme = (root / "infra" / "README.md").read_text()
    readme = (root / "README.md").read_text()
    for key in (
        c.CTX_NATIONAL_BANK_ACCOUNT_NAME,
        c.CTX_NATIONAL_BANK_SORT_CODE,
        c.CTX_NATIONAL_BANK_ACCOUNT_NUMBER,
        c.CTX_BACS_SERVICE_USER_NUMBER,
    ):
        assert f"`{key}`" in infra_readme
        assert key in readme
    for output in (c.OUTPUT_BANK_DETAILS_KEY_ALIAS, c.OUTPUT_NATIONAL_FINANCE_ROLE_ARN):
        assert f"`{output}`" in infra_readme
        assert f"`{output}`" in readme
