"""SNS (the CloudWatch alarm topic) → an alert item for each dead-letter queue alarm.

The alert item's stream record is emailed to national finance by the notifications
function, like the suspense and payout-failure alerts the ledger and payout run write.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.parser.models import SnsModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from wardfund.adapters.cloudwatch_alarms import dead_letter_alarm
from wardfund.observability import logger, metrics
from wardfund.services.raise_alert import raise_dead_letter_alert
from wardfund.tracing import tracer
from wardfund.wiring.alarms import alert_store


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
@event_parser(model=SnsModel)
def handler(event: SnsModel, context: LambdaContext) -> dict[str, Any]:
    raised = []
    for record in event.Records:
        alarm = dead_letter_alarm(record.Sns.Message)
        if alarm is None:
            continue
        alert = raise_dead_letter_alert(alarm, alert_store())
        logger.warning("dead letters alert raised", queue=alarm.queue, alert_id=alert.alert_id)
        metrics.add_metric(name="DeadLetterAlert", unit=MetricUnit.Count, value=1)
        raised.append(alert.alert_id)
    return {"alerts": raised}
