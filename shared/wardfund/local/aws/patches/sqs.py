"""Speed fixes to moto's SQS, applied in the local moto process only.

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
from collections.abc import Iterator, Mapping
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
    _lazy_queue_attributes(models.Queue)


class _LazyAttributes(Mapping[str, Any]):
    """A queue's attributes, built in full (counting the queue's messages) only when more
    than ContentBasedDeduplication is read."""

    def __init__(self, queue: Any, build: Any) -> None:
        self._queue = queue
        self._build = build
        self._all: dict[str, Any] | None = None

    def _full(self) -> dict[str, Any]:
        if self._all is None:
            self._all = self._build(self._queue)
        return self._all

    def get(self, key: str, default: Any = None) -> Any:
        if key == "ContentBasedDeduplication" and self._queue.fifo_queue:
            value = self._queue.content_based_deduplication
            return str(value).lower() if isinstance(value, bool) else value
        return self._full().get(key, default)

    def __getitem__(self, key: str) -> Any:
        return self._full()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._full())

    def __len__(self) -> int:
        return len(self._full())


def _lazy_queue_attributes(queue_class: Any) -> None:
    """Every message sent to a FIFO queue reads its ContentBasedDeduplication three times
    through `Queue.attributes`, which counts the queue's visible, delayed and in-flight
    messages each time: sending n tasks cost n² (a 5,000-campaign payout run took minutes
    to queue). The attribute is read from the queue itself; the others as moto builds them."""
    build = queue_class.attributes.fget
    queue_class.attributes = property(lambda queue: _LazyAttributes(queue, build))
