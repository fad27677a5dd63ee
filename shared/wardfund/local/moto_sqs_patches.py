"""Two speed fixes to moto's SQS, applied in the local moto process only.

moto reads the clock through `datetime` arithmetic (several microseconds a call) and, on
every send and for every message it receives, rebuilds all of the queue's attributes,
counting visible, delayed and in-flight messages by scanning the whole queue. A send or
receive therefore costs time in proportion to the queue's depth: with 500 messages waiting,
one ReceiveMessage of 10 took about 0.2 s. Here the clock is `time.time()` and the
retention check reads the one attribute it needs, so each call is cheap at any depth, as
it is on SQS. What moto returns is unchanged.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any


def apply() -> None:
    from moto.sqs import models

    namespace = vars(models)
    exact_unix_time = namespace["unix_time"]

    def unix_time(dt: datetime | None = None) -> float:
        return time.time() if dt is None else float(exact_unix_time(dt))

    def unix_time_millis(dt: datetime | None = None) -> float:
        return unix_time(dt) * 1000.0

    def within_retention(self: Any, queue_name: str, message: Any) -> bool:
        retention_seconds = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention_seconds + message.sent_timestamp / 1000 > time.time())

    namespace.update(unix_time=unix_time, unix_time_millis=unix_time_millis)
    models.SQSBackend.is_message_valid_based_on_retention_period = within_retention  # type: ignore[method-assign]
