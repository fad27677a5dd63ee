"""The outbox read from the table itself: every stored item of a time window that the
stream turns into emails, as the `Change` the stream would have given.

Each item is handed to `change_from_record` as the stream record that wrote it (an INSERT,
or for a payout the MODIFY from `pending`), so there is one mapping from items to changes.
Only queries on known partitions: the campaigns' (and suspense's) ledger lines, payouts and
donor notes, and the `ALERT` and `RUNS` partitions.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.outbox_records import DONE, INSERT, MODIFY, change_from_record
from wardfund.adapters.dynamodb.table import (
    ALERT_PK,
    HIGH,
    RUNS_PK,
    SUSPENSE_PK,
    Item,
    Table,
    campaign_pk,
    payment_pk,
    to_item,
)
from wardfund.domain.calendar import utc_key
from wardfund.domain.notices import Change
from wardfund.domain.payouts import PayoutStatus
from wardfund.domain.postings import PostingKind


class DynamoOutboxBacklog:
    def __init__(self, table: Table) -> None:
        self.table = table

    def changes(self, start: datetime, end: datetime) -> list[Change]:
        """The changes of items stamped in [start, end): payments by their ledger line's
        settle time, payouts and run summaries by run time, alerts and failed renewals by
        the time they record."""
        found = (
            change_from_record(event, to_item(new), to_item(old) if old else None)
            for event, new, old in self._records(start, end - timedelta(microseconds=1))
        )
        return [change for change in found if change is not None]

    def _records(self, first: datetime, last: datetime) -> Iterator[tuple[str, Item, Item | None]]:
        partitions = [campaign_pk(c.campaign_id) for c in DynamoCampaignStore(self.table).all()]
        for pk in [*partitions, SUSPENSE_PK]:
            for payment in self._payments(pk, first, last):
                yield INSERT, payment, None
            for note in self._between(pk, "DONOR#", first, last):
                yield INSERT, note, None
        for pk in partitions:
            for payout in self._between(pk, "PAYOUT#", first, last):
                if payout.get("status") in DONE:
                    yield MODIFY, payout, payout | {"status": str(PayoutStatus.PENDING)}
        for alert in self._between(ALERT_PK, "", first, last):
            yield INSERT, alert, None
        # The first version of each summary: an "updated" summary (a retried run whose
        # outcome changed) lost in the same outage is not rebuilt, only the first one.
        for summary in self._between(RUNS_PK, "", first, last):
            yield INSERT, summary, None

    def _between(self, pk: str, prefix: str, first: datetime, last: datetime) -> Iterator[Item]:
        return self.table.query(pk, f"{prefix}{utc_key(first)}", f"{prefix}{utc_key(last)}{HIGH}")

    def _payments(self, pk: str, first: datetime, last: datetime) -> Iterator[Item]:
        for line in self._between(pk, "LINE#", first, last):
            if line.get("kind") == str(PostingKind.PAYMENT) and line.get("payment_id"):
                payment = self.table.get(payment_pk(line["payment_id"]), "PAYMENT")
                if payment is not None:
                    yield payment
