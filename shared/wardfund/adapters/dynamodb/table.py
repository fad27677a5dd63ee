"""The one DynamoDB table: its key layout, item (de)serialisation and the low-level client."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from wardfund.domain.calendar import just_after, utc_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

Item = dict[str, Any]
_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()
HIGH = "\uffff"

CAMPAIGNS_PK = "CAMPAIGN"
SUSPENSE_PK = "SUSPENSE"
BALANCE_SK = "BALANCE"
ALERT_PK = "ALERT"
RUNS_PK = "RUNS"  # one summary item per payout run, SK = the run's UTC key


def campaign_pk(campaign_id: str | None) -> str:
    return f"CAMPAIGN#{campaign_id}" if campaign_id else SUSPENSE_PK


def line_sk(settle_at: datetime, entry_id: str) -> str:
    return f"LINE#{utc_key(settle_at)}#{entry_id}"


def lines_after(settled_through: datetime | None) -> str:
    return "LINE#" if settled_through is None else f"LINE#{utc_key(just_after(settled_through))}"


def lines_until(run_at: datetime) -> str:
    return f"LINE#{utc_key(run_at)}#{HIGH}"


def payout_sk(run_at: datetime) -> str:
    return f"PAYOUT#{utc_key(run_at)}"


def run_pk(run_at: datetime) -> str:
    return f"RUN#{utc_key(run_at)}"


def payment_pk(payment_id: str) -> str:
    return f"PAYMENT#{payment_id}"


def invoice_pk(invoice_id: str) -> str:
    return f"INVOICE#{invoice_id}"


def event_pk(event_id: str) -> str:
    return f"EVENT#{event_id}"


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: _SERIALIZER.serialize(value) for name, value in values.items() if value is not None
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(inner) for inner in value]
    if isinstance(value, dict):
        return {name: _plain(inner) for name, inner in value.items()}
    return value


def from_item(item: Mapping[str, Any]) -> Item:
    return {name: _plain(_DESERIALIZER.deserialize(value)) for name, value in item.items()}


def values(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Expression attribute values, serialised."""
    return {name: _SERIALIZER.serialize(value) for name, value in mapping.items()}


class Table:
    """A thin holder of the client and table name; every store shares one per process."""

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.name = table_name
        self.client: DynamoDBClient = client or boto3.client("dynamodb")

    def get(self, pk: str, sk: str) -> Item | None:
        found = self.client.get_item(TableName=self.name, Key=key(pk, sk), ConsistentRead=True)
        item = found.get("Item")
        return from_item(item) if item else None

    def put(self, item: Mapping[str, Any], condition: str | None = None) -> None:
        kwargs: dict[str, Any] = {"TableName": self.name, "Item": to_item(item)}
        if condition:
            kwargs["ConditionExpression"] = condition
        self.client.put_item(**kwargs)

    def query(
        self, pk: str, sk_from: str | None = None, sk_to: str | None = None
    ) -> Iterator[Item]:
        expression = "PK = :pk"
        bound: dict[str, Any] = {":pk": pk}
        if sk_from is not None and sk_to is not None:
            expression += " AND SK BETWEEN :lo AND :hi"
            bound |= {":lo": sk_from, ":hi": sk_to}
        kwargs: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": expression,
            "ExpressionAttributeValues": values(bound),
            "ConsistentRead": True,
        }
        while True:
            page = self.client.query(**kwargs)
            yield from (from_item(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def scan(self) -> Iterator[Item]:
        kwargs: dict[str, Any] = {"TableName": self.name, "ConsistentRead": True}
        while True:
            page = self.client.scan(**kwargs)
            yield from (from_item(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
