"""A speed fix to moto's JSON responses, applied in the local moto process only.

moto writes every DynamoDB AttributeValue in a response through its general, model-driven
serializer, trying each of the ten members an AttributeValue may have, for every attribute
at every depth. A Query returning twenty ledger lines (each with a nested journal) took
about 0.2 s, nearly all of it there. An AttributeValue reaches the serializer already in
its wire shape (`{"S": ...}`, `{"M": {...}}`, binary as bytes), so here it is written out
directly: the same JSON, without the search.
"""

from __future__ import annotations

import base64
from typing import Any

ATTRIBUTE_VALUE = "AttributeValue"


def _binary(value: bytes | str) -> str:
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return base64.b64encode(raw).strip().decode("utf-8")


def wire_attribute_value(value: dict[str, Any]) -> dict[str, Any]:
    """`{type: value}` as DynamoDB's JSON protocol writes it."""
    ((kind, inner),) = value.items()
    if kind == "M":
        return {"M": {name: wire_attribute_value(member) for name, member in inner.items()}}
    if kind == "L":
        return {"L": [wire_attribute_value(member) for member in inner]}
    if kind == "B":
        return {"B": _binary(inner)}
    if kind == "BS":
        return {"BS": [_binary(member) for member in inner]}
    return {kind: inner}


def apply() -> None:
    from moto.core.serialize import BaseJSONSerializer

    general = BaseJSONSerializer._serialize_type_structure

    def structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if key and shape.name == ATTRIBUTE_VALUE and isinstance(value, dict) and len(value) == 1:
            serialized[self.get_serialized_name(shape, key)] = wire_attribute_value(value)
            return
        general(self, serialized, value, shape, key)

    BaseJSONSerializer._serialize_type_structure = structure  # type: ignore[method-assign]
