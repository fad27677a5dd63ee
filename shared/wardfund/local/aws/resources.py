"""Creates on moto the same resources the CDK app declares, under one name prefix."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

import boto3

from wardfund.adapters.scheduler import (
    HELD_PAYOUTS_CRON,
    PAYOUT_CRON,
    PAYOUT_DEADLINE_CRON,
    PayoutSchedule,
)
from wardfund.event_sources import PAYOUT_TASKS_MAX_RECEIVES

ACCOUNT = "000000000000"
REGION = "eu-west-2"
MAX_RECEIVES = 10
PAYOUT_TASKS_VISIBILITY_SECONDS = 360  # 6 x the pay function's 60 s, as deployed
STREAM_VIEW = "NEW_AND_OLD_IMAGES"
SENDER_DOMAIN = "wardfund.example"
EMAIL_SETTINGS = {
    "SENDER_ADDRESS": f"donations@{SENDER_DOMAIN}",
    "REPLY_TO_ADDRESS": f"finance@{SENDER_DOMAIN}",
    "NATIONAL_FINANCE_EMAIL": f"finance@{SENDER_DOMAIN}",
    "ORGANISATION_NAME": "Common Ground",
    "CUSTOMER_PORTAL_URL": "https://billing.stripe.com/p/login/test_wardfund_local",
    "PAYMENT_FAILED_EMAILS": "true",
}
# Where Stripe's onboarding sends a treasurer back (`wardfund campaign connect`, issue 17)
CONNECT_SETTINGS = {
    "CONNECT_RETURN_URL": f"https://{SENDER_DOMAIN}/connect/done",
    "CONNECT_REFRESH_URL": f"https://{SENDER_DOMAIN}/connect/expired",
}


@dataclass(frozen=True)
class LocalResources:
    prefix: str
    table_name: str
    idempotency_table_name: str
    events_queue_url: str
    events_dlq_url: str
    notifications_dlq_url: str
    table_stream_arn: str
    ses_configuration_set: str
    bank_files_bucket: str
    webhook_secret_name: str
    api_key_secret_name: str
    webhook_secret: str
    payout_schedule_name: str
    payout_tasks_queue_url: str = ""
    payout_tasks_dlq_url: str = ""
    held_payouts_schedule_name: str = ""
    payout_deadline_schedule_name: str = ""
    connect_webhook_secret_name: str = ""
    connect_webhook_secret: str = ""

    def environment(self) -> dict[str, str]:
        return (
            {
                "TABLE_NAME": self.table_name,
                "IDEMPOTENCY_TABLE_NAME": self.idempotency_table_name,
                "EVENTS_QUEUE_URL": self.events_queue_url,
                "EVENTS_DLQ_URL": self.events_dlq_url,
                "BANK_FILES_BUCKET": self.bank_files_bucket,
                "PAYOUT_TASKS_QUEUE_URL": self.payout_tasks_queue_url,
                "STRIPE_WEBHOOK_SECRET_NAME": self.webhook_secret_name,
                "STRIPE_API_KEY_SECRET_NAME": self.api_key_secret_name,
                "STRIPE_CONNECT_WEBHOOK_SECRET_NAME": self.connect_webhook_secret_name,
                "SES_CONFIGURATION_SET": self.ses_configuration_set,
            }
            | EMAIL_SETTINGS
            | CONNECT_SETTINGS
        )


def _table(name: str, keys: list[tuple[str, str]], *, stream: bool = False) -> str:
    """Creates the table; returns its stream's ARN when `stream` (new and old images)."""
    extra: dict[str, Any] = {}
    if stream:
        extra["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": STREAM_VIEW}
    created = boto3.client("dynamodb").create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k, _ in keys],
        KeySchema=[{"AttributeName": k, "KeyType": kind} for k, kind in keys],  # type: ignore[typeddict-item]
        **extra,
    )
    return str(created["TableDescription"].get("LatestStreamArn", ""))


def _email_sending(configuration_set: str) -> None:
    """The sender's domain identity (moto accepts it verified) and the configuration set."""
    ses = boto3.client("sesv2")
    ses.create_email_identity(EmailIdentity=SENDER_DOMAIN)  # moto: again is fine, and verified
    ses.create_configuration_set(ConfigurationSetName=configuration_set)


def verify_sender(address: str) -> None:
    """SES sends only from a verified identity: the address's domain (moto verifies at once)."""
    boto3.client("sesv2").create_email_identity(EmailIdentity=address.rsplit("@", 1)[1])


def _queue_with_dlq(name: str, visibility_timeout: int) -> tuple[str, str]:
    sqs = boto3.client("sqs")
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVES})
    url = sqs.create_queue(
        QueueName=name,
        Attributes={"RedrivePolicy": policy, "VisibilityTimeout": str(visibility_timeout)},
    )["QueueUrl"]
    return url, dlq_url


def _fifo_queue_with_dlq(name: str, visibility_timeout: int, max_receives: int) -> tuple[str, str]:
    """A FIFO queue (as the payout tasks queue) and its FIFO dead-letter queue."""
    sqs = boto3.client("sqs")
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq.fifo", Attributes={"FifoQueue": "true"})[
        "QueueUrl"
    ]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receives})
    url = sqs.create_queue(
        QueueName=f"{name}.fifo",
        Attributes={
            "FifoQueue": "true",
            "RedrivePolicy": policy,
            "VisibilityTimeout": str(visibility_timeout),
        },
    )["QueueUrl"]
    return url, dlq_url


def _payout_schedules(prefix: str) -> tuple[str, str, str]:
    """The weekly run, the daily retry of held payouts and the run's deadline check, each
    targeting the payout function as the CDK app's schedules do."""
    boto3.client("sqs").create_queue(QueueName=f"{prefix}-schedule-dlq")
    names = (
        (f"{prefix}-weekly-payouts", PAYOUT_CRON, "run"),
        (f"{prefix}-daily-held-payouts", HELD_PAYOUTS_CRON, "held"),
        (f"{prefix}-payout-deadline", PAYOUT_DEADLINE_CRON, "deadline"),
    )
    for name, cron, kind in names:
        PayoutSchedule().ensure(
            name,
            target_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{prefix}-payouts",
            role_arn=f"arn:aws:iam::{ACCOUNT}:role/{prefix}-scheduler",
            dead_letter_arn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:{prefix}-schedule-dlq",
            cron=cron,
            kind=kind,
        )
    return names[0][0], names[1][0], names[2][0]


def provision(prefix: str, stripe_api_key: str) -> LocalResources:
    stream_arn = _table(f"{prefix}-ledger", [("PK", "HASH"), ("SK", "RANGE")], stream=True)
    _table(f"{prefix}-idempotency", [("id", "HASH")])
    events, events_dlq = _queue_with_dlq(f"{prefix}-stripe-events", visibility_timeout=30)
    notes_dlq = boto3.client("sqs").create_queue(QueueName=f"{prefix}-notifications-dlq")[
        "QueueUrl"
    ]
    _email_sending(f"{prefix}-email")
    bucket = f"{prefix}-bank-files"
    boto3.client("s3").create_bucket(
        Bucket=bucket,
        CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
    )
    webhook_secret = "whsec_" + secrets.token_hex(24)
    manager = boto3.client("secretsmanager")
    manager.create_secret(Name=f"{prefix}/stripe-webhook-secret", SecretString=webhook_secret)
    manager.create_secret(Name=f"{prefix}/stripe-api-key", SecretString=stripe_api_key)
    # the Connect endpoint's own signing secret: Stripe gives every endpoint its own
    connect_secret = "whsec_" + secrets.token_hex(24)
    manager.create_secret(
        Name=f"{prefix}/stripe-connect-webhook-secret", SecretString=connect_secret
    )
    schedule_name, held_name, deadline_name = _payout_schedules(prefix)
    tasks, tasks_dlq = _fifo_queue_with_dlq(
        f"{prefix}-payout-tasks", PAYOUT_TASKS_VISIBILITY_SECONDS, PAYOUT_TASKS_MAX_RECEIVES
    )
    return LocalResources(
        prefix=prefix,
        table_name=f"{prefix}-ledger",
        idempotency_table_name=f"{prefix}-idempotency",
        events_queue_url=events,
        events_dlq_url=events_dlq,
        notifications_dlq_url=notes_dlq,
        table_stream_arn=stream_arn,
        ses_configuration_set=f"{prefix}-email",
        bank_files_bucket=bucket,
        webhook_secret_name=f"{prefix}/stripe-webhook-secret",
        api_key_secret_name=f"{prefix}/stripe-api-key",
        webhook_secret=webhook_secret,
        payout_schedule_name=schedule_name,
        payout_tasks_queue_url=tasks,
        payout_tasks_dlq_url=tasks_dlq,
        held_payouts_schedule_name=held_name,
        payout_deadline_schedule_name=deadline_name,
        connect_webhook_secret_name=f"{prefix}/stripe-connect-webhook-secret",
        connect_webhook_secret=connect_secret,
    )
