"""A mailer that sends each request id at most once (Powertools idempotency on DynamoDB).

A send that raises leaves no record, so the retried stream record sends it then; a send
that succeeded is remembered for `REMEMBER_DAYS`, longer than a record can be retried
(24 h on the stream) or redriven from the dead-letter queue (14 days).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from wardfund.services.notification_ports import Mailer, OutgoingEmail

REMEMBER_DAYS = 15
# Powertools otherwise prefixes each key with AWS_LAMBDA_FUNCTION_NAME, which the CLI's
# `outbox resend` does not have (and a replaced function changes): one fixed prefix lets
# every sender of an email see that it was sent.
KEY_PREFIX = "wardfund-email"
config = IdempotencyConfig(
    event_key_jmespath="request_id",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=REMEMBER_DAYS * 24 * 3600,
)


class OnceOnlyMailer:
    def __init__(self, inner: Mailer, idempotency_table: str) -> None:
        persistence = DynamoDBPersistenceLayer(table_name=idempotency_table)

        @idempotent_function(  # type: ignore[untyped-decorator]
            data_keyword_argument="email",
            config=config,
            persistence_store=persistence,
            key_prefix=KEY_PREFIX,
        )
        def send_once(email: OutgoingEmail) -> dict[str, Any]:
            return {"message_id": inner.send(email)}

        self._send_once = send_once

    def send(self, email: OutgoingEmail) -> str:
        result: dict[str, Any] = self._send_once(email=email)
        return str(result["message_id"])
