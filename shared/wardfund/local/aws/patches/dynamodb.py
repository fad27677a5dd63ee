"""Three fixes to moto's DynamoDB, applied in the local moto process only.

1. moto deep-copies every table a transaction touches before it starts, to roll back on
   failure: each transaction costs time and memory in proportion to the whole table, so a
   scenario slows down quadratically (a 5,000-event burst grew moto past 20 GB). Here all
   conditions are checked first and nothing is written unless all hold, as DynamoDB does,
   so no copy is needed.
2. moto runs concurrent requests on threads with no isolation between transactions, so
   two racing transactions could both pass their conditions. A lock serialises them, as
   DynamoDB's own transaction isolation would.
3. moto answers a Query on the table's own key by scanning every item in the table for the
   partition key, so each campaign's query in a payout run cost time in proportion to all
   campaigns' ledgers together (0.2 s per query at 200 campaigns). Here it looks at the one
   partition only, as DynamoDB does; the results are the same items in the same order.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import Any

_LOCK = threading.RLock()


def _key(backend: Any, table_name: str, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    table = backend.get_table(table_name)
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    with _LOCK:
        seen: set[tuple[str, str]] = set()
        errors: list[tuple[str | None, str | None, Any]] = []
        planned: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = []
        for item in transact_items:
            if len(item) > 1:
                raise TransactWriteSingleOpException
            op_type, op = next(iter(item.items()))
            table_name = op["TableName"]
            key = _key(self, table_name, op_type, op)
            unique = (str(table_name), str(dict(sorted(key.items()))))
            if unique in seen:
                raise MultipleTransactionsException()
            seen.add(unique)
            planned.append((op_type, table_name, key, op))
            condition = op.get("ConditionExpression")
            if condition is None:
                errors.append((None, None, None))
                continue
            current = self.get_item(table_name, key)
            check = get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            )
            if check.expr(current):
                errors.append((None, None, None))
            else:
                old = (
                    current.to_json()["Attributes"]
                    if current and op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
                    else None
                )
                errors.append(("ConditionalCheckFailed", "The conditional request failed", old))
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)
        for op_type, table_name, key, op in planned:
            names, bound = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(
                    table_name,
                    op["Item"],
                    expression_attribute_names=names,
                    expression_attribute_values=bound,
                )
            elif op_type == "Update":
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    expression_attribute_names=names,
                    expression_attribute_values=bound,
                )
            elif op_type == "Delete":
                self.delete_item(
                    table_name,
                    key,
                    expression_attribute_names=names,
                    expression_attribute_values=bound,
                )


def _serialised(method: Any) -> Any:
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return method(self, *args, **kwargs)

    return locked


class _OnePartition:
    """The table as a Query on its own key sees it: only the items under one partition key."""

    def __init__(self, table: Any, hash_key: Any) -> None:
        self._table = table
        self._hash_key = hash_key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Any]:
        partition = self._table.items.get(self._hash_key)
        if partition is None:
            return []
        return list(partition.values()) if self._table.range_key_attr else [partition]


def _partition_query(query: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(query)

    def one_partition(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs).arguments
        hash_key = bound.get("hash_key")
        if bound.get("index_name") or hash_key is None:
            return query(self, *args, **kwargs)
        return query(_OnePartition(self, hash_key), *args, **kwargs)

    return one_partition


def apply() -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    Table.query = _partition_query(Table.query)  # type: ignore[method-assign]
    for name in ("put_item", "update_item", "delete_item"):
        setattr(DynamoDBBackend, name, _serialised(getattr(DynamoDBBackend, name)))
