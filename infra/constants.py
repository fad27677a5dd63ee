"""Names, sizes and limits of the wardfund infrastructure, in one place.

Nothing here touches CDK objects that need a scope; stacks and constructs read these values,
and so do `scripts/asset_sizes.py` and the infrastructure tests.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from wardfund.adapters import kms_bank_details
from wardfund.adapters.dynamodb.table import campaign_pk
from wardfund.adapters.stripe_keys import KeyPurpose, secret_name
from wardfund.event_sources import (
    EVENTS_QUEUE_BATCH_SIZE,
    EVENTS_QUEUE_MAX_CONCURRENCY,
    PAYOUT_TASK_ATTEMPTS,
    PAYOUT_TASK_RETRY_SECONDS,
    PAYOUT_TASKS_BATCH_SIZE,
    PAYOUT_TASKS_MAX_CONCURRENCY,
    PAYOUT_TASKS_MAX_RECEIVES,
    RECEIVE_RESERVED_CONCURRENCY,
    TABLE_STREAM_BATCH_SIZE,
    TABLE_STREAM_RETRY_ATTEMPTS,
)

# --- project layout --------------------------------------------------------------------------
REPO_ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = REPO_ROOT / "functions"
SHARED_PACKAGE_DIR = REPO_ROOT / "shared" / "wardfund"
BUILD_DIR = REPO_ROOT / ".build"

APP_NAME = "Wardfund"

# --- stages and context keys ------------------------------------------------------------------
STAGES = ("dev", "prod")
DEFAULT_STAGE = "dev"
PAYOUT_FREQUENCIES = ("weekly", "fortnightly")
DEFAULT_PAYOUT_FREQUENCY = "weekly"
DEFAULT_SENDER_DOMAIN = "wardfund.example"
SENDER_LOCAL_PART = "donations"
FINANCE_LOCAL_PART = "finance"
DEFAULT_PAYMENT_FAILED_EMAILS = False  # as shared/wardfund/settings.py
DEFAULT_PERMISSIBILITY_THRESHOLDS_PENCE = (5000, 50000)  # as shared/wardfund/settings.py

CTX_STAGE = "stage"
CTX_PAYOUT_FREQUENCY = "payout_frequency"
CTX_SENDER_DOMAIN = "sender_domain"
CTX_REPLY_TO_ADDRESS = "reply_to_address"
CTX_NATIONAL_FINANCE_EMAIL = "national_finance_email"
CTX_ALERT_EMAIL = "alert_email"
CTX_STRIPE_EVENT_DESTINATION = "stripe_event_destination"
CTX_STRIPE_EVENT_SOURCE_NAME = "stripe_event_source_name"
CTX_LOG_LEVEL = "log_level"
CTX_ORGANISATION_NAME = "organisation_name"
CTX_CUSTOMER_PORTAL_URL = "customer_portal_url"
CTX_PAYMENT_FAILED_EMAILS = "payment_failed_emails"
CTX_PERMISSIBILITY_THRESHOLDS_PENCE = "permissibility_thresholds_pence"
CTX_PAYOUT_CONCURRENCY = "payout_concurrency"
# The national account the run's bank files pay from (NATIONAL_BANK_*, BACS_SERVICE_USER_NUMBER
# of the payout functions; shared/wardfund/adapters/s3_bank_files.py national_account).
CTX_NATIONAL_BANK_ACCOUNT_NAME = "national_bank_account_name"
CTX_NATIONAL_BANK_SORT_CODE = "national_bank_sort_code"
CTX_NATIONAL_BANK_ACCOUNT_NUMBER = "national_bank_account_number"
CTX_BACS_SERVICE_USER_NUMBER = "bacs_service_user_number"
CTX_ACCOUNT = "account"
CTX_REGION = "region"

# --- Lambda runtime and packaging -------------------------------------------------------------
# One Python version for the runtime and for the wheels in the layer: pydantic-core and other
# binary wheels are built per CPython minor version, so the two must move together.
PYTHON_VERSION = "3.12"
PIP_PLATFORM = "aarch64-manylinux2014"  # matches Architecture.ARM_64
# Provided by the Lambda Python runtime; never ship them (aws-xray-sdk's botocore dep included).
RUNTIME_PROVIDED_PACKAGES = ("boto3", "botocore")
MAX_ZIPPED_FUNCTION_BYTES = 15 * 1024 * 1024  # our own budget: function zip + layer zip
MAX_UNZIPPED_FUNCTION_BYTES = 250 * 1024 * 1024  # Lambda's hard limit, function + layers

POWERTOOLS_SERVICE_NAME = "wardfund"
POWERTOOLS_METRICS_NAMESPACE = "Wardfund"
DEFAULT_LOG_LEVEL = "INFO"
WEBHOOK_TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class FunctionSpec:
    """One Lambda function: where its handler lives and how big it may be."""

    key: str  # construct id stem and asset folder name
    handler_file: str  # repo-relative path, copied into the asset at the same path
    description: str
    memory_mb: int
    timeout_seconds: int

    @property
    def handler(self) -> str:
        """The Lambda handler string: the handler file's module path, then `handler`."""
        return self.handler_file.removesuffix(".py").replace("/", ".") + ".handler"


RECEIVE = FunctionSpec(
    key="Receive",
    handler_file="functions/donations/receive.py",
    description="Stripe webhook: verify the signature, enqueue the event.",
    memory_mb=256,
    timeout_seconds=10,
)
PROCESS = FunctionSpec(
    key="Process",
    handler_file="functions/donations/process.py",
    description="SQS batch of Stripe events: attribute and post to the ledger.",
    memory_mb=512,
    timeout_seconds=30,
)
RUN_PAYOUTS = FunctionSpec(
    key="RunPayouts",
    handler_file="functions/payouts/run.py",
    description="Scheduled payout run: plan it (campaigns owed, Stripe balance) and queue one "
    "task per campaign; the daily retry of held payouts; the run's deadline check.",
    memory_mb=512,
    timeout_seconds=60,
)
PAY_CAMPAIGN = FunctionSpec(
    key="PayCampaign",
    handler_file="functions/payouts/pay.py",
    description="Payout task (SQS FIFO, one campaign): pay it by Stripe Connect transfer or "
    "bank-file row; the run's last campaign writes the bank-transfer CSV and the summary.",
    memory_mb=512,
    timeout_seconds=60,
)
SEND_NOTIFICATIONS = FunctionSpec(
    key="SendNotifications",
    handler_file="functions/notifications/send.py",
    description="DynamoDB stream of the table: render the emails each change makes due, send "
    "them through SES.",
    memory_mb=256,
    timeout_seconds=60,
)
RAISE_ALERTS = FunctionSpec(
    key="RaiseAlerts",
    handler_file="functions/notifications/alarms.py",
    description="Alarm topic (SNS): a dead-letter-queue alarm becomes an ALERT item, which "
    "SendNotifications emails.",
    memory_mb=256,
    timeout_seconds=30,
)
RECONCILE = FunctionSpec(
    key="Reconcile",
    handler_file="functions/reconcile/run.py",
    description="Weekly, before the payout run: apply the Stripe events the webhooks missed.",
    memory_mb=512,
    timeout_seconds=300,
)
LIVE_PAGE = FunctionSpec(
    key="LivePage",
    handler_file="functions/live/page.py",
    description="Public live page of a ward night and its figures (GET only): reads a night's "
    "counters, the campaign's public settings and its match used.",
    memory_mb=256,
    timeout_seconds=10,
)
# Issue 17: Stripe's Connect endpoint (account.updated of campaigns' connected accounts)
CONNECT_WEBHOOK = FunctionSpec(
    key="ConnectWebhook",
    handler_file="functions/connect/webhook.py",
    description="Stripe Connect webhook: verify with the Connect endpoint's own secret; record "
    "whether a campaign's connected account can receive transfers.",
    memory_mb=256,
    timeout_seconds=10,
)
FUNCTION_SPECS = (
    RECEIVE,
    PROCESS,
    RUN_PAYOUTS,
    PAY_CAMPAIGN,
    SEND_NOTIFICATIONS,
    RAISE_ALERTS,
    RECONCILE,
    LIVE_PAGE,
    CONNECT_WEBHOOK,
)

RUN_PAYOUTS_RESERVED_CONCURRENCY = 1  # plans a run: never two plans at once
# Campaigns paid at once: the payout tasks mapping's maximum concurrency and the pay
# function's reserved concurrency (context `payout_concurrency`; Lambda's mapping needs >= 2).
DEFAULT_PAYOUT_CONCURRENCY = PAYOUT_TASKS_MAX_CONCURRENCY
PAYOUT_CONCURRENCY_RANGE = (2, 50)
PAYOUT_TASKS_BATCH = PAYOUT_TASKS_BATCH_SIZE
PAYOUT_TASKS_RECEIVES = PAYOUT_TASKS_MAX_RECEIVES
PAYOUT_TASKS_ATTEMPTS = PAYOUT_TASK_ATTEMPTS  # then the payout is held (pay function)
PAYOUT_TASKS_RETRY_SECONDS = PAYOUT_TASK_RETRY_SECONDS
RECEIVE_CONCURRENCY = RECEIVE_RESERVED_CONCURRENCY  # shared/wardfund/event_sources.py


@dataclass(frozen=True)
class AsyncRetries:
    """Lambda's retries of a failed asynchronous invocation, before the event goes to the
    function's dead-letter queue."""

    attempts: int
    max_event_age_hours: int


RUN_PAYOUTS_ASYNC_RETRIES = AsyncRetries(attempts=2, max_event_age_hours=6)
# A retry later than the 06:00 payout run is pointless.
RECONCILE_ASYNC_RETRIES = AsyncRetries(attempts=2, max_event_age_hours=1)
RAISE_ALERTS_ASYNC_RETRIES = AsyncRetries(attempts=2, max_event_age_hours=6)

# --- IAM actions per function (resources are scoped in the constructs) ------------------------
# dynamodb:TransactWriteItems is not an IAM action: DynamoDB authorises each item of a
# transaction by its own action (Put -> PutItem, Update -> UpdateItem, ConditionCheck ->
# ConditionCheckItem, Delete -> DeleteItem).
# DynamoLedgerStore (process and reconcile): GetItem reads, PutItem for invoices and donor
# lifecycle notes, and one TransactWriteItems per posting (Put, Update, ConditionCheck).
LEDGER_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:ConditionCheckItem",
)
# The planner: campaigns and balances (Query, BatchGetItem), the run and its plan (PutItem,
# BatchWriteItem), a stuck run finished (PutItem, UpdateItem).
RUN_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
)
# The pay function: a campaign's balance, lines and payouts (GetItem, Query), the payout's
# transactions and the run's settling (Put, Update), the summary and alerts (PutItem).
PAY_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
)
SEND_TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query")
ALERT_TABLE_ACTIONS = ("dynamodb:PutItem",)  # DynamoAlertStore: one conditional put per alert
# What the Lambda event source mapping needs to read the table's stream (all on the stream ARN).
STREAM_READ_ACTIONS = (
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
)
IDEMPOTENCY_ACTIONS = (  # Powertools DynamoDBPersistenceLayer
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
)
SES_SEND_ACTIONS = ("ses:SendEmail", "ses:SendRawEmail")
# The operators' CLI role (infra/constructs/operator_access.py): every table call the commands
# make (reads, the ledger's scan for `report --all` and checks, puts, updates and transactions
# of Put/Update/ConditionCheck items); DeleteItem only in a campaign's partition
# (CAMPAIGN_PARTITIONS, below).
OPERATOR_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:ConditionCheckItem",
)
OPERATOR_SESSION_HOURS = 1
# The operators' role may delete only in a campaign's partition: `campaign bank reject` deletes
# the change waiting (BANK#PENDING) and `approve` deletes it in its transaction. IAM cannot
# name a sort key, so the partition (dynamodb:LeadingKeys) is as narrow as it goes.
CAMPAIGN_PARTITIONS = campaign_pk("*")  # CAMPAIGN#*

# --- campaign bank details: the KMS key (shared/wardfund/adapters/kms_bank_details.py) --------
# Each campaign's details are sealed with Encrypt under this context ({wardfund:campaign,
# wardfund:purpose}); the grants below hold callers to the purpose.
BANK_DETAILS_PURPOSE = kms_bank_details.PURPOSE  # bank-details
BANK_DETAILS_PURPOSE_CONDITION = f"kms:EncryptionContext:{kms_bank_details.PURPOSE_KEY}"
# The run's two payment files are SSE-KMS under the same key: S3 asks KMS for a data key
# (PutObject: GenerateDataKey; GetObject: Decrypt) with the object's ARN as the context.
S3_OBJECT_CONTEXT_CONDITION = "kms:EncryptionContext:aws:s3:arn"
BANK_DETAILS_KEY_PENDING_DAYS = 30  # a dev key removed with its stack: KMS waits this long
# The national finance role (infra/constructs/finance_access.py): `campaign bank show`,
# `export` (reads, and one audit item per campaign) and `files` (list and read bank files).
FINANCE_TABLE_READ_ACTIONS = ("dynamodb:GetItem", "dynamodb:Query")
FINANCE_SESSION_HOURS = 1
# Key prefixes in the bank-files bucket (shared/wardfund/adapters/s3_bank_files.py and
# services/launch_invoices.py write under them).
BANK_TRANSFERS_PREFIX = "bank-transfers"
LAUNCH_INVOICES_PREFIX = "launch-invoices"

# --- queues -----------------------------------------------------------------------------------
VISIBILITY_TIMEOUT_FACTOR = 6  # AWS guidance: >= 6x the consumer's timeout
MAX_RECEIVE_COUNT = 10  # with the process back-off, ~8 h for a late dependency
QUEUE_RETENTION_DAYS = 4
DLQ_RETENTION_DAYS = 14
SQS_BATCH_SIZE = EVENTS_QUEUE_BATCH_SIZE  # shared with the local queue worker
SQS_MAX_BATCHING_WINDOW_SECONDS = 5
SQS_MAX_CONCURRENCY = EVENTS_QUEUE_MAX_CONCURRENCY  # process functions the mapping runs at once

# --- table stream -> notifications ------------------------------------------------------------
# Each record makes a few emails due (one SES call each, plus idempotency reads and writes);
# 25 records fit well inside the send function's 60 s. A failing record is retried from itself
# (ReportBatchItemFailures), a failing batch is split (bisect), and after the retries a note of
# the records given up on goes to the on-failure queue (the notifications DLQ).
STREAM_BATCH_SIZE = TABLE_STREAM_BATCH_SIZE  # these two are shared with the local stream worker
STREAM_RETRY_ATTEMPTS = TABLE_STREAM_RETRY_ATTEMPTS
STREAM_MAX_RECORD_AGE_HOURS = 24  # the stream keeps records for 24 h anyway
MAX_STREAM_FILTERS = 5  # Lambda's default quota of filters per event source mapping

# --- HTTP API ---------------------------------------------------------------------------------
WEBHOOK_PATH = "/stripe/webhook"
# Stripe's Connect endpoint: its own URL and signing secret (functions/connect/webhook.py)
CONNECT_WEBHOOK_PATH = "/stripe/connect-webhook"
CONNECT_WEBHOOK_CONCURRENCY = 2  # account.updated is rare; Stripe retries a 429 or 5xx
# What it may do to the table: read a campaign's settings and its account's status, list the
# campaigns (to find an account typed in by hand), put the status item and an audit entry.
CONNECT_WEBHOOK_TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem")
CONNECT_WEBHOOK_UNAVAILABLE_METRIC = "ConnectWebhookAnswered503"
OUTPUT_CONNECT_WEBHOOK_URL = "ConnectWebhookUrl"  # registered in Stripe as a Connect endpoint
API_THROTTLE_RATE_LIMIT = 50  # steady requests per second
API_THROTTLE_BURST_LIMIT = 100


# --- weekly schedules -------------------------------------------------------------------------
@dataclass(frozen=True)
class WeeklySchedule:
    """When an EventBridge Scheduler schedule fires each week, and how long Scheduler keeps
    retrying an invocation it could not make."""

    weekday: str  # MON, TUE, ...
    hour: str
    minute: str
    time_zone: str
    retry_attempts: int
    max_event_age_hours: int


PAYOUT_SCHEDULE = WeeklySchedule(
    weekday="MON",
    hour="6",
    minute="0",
    time_zone="Europe/London",
    retry_attempts=3,
    max_event_age_hours=2,
)
# Every other day at the run's time: the daily retry of payouts held (Stripe's balance short,
# or every attempt failed).
HELD_PAYOUTS_SCHEDULE = replace(PAYOUT_SCHEDULE, weekday="TUE-SUN")
# PAYOUT_DEADLINE_HOURS after the run: is it finished?
PAYOUT_DEADLINE_SCHEDULE = replace(PAYOUT_SCHEDULE, hour="8")
PAYOUT_RUN_LATE_METRIC = "PayoutRunLate"  # functions/payouts/run.py (Powertools metric)
# An hour before the payout run; an invocation later than the run is pointless.
RECONCILE_SCHEDULE = replace(PAYOUT_SCHEDULE, hour="5", max_event_age_hours=1)

# --- Stripe Event Destination (optional EventBridge path) -------------------------------------
STRIPE_PARTNER_SOURCE_PREFIX = "aws.partner/stripe.com"
STRIPE_EVENT_DELIVERY_RETRY_ATTEMPTS = 10
STRIPE_EVENT_DELIVERY_MAX_EVENT_AGE_HOURS = 24

# --- data -------------------------------------------------------------------------------------
TABLE_PARTITION_KEY = "PK"
TABLE_SORT_KEY = "SK"
TABLE_TTL_ATTRIBUTE = "expires_at"
IDEMPOTENCY_PARTITION_KEY = "id"
IDEMPOTENCY_TTL_ATTRIBUTE = "expiration"
BANK_FILES_NONCURRENT_EXPIRY_DAYS = 90
BANK_FILES_INFREQUENT_ACCESS_DAYS = 90
BANK_FILES_GLACIER_DAYS = 365
ACCESS_LOGS_EXPIRY_DAYS = 365
ABORT_INCOMPLETE_UPLOAD_DAYS = 7

# --- logs and alarms --------------------------------------------------------------------------
LOG_RETENTION = {"dev": "TWO_WEEKS", "prod": "ONE_YEAR"}  # aws_logs.RetentionDays names
ALARM_PERIOD_MINUTES = 5
NOT_RECONCILED_METRIC = "EventsNotReconciled"  # functions/reconcile/run.py (Powertools metric)
# functions/donations/receive.py counts each answer `WebhookAnswered<status>`: a 503 is the
# events queue or the webhook signing secret failing (Stripe sends the event again).
WEBHOOK_UNAVAILABLE_METRIC = "WebhookAnswered503"

# --- stack outputs (read by shared/wardfund/cli/target.py: STACK_OUTPUTS) -------------------
OUTPUT_TABLE_NAME = "TableName"
OUTPUT_IDEMPOTENCY_TABLE_NAME = "IdempotencyTableName"
OUTPUT_BANK_FILES_BUCKET = "BankFilesBucket"
OUTPUT_STRIPE_OPERATOR_KEY_SECRET_NAME = "StripeOperatorKeySecretName"  # noqa: S105 - a name
OUTPUT_STRIPE_WEBHOOK_SECRET_NAME = "StripeWebhookSecretName"  # noqa: S105 - a name
OUTPUT_EVENTS_QUEUE_URL = "EventsQueueUrl"
OUTPUT_WEBHOOK_URL = "WebhookUrl"
OUTPUT_LIVE_PAGE_URL = "LivePageUrl"  # the live pages' base, for `wardfund kit`
OUTPUT_OPERATOR_ROLE_ARN = "OperatorRoleArn"  # operators assume it to run the CLI on the stage
# the bank-details key's alias: the CLI's BANK_DETAILS_KEY_ID (`campaign bank set` seals with it)
OUTPUT_BANK_DETAILS_KEY_ALIAS = "BankDetailsKeyAlias"
# national finance assume it to export bank details and save the run's bank files
OUTPUT_NATIONAL_FINANCE_ROLE_ARN = "NationalFinanceRoleArn"


def stack_name(stage: str, kind: str) -> str:
    """`Wardfund-dev-Stateful`, `Wardfund-prod-Stateless`, ..."""
    return f"{APP_NAME}-{stage}-{kind}"


def resource_prefix(stage: str) -> str:
    """Lower-case prefix for physical names: `wardfund-dev`."""
    return f"{APP_NAME.lower()}-{stage}"


def webhook_secret_name(stage: str) -> str:
    return f"{APP_NAME.lower()}/{stage}/stripe/webhook-signing-secret"


def connect_webhook_secret_name(stage: str) -> str:
    """The Connect endpoint's own signing secret (Stripe gives each endpoint its own)."""
    return f"{APP_NAME.lower()}/{stage}/stripe/connect-webhook-signing-secret"


def stripe_key_secret_name(stage: str, purpose: KeyPurpose) -> str:
    """One restricted Stripe key per purpose (wardfund.adapters.stripe_keys), each in its own
    secret: `wardfund/prod/stripe/payouts-key`, `.../reconcile-key`, `.../operator-key`."""
    return secret_name(stage, purpose)


def bank_files_bucket_name(stage: str, account: str, region: str) -> str:
    """Fixed name (account and region make it globally unique), so the stateless stack can
    address the bucket, and IAM can scope to its objects, without a cross-stack reference."""
    return f"{resource_prefix(stage)}-bank-files-{account}-{region}"


def operator_role_name(stage: str) -> str:
    """`wardfund-prod-operator`: a fixed name, so an operator's AWS profile can name it."""
    return f"{resource_prefix(stage)}-operator"


def national_finance_role_name(stage: str) -> str:
    """`wardfund-prod-national-finance`: the one role that can read whole bank details."""
    return f"{resource_prefix(stage)}-national-finance"


def bank_details_key_alias(stage: str) -> str:
    """`alias/wardfund-prod-bank-details` (the local stack's is `alias/wardfund-local-...`)."""
    return f"alias/{resource_prefix(stage)}-bank-details"


def payout_schedule_name(stage: str) -> str:
    return f"{resource_prefix(stage)}-weekly-payout-run"


def held_payouts_schedule_name(stage: str) -> str:
    return f"{resource_prefix(stage)}-daily-held-payouts"


def payout_deadline_schedule_name(stage: str) -> str:
    return f"{resource_prefix(stage)}-payout-run-deadline"


def reconcile_schedule_name(stage: str) -> str:
    return f"{resource_prefix(stage)}-weekly-reconcile"


def configuration_set_name(stage: str) -> str:
    return f"{resource_prefix(stage)}-email"
