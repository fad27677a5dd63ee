"""Fixtures shared by integration and e2e tests: one embedded stack per test session,
fresh resources (tables, queues, secrets, schedule) for each test that asks for them."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


@pytest.fixture(scope="session")
def local_stack_session() -> Iterator[object]:
    from wardfund.local.stack import LocalStack

    stack = LocalStack().start()
    yield stack
    stack.stop()


@pytest.fixture
def stack(local_stack_session: object) -> object:
    """The running stack, re-provisioned so each test starts from an empty ledger."""
    local_stack_session.provision()  # type: ignore[attr-defined]
    return local_stack_session
