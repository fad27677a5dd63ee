"""Points the real handlers at the embedded stack: environment, fresh caches, fresh modules."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from types import ModuleType

HANDLER_MODULES = {
    "receive": "functions.donations.receive",
    "process": "functions.donations.process",
    "payouts": "functions.payouts.run",
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

    from wardfund.settings import get_settings
    from wardfund.wiring import payouts, process, receive

    get_settings.cache_clear()
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    base.DEFAULT_PROVIDERS.clear()  # type: ignore[attr-defined]
    for module in (payouts, process, receive):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def handler_module(name: str) -> ModuleType:
    """Imports (or re-imports, so module-level clients see the new stack) a handler module."""
    module_name = HANDLER_MODULES[name]
    if module_name in sys.modules:
        return importlib.reload(sys.modules[module_name])
    return importlib.import_module(module_name)
