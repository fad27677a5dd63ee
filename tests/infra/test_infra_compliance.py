"""cdk-nag clean with written reasons, cfn-lint clean, alarms wired to the topic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from infra.app import unacknowledged_findings

if TYPE_CHECKING:
    from conftest import StageTemplates, Synthesis

REPO_ROOT = Path(__file__).resolve().parents[2]

# Every acknowledgment in the app, by construct path (stage-independent) -> rule ids. A new
# suppression must be added here too, so it gets reviewed; its reason lives next to it in infra/.
EXPECTED_ACKNOWLEDGMENTS = {
    "Stateful/BankFiles/AccessLogs": {"AwsSolutions-S1"},
    "Stateful/StripeSecrets/WebhookSigningSecret": {"AwsSolutions-SMG4"},
    "Stateful/StripeSecrets/ConnectWebhookSigningSecret": {"AwsSolutions-SMG4"},
    "Stateful/StripeSecrets/PayoutsKey": {"AwsSolutions-SMG4"},
    "Stateful/StripeSecrets/ReconcileKey": {"AwsSolutions-SMG4"},
    "Stateful/StripeSecrets/OperatorKey": {"AwsSolutions-SMG4"},
    "Stateless/DonationsApi/HttpApi/POST--stripe--webhook": {"AwsSolutions-APIG4"},
    "Stateless/DonationsApi/HttpApi/POST--stripe--connect-webhook": {"AwsSolutions-APIG4"},
    "Stateless/LivePage/HttpApi/GET--live--{proxy+}": {"AwsSolutions-APIG4"},
    "Stateless/LivePage/LivePage/Function": {"AwsSolutions-L1"},
    "Stateless/LivePage/LivePage/Role/DefaultPolicy": {"AwsSolutions-IAM5[Resource::*]"},
    "Stateless/Payouts/RunDlq": {"AwsSolutions-SQS3"},
    "Stateless/Payouts/Tasks/TasksDlq": {"AwsSolutions-SQS3"},
    "Stateless/Reconciliation/ReconcileDlq": {"AwsSolutions-SQS3"},
    "Stateless/Messaging/NotificationsDlq": {"AwsSolutions-SQS3"},
    "Stateless/Notifications/AlarmsDlq": {"AwsSolutions-SQS3"},
    **{
        f"Stateless/Payouts/{scope}SchedulerRole/DefaultPolicy": {
            "AwsSolutions-IAM5[Resource::<PayoutsRunFunction33C0DDF2.Arn>:*]"
        }
        for scope in ("", "HeldPayouts/", "Deadline/")
    },
    "Stateless/Reconciliation/SchedulerRole/DefaultPolicy": {
        "AwsSolutions-IAM5[Resource::<ReconciliationReconcileFunctionC190012C.Arn>:*]"
    },
    "Stateless/Payouts/Tasks/Pay/Role/DefaultPolicy": {
        "AwsSolutions-IAM5[Resource::*]",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::wardfund-{stage}-bank-files-"
        "<AWS::AccountId>-<AWS::Region>/*]",
    },
    "Stateless/Payouts/Run/Role/DefaultPolicy": {
        "AwsSolutions-IAM5[Resource::*]",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::wardfund-{stage}-bank-files-"
        "<AWS::AccountId>-<AWS::Region>/*]",
    },
    # the operators' CLI role (issue 13, item 8): stack ids, and two key prefixes of the bucket
    "Stateless/OperatorAccess/Role/DefaultPolicy": {
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:"
        "<AWS::AccountId>:stack/Wardfund-{stage}-Stateful/*]",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:"
        "<AWS::AccountId>:stack/Wardfund-{stage}-Stateless/*]",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::wardfund-{stage}-bank-files-"
        "<AWS::AccountId>-<AWS::Region>/launch-invoices/*]",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::wardfund-{stage}-bank-files-"
        "<AWS::AccountId>-<AWS::Region>/bank-transfers/*]",
    },
    # the national finance role (issue 15 item 1): stack ids, and the bank files' prefix
    "Stateless/NationalFinanceAccess/Role/DefaultPolicy": {
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:"
        "<AWS::AccountId>:stack/Wardfund-{stage}-Stateful/*]",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:"
        "<AWS::AccountId>:stack/Wardfund-{stage}-Stateless/*]",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::wardfund-{stage}-bank-files-"
        "<AWS::AccountId>-<AWS::Region>/bank-transfers/*]",
    },
    "Stateless/Notifications/Send/Role/DefaultPolicy": {
        "AwsSolutions-IAM5[Resource::*]",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::wardfund-{stage}-bank-files-"
        "<AWS::AccountId>-<AWS::Region>/*]",
    },
    **{
        f"Stateless/{area}/{fn}/Role/DefaultPolicy": {"AwsSolutions-IAM5[Resource::*]"}
        for area, fn in (
            ("DonationsApi", "Receive"),
            ("DonationsApi", "ConnectWebhook"),
            ("EventProcessing", "Process"),
            ("Notifications", "Alarms"),
            ("Reconciliation", "Reconcile"),
        )
    },
    **{
        f"Stateless/{path}/Function": {"AwsSolutions-L1"}
        for path in (
            "DonationsApi/Receive",
            "DonationsApi/ConnectWebhook",
            "EventProcessing/Process",
            "Payouts/Run",
            "Payouts/Tasks/Pay",
            "Notifications/Send",
            "Notifications/Alarms",
            "Reconciliation/Reconcile",
        )
    },
}
PROD_ONLY_ACKNOWLEDGMENTS = {
    "Stateless/StripeEventDestination/DeliveryDlq": {"AwsSolutions-SQS3"},
}


def _acknowledgments(synth: Synthesis, stage: str) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    prefix = f"Wardfund-{stage}-"

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        for entry in node.node.metadata:
            if entry.type == "aws:cdk:acknowledged-rules":
                path = node.node.path.removeprefix(prefix)
                for rule, reason in entry.data.items():
                    found.setdefault(path, {})[rule.removeprefix("Annotation::")] = reason
        for child in node.node.children:
            walk(child)

    for stack in (synth.dev, synth.prod):
        if stack.config.stage == stage:
            walk(stack.stateful)
            walk(stack.stateless)
    return found


def test_cdk_nag_has_no_unacknowledged_finding(synth: Synthesis) -> None:
    # Same check `python -m infra.app` runs after synth (warnings count too)
    assert unacknowledged_findings(synth.app) == []


def test_cdk_validation_report_is_clean(synth: Synthesis) -> None:
    # CDK writes one report per synth; a plugin without violations is left out of it
    report = json.loads((synth.outdir / "validation-report.json").read_text())
    assert {r["conclusion"] for r in report["pluginReports"]} <= {"success"}
    nag = [r for r in report["pluginReports"] if r["pluginName"] == "AwsSolutions"]
    assert [r.get("violations") for r in nag if r.get("violations")] == []


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_every_acknowledgment_is_expected_and_has_a_reason(synth: Synthesis, stage: str) -> None:
    acknowledgments = _acknowledgments(synth, stage)
    expected = dict(EXPECTED_ACKNOWLEDGMENTS)
    if stage == "prod":
        expected.update(PROD_ONLY_ACKNOWLEDGMENTS)
    expected = {p: {r.replace("{stage}", stage) for r in rules} for p, rules in expected.items()}
    assert {p: set(rules) for p, rules in acknowledgments.items()} == expected
    for rules in acknowledgments.values():
        for reason in rules.values():
            assert len(reason) >= 40


def test_cfn_lint_is_clean(synth: Synthesis) -> None:
    cfnlint_api = pytest.importorskip("cfnlint.api", reason="cfn-lint is not installed")
    import yaml

    settings = yaml.safe_load((REPO_ROOT / "infra" / "cfnlintrc.yaml").read_text())
    args = cfnlint_api.ManualArgs(
        regions=settings["regions"], ignore_checks=settings["ignore_checks"]
    )
    problems = []
    for path in sorted(synth.outdir.glob("*.template.json")):
        problems += [str(match) for match in cfnlint_api.lint_file(path, config=args)]
    assert problems == []


# --- alarms -----------------------------------------------------------------------------------


def test_alarm_on_every_dlq_every_function_and_unreconciled_events(synth: Synthesis) -> None:
    for stage in synth.stages:
        s = stage.stateless
        topic = stage.ref(s.monitoring.topic)
        alarms = [
            r["Properties"]
            for r in stage.resources("stateless").values()
            if r["Type"] == "AWS::CloudWatch::Alarm"
        ]
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
        functions = [
            s.api.receive.function,
            s.processing.process.function,
            s.payouts.run.function,
            s.payouts.pay.function,
            s.notifications.send.function,
            s.notifications.alarms.function,
            s.reconciliation.reconcile.function,
            s.live.page.function,
            s.api.connect.function,
        ]
        # + PayoutRunLate (tests/infra/test_infra_payout_fanout.py),
        # + EventsNotReconciled and the application metrics (tests/infra/test_infra_alarms.py)
        # + WebhookUnavailable (webhooks answered 503), ConnectWebhookUnavailable (likewise)
        assert len(alarms) == len(dlqs) + len(functions) + 1 + 1 + 4 + 1 + 1
        for alarm in alarms:
            assert alarm["AlarmActions"] == [topic]
            assert alarm["OKActions"] == [topic]
            assert alarm["Threshold"] == 1
            assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
            assert alarm["TreatMissingData"] == "notBreaching"
        watched_queues = {
            json.dumps(a["Dimensions"][0]["Value"]["Fn::GetAtt"])
            for a in alarms
            if a["MetricName"] == "ApproximateNumberOfMessagesVisible"
        }
        assert watched_queues == {json.dumps([stage.lid(q), "QueueName"]) for q in dlqs}
        watched_functions = {
            json.dumps(a["Dimensions"][0]["Value"])
            for a in alarms
            if a["MetricName"] == "Errors" and a["Namespace"] == "AWS/Lambda"
        }
        assert watched_functions == {json.dumps(stage.ref(f)) for f in functions}
        # the reconcile function's Powertools metric (namespace and service dimension)
        (not_reconciled,) = [a for a in alarms if a["MetricName"] == "EventsNotReconciled"]
        assert not_reconciled["Namespace"] == "Wardfund"
        assert not_reconciled["Dimensions"] == [{"Name": "service", "Value": "wardfund"}]
        assert not_reconciled["Statistic"] == "Sum"
        # webhooks answered 503: the queue or the signing secret failed (issue 13, item 11)
        (unavailable,) = [a for a in alarms if a["MetricName"] == "WebhookAnswered503"]
        assert unavailable["Namespace"] == "Wardfund"
        assert unavailable["Dimensions"] == [{"Name": "service", "Value": "wardfund"}]
        assert unavailable["Statistic"] == "Sum"


def test_receive_counts_each_answer_by_status_as_the_alarm_watches() -> None:
    source = (REPO_ROOT / "functions" / "donations" / "receive.py").read_text()
    assert 'f"WebhookAnswered{reply.status}"' in source


def test_reconcile_emits_the_metric_the_alarm_watches() -> None:
    source = (REPO_ROOT / "functions" / "reconcile" / "run.py").read_text()
    assert 'name="EventsNotReconciled"' in source
    observability = (REPO_ROOT / "shared" / "wardfund" / "observability.py").read_text()
    assert 'Metrics(namespace="Wardfund", service="wardfund")' in observability


def test_alert_email_subscribes_only_when_configured(
    dev: StageTemplates, prod: StageTemplates
) -> None:
    # dev: only the alarms function's subscription (see test_infra_messaging.py)
    dev.stateless_template.resource_count_is("AWS::SNS::Subscription", 1)
    dev.stateless_template.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "lambda"})
    prod.stateless_template.resource_count_is("AWS::SNS::Subscription", 2)
    prod.stateless_template.has_resource_properties(
        "AWS::SNS::Subscription",
        {
            "Protocol": "email",
            "Endpoint": "ops@wardfund.example",
            "TopicArn": prod.ref(prod.stateless.monitoring.topic),
        },
    )
    # the email subscription is direct (SNS, not SES) and unfiltered: every alarm reaches it,
    # function errors and unreconciled events as well as dead letters
    (email,) = [
        r["Properties"]
        for r in prod.resources("stateless").values()
        if r["Type"] == "AWS::SNS::Subscription" and r["Properties"]["Protocol"] == "email"
    ]
    assert "FilterPolicy" not in email
    assert "FilterPolicyScope" not in email
