"""Issue 13 items 1 and 2: the application's own failure metrics have alarms on the alarm
topic, watching exactly the names the functions emit (namespace, service dimension)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from wardfund.adapters.stripe_event_types import PINNED_API_VERSION
from wardfund.observability import (
    COUNTED_EVENT_IGNORED,
    EVENT_RECORD_FAILED,
    NOTIFICATION_RECORD_FAILED,
    WEBHOOK_API_VERSION_REFUSED,
)

if TYPE_CHECKING:
    from conftest import StageTemplates, Synthesis

REPO_ROOT = Path(__file__).resolve().parents[2]

WATCHED = {
    WEBHOOK_API_VERSION_REFUSED: "receive",
    EVENT_RECORD_FAILED: "process",
    NOTIFICATION_RECORD_FAILED: "send",
    COUNTED_EVENT_IGNORED: "process and reconcile",
}


def _alarms(stage: StageTemplates) -> dict[str, dict[str, Any]]:
    return {
        r["Properties"]["MetricName"]: r["Properties"]
        for r in stage.resources("stateless").values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
    }


def test_each_failure_metric_has_an_alarm_on_the_topic(synth: Synthesis) -> None:
    for stage in synth.stages:
        alarms = _alarms(stage)
        topic = stage.ref(stage.stateless.monitoring.topic)
        for name in WATCHED:
            alarm = alarms[name]
            assert alarm["Namespace"] == "Wardfund"
            assert alarm["Dimensions"] == [{"Name": "service", "Value": "wardfund"}]
            assert alarm["Statistic"] == "Sum"
            assert (alarm["Threshold"], alarm["EvaluationPeriods"]) == (1, 1)
            assert alarm["AlarmActions"] == [topic]


def test_the_version_alarm_tells_the_operator_what_to_set(dev: StageTemplates) -> None:
    description = _alarms(dev)[WEBHOOK_API_VERSION_REFUSED]["AlarmDescription"]
    assert PINNED_API_VERSION in description
    assert "wardfund reconcile" in description
    assert len(description) <= 1024  # CloudWatch's limit


def test_the_functions_emit_the_metrics_the_alarms_watch() -> None:
    sources = {
        "receive": (REPO_ROOT / "functions/donations/receive.py").read_text(),
        "process": (REPO_ROOT / "functions/donations/process.py").read_text(),
        "send": (REPO_ROOT / "functions/notifications/send.py").read_text(),
        "reconcile": (REPO_ROOT / "functions/reconcile/run.py").read_text(),
        "batch": (REPO_ROOT / "shared/wardfund/batch_failures.py").read_text(),
    }
    assert "WEBHOOK_API_VERSION_REFUSED" in sources["receive"]
    assert "failure_metric=NOTIFICATION_RECORD_FAILED" in sources["send"]
    assert "EVENT_RECORD_FAILED" in sources["process"]
    assert "COUNTED_EVENT_IGNORED" in sources["process"]
    assert "COUNTED_EVENT_IGNORED" in sources["reconcile"]
    assert "name=self.failure_metric" in sources["batch"]
