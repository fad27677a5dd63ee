"""The ledger's retry loop: a lost race (a failed guard, a transaction conflict, throttling)
is tried again after a full-jitter back-off, never at once; the back-off is injected, so
these tests do not sleep (issue 13, item 10)."""

from __future__ import annotations

from typing import Any

import pytest

from wardfund.domain.postings import PostingKind
from wardfund.services import ledger_attempts
from wardfund.services.ledger_attempts import (
    MAX_ATTEMPTS,
    Attempt,
    Backoff,
    Outcome,
    StillContended,
    with_retries,
)
from wardfund.services.ports import AlreadyRecorded, GuardFailed


class _Posting:
    suspense_delta = 0
    kind = PostingKind.PAYMENT


class _Write:
    posting = _Posting()


class _Store:
    """A ledger store whose first `failures` commits lose a race."""

    def __init__(self, failures: int, error: type[Exception] = GuardFailed) -> None:
        self.failures = failures
        self.error = error
        self.commits = 0

    def campaign(self, campaign_id: str, *, fresh: bool = False) -> None:
        return None

    def commit(self, write: Any) -> None:
        self.commits += 1
        if self.commits <= self.failures:
            raise self.error("lost a race")


class _Recorder:
    """An injected back-off: remembers the delays it was asked to wait, waits none."""

    def __init__(self, fraction: float = 1.0) -> None:
        self.slept: list[float] = []
        self.backoff = Backoff(
            base_seconds=0.1, cap_seconds=0.5, sleep=self.slept.append, random=lambda: fraction
        )


def _build(attempt: Attempt) -> Any:
    return _Write()


def test_a_lost_race_waits_before_the_next_try_and_never_before_the_first() -> None:
    store, waits = _Store(failures=3), _Recorder()
    outcome = with_retries(_build, store, "c-1", backoff=waits.backoff)  # type: ignore[arg-type]
    assert outcome is Outcome.POSTED
    assert store.commits == 4
    # Full jitter: each wait is random() x min(cap, base x 2^n), n the tries lost so far - 1
    assert waits.slept == [0.1, 0.2, 0.4]


def test_the_wait_is_capped_and_drawn_from_zero_up() -> None:
    backoff = Backoff(base_seconds=0.1, cap_seconds=0.5, sleep=lambda _: None, random=lambda: 1.0)
    assert [backoff.delay(n) for n in range(6)] == [0.1, 0.2, 0.4, 0.5, 0.5, 0.5]
    half = Backoff(base_seconds=0.1, cap_seconds=0.5, sleep=lambda _: None, random=lambda: 0.5)
    assert half.delay(2) == pytest.approx(0.2)


def test_every_try_lost_is_still_contended_after_waiting_between_each() -> None:
    store, waits = _Store(failures=MAX_ATTEMPTS), _Recorder(fraction=0.0)
    with pytest.raises(StillContended):
        with_retries(_build, store, "c-1", backoff=waits.backoff)  # type: ignore[arg-type]
    assert store.commits == MAX_ATTEMPTS
    assert len(waits.slept) == MAX_ATTEMPTS - 1  # between tries; none after the last


def test_a_duplicate_is_not_retried_and_waits_for_nothing() -> None:
    store, waits = _Store(failures=1, error=AlreadyRecorded), _Recorder()
    outcome = with_retries(_build, store, "c-1", backoff=waits.backoff)  # type: ignore[arg-type]
    assert outcome is Outcome.DUPLICATE
    assert waits.slept == []


def test_the_default_back_off_is_full_jitter_within_its_bounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(ledger_attempts.time, "sleep", slept.append)
    store = _Store(failures=MAX_ATTEMPTS - 1)
    assert with_retries(_build, store, "c-1") is Outcome.POSTED  # type: ignore[arg-type]
    default = ledger_attempts.DEFAULT_BACKOFF
    assert len(slept) == MAX_ATTEMPTS - 1
    for lost, wait in enumerate(slept):
        assert 0 <= wait <= min(default.cap_seconds, default.base_seconds * 2**lost)
    # and small enough that a batch of ten contended events stays well inside Process's 30 s
    worst = sum(min(default.cap_seconds, default.base_seconds * 2**n) for n in range(4))
    assert worst * 10 < 30


def test_attempts_after_a_lost_race_read_exactly() -> None:
    seen: list[bool] = []

    def build(attempt: Attempt) -> Any:
        seen.append(attempt.exact)
        return _Write()

    with_retries(build, _Store(failures=2), "c-1", backoff=_Recorder().backoff)  # type: ignore[arg-type]
    assert seen == [False, True, True]
