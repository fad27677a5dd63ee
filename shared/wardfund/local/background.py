"""A local stack that outlives one command: `wardfund local up|down|status`.

`up` starts a detached process that runs the embedded stack (moto in its own child
process, the webhook endpoint, the Stripe stand-in and a queue worker that keeps draining
the event queue) and writes where everything is to `.wardfund/local.json`. Commands given
`--local` read that file and point the same code at it. `down` stops the process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STATE_ENV = "WARDFUND_LOCAL_STATE"
DEFAULT_STATE = Path(".wardfund") / "local.json"
PREFIX = "wf-local"
START_SECONDS = 60.0
STOP_SECONDS = 15.0
DRAIN_EVERY_SECONDS = 0.25


class LocalStackNotRunning(RuntimeError):
    """`--local` was asked for, but no background stack answers."""


@dataclass(frozen=True)
class LocalState:
    pid: int
    moto_pid: int | None
    aws_endpoint: str
    webhook_url: str
    webhook_secret: str
    stripe_api_base: str
    stripe_api_key: str
    started_at: str
    environment: dict[str, str] = field(default_factory=dict)
    control_url: str = ""  # local/control.py: Stripe activity, stories, payout runs
    control_token: str = ""

    def full_environment(self) -> dict[str, str]:
        from wardfund.local.stack import BASE_ENVIRONMENT

        return (
            dict(BASE_ENVIRONMENT)
            | {"AWS_ENDPOINT_URL": self.aws_endpoint, "STRIPE_API_BASE": self.stripe_api_base}
            | self.environment
        )


def state_path() -> Path:
    return Path(os.environ.get(STATE_ENV) or DEFAULT_STATE)


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_state(path: Path | None = None) -> LocalState:
    path = path or state_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise LocalStackNotRunning(
            f"no local stack is running ({path} not readable): start one with `wardfund local up`"
        ) from error
    state = LocalState(**raw)
    if not _alive(state.pid):
        raise LocalStackNotRunning(
            f"the local stack in {path} (pid {state.pid}) has stopped: run `wardfund local up`"
        )
    return state


def use_local(path: Path | None = None) -> LocalState:
    """Points this process (boto3, settings, Stripe) at the background stack."""
    from wardfund.local.lambdas.runtime import apply_environment

    state = read_state(path)
    os.environ.pop("AWS_PROFILE", None)
    apply_environment(state.full_environment())
    return state


def start_background(path: Path | None = None) -> LocalState:
    """Starts the detached stack, or returns the running one; waits until it answers."""
    path = path or state_path()
    with contextlib.suppress(LocalStackNotRunning):
        return read_state(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    log = (path.parent / "local.log").open("ab")
    process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-m", "wardfund.local.background", str(path.resolve())],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        start_new_session=True,
        cwd=Path.cwd(),
    )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the local stack exited at start (code {process.returncode}); "
                f"see {path.parent / 'local.log'}"
            )
        if path.exists():
            with contextlib.suppress(LocalStackNotRunning, TypeError):
                return read_state(path)
        time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"the local stack did not start in {START_SECONDS:.0f}s")


def stop_background(path: Path | None = None) -> bool:
    """Stops the background stack; False when none was running."""
    path = path or state_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    pids = [raw.get("pid"), raw.get("moto_pid")]
    was_running = _alive(pids[0])
    if was_running:
        os.kill(pids[0], signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        while _alive(pids[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
    for pid in pids:  # whatever did not stop by itself
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    path.unlink(missing_ok=True)
    return was_running


def _write_state(path: Path, state: LocalState) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(asdict(state), indent=2), encoding="utf-8")
    partial.replace(path)


def serve(path: Path) -> None:
    """Runs in the detached process until SIGTERM."""
    from wardfund.local.control import LocalControl
    from wardfund.local.stack import STRIPE_API_KEY, LocalStack

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    stack = LocalStack().start(prefix=PREFIX)
    assert stack.resources is not None
    assert stack.moto is not None
    control = LocalControl(stack).start()
    state = LocalState(
        pid=os.getpid(),
        moto_pid=stack.moto.pid,
        aws_endpoint=stack.endpoint,
        webhook_url=stack.webhook_url,
        webhook_secret=stack.resources.webhook_secret,
        stripe_api_base=stack.stripe.url,
        stripe_api_key=STRIPE_API_KEY,
        started_at=datetime.now(UTC).isoformat(),
        environment=stack.resources.environment(),
        control_url=control.url,
        control_token=control.token,
    )
    _write_state(path, state)
    try:
        while not stopping.wait(DRAIN_EVERY_SECONDS):
            try:
                control.tick()
            except Exception as error:  # a bad batch must not stop the stack
                print(f"queue worker: {type(error).__name__}: {error}", file=sys.stderr)
    finally:
        control.stop()
        stack.stop()
        with contextlib.suppress(OSError):
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()


class ControlRefused(RuntimeError):
    """The running stack refused the request (its message says why): exit code 2."""


def control(request: dict[str, Any], *, timeout: float = 900.0) -> dict[str, Any]:
    """Sends one request to the running stack's control endpoint (local/control.py) and
    returns its answer; raises LocalStackNotRunning or ControlRefused."""
    import urllib.error
    import urllib.request

    from wardfund.local.control import TOKEN_HEADER

    state = read_state()
    if not state.control_url:
        raise LocalStackNotRunning(
            "the running local stack is older than this command: restart it with "
            "`wardfund local down` then `wardfund local up`"
        )
    sent = urllib.request.Request(  # noqa: S310 (our own loopback endpoint)
        f"{state.control_url}/run",
        data=json.dumps(request).encode(),
        headers={"Content-Type": "application/json", TOKEN_HEADER: state.control_token},
        method="POST",
    )
    try:
        with urllib.request.urlopen(sent, timeout=timeout) as answer:  # noqa: S310 (loopback)
            found: dict[str, Any] = json.loads(answer.read())
            return found
    except urllib.error.HTTPError as error:
        body = json.loads(error.read() or b"{}")
        raise ControlRefused(str(body.get("error") or f"HTTP {error.code}")) from None
    except OSError as error:
        raise LocalStackNotRunning(
            f"the local stack did not answer ({error}): see {state_path().parent / 'local.log'}"
        ) from error


def status(path: Path | None = None) -> dict[str, Any] | None:
    with contextlib.suppress(LocalStackNotRunning):
        return asdict(read_state(path))
    return None


if __name__ == "__main__":  # pragma: no cover - the detached process
    serve(Path(sys.argv[1]))
