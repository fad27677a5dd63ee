"""Campaign settings on DynamoDB, versioned so postings can check they used the latest."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, cast

from botocore.exceptions import ClientError

from wardfund.adapters.dynamodb.connect_store import DynamoConnectStore, campaigns_with_status
from wardfund.adapters.dynamodb.records import FIGURE_NAMES, campaign_from, campaign_values
from wardfund.adapters.dynamodb.table import (
    BALANCE_SK,
    CAMPAIGNS_PK,
    Table,
    campaign_pk,
    key,
    to_item,
    values,
)
from wardfund.domain.calendar import utc_key
from wardfund.domain.campaign import Campaign
from wardfund.domain.errors import InvalidCampaign
from wardfund.services.ports import GuardFailed

LAUNCH_INVOICES_COMMITTED = "launch_invoices_committed"  # approved + paid, on the BALANCE item
_MATCH = f"#f{FIGURE_NAMES.index('match')}"
CAPS_HOLD = (
    f"(attribute_not_exists({_MATCH}) OR {_MATCH} <= :mcap)"
    " AND (attribute_not_exists(#li) OR #li <= :icap)"
)


class DynamoCampaignStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    def get(self, campaign_id: str) -> Campaign | None:
        """The campaign's settings, and what Stripe last said of its connected account."""
        item = self.table.get(CAMPAIGNS_PK, campaign_id)
        if not item:
            return None
        campaign = campaign_from(item)
        if campaign.connect_account_id:
            campaign = replace(campaign, connect=DynamoConnectStore(self.table).status(campaign_id))
        return campaign

    def all(self) -> list[Campaign]:
        """Every campaign, each with its connected account's status: one query."""
        return campaigns_with_status(list(self.table.query(CAMPAIGNS_PK)))

    def save(
        self, campaign: Campaign, *, changed_by: str, change: str, at: datetime | None = None
    ) -> Campaign:
        """Writes the settings as version+1 only if nobody saved since `campaign.version`,
        and only if neither cap falls below what the campaign has already been given."""
        saved = Campaign(**{**campaign.__dict__, "version": campaign.version + 1})
        at = at or datetime.now(UTC)
        config = {"PK": CAMPAIGNS_PK, "SK": campaign.campaign_id, "version": saved.version}
        condition = "attribute_not_exists(PK)" if campaign.version == 0 else "version = :v"
        put: dict[str, Any] = {
            "TableName": self.table.name,
            "Item": to_item(config | campaign_values(saved)),
            "ConditionExpression": condition,
        }
        if campaign.version:
            put["ExpressionAttributeValues"] = values({":v": campaign.version})
        zeros = {f"#f{i}": name for i, name in enumerate(FIGURE_NAMES)}
        audit = {
            "PK": campaign_pk(campaign.campaign_id),
            "SK": f"AUDIT#{saved.version:08d}",
            "changed_by": changed_by,
            "change": change,
            "at": utc_key(at),
            "settings": campaign_values(saved),
        }
        names = zeros | {"#li": LAUNCH_INVOICES_COMMITTED}
        caps = {":mcap": saved.match_cap_pence, ":icap": saved.launch_invoice_cap_pence}
        try:
            self.table.client.transact_write_items(
                TransactItems=cast(
                    Any,
                    [
                        {"Put": put},
                        {
                            "Update": {
                                "TableName": self.table.name,
                                "Key": key(campaign_pk(campaign.campaign_id), BALANCE_SK),
                                "UpdateExpression": "SET "
                                + ", ".join(f"{n} = if_not_exists({n}, :zero)" for n in zeros),
                                "ConditionExpression": CAPS_HOLD,
                                "ExpressionAttributeNames": names,
                                "ExpressionAttributeValues": values({":zero": 0} | caps),
                            }
                        },
                        {"Put": {"TableName": self.table.name, "Item": to_item(audit)}},
                    ],
                )
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            if reasons[1:2] == ["ConditionalCheckFailed"]:
                raise InvalidCampaign(
                    f"campaign {campaign.campaign_id}: a cap cannot go below what is already "
                    "matched or committed to launch-event invoices"
                ) from error
            raise GuardFailed(
                f"campaign {campaign.campaign_id} was changed by someone else; read it again"
            ) from error
        return saved
