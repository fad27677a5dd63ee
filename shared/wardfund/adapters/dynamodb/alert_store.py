"""Alerts as items under PK `ALERT`: each is written once; its stream INSERT is the email."""

from __future__ import annotations

from botocore.exceptions import ClientError

from wardfund.adapters.dynamodb.table import ALERT_PK, Table
from wardfund.domain.calendar import utc_key
from wardfund.domain.notices import AlertRaised


class DynamoAlertStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    def raise_alert(self, alert: AlertRaised) -> bool:
        item = {
            "PK": ALERT_PK,
            "SK": alert.alert_id,
            "kind": str(alert.kind),
            "reason": alert.reason,
            "amount": alert.amount,
            "at": utc_key(alert.at),
        } | dict(alert.details)
        try:
            self.table.put(item, condition="attribute_not_exists(PK)")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True
