"""Campaigns' Stripe connected accounts on DynamoDB (issue 17, section 2).

What Stripe last said of a campaign's account is its own item beside the campaign's
settings, in the campaigns' partition (`PK=CAMPAIGN`, `SK=<campaign>#connect`), so:

- the payout run reads it in the same query as the campaigns (no extra read);
- it is not a setting: a settings change never overwrites it, and recording it never
  changes the settings' version (which postings check);
- it is written on condition that it is not older than what is recorded, so Stripe's
  events, which come in any order and sometimes twice, leave the newest.

The onboarding email is a notice in the alerts' partition (it rides their stream filter to
the notifications function, as `bank_details_changed` does), written in one transaction
with the campaign's audit entry.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from botocore.exceptions import ClientError

from wardfund.adapters.dynamodb.records import campaign_from
from wardfund.adapters.dynamodb.table import (
    ALERT_PK,
    CAMPAIGNS_PK,
    Item,
    Table,
    campaign_pk,
    from_item,
    to_item,
    values,
)
from wardfund.domain.calendar import parse_utc_key, utc_key
from wardfund.domain.campaign import Campaign
from wardfund.domain.connect import ConnectStatus
from wardfund.domain.notices import ConnectOnboarding, link_tag

CONNECT_SUFFIX = "#connect"
ONBOARDING_KIND = "connect_onboarding"  # the notice's kind (adapters/dynamodb/outbox_records)
NEWER = "attribute_not_exists(SK) OR account_id <> :a OR checked_at <= :t"


def connect_sk(campaign_id: str) -> str:
    return f"{campaign_id}{CONNECT_SUFFIX}"


def is_connect_item(item: Item) -> bool:
    return str(item.get("SK", "")).endswith(CONNECT_SUFFIX)


def connect_values(status: ConnectStatus) -> dict[str, Any]:
    return {
        "account_id": status.account_id,
        "transfers": status.transfers,
        "payouts_enabled": status.payouts_enabled,
        "details_submitted": status.details_submitted,
        "disabled_reason": status.disabled_reason,
        "currently_due": status.currently_due,
        "checked_at": utc_key(status.checked_at),
        "event_id": status.event_id,
    }


def connect_from(values: Item) -> ConnectStatus:
    return ConnectStatus(
        account_id=str(values["account_id"]),
        transfers=str(values["transfers"]),
        payouts_enabled=bool(values.get("payouts_enabled")),
        checked_at=parse_utc_key(values["checked_at"]),
        details_submitted=bool(values.get("details_submitted")),
        disabled_reason=values.get("disabled_reason"),
        currently_due=int(values.get("currently_due") or 0),
        event_id=values.get("event_id"),
    )


class DynamoConnectStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    def status(self, campaign_id: str) -> ConnectStatus | None:
        item = self.table.get(CAMPAIGNS_PK, connect_sk(campaign_id))
        return connect_from(item) if item else None

    def record(self, campaign_id: str, status: ConnectStatus) -> tuple[bool, ConnectStatus | None]:
        """Keeps `status` unless what is recorded is newer; returns whether it was kept and
        what was recorded before (to tell a change of what the account can do)."""
        item = {"PK": CAMPAIGNS_PK, "SK": connect_sk(campaign_id), "campaign_id": campaign_id}
        try:
            answer = self.table.client.put_item(
                TableName=self.table.name,
                Item=to_item(item | connect_values(status)),
                ConditionExpression=NEWER,
                ExpressionAttributeValues=values(
                    {":a": status.account_id, ":t": utc_key(status.checked_at)}
                ),
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            old = cast(dict[str, Any], error.response).get("Item")
            return False, connect_from(from_item(old)) if old else None
        old = answer.get("Attributes")
        return True, connect_from(from_item(old)) if old else None

    def account_of(self, campaign_id: str) -> str | None:
        """The connected account the campaign's settings name."""
        item = self.table.get(CAMPAIGNS_PK, campaign_id)
        found = item.get("connect_account_id") if item else None
        return str(found) if found else None

    def campaign_of_account(self, account_id: str) -> str | None:
        """The campaign paid through this account: by its settings, whoever set them."""
        for item in self.table.query(CAMPAIGNS_PK):
            if not is_connect_item(item) and item.get("connect_account_id") == account_id:
                return str(item["campaign_id"])
        return None

    def onboarding_sent(
        self,
        onboarding: ConnectOnboarding,
        *,
        principal: str | None,
        detail: str,
        audited_at: datetime | None = None,
    ) -> None:
        """The notice that emails the treasurers their onboarding link (its `at`: when
        Stripe made the link), and the campaign's audit entry (at `audited_at`, else the
        notice's `at`), in one transaction."""
        at = onboarding.at
        campaign_id = onboarding.campaign_id
        notice = {
            "PK": ALERT_PK,
            "SK": f"{utc_key(at)}#{ONBOARDING_KIND}#{campaign_id}#{link_tag(onboarding.link_url)}",
            "kind": ONBOARDING_KIND,
            "at": utc_key(at),
            "campaign_id": campaign_id,
            "account_id": onboarding.account_id,
            "link_url": onboarding.link_url,
            "link_expires_at": utc_key(onboarding.link_expires_at),
            "requested_by": onboarding.requested_by,
        }
        audit = self._audit(
            campaign_id,
            at=audited_at or at,
            by=onboarding.requested_by,
            principal=principal,
            detail=detail,
        )
        self.table.client.transact_write_items(
            TransactItems=cast(
                Any,
                [
                    {
                        "Put": {
                            "TableName": self.table.name,
                            "Item": to_item(notice),
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                    {"Put": {"TableName": self.table.name, "Item": to_item(audit)}},
                ],
            )
        )

    def audit(
        self, campaign_id: str, *, at: datetime, by: str, detail: str, principal: str | None = None
    ) -> None:
        self.table.put(self._audit(campaign_id, at=at, by=by, principal=principal, detail=detail))

    @staticmethod
    def _audit(
        campaign_id: str, *, at: datetime, by: str, principal: str | None, detail: str
    ) -> dict[str, Any]:
        """An entry of the campaign's audit trail (the shape of `DynamoAuditLog.record`)."""
        return {
            "PK": campaign_pk(campaign_id),
            "SK": f"AUDIT#T#{utc_key(at)}#{uuid.uuid4().hex[:8]}",
            "action": "stripe connect",
            "changed_by": by,
            "principal": principal,
            "change": detail,
            "at": utc_key(at),
        }


def campaigns_with_status(items: list[Item]) -> list[Campaign]:
    """The campaigns of one query of the campaigns' partition, each with its account's
    status (its `#connect` item) when there is one."""
    statuses = {
        str(item["campaign_id"]): connect_from(item) for item in items if is_connect_item(item)
    }
    campaigns = [campaign_from(item) for item in items if not is_connect_item(item)]
    return [replace(c, connect=statuses.get(c.campaign_id)) for c in campaigns]


__all__ = [
    "ONBOARDING_KIND",
    "DynamoConnectStore",
    "campaigns_with_status",
    "connect_from",
    "connect_sk",
    "connect_values",
    "is_connect_item",
]
