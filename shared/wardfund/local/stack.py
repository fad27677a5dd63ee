"""The embedded local stack: moto in server mode, the webhook endpoint, the queue worker,
the payout schedule, and the Stripe stand-in, all driving the real handler code."""

from __future__ import annotations

import importlib
import json
import os
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import stripe

from wardfund.adapters.dynamodb.outbox_records import STREAM_FILTERS
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.scheduler import PayoutSchedule
from wardfund.event_sources import PAYOUT_TASKS_MAX_CONCURRENCY
from wardfund.local.aws.moto_process import MotoProcess
from wardfund.local.aws.resources import REGION, LocalResources, provision, verify_sender
from wardfund.local.aws.sent_emails import SentEmail, count_sent_emails, read_sent_emails
from wardfund.local.lambdas.dead_letter_watch import DeadLetterWatch
from wardfund.local.lambdas.lambda_context import LocalLambdaContext
from wardfund.local.lambdas.payout_outcome import run_outcome
from wardfund.local.lambdas.payout_workers import DrainReport, PayoutWorkers
from wardfund.local.lambdas.queue_worker import QueueWorker
from wardfund.local.lambdas.runtime import (
    HANDLER_MODULES,
    apply_environment,
    handler_module,
    local_invoker,
    quiet_libraries,
)
from wardfund.local.lambdas.stream_worker import StreamWorker
from wardfund.local.lambdas.webhook_server import WebhookServer
from wardfund.local.stripe.standin.app import DEFAULT_AVAILABLE_PENCE, StripeStandIn
from wardfund.local.stripe.standin.connect import StandinConnect

STRIPE_API_KEY = "sk_test_wardfund_local"
POST_WORKERS = 4
PLANNER_TIMEOUT_SECONDS = 60  # the payout function's, as deployed (infra/constants.py)
BASE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "POWERTOOLS_SERVICE_NAME": "wardfund",
    "POWERTOOLS_METRICS_NAMESPACE": "Wardfund",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
    "POWERTOOLS_DEV": "false",
}


class LocalStack:
    def __init__(
        self,
        payout_frequency: str = "weekly",
        payout_concurrency: int = PAYOUT_TASKS_MAX_CONCURRENCY,
    ) -> None:
        self.payout_frequency = payout_frequency
        self.payout_concurrency = payout_concurrency
        self.payout_workers: PayoutWorkers | None = None
        self.moto: MotoProcess | None = None
        self.stripe = StripeStandIn(STRIPE_API_KEY)
        # connected accounts and their onboarding links (issue 17): `POST /v1/accounts`, ...
        self.connect = StandinConnect(base_url=lambda: self.stripe.url)
        self.stripe.routes.append(self.connect)
        self.webhooks: WebhookServer | None = None
        self.resources: LocalResources | None = None
        self.worker: QueueWorker | None = None
        self.stream: StreamWorker | None = None
        self.watch: DeadLetterWatch | None = None
        self.endpoint = ""
        self._emails_before = 0
        self._environment_before: dict[str, str] | None = None
        self._posters = ThreadPoolExecutor(POST_WORKERS, thread_name_prefix="stripe-webhooks")

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, prefix: str | None = None) -> LocalStack:
        quiet_libraries()
        self._environment_before = dict(os.environ)
        self.moto = MotoProcess().launch()
        self.endpoint = self.moto.endpoint
        self.stripe.start()
        os.environ.update(BASE_ENVIRONMENT)
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": self.endpoint,
                "STRIPE_API_BASE": self.stripe.url,
                "PAYOUT_FREQUENCY": self.payout_frequency,
            }
        )
        for name in HANDLER_MODULES.values():  # import while moto starts on the other core
            importlib.import_module(name)
        self.moto.wait_ready()
        self.provision(prefix)
        return self

    def provision(self, prefix: str | None = None) -> LocalResources:
        """Fresh tables, queues, bucket, secrets and schedule; handlers re-pointed at them."""
        self.resources = provision(prefix or f"wf-{uuid.uuid4().hex[:8]}", STRIPE_API_KEY)
        apply_environment(self.resources.environment())
        handlers = {name: local_invoker(handler_module(name)) for name in HANDLER_MODULES}
        self._payouts = handlers["payouts"]
        if self.webhooks:
            self.webhooks.stop()
        self.webhooks = WebhookServer(
            handlers["receive"], handlers["live"], handlers["connect"]
        ).start()
        apply_environment({"LIVE_PAGE_URL": self.webhooks.live_url})  # `wardfund kit` prints it
        self.worker = QueueWorker(self.resources.events_queue_url, handlers["process"])
        self.payout_workers = PayoutWorkers(
            self.resources.payout_tasks_queue_url, handlers["pay"], self.payout_concurrency
        )
        self.stripe.configure_transfers(latency_seconds=0.0, error_rate=0.0, error_status=500)
        self.stripe.set_available_balance(DEFAULT_AVAILABLE_PENCE)
        self.stream = StreamWorker(
            self.resources.table_stream_arn,
            handlers["notifications"],
            STREAM_FILTERS,
            self.resources.notifications_dlq_url,
        )
        self.watch = DeadLetterWatch(
            {
                url.rsplit("/", 1)[1]: url
                for url in (
                    self.resources.events_dlq_url,
                    self.resources.notifications_dlq_url,
                    self.resources.payout_tasks_dlq_url,
                )
            },
            handlers["alarms"],
        )
        self._emails_before = count_sent_emails(self.endpoint)
        return self.resources

    def stop(self) -> None:
        self._posters.shutdown(wait=False)
        if self.webhooks:
            self.webhooks.stop()
        self.stripe.stop()
        if self.moto:
            self.moto.stop()
        if self._environment_before is not None:
            # leave the process pointing where it pointed before (e.g. at another stack,
            # which re-imports the handlers when it next provisions)
            os.environ.clear()
            os.environ.update(self._environment_before)
            apply_environment({})
            self._environment_before = None

    @property
    def webhook_url(self) -> str:
        assert self.webhooks is not None
        return self.webhooks.url

    @property
    def live_url(self) -> str:
        """The live pages' base: `<live_url>/<campaign>/<ward key>[/<yyyy-mm-dd>]`."""
        assert self.webhooks is not None
        return self.webhooks.live_url

    def sign(self, payload: str) -> str:
        assert self.resources is not None
        return str(
            stripe.WebhookSignature.generate_signature_header(
                payload, self.resources.webhook_secret
            )
        )

    def post(
        self, body: bytes, signature: str | None, url: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if signature is not None:
            headers["Stripe-Signature"] = signature
        request = urllib.request.Request(  # noqa: S310 (our own loopback endpoint)
            url or self.webhook_url, data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    @property
    def connect_webhook_url(self) -> str:
        assert self.webhooks is not None
        return self.webhooks.connect_url

    def sign_connect(self, payload: str) -> str:
        """Signed as Stripe signs for the Connect endpoint: with that endpoint's own secret."""
        assert self.resources is not None
        return str(
            stripe.WebhookSignature.generate_signature_header(
                payload, self.resources.connect_webhook_secret
            )
        )

    def post_connect(self, body: bytes, signature: str | None) -> tuple[int, dict[str, Any]]:
        return self.post(body, signature, url=self.connect_webhook_url)

    def deliver_connect(self, events: Sequence[dict[str, Any]] | None = None) -> list[int]:
        """Sends connected-account events (by default those the stand-in made since last
        asked: `connect.onboard`, `connect.restrict`) to the Connect endpoint, signed with its
        secret, one at a time; returns the HTTP statuses."""
        sent = list(self.connect.take() if events is None else events)
        self.stripe.add_events(sent)
        statuses = []
        for event in sent:
            payload = json.dumps(event)
            statuses.append(self.post_connect(payload.encode(), self.sign_connect(payload))[0])
        return statuses

    def deliver(self, events: Sequence[dict[str, Any]]) -> list[int]:
        """Signs each event as Stripe would and POSTs it; returns the HTTP statuses.
        Stripe keeps every event it sends, so the stand-in lists them at /v1/events."""
        self.stripe.add_events(list(events))

        def send(event: dict[str, Any]) -> int:
            payload = json.dumps(event)
            return self.post(payload.encode(), self.sign(payload))[0]

        return list(self._posters.map(send, events))

    def drain(self) -> int:
        assert self.worker is not None
        return self.worker.drain()

    def drain_notifications(self) -> int:
        """Delivers the table's new stream records to the notifications function (as the
        stream's event source mapping would), then raises the dead-letter alarms (as
        CloudWatch would) and delivers the alerts they wrote; returns records delivered."""
        assert self.stream is not None
        assert self.watch is not None
        delivered = self.stream.drain()
        if self.watch.check():
            delivered += self.stream.drain()
        return delivered

    def sent_emails(self, after: int = 0) -> list[SentEmail]:
        """What SES on moto sent since this stack was last provisioned, oldest first,
        leaving out the first `after` of those."""
        return read_sent_emails(self.endpoint, since=self._emails_before + after)

    def use_national_settings(
        self, sender: str, finance_email: str, payment_failed_emails: bool
    ) -> None:
        """The national body's email settings, set as the deployment sets them: the sender's
        domain verified in SES, and the notification function's environment (the stage's
        context does this in the CDK app). Holds until the next `provision`."""
        verify_sender(sender)
        apply_environment(
            {
                "SENDER_ADDRESS": sender,
                "REPLY_TO_ADDRESS": finance_email,
                "NATIONAL_FINANCE_EMAIL": finance_email,
                "PAYMENT_FAILED_EMAILS": "true" if payment_failed_emails else "false",
            }
        )

    def fire_payout_schedule(self, at: datetime) -> dict[str, Any]:
        """Invokes the payout function exactly as the weekly EventBridge schedule would at
        `at` (it plans the run and queues one task per campaign), then lets the payout
        queue's workers pay every campaign (as the queue's event source mapping would, at
        `payout_concurrency`); returns what the run came to (local/payout_outcome.py)."""
        assert self.resources is not None
        return self._fire(self.resources.payout_schedule_name, at)

    def fire_held_payouts(self, at: datetime) -> dict[str, Any]:
        """The daily schedule that retries held payouts, fired at `at`, and its tasks paid."""
        assert self.resources is not None
        return self._fire(self.resources.held_payouts_schedule_name, at)

    def fire_payout_deadline(self, at: datetime) -> dict[str, Any]:
        """The deadline check the schedule makes PAYOUT_DEADLINE_HOURS after a run."""
        assert self.resources is not None
        schedule = PayoutSchedule().read(self.resources.payout_deadline_schedule_name)
        answer: dict[str, Any] = self._payouts(schedule.input_for(at), self._planner_context())
        return answer

    def plan_payouts(self, at: datetime) -> dict[str, Any]:
        """Only the weekly schedule's invocation (the run planned, its tasks queued)."""
        assert self.resources is not None
        schedule = PayoutSchedule().read(self.resources.payout_schedule_name)
        answer: dict[str, Any] = self._payouts(schedule.input_for(at), self._planner_context())
        return answer

    def drain_payouts(self) -> DrainReport:
        """Lets the payout queue's workers take every task there is (see PayoutWorkers)."""
        assert self.payout_workers is not None
        return self.payout_workers.drain()

    def payout_run(self, at: datetime, planned: dict[str, Any] | None = None) -> dict[str, Any]:
        """What the run at `at` has come to so far (read from the table)."""
        assert self.resources is not None
        return run_outcome(Table(self.resources.table_name), at, planned or {}, DrainReport())

    def set_payout_concurrency(self, concurrency: int) -> None:
        """How many campaigns the payout workers pay at once (the mapping's maximum)."""
        self.payout_concurrency = concurrency
        if self.payout_workers is not None:
            self.payout_workers.concurrency = concurrency

    def _planner_context(self) -> LocalLambdaContext:
        return LocalLambdaContext("wardfund-payouts", timeout_seconds=PLANNER_TIMEOUT_SECONDS)

    def _fire(self, schedule_name: str, at: datetime) -> dict[str, Any]:
        assert self.resources is not None
        schedule = PayoutSchedule().read(schedule_name)
        planned: dict[str, Any] = self._payouts(schedule.input_for(at), self._planner_context())
        drained = self.drain_payouts()
        return run_outcome(Table(self.resources.table_name), at, planned, drained)

    def dead_letters(self) -> int:
        """Messages in the events and payout tasks dead-letter queues."""
        assert self.worker is not None
        assert self.resources is not None
        return self.worker.depth(self.resources.events_dlq_url) + self.worker.depth(
            self.resources.payout_tasks_dlq_url
        )
