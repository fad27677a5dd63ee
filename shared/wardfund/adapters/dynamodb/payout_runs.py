"""A fanned-out payout run in the table, under the run's partition `RUN#<run time>`:

* `RUN`: the run's state (kind, campaigns expected, `remaining` to settle, the Stripe
  balance it saw), written once when the run is planned;
* `TASKS#0000`, ...: the planned units of work, so a run invoked again re-sends the same;
* `SETTLED#<campaign>`: what each campaign's unit of work came to (its report lines).

Fan-in exactly once: a campaign is settled by one transaction that puts its `SETTLED#` item
only if it is not there and takes one off `remaining` only while more than one is left.
The settling that finds one left is the last: it sets `remaining` to 0 and names itself
`finisher` in the same kind of transaction, so of two campaigns finishing together exactly
one is last, and a repeat delivery (its item is there) counts nothing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from botocore.exceptions import ClientError

from wardfund.adapters.dynamodb.table import Item, Table, key, run_pk, to_item, values
from wardfund.adapters.payout_task_records import (
    run_kind,
    settlement_from,
    settlement_values,
    task_from,
    task_values,
)
from wardfund.domain.calendar import parse_utc_key, utc_key
from wardfund.domain.payout_run import PayoutTask, RunState, Settled, Settlement

STATE_SK = "RUN"
TASKS_PREFIX = "TASKS#"
SETTLED_PREFIX = "SETTLED#"
TASKS_PER_ITEM = 200  # a campaign's values are ~0.4 KB: well inside DynamoDB's 400 KB item
BATCH_WRITE = 25  # BatchWriteItem's largest request
SETTLE_TRIES = 8  # the state item is every settling's: a conflicting transaction tries again


def _reasons(error: ClientError) -> list[str]:
    return [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]


def _state_from(item: Item) -> RunState:
    available = item.get("available")
    return RunState(
        run_at=parse_utc_key(item["run_at"]),
        kind=run_kind(item["kind"]),
        expected=int(item["expected"]),
        remaining=int(item["remaining"]),
        available=None if available is None else int(available),
        demand=int(item.get("demand", 0)),
        held_for_balance=int(item.get("held_for_balance", 0)),
        finisher=item.get("finisher"),
        finished=bool(item.get("finished", False)),
    )


class DynamoPayoutRuns:
    def __init__(self, table: Table) -> None:
        self.table = table

    def run(self, run_at: datetime) -> RunState | None:
        item = self.table.get(run_pk(run_at), STATE_SK)
        return _state_from(item) if item else None

    def start(self, state: RunState, tasks: Sequence[PayoutTask]) -> bool:
        """Records the plan, then the state (the commit point, written only if no run is
        there); False when the run had been started already (nothing is changed then)."""
        pk = run_pk(state.run_at)
        chunks = [
            {
                "PK": pk,
                "SK": f"{TASKS_PREFIX}{n:04d}",
                "tasks": [task_values(task) for task in tasks[at : at + TASKS_PER_ITEM]],
            }
            for n, at in enumerate(range(0, len(tasks), TASKS_PER_ITEM))
        ]
        for at in range(0, len(chunks), BATCH_WRITE):
            request: dict[str, Any] = {
                self.table.name: [
                    {"PutRequest": {"Item": to_item(chunk)}}
                    for chunk in chunks[at : at + BATCH_WRITE]
                ]
            }
            while request:
                answer = self.table.client.batch_write_item(RequestItems=request)
                request = dict(answer.get("UnprocessedItems") or {})
        item = {
            "PK": pk,
            "SK": STATE_SK,
            "run_at": utc_key(state.run_at),
            "kind": state.kind,
            "expected": state.expected,
            "remaining": state.remaining,
            "available": state.available,
            "demand": state.demand,
            "held_for_balance": state.held_for_balance,
            "finisher": state.finisher,
            "finished": state.finished,
            "planned_at": utc_key(datetime.now().astimezone()),
        }
        try:
            self.table.put(item, condition="attribute_not_exists(PK)")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def tasks(self, run_at: datetime) -> list[PayoutTask]:
        pk = run_pk(run_at)
        return [
            task_from(values)
            for item in self.table.query(pk, TASKS_PREFIX, TASKS_PREFIX + "~")
            for values in item.get("tasks", [])
        ]

    def settled_campaigns(self, run_at: datetime) -> set[str]:
        return {
            str(item["SK"]).removeprefix(SETTLED_PREFIX)
            for item in self.table.query(run_pk(run_at), SETTLED_PREFIX, SETTLED_PREFIX + "~")
        }

    def settlements(self, run_at: datetime) -> list[Settlement]:
        return [
            settlement_from(item)
            for item in self.table.query(run_pk(run_at), SETTLED_PREFIX, SETTLED_PREFIX + "~")
        ]

    def settle(self, run_at: datetime, settlement: Settlement) -> Settled:
        pk = run_pk(run_at)
        put = {
            "Put": {
                "TableName": self.table.name,
                "Item": to_item(
                    {"PK": pk, "SK": SETTLED_PREFIX + settlement.campaign_id}
                    | settlement_values(settlement)
                ),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }
        one_less = {
            "Update": {
                "TableName": self.table.name,
                "Key": key(pk, STATE_SK),
                "UpdateExpression": "ADD remaining :minus",
                "ConditionExpression": "remaining > :one",
                "ExpressionAttributeValues": values({":minus": -1, ":one": 1}),
            }
        }
        the_last = {
            "Update": {
                "TableName": self.table.name,
                "Key": key(pk, STATE_SK),
                "UpdateExpression": "SET remaining = :zero, finisher = :me",
                "ConditionExpression": "remaining = :one",
                "ExpressionAttributeValues": values(
                    {":zero": 0, ":one": 1, ":me": settlement.campaign_id}
                ),
            }
        }
        last = False
        for attempt in range(SETTLE_TRIES):
            try:
                self.table.client.transact_write_items(
                    TransactItems=cast(Any, [put, the_last if last else one_less])
                )
                return Settled.LAST if last else Settled.FIRST
            except ClientError as error:
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                reasons = _reasons(error)
                if reasons[:1] == ["ConditionalCheckFailed"]:
                    return Settled.AGAIN
                if reasons[1:2] == ["ConditionalCheckFailed"]:
                    last = not last  # one left (or, after a race, more than one again)
                    continue
                if attempt + 1 == SETTLE_TRIES:
                    raise
                time.sleep(0.02 * 2**attempt * (0.5 + random.random()))  # noqa: S311 (jitter)
        raise RuntimeError(f"campaign {settlement.campaign_id} could not settle its run")

    def finish(self, run_at: datetime) -> None:
        self.table.client.update_item(
            TableName=self.table.name,
            Key=key(run_pk(run_at), STATE_SK),
            UpdateExpression="SET finished = :yes, finished_at = :at",
            ExpressionAttributeValues=values(
                {":yes": True, ":at": utc_key(datetime.now().astimezone())}
            ),
        )
