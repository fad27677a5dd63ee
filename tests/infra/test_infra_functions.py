"""Lambda functions: runtime, architecture, handler, environment, logging, tracing, assets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from aws_cdk.assertions import Match

from wardfund.event_sources import RECEIVE_RESERVED_CONCURRENCY

if TYPE_CHECKING:
    from conftest import StageTemplates, Synthesis


POWERTOOLS_ENV = {
    "POWERTOOLS_SERVICE_NAME": "wardfund",
    "POWERTOOLS_METRICS_NAMESPACE": "Wardfund",
    "LOG_LEVEL": "INFO",
}
REPO_ROOT = Path(__file__).resolve().parents[2]


def _functions(stage: StageTemplates) -> dict[str, Any]:
    s = stage.stateless
    return {
        "receive": s.api.receive,
        "process": s.processing.process,
        "run": s.payouts.run,
        "pay": s.payouts.pay,
        "send": s.notifications.send,
        "alarms": s.notifications.alarms,
        "reconcile": s.reconciliation.reconcile,
        "live": s.live.page,
        "connect": s.api.connect,
    }


def _function_json(stage: StageTemplates, name: str) -> dict[str, Any]:
    return stage.resource(_functions(stage)[name].function)["Properties"]


def test_exactly_nine_functions_with_one_shared_layer(dev: StageTemplates) -> None:
    # Given the dev stateless stack
    template = dev.stateless_template
    # Then it declares the nine handlers and one dependency layer, nothing else
    template.resource_count_is("AWS::Lambda::Function", 9)
    template.resource_count_is("AWS::Lambda::LayerVersion", 1)
    template.has_resource_properties(
        "AWS::Lambda::LayerVersion",
        {"CompatibleArchitectures": ["arm64"], "CompatibleRuntimes": ["python3.12"]},
    )


@pytest.mark.parametrize(
    ("name", "handler", "memory", "timeout"),
    [
        ("receive", "functions.donations.receive.handler", 256, 10),
        ("process", "functions.donations.process.handler", 512, 30),
        ("run", "functions.payouts.run.handler", 512, 60),
        ("pay", "functions.payouts.pay.handler", 512, 60),
        ("send", "functions.notifications.send.handler", 256, 60),
        ("alarms", "functions.notifications.alarms.handler", 256, 30),
        ("reconcile", "functions.reconcile.run.handler", 512, 300),
        ("live", "functions.live.page.handler", 256, 10),
        ("connect", "functions.connect.webhook.handler", 256, 10),
    ],
)
def test_function_runtime_and_observability(
    dev: StageTemplates, name: str, handler: str, memory: int, timeout: int
) -> None:
    # Given one function of the dev stage
    fn = _functions(dev)[name]
    props = _function_json(dev, name)
    # Then it runs the handler on python3.12 / arm64 with the shared layer
    assert props["Handler"] == handler
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]
    assert props["MemorySize"] == memory
    assert props["Timeout"] == timeout
    assert props["Layers"] == [dev.ref(dev.stateless.node.find_child("Dependencies").layer)]
    # And it traces with X-Ray, logs JSON to its own log group, with its own role
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["LoggingConfig"] == {
        "ApplicationLogLevel": "INFO",
        "LogFormat": "JSON",
        "LogGroup": dev.ref(fn.log_group),
        "SystemLogLevel": "INFO",
    }
    assert props["Role"] == dev.arn(fn.role)
    # And every function carries the Powertools settings
    env = props["Environment"]["Variables"]
    assert {k: env[k] for k in POWERTOOLS_ENV} == POWERTOOLS_ENV


def test_log_groups_have_retention(dev: StageTemplates, prod: StageTemplates) -> None:
    for stage, days, policy in ((dev, 14, "Delete"), (prod, 365, "Retain")):
        for fn in _functions(stage).values():
            log_group = stage.resource(fn.log_group)
            assert log_group["Properties"]["RetentionInDays"] == days
            assert log_group["DeletionPolicy"] == policy


def test_receive_environment(dev: StageTemplates) -> None:
    env = _function_json(dev, "receive")["Environment"]["Variables"]
    assert env == {
        **POWERTOOLS_ENV,
        "EVENTS_QUEUE_URL": dev.ref(dev.stateless.messaging.events_queue),
        "STRIPE_WEBHOOK_SECRET_NAME": "wardfund/dev/stripe/webhook-signing-secret",
        "WEBHOOK_TOLERANCE_SECONDS": "300",
    }


def test_process_environment(dev: StageTemplates) -> None:
    env = dev.resolve_cross_stack(_function_json(dev, "process")["Environment"]["Variables"])
    assert env == {
        **POWERTOOLS_ENV,
        "TABLE_NAME": dev.ref(dev.stateful.data.table),
        "EVENTS_QUEUE_URL": dev.ref(dev.stateless.messaging.events_queue),
        "EVENTS_DLQ_URL": dev.ref(dev.stateless.messaging.events_dlq),
    }


def _bucket_name(stage: str) -> dict[str, Any]:
    return {
        "Fn::Join": [
            "",
            [
                f"wardfund-{stage}-bank-files-",
                {"Ref": "AWS::AccountId"},
                "-",
                {"Ref": "AWS::Region"},
            ],
        ]
    }


@pytest.mark.parametrize(("stage_name", "frequency"), [("dev", "weekly"), ("prod", "fortnightly")])
def test_run_environment_and_concurrency(synth: Synthesis, stage_name: str, frequency: str) -> None:
    stage = synth.dev if stage_name == "dev" else synth.prod
    props = _function_json(stage, "run")
    env = stage.resolve_cross_stack(props["Environment"]["Variables"])
    assert env == {
        **POWERTOOLS_ENV,
        "TABLE_NAME": stage.ref(stage.stateful.data.table),
        "IDEMPOTENCY_TABLE_NAME": stage.ref(stage.stateful.data.idempotency_table),
        "STRIPE_API_KEY_SECRET_NAME": f"wardfund/{stage_name}/stripe/payouts-key",
        "BANK_FILES_BUCKET": _bucket_name(stage_name),
        "PAYOUT_FREQUENCY": frequency,
        "PAYOUT_TASKS_QUEUE_URL": stage.ref(stage.stateless.payouts.tasks.queue),
        # it finishes a run with nothing to fan out, so writes bank files (issue 15 item 1)
        "BANK_DETAILS_KEY_ID": stage.arn(stage.stateful.bank_details.key),
        **stage.config.national_bank_environment,
    }
    # Never two plans at once; failed async invocations land in the run DLQ
    assert props["ReservedConcurrentExecutions"] == 1
    assert props["DeadLetterConfig"] == {"TargetArn": stage.arn(stage.stateless.payouts.dlq)}
    stage.stateless_template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "FunctionName": stage.ref(stage.stateless.payouts.run.function),
            "MaximumRetryAttempts": 2,
            "MaximumEventAgeInSeconds": 6 * 3600,
        },
    )


def test_run_and_receive_have_reserved_concurrency_and_no_other(dev: StageTemplates) -> None:
    # the webhook receiver has concurrency of its own, and no more: a flood of webhooks is
    # throttled (Stripe sends again) instead of taking the payout run's or the processor's
    assert _function_json(dev, "receive")["ReservedConcurrentExecutions"] == (
        RECEIVE_RESERVED_CONCURRENCY
    )
    assert RECEIVE_RESERVED_CONCURRENCY == 20
    for name in ("process", "send", "alarms", "reconcile"):
        assert "ReservedConcurrentExecutions" not in _function_json(dev, name)
    # the pay function's is the payout concurrency (tests/infra/test_infra_payout_fanout.py)


def test_send_environment_dev_defaults(dev: StageTemplates) -> None:
    env = dev.resolve_cross_stack(_function_json(dev, "send")["Environment"]["Variables"])
    assert env == {
        **POWERTOOLS_ENV,
        "TABLE_NAME": dev.ref(dev.stateful.data.table),
        "IDEMPOTENCY_TABLE_NAME": dev.ref(dev.stateful.data.idempotency_table),
        "BANK_FILES_BUCKET": _bucket_name("dev"),
        "SENDER_ADDRESS": "donations@wardfund.example",
        "REPLY_TO_ADDRESS": "finance@wardfund.example",
        "SES_CONFIGURATION_SET": "wardfund-dev-email",
        "NATIONAL_FINANCE_EMAIL": "finance@wardfund.example",
        # the defaults of shared/wardfund/settings.py, written out
        "PAYMENT_FAILED_EMAILS": "false",
        "PERMISSIBILITY_THRESHOLDS_PENCE": "5000,50000",
        # ORGANISATION_NAME and CUSTOMER_PORTAL_URL unset: the code's own defaults
    }


def test_send_environment_prod_context_choices(prod: StageTemplates) -> None:
    env = prod.resolve_cross_stack(_function_json(prod, "send")["Environment"]["Variables"])
    assert env == {
        **POWERTOOLS_ENV,
        "TABLE_NAME": prod.ref(prod.stateful.data.table),
        "IDEMPOTENCY_TABLE_NAME": prod.ref(prod.stateful.data.idempotency_table),
        "BANK_FILES_BUCKET": _bucket_name("prod"),
        "SENDER_ADDRESS": "donations@mail.wardfund.example",
        "REPLY_TO_ADDRESS": "finance@mail.wardfund.example",
        "SES_CONFIGURATION_SET": "wardfund-prod-email",
        "NATIONAL_FINANCE_EMAIL": "finance@mail.wardfund.example",
        "ORGANISATION_NAME": "Common Ground",
        "CUSTOMER_PORTAL_URL": "https://billing.stripe.com/p/login/wardfund",
        "PAYMENT_FAILED_EMAILS": "true",
        "PERMISSIBILITY_THRESHOLDS_PENCE": "7500,50000",  # sorted, as settings.py sorts them
    }


def test_send_environment_names_are_the_settings_the_code_reads(dev: StageTemplates) -> None:
    # Every variable set on the send function is one shared/wardfund/settings.py reads
    settings_source = (REPO_ROOT / "shared" / "wardfund" / "settings.py").read_text()
    env = _function_json(dev, "send")["Environment"]["Variables"]
    for name in set(env) - set(POWERTOOLS_ENV):
        assert f'"{name}"' in settings_source, name


@pytest.mark.parametrize("stage_name", ["dev", "prod"])
def test_alarms_environment_and_async_failures(synth: Synthesis, stage_name: str) -> None:
    stage = synth.dev if stage_name == "dev" else synth.prod
    notifications = stage.stateless.notifications
    props = _function_json(stage, "alarms")
    env = stage.resolve_cross_stack(props["Environment"]["Variables"])
    assert env == {**POWERTOOLS_ENV, "TABLE_NAME": stage.ref(stage.stateful.data.table)}
    # Invoked by SNS (asynchronously): failed invocations land in its own DLQ
    assert props["DeadLetterConfig"] == {"TargetArn": stage.arn(notifications.alarms_dlq)}
    stage.stateless_template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "FunctionName": stage.ref(notifications.alarms.function),
            "MaximumRetryAttempts": 2,
            "MaximumEventAgeInSeconds": 6 * 3600,
        },
    )


@pytest.mark.parametrize("stage_name", ["dev", "prod"])
def test_reconcile_environment_and_async_failures(synth: Synthesis, stage_name: str) -> None:
    stage = synth.dev if stage_name == "dev" else synth.prod
    reconciliation = stage.stateless.reconciliation
    props = _function_json(stage, "reconcile")
    env = stage.resolve_cross_stack(props["Environment"]["Variables"])
    assert env == {
        **POWERTOOLS_ENV,
        "TABLE_NAME": stage.ref(stage.stateful.data.table),
        "STRIPE_API_KEY_SECRET_NAME": f"wardfund/{stage_name}/stripe/reconcile-key",
    }
    assert props["DeadLetterConfig"] == {"TargetArn": stage.arn(reconciliation.dlq)}
    stage.stateless_template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "FunctionName": stage.ref(reconciliation.reconcile.function),
            "MaximumRetryAttempts": 2,
            "MaximumEventAgeInSeconds": 3600,  # no retry after the 06:00 payout run
        },
    )


def test_no_function_is_told_about_a_notifications_queue(synth: Synthesis) -> None:
    for stage in synth.stages:
        for name in _functions(stage):
            env = _function_json(stage, name)["Environment"]["Variables"]
            assert "NOTIFICATIONS_QUEUE_URL" not in env, name


# --- assets -----------------------------------------------------------------------------------


def _asset_dir(synth: Synthesis, code: dict[str, Any]) -> Path:
    key = code["S3Key"]
    assert key.endswith(".zip")
    return synth.outdir / f"asset.{key.removesuffix('.zip')}"


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("name", "handler_file"),
    [
        ("receive", "functions/donations/receive.py"),
        ("process", "functions/donations/process.py"),
        ("run", "functions/payouts/run.py"),
        ("send", "functions/notifications/send.py"),
        ("alarms", "functions/notifications/alarms.py"),
        ("reconcile", "functions/reconcile/run.py"),
        ("live", "functions/live/page.py"),
    ],
)
def test_function_asset_holds_only_its_handler_and_wardfund(
    synth: Synthesis, name: str, handler_file: str
) -> None:
    # Given the staged asset of one function
    files = _files(_asset_dir(synth, _function_json(synth.dev, name)["Code"]))
    # Then it holds the wardfund package and (once written) its own handler file only
    assert "wardfund/__init__.py" in files
    assert "wardfund/settings.py" in files
    handlers = {f for f in files if f.startswith("functions/") and not f.endswith("__init__.py")}
    assert handlers == ({handler_file} if (REPO_ROOT / handler_file).is_file() else set())
    # And no third-party package, byte code or test file
    top_level = {f.split("/", 1)[0] for f in files}
    assert top_level <= {"functions", "wardfund"}
    assert not any("__pycache__" in f or f.endswith(".pyc") for f in files)


def test_layer_holds_the_runtime_dependencies_for_arm64(synth: Synthesis) -> None:
    layer = synth.dev.resources("stateless")[
        synth.dev.lid(synth.dev.stateless.node.find_child("Dependencies").layer)
    ]
    folder = _asset_dir(synth, layer["Properties"]["Content"])
    packages = {p.name for p in (folder / "python").iterdir()}
    # Third-party runtime dependencies, as aarch64 wheels for CPython 3.12...
    for package in ("aws_lambda_powertools", "pydantic", "pydantic_core", "stripe", "jinja2"):
        assert package in packages
    assert list((folder / "python" / "pydantic_core").glob("*cpython-312-aarch64-linux-gnu.so"))
    # ...and not what the Lambda runtime provides, nor dev/CLI tooling
    for absent in ("boto3", "botocore", "s3transfer", "moto", "typer", "rich", "aws_cdk", "bin"):
        assert absent not in packages


def test_no_handler_runs_from_an_unexpected_path(dev: StageTemplates) -> None:
    # Every handler string maps onto a module path inside functions/ (see the asset test)
    dev.stateless_template.all_resources_properties(
        "AWS::Lambda::Function",
        {"Handler": Match.string_like_regexp(r"^functions\.[a-z_]+\.[a-z_]+\.handler$")},
    )
    assert json.dumps(dev.stateless_template.to_json()).count('"Handler"') == 9
