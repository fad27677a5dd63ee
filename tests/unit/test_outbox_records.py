"""The table's stream as an outbox: which records are changes that send email, and the
Lambda filter patterns (used in AWS and by the local stream worker) keep exactly those."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from wardfund.adapters.dynamodb.outbox_records import STREAM_FILTERS, change_from_record
from wardfund.adapters.dynamodb.records import payment_values, plan_values, run_report_values
from wardfund.adapters.dynamodb.table import to_item
from wardfund.domain.facts import Donor
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.notices import (
    AlertRaised,
    PaymentRecorded,
    PayoutCompleted,
    RenewalFailed,
    RunSummarised,
)
from wardfund.domain.payouts import PayoutMethod, PayoutPlan
from wardfund.domain.postings import Allocation, Payment, PaymentKind
from wardfund.domain.run_report import CampaignRunLine, RunReport
from wardfund.local.lambdas.stream_worker import matches

AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
RUN = datetime(2026, 6, 8, 5, tzinfo=UTC)
PLAN = PayoutPlan("leeds@run", "leeds", RUN, 7000, PayoutMethod.BANK_TRANSFER, ("LINE#a",))
PAYMENT = Payment("pi_1", "leeds", "Headingley", PaymentKind.ONE_OFF, 1000, "gbp", AT, "cus_1")
REPORT = RunReport(
    RUN, (CampaignRunLine("leeds", "Leeds", CampaignFigures(raised=1000), paid=800),)
)


def record(
    name: str, new: dict[str, Any] | None, old: dict[str, Any] | None = None
) -> dict[str, Any]:
    stream: dict[str, Any] = {
        "Keys": to_item({"PK": (new or old or {})["PK"], "SK": (new or old or {})["SK"]})
    }
    if new is not None:
        stream["NewImage"] = to_item(new)
    if old is not None:
        stream["OldImage"] = to_item(old)
    return {"eventName": name, "dynamodb": stream}


payment_item = {"PK": "PAYMENT#pi_1", "SK": "PAYMENT"} | payment_values(
    PAYMENT, Allocation(1000, local_share=800, national_share=200), Donor("cus_1", "d@x.example")
)
payout_item = {"PK": "CAMPAIGN#leeds", "SK": "PAYOUT#2026-06-08T05:00:00.000000Z"} | plan_values(
    PLAN
)
run_item = {"PK": "RUNS", "SK": "2026-06-08T05:00:00.000000Z"} | run_report_values(REPORT)
failed_run = run_report_values(
    RunReport(RUN, (CampaignRunLine("leeds", "Leeds", CampaignFigures(), failure="card declined"),))
)

CASES = [
    ("payment inserted", record("INSERT", payment_item), PaymentRecorded),
    ("payment rewritten", record("MODIFY", payment_item, payment_item), None),
    (
        "payment assigned out of suspense",
        record("INSERT", payment_item | {"SK": "ASSIGNED", "entry_id": "e1", "event_id": "x"}),
        PaymentRecorded,
    ),
    ("refund record", record("INSERT", {"PK": "PAYMENT#pi_1", "SK": "REFUND#re_1"}), None),
    (
        "payout paid",
        record(
            "MODIFY",
            payout_item | {"status": "awaiting_bank_transfer", "reference": "WF1"},
            payout_item | {"status": "pending"},
        ),
        PayoutCompleted,
    ),
    ("payout recorded", record("INSERT", payout_item | {"status": "pending"}), None),
    (
        "run entry of one campaign",
        record(
            "MODIFY",
            {"PK": "RUN#x", "SK": "leeds", "status": "paid"},
            {"PK": "RUN#x", "SK": "leeds", "status": "pending"},
        ),
        None,
    ),
    (
        "suspense alert",
        record(
            "INSERT",
            {
                "PK": "ALERT",
                "SK": "2026-06-03T17:30:00.000000Z#payment:pi_9",
                "kind": "suspense",
                "reason": "unknown_campaign",
                "amount": 700,
            },
        ),
        AlertRaised,
    ),
    (
        "renewal failed",
        record(
            "INSERT",
            {
                "PK": "CAMPAIGN#leeds",
                "SK": "DONOR#2026-06-03T17:30:00.000000Z#in_1#renewal_failed",
                "kind": "renewal_failed",
                "at": "2026-06-03T17:30:00.000000Z",
                "donor_email": "d@x.example",
                "donor_ref": "cus_1",
            },
        ),
        RenewalFailed,
    ),
    (
        "cancelled",
        record(
            "INSERT",
            {
                "PK": "CAMPAIGN#leeds",
                "SK": "DONOR#2026-06-03T17:30:00.000000Z#sub_1#cancelled",
                "kind": "cancelled",
                "at": "2026-06-03T17:30:00.000000Z",
            },
        ),
        None,
    ),
    ("run summary", record("INSERT", run_item), RunSummarised),
    ("run summary rewritten unchanged", record("MODIFY", run_item, run_item), None),
    (
        "run summary after a successful retry",
        record("MODIFY", run_item, {"PK": "RUNS", "SK": run_item["SK"]} | failed_run),
        RunSummarised,
    ),
    (
        "balance counters",
        record(
            "MODIFY",
            {"PK": "CAMPAIGN#leeds", "SK": "BALANCE", "raised": 1},
            {"PK": "CAMPAIGN#leeds", "SK": "BALANCE"},
        ),
        None,
    ),
]


@pytest.mark.parametrize(("what", "stream_record", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_record_is_the_change_it_reports(
    what: str, stream_record: dict[str, Any], expected: type | None
) -> None:
    change = change_from_record(
        stream_record["eventName"],
        stream_record["dynamodb"].get("NewImage"),
        stream_record["dynamodb"].get("OldImage"),
    )
    assert (type(change) if change else None) is expected


@pytest.mark.parametrize(("what", "stream_record", "expected"), CASES, ids=[c[0] for c in CASES])
def test_the_filter_patterns_keep_the_records_that_can_send_email(
    what: str, stream_record: dict[str, Any], expected: type | None
) -> None:
    kept = any(matches(pattern, stream_record) for pattern in STREAM_FILTERS)
    if expected is not None:
        assert kept  # never filter out a record that sends email
    elif what not in ("run summary rewritten unchanged",):
        assert not kept  # and the function is not invoked for the rest


def test_a_rewritten_run_summary_is_a_new_revision_only_when_its_outcome_changed() -> None:
    again = record("MODIFY", run_item, {"PK": "RUNS", "SK": run_item["SK"]} | failed_run)
    change = change_from_record(
        "MODIFY", again["dynamodb"]["NewImage"], again["dynamodb"]["OldImage"]
    )
    assert isinstance(change, RunSummarised)
    assert change.revision
    assert change.report.paid == 800
