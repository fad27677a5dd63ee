"""Powertools' BatchProcessor, with every record failure logged and counted.

A record that fails is returned in `batchItemFailures` and the invocation succeeds, so
Lambda's `Errors` metric never sees it; left alone, the only signal would be a dead-letter
alarm after the queue's last retry. Powertools' documented hook for this is the processor's
`failure_handler` (Powertools docs, "Batch Processing" → "Extending BatchProcessor"): this
override logs one line per failed record, its ids and the error's type only, and adds one to
the function's failure metric, which a CloudWatch alarm watches.

The processor's own `logger=` option is not used: it logs the exception with its traceback,
and a pydantic error in the chain quotes the input it rejected, which can be a donor's name
or email address.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    ExceptionInfo,
    FailureResponse,
)

from wardfund.observability import logger, metrics

Describe = Callable[[Any], dict[str, str]]


class ReportingBatchProcessor(BatchProcessor):
    """`describe`: the ids of a record that are safe to log (never a name or an address).
    `expected`: errors that only mean "later" (an event waiting for another): not counted,
    their handler logs them itself."""

    def __init__(
        self,
        event_type: EventType,
        *,
        failure_metric: str,
        describe: Describe,
        expected: tuple[type[BaseException], ...] = (),
        raise_on_entire_batch_failure: bool = True,
    ) -> None:
        super().__init__(event_type, raise_on_entire_batch_failure=raise_on_entire_batch_failure)
        self.failure_metric = failure_metric
        self.describe = describe
        self.expected = expected

    def failure_handler(self, record: Any, exception: ExceptionInfo) -> FailureResponse:
        error = exception[1]
        if not isinstance(error, self.expected):
            ids = self._ids(record)
            logger.error("record failed", extra={"error_type": type(error).__name__, **ids})
            metrics.add_metric(name=self.failure_metric, unit=MetricUnit.Count, value=1)
        return super().failure_handler(record, exception)

    def _ids(self, record: Any) -> dict[str, str]:
        if record is None:  # Powertools could not even read the record
            return {}
        try:
            return self.describe(record)
        except Exception:  # a record that cannot be described still fails, and is counted
            return {}
