"""PayoutStore on DynamoDB: payout intent, journal entry and watermark in one transaction."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from botocore.exceptions import ClientError

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
from wardfund.adapters.dynamodb.records import (
    figures_from,
    journal_values,
    line_from,
    plan_from,
    plan_values,
    run_report_values,
)
from wardfund.adapters.dynamodb.table import (
    ALERT_PK,
    BALANCE_SK,
    HIGH,
    RUNS_PK,
    Item,
    Table,
    campaign_pk,
    from_item,
    key,
    lines_after,
    lines_until,
    payout_sk,
    run_pk,
    to_item,
    values,
)
from wardfund.domain.calendar import parse_utc_key, utc_key
from wardfund.domain.campaign import Campaign
from wardfund.domain.payouts import LedgerLine, PayoutPlan, PayoutStatus
from wardfund.domain.postings import Posting
from wardfund.domain.run_report import RunReport
from wardfund.services.ports import CampaignBalance, GuardFailed, PayoutRecord

MARK_TRIES = 4
BATCH_GET = 100  # BatchGetItem's largest request
COMPLETED_PREFIX = "COMPLETED#"


def completed_sk(campaign_id: str, earlier_run: datetime) -> str:
    """Under a run's partition: an earlier run's payout this run completed."""
    return f"{COMPLETED_PREFIX}{campaign_id}#{utc_key(earlier_run)}"


def balance_from(campaign_id: str, item: Item) -> CampaignBalance:
    """A campaign's balance item (figures, payout watermark, runs whose payout waits)."""
    through = item.get("settled_through")
    return CampaignBalance(
        campaign_id,
        figures_from(item),
        parse_utc_key(through) if through else None,
        tuple(sorted(parse_utc_key(run) for run in item.get("unpaid_runs", ()))),
    )


def _record_from(item: Item) -> PayoutRecord:
    """A payout item, or its copy under the run that completed it."""
    return PayoutRecord(plan_from(item), PayoutStatus(item["status"]), item.get("reference"))


class DynamoPayoutStore:
    def __init__(self, table: Table) -> None:
        self.table = table
        self._campaigns = DynamoCampaignStore(table)
        self._ledger = DynamoLedgerStore(table)

    def campaigns(self) -> Sequence[Campaign]:
        return self._campaigns.all()

    def balance(self, campaign_id: str) -> CampaignBalance:
        return self._ledger.balance(campaign_id)

    def balances(self, campaign_ids: Sequence[str]) -> dict[str, CampaignBalance]:
        """The balance items of these campaigns, a hundred keys a BatchGetItem (consistent)."""
        found: dict[str, CampaignBalance] = {
            cid: CampaignBalance(cid, figures_from({}), None) for cid in campaign_ids
        }
        wanted = sorted(set(campaign_ids))
        for start in range(0, len(wanted), BATCH_GET):
            keys = [key(campaign_pk(cid), BALANCE_SK) for cid in wanted[start : start + BATCH_GET]]
            request: dict[str, Any] = {self.table.name: {"Keys": keys, "ConsistentRead": True}}
            while request:
                answer = self.table.client.batch_get_item(RequestItems=request)
                for raw in answer.get("Responses", {}).get(self.table.name, []):
                    item = from_item(raw)
                    cid = str(item["PK"]).removeprefix("CAMPAIGN#")
                    found[cid] = balance_from(cid, item)
                request = dict(answer.get("UnprocessedKeys") or {})
        return found

    def payout(self, campaign_id: str, run_at: datetime) -> PayoutRecord | None:
        item = self.table.get(campaign_pk(campaign_id), payout_sk(run_at))
        if item is None:
            return None
        return _record_from(item)

    def unsettled_lines(
        self, campaign_id: str, settled_through: datetime | None, run_at: datetime
    ) -> Sequence[LedgerLine]:
        items = self.table.query(
            campaign_pk(campaign_id), lines_after(settled_through), lines_until(run_at)
        )
        return [line_from(item) for item in items]

    def record_payout(
        self, plan: PayoutPlan, posting: Posting, previous_settled_through: datetime | None
    ) -> None:
        payout = {
            "PK": campaign_pk(plan.campaign_id),
            "SK": payout_sk(plan.run_at),
            "status": str(PayoutStatus.PENDING),
            "entry_id": posting.entry.entry_id,
            "journal": journal_values(posting.entry),
            "figures": posting.figures.as_dict(),
        } | plan_values(plan)
        run_entry = {"PK": run_pk(plan.run_at), "SK": plan.campaign_id} | plan_values(plan)
        bound: dict[str, Any] = {
            ":paid": plan.amount,
            ":through": utc_key(plan.run_at),
            ":run": {utc_key(plan.run_at)},
        }
        if previous_settled_through is None:
            watermark_guard = "attribute_not_exists(settled_through)"
        else:
            watermark_guard = "settled_through = :prev"
            bound[":prev"] = utc_key(previous_settled_through)
        transaction = [
            {
                "Put": {
                    "TableName": self.table.name,
                    "Item": to_item(payout),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            {
                "Put": {
                    "TableName": self.table.name,
                    "Item": to_item(run_entry | {"status": "pending"}),
                }
            },
            {
                "Update": {
                    "TableName": self.table.name,
                    "Key": key(campaign_pk(plan.campaign_id), BALANCE_SK),
                    "UpdateExpression": (
                        "ADD paid_out :paid, unpaid_runs :run SET settled_through = :through"
                    ),
                    "ConditionExpression": watermark_guard,
                    "ExpressionAttributeValues": values(bound),
                }
            },
        ]
        try:
            self.table.client.transact_write_items(TransactItems=cast(Any, transaction))
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                raise GuardFailed(f"payout {plan.payout_id} raced another writer") from error
            raise

    def mark_payout(
        self,
        plan: PayoutPlan,
        status: PayoutStatus,
        reference: str,
        *,
        completed_in: datetime | None = None,
    ) -> None:
        """The payout's outcome, on the payout and its run's entry, and its run off the
        campaign's unpaid runs; a payout a later run completes is listed under that run too.
        The balance item is busy (every gift updates it), so a clash is tried again."""
        update = {
            "UpdateExpression": "SET #st = :st, #ref = :ref",
            "ExpressionAttributeNames": {"#st": "status", "#ref": "reference"},
            "ExpressionAttributeValues": values({":st": str(status), ":ref": reference}),
            "TableName": self.table.name,
        }
        transaction: list[dict[str, Any]] = [
            {
                "Update": update
                | {"Key": key(campaign_pk(plan.campaign_id), payout_sk(plan.run_at))}
            },
            {"Update": update | {"Key": key(run_pk(plan.run_at), plan.campaign_id)}},
            {
                "Update": {
                    "TableName": self.table.name,
                    "Key": key(campaign_pk(plan.campaign_id), BALANCE_SK),
                    "UpdateExpression": "DELETE unpaid_runs :run",
                    "ExpressionAttributeValues": values({":run": {utc_key(plan.run_at)}}),
                }
            },
        ]
        if completed_in is not None:
            completed = {
                "PK": run_pk(completed_in),
                "SK": completed_sk(plan.campaign_id, plan.run_at),
                "status": str(status),
                "reference": reference,
            } | plan_values(plan)
            transaction.append({"Put": {"TableName": self.table.name, "Item": to_item(completed)}})
        for attempt in range(MARK_TRIES):
            try:
                self.table.client.transact_write_items(TransactItems=cast(Any, transaction))
                return
            except ClientError as error:
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                if attempt + 1 == MARK_TRIES:
                    raise GuardFailed(f"payout {plan.payout_id}: outcome not saved") from error
                time.sleep(0.05 * 2**attempt)

    def completed_in(self, run_at: datetime) -> Sequence[PayoutRecord]:
        items = self.table.query(run_pk(run_at), COMPLETED_PREFIX, COMPLETED_PREFIX + HIGH)
        return [_record_from(item) for item in items]

    def record_run(self, report: RunReport) -> None:
        """The run's summary, then one alert per campaign that could not be paid, each
        written once whatever the retries (a payout held for Stripe's balance has no alert
        of its own: the run raises one for all of them)."""
        summary = {"PK": RUNS_PK, "SK": utc_key(report.run_at)} | run_report_values(report)
        try:
            self.table.put(summary, condition="attribute_not_exists(PK)")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
        for line in report.lines:
            if line.failure is None or line.held_for_balance:
                continue
            held = f"#{utc_key(line.resumed_from)}" if line.resumed_from else ""
            alert = {
                "PK": ALERT_PK,
                "SK": f"{utc_key(report.run_at)}#payout_failed#{line.campaign_id}{held}",
                "kind": "payout_failed",
                "reason": line.failure,
                "campaign_id": line.campaign_id,
                "campaign_name": line.name,
                "amount": line.carried if line.resumed_from else line.to_date.owed,
                "at": utc_key(report.run_at),
            }
            try:
                self.table.put(alert, condition="attribute_not_exists(PK)")
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
