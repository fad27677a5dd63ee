"""The single-table ledger store and the Powertools idempotency table."""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig


class DataTables(Construct):
    """`table`: campaigns, ledger entries, balances, payouts (PK/SK, TTL `expires_at`), with a
    stream of new and old images: the outbox the notifications function reads.
    `idempotency_table`: Powertools idempotency records (id, TTL `expiration`)."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self.table = self._build_main_table()
        self.idempotency_table = self._build_idempotency_table()

    def _build_main_table(self) -> dynamodb.Table:
        return self._table(
            "Table",
            partition_key=c.TABLE_PARTITION_KEY,
            sort_key=c.TABLE_SORT_KEY,
            ttl_attribute=c.TABLE_TTL_ATTRIBUTE,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        )

    def _build_idempotency_table(self) -> dynamodb.Table:
        return self._table(
            "IdempotencyTable",
            partition_key=c.IDEMPOTENCY_PARTITION_KEY,
            sort_key=None,
            ttl_attribute=c.IDEMPOTENCY_TTL_ATTRIBUTE,
        )

    def _table(
        self,
        construct_id: str,
        *,
        partition_key: str,
        sort_key: str | None,
        ttl_attribute: str,
        stream: dynamodb.StreamViewType | None = None,
    ) -> dynamodb.Table:
        string = dynamodb.AttributeType.STRING
        return dynamodb.Table(
            self,
            construct_id,
            partition_key=dynamodb.Attribute(name=partition_key, type=string),
            sort_key=dynamodb.Attribute(name=sort_key, type=string) if sort_key else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=ttl_attribute,
            stream=stream,
            deletion_protection=self._config.is_prod,
            removal_policy=self._config.removal_policy,
        )
