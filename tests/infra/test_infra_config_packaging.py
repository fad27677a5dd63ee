"""Stage configuration from context, and the Docker-free packaging (no synth needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra import constants as c
from infra import packaging
from infra.app import build_app, cdk_json_context
from infra.config import ConfigError, StageConfig

REPO_ROOT = Path(__file__).resolve().parents[2]


def _config(**context: object) -> StageConfig:
    return StageConfig.from_context(context.get)


def test_defaults_are_a_dev_stage_with_weekly_payouts() -> None:
    config = _config()
    assert config.stage == "dev"
    assert config.payout_frequency == "weekly"
    assert config.sender_domain == "wardfund.example"
    assert config.sender_address == "donations@wardfund.example"
    assert config.alert_email is None
    assert config.stripe_event_destination is False
    assert not config.is_prod
    # email choices: unset means the application's own defaults (shared/wardfund/settings.py)
    assert config.organisation_name is None
    assert config.customer_portal_url is None
    assert config.payment_failed_emails is False
    assert config.permissibility_thresholds_pence == (5000, 50000)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5000,50000", (5000, 50000)),  # -c permissibility_thresholds_pence=5000,50000
        (" 50000, 7500 ", (7500, 50000)),  # sorted, as settings.py sorts them
        ([50000, 5000], (5000, 50000)),  # a list in cdk.json
        ("", (5000, 50000)),
    ],
)
def test_permissibility_thresholds_from_cli_or_cdk_json(
    value: object, expected: tuple[int, ...]
) -> None:
    assert _config(permissibility_thresholds_pence=value).permissibility_thresholds_pence == (
        expected
    )


def test_email_choices_from_cli_strings() -> None:
    config = _config(
        organisation_name=" Common Ground ",
        customer_portal_url="https://billing.stripe.com/p/login/abc",
        payment_failed_emails="true",
    )
    assert config.organisation_name == "Common Ground"
    assert config.customer_portal_url == "https://billing.stripe.com/p/login/abc"
    assert config.payment_failed_emails is True


def test_cdk_json_context_selects_dev_and_recommended_flags() -> None:
    context = cdk_json_context()
    assert context["stage"] == "dev"
    assert context["stripe_event_destination"] is False
    assert context["@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"] is True
    app = json.loads((REPO_ROOT / "cdk.json").read_text())["app"]
    assert app == "uv run python -m infra.app"


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"stage": "staging"}, "stage"),
        ({"payout_frequency": "monthly"}, "payout_frequency"),
        ({"sender_domain": "not a domain"}, "sender_domain"),
        ({"alert_email": "nobody"}, "alert_email"),
        # prod alarms must reach a person directly (SNS email), not only through SES
        ({"stage": "prod"}, "'alert_email' is required for stage prod"),
        ({"stripe_event_destination": "maybe"}, "stripe_event_destination"),
        ({"stripe_event_destination": True}, "stripe_event_source_name"),
        (
            {"stripe_event_destination": "true", "stripe_event_source_name": "aws.partner/x"},
            "stripe_event_source_name",
        ),
        ({"log_level": "chatty"}, "log_level"),
        ({"customer_portal_url": "http://billing.example/p"}, "customer_portal_url"),
        ({"customer_portal_url": "billing.stripe.com"}, "customer_portal_url"),
        ({"payment_failed_emails": "sometimes"}, "payment_failed_emails"),
        ({"permissibility_thresholds_pence": "50,five hundred"}, "permissibility_thresholds"),
        ({"permissibility_thresholds_pence": "0,500"}, "permissibility_thresholds"),
    ],
)
def test_bad_context_stops_synthesis_with_a_clear_message(
    context: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        _config(**context)


def test_cli_strings_are_accepted() -> None:
    # `cdk synth -c stripe_event_destination=true` passes strings
    config = _config(
        stage="prod",
        alert_email="ops@wardfund.example",
        stripe_event_destination="true",
        stripe_event_source_name="aws.partner/stripe.com/acct_1/ed_2",
    )
    assert config.is_prod
    assert config.stripe_event_destination is True


def test_layer_requirements_come_from_the_lock_without_the_aws_sdk() -> None:
    requirements = packaging.layer_requirements().splitlines()
    names = {line.split("==")[0].lower() for line in requirements}
    # Pinned, from uv.lock
    assert all("==" in line for line in requirements)
    assert {"aws-lambda-powertools", "pydantic", "stripe", "jinja2", "aws-xray-sdk"} <= names
    # Provided by the Lambda runtime, or not runtime dependencies at all
    assert not names & {"boto3", "botocore", "s3transfer", "moto", "typer", "rich", "pyyaml"}
    assert not names & {"aws-cdk-lib", "cdk-nag", "constructs", "jsii", "pytest"}


def test_function_builds_are_cached_by_content() -> None:
    first = packaging.build_function(c.RECEIVE)
    again = packaging.build_function(c.RECEIVE)
    assert first == again
    assert first.path.name == first.input_hash
    other = packaging.build_function(c.PROCESS)
    assert other.input_hash != first.input_hash  # different handler file


def test_layer_build_is_cached_by_requirements() -> None:
    requirements = packaging.layer_requirements()
    first = packaging.build_layer(requirements)
    assert (first.path / "python" / "stripe").is_dir()
    again = packaging.build_layer(requirements)
    assert again.path == first.path


def test_the_prod_app_does_not_synthesise_without_an_alert_email() -> None:
    # `npx cdk synth -c stage=prod` (or `python -m infra.app`) stops before building anything
    with pytest.raises(ConfigError, match="alert_email"):
        build_app({"stage": "prod"})
    assert _config(stage="dev").alert_email is None  # dev may go without
