"""Points the real handlers at the embedded stack: environment, fresh caches, fresh modules."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

HANDLER_MODULES = {
    "receive": "functions.donations.receive",
    "process": "functions.donations.process",
    "payouts": "functions.payouts.run",
    "pay": "functions.payouts.pay",
    "notifications": "functions.notifications.send",
    "alarms": "functions.notifications.alarms",
    "live": "functions.live.page",
    "connect": "functions.connect.webhook",
}
QUIET_LOGGERS = ("werkzeug", "botocore", "urllib3", "stripe")


def quiet_libraries() -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def apply_environment(values: dict[str, str]) -> None:
    os.environ.update(values)
    _forget_cached_clients()


def _forget_cached_clients() -> None:
    from aws_lambda_powertools.utilities import parameters
    from aws_lambda_powertools.utilities.parameters import base

    from wardfund.adapters.email_templates import environment
    from wardfund.settings import get_settings
    from wardfund.wiring import (
        alarms,
        connect,
        live,
        notifications,
        payouts,
        process,
        receive,
        reconcile,
        stripe_api,
    )

    get_settings.cache_clear()
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    base.DEFAULT_PROVIDERS.clear()  # type: ignore[attr-defined]
    environment.cache_clear()
    modules = (payouts, process, receive, notifications, alarms, reconcile, stripe_api, live)
    for module in (*modules, connect):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def handler_module(name: str) -> ModuleType:
    """Imports (or re-imports, so module-level clients see the new stack) a handler module."""
    module_name = HANDLER_MODULES[name]
    if module_name in sys.modules:
        return importlib.reload(sys.modules[module_name])
    return importlib.import_module(module_name)


Invoke = Callable[[dict[str, Any], Any], dict[str, Any]]


def local_invoker(module: ModuleType) -> Invoke:
    """Calls the module's handler as Lambda would, then drops the metrics it buffered.

    Locally metrics are disabled, and Powertools then keeps (never flushes) what was
    added, printing it once a metric reaches 100 values; a Lambda process starts clean.
    """
    from wardfund.observability import metrics

    handler: Invoke = module.handler

    def invoke(event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            return handler(event, context)
        finally:
            metrics.clear_metrics()

    return invoke
