"""Webhook abuse: whatever arrives at POST /stripe/webhook, the answer is a 4xx or a 200
that stores nothing, never a 5xx or an escaped exception."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import boto3
import stripe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wardfund.local.lambdas.lambda_context import LocalLambdaContext
from wardfund.local.lambdas.runtime import handler_module
from wardfund.local.lambdas.webhook_server import api_gateway_event

FUZZ_EXAMPLES = 10_000


def _queue_depth(stack: Any) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=stack.resources.events_queue_url,
        AttributeNames=["ApproximateNumberOfMessages"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def _invoke(stack: Any, body: bytes, headers: dict[str, str], encoded: bool = False) -> int:
    event = api_gateway_event("POST", "/stripe/webhook", headers, body)
    if encoded:
        event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    reply = handler_module("receive").handler(event, LocalLambdaContext("receive"))
    return int(reply["statusCode"])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def test_ten_thousand_fuzzed_bodies_get_4xx_and_store_nothing(stack: Any) -> None:
    # Given bodies that are random bytes, random JSON, event-shaped JSON with a bad
    # signature, and signed JSON of the wrong shape
    secret = stack.resources.webhook_secret
    seen: list[int] = []

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(
        kind=st.sampled_from(
            ["bytes", "json-unsigned", "json-signed", "old-signature", "no-header"]
        ),
        raw=st.binary(max_size=300),
        value=json_values,
        encoded=st.booleans(),
    )
    def attack(kind: str, raw: bytes, value: Any, encoded: bool) -> None:
        body = raw if kind == "bytes" else json.dumps(value).encode()
        headers: dict[str, str] = {}
        if kind == "json-signed":
            if isinstance(value, dict):
                value.pop("object", None)  # never a readable snapshot event
            body = json.dumps(value).encode()
            headers["Stripe-Signature"] = stripe.WebhookSignature.generate_signature_header(
                body.decode(), secret
            )
        elif kind == "old-signature":
            old = int(time.time()) - 3600
            headers["Stripe-Signature"] = stripe.WebhookSignature.generate_signature_header(
                body.decode("utf-8", "replace"), secret, timestamp=old
            )
        elif kind != "no-header":
            headers["Stripe-Signature"] = f"t={int(time.time())},v1={raw.hex()[:64]}"
        # When it is posted
        status = _invoke(stack, body, headers, encoded)
        seen.append(status)
        # Then it is refused, never a server error
        assert 400 <= status < 500, (kind, status)

    attack()
    assert len(seen) >= FUZZ_EXAMPLES
    # And nothing reached the queue or the ledger
    assert _queue_depth(stack) == 0
    assert boto3.client("dynamodb").scan(TableName=stack.resources.table_name)["Count"] == 0


def test_huge_body_is_refused(stack: Any) -> None:
    body = b"{" + b" " * (300 * 1024) + b"}"
    assert _invoke(stack, body, {"Stripe-Signature": "t=1,v1=00"}) == 413
    assert _queue_depth(stack) == 0


def test_invalid_utf8_signed_as_latin1_is_refused(stack: Any) -> None:
    body = b'{"id": "evt_\xff"}'
    header = stripe.WebhookSignature.generate_signature_header(
        body.decode("latin-1"), stack.resources.webhook_secret
    )
    assert _invoke(stack, body, {"Stripe-Signature": header}) == 400
    assert _queue_depth(stack) == 0
