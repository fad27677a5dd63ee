"""Alarms: any message in a DLQ, any function error, events reconciliation could not apply, and
the application's own failure metrics (a webhook refused for its Stripe API version, a failed
record in either batch function, an event of a counted type not counted) -> one SNS topic
(optionally emailed; the alarms function turns DLQ alarms into alert emails).

The topic exists first (the alarms function subscribes to it); the stack then adds the alarms
with `watch_*` once every queue and function exists.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from wardfund.adapters.stripe_event_types import PINNED_API_VERSION
from wardfund.observability import (
    COUNTED_EVENT_IGNORED,
    EVENT_RECORD_FAILED,
    NOTIFICATION_RECORD_FAILED,
    WEBHOOK_API_VERSION_REFUSED,
)

# Powertools metrics the functions emit (namespace Wardfund, dimension service=wardfund), and
# what each alarm's description tells the operator.
APPLICATION_ALARMS = (
    (
        "WebhookApiVersionRefused",
        WEBHOOK_API_VERSION_REFUSED,
        "Stripe sent webhook events rendered in another API version than "
        f"{PINNED_API_VERSION}, and they were refused (Stripe retries them). Set the webhook "
        f"endpoint's API version to {PINNED_API_VERSION} (create an endpoint with it and "
        "remove the old one), then run `wardfund reconcile --since <the first refused day>`",
    ),
    (
        "EventRecordFailed",
        EVENT_RECORD_FAILED,
        "the Process function failed Stripe event records (set aside at once when "
        "unreadable, else retried); see its log for the event ids and error types",
    ),
    (
        "NotificationRecordFailed",
        NOTIFICATION_RECORD_FAILED,
        "the SendNotifications function failed stream records (emails not sent yet, retried); "
        "see its log for the item keys and error types",
    ),
    (
        "CountedEventIgnored",
        COUNTED_EVENT_IGNORED,
        "a Stripe event of a type wardfund counts was not counted (an alert email names it); "
        "look at it in Stripe",
    ),
)


class Monitoring(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self.topic = self._build_topic()
        self._action = cloudwatch_actions.SnsAction(self.topic)
        self.alarms: list[cloudwatch.Alarm] = []

    def watch(
        self,
        *,
        dead_letter_queues: Mapping[str, sqs.IQueue],
        functions: Mapping[str, lambda_.IFunction],
    ) -> None:
        for name, queue in dead_letter_queues.items():
            self.watch_dead_letter_queue(name, queue)
        for name, function in functions.items():
            self.watch_function_errors(name, function)

    def _build_topic(self) -> sns.Topic:
        topic = sns.Topic(
            self,
            "AlarmTopic",
            display_name=f"wardfund {self._config.stage} alarms",
            enforce_ssl=True,
        )
        if self._config.alert_email:
            topic.add_subscription(subscriptions.EmailSubscription(self._config.alert_email))
        return topic

    def watch_dead_letter_queue(self, name: str, queue: sqs.IQueue) -> cloudwatch.Alarm:
        visible = queue.metric_approximate_number_of_messages_visible(
            statistic=cloudwatch.Stats.MAXIMUM
        )
        return self.watch_metric(
            f"{name}DlqNotEmpty", visible, f"messages in the {name} dead-letter queue"
        )

    def watch_function_errors(self, name: str, function: lambda_.IFunction) -> cloudwatch.Alarm:
        errors = function.metric_errors(statistic=cloudwatch.Stats.SUM)
        return self.watch_metric(f"{name}Errors", errors, f"the {name} function reported errors")

    def watch_application_metrics(self) -> list[cloudwatch.Alarm]:
        return [
            self.watch_metric(construct_id, application_metric(name), what)
            for construct_id, name, what in APPLICATION_ALARMS
        ]

    def watch_metric(
        self, construct_id: str, metric: cloudwatch.Metric, what: str
    ) -> cloudwatch.Alarm:
        """Alarm (and notify the topic) when the metric reaches 1 in an alarm period;
        `what` says what happened, the description adds the stage."""
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            alarm_description=f"wardfund {self._config.stage}: {what}",
            metric=metric.with_(period=Duration.minutes(c.ALARM_PERIOD_MINUTES)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.alarms.append(alarm)
        return alarm


def application_metric(name: str) -> cloudwatch.Metric:
    """A Powertools metric of the functions: it carries the `service` dimension."""
    return cloudwatch.Metric(
        namespace=c.POWERTOOLS_METRICS_NAMESPACE,
        metric_name=name,
        dimensions_map={"service": c.POWERTOOLS_SERVICE_NAME},
        statistic=cloudwatch.Stats.SUM,
    )
