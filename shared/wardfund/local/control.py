"""The background local stack's control endpoint: Stripe activity, stories and payout runs
played into the running stack (issue 14, section 1).

`wardfund local up` runs the embedded stack in a detached process; this module gives that
process what Stripe's CLI (`stripe trigger`) and SAM (`sam local invoke`) give theirs:

- `give`, `pledge`, `renew`, `refund`, `dispute`: one `StripeWorld` (kept for the stack's
  life, so a donor's later renewal or refund finds their subscription and payments) makes
  the events Stripe would send; they are signed and POSTed to the local webhook endpoint,
  queued, processed and their emails sent, exactly as the scenario player sends them;
- `simulate`: a scenario file played into the running stack (its campaigns registered,
  its steps played; nothing is reset first);
- `payout_run`: the payout function invoked as the weekly schedule would at a given time,
  and the payout queue's workers pay each campaign.

Requests are JSON over HTTP on 127.0.0.1, with the token the state file keeps (only whoever
can read `.wardfund/local.json` can drive the stack). One request runs at a time, and the
queue worker's background drain waits for it, so a command's answer is the stack's state
after everything it caused. `POST /v1/refunds` on the Stripe stand-in is answered by the
same world (`local/stripe/standin/refunds.py`); the refund events it makes are delivered on the
background loop's next tick, a moment after Stripe's answer, as Stripe's are.
"""

from __future__ import annotations

import hmac
import json
import secrets
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.records import holding_from, payment_from
from wardfund.adapters.dynamodb.suspense_items import suspense_item_sk
from wardfund.adapters.dynamodb.table import SUSPENSE_PK, Table, payment_pk
from wardfund.domain.calendar import LONDON
from wardfund.domain.errors import WardfundError
from wardfund.domain.postings import held
from wardfund.local.scenario.file import ScenarioError, load_scenario
from wardfund.local.scenario.player import ScenarioPlayer
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.standin.refunds import WorldRefunds
from wardfund.local.stripe.world import Donor, StripeWorld

JSON = dict[str, Any]
TOKEN_HEADER = "X-Wardfund-Token"  # noqa: S105 - a header name, not a secret
USAGE = 2


class ControlError(Exception):
    """A request the stack refuses (an unknown donor, a refund of more than is left...):
    answered with its message and exit code 2; nothing was sent."""


def _now() -> datetime:
    return datetime.now(UTC)


def _parse_at(value: Any) -> datetime:
    if value in (None, ""):
        return _now()
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        raise ControlError(f"not a time: {value!r}") from None
    return at if at.tzinfo else at.replace(tzinfo=LONDON)


def _object(events: list[JSON], kind: str) -> JSON | None:
    for event in events:
        if event["type"] == kind:
            found: JSON = event["data"]["object"]
            return found
    return None


def payment_of(events: list[JSON]) -> str | None:
    """The `pi_` id of the payment a story's events count, if they count one."""
    paid = _object(events, "invoice_payment.paid")
    if paid is not None:
        return str(paid["payment"]["payment_intent"])
    session = _object(events, "checkout.session.completed")
    if session is not None and session.get("payment_intent"):
        return str(session["payment_intent"])
    return None


class LocalControl:
    def __init__(self, stack: LocalStack, clock: Callable[[], datetime] = _now) -> None:
        self.stack = stack
        self.world = StripeWorld()
        self.refunds = WorldRefunds(self.world, clock)
        stack.stripe.routes.append(self.refunds)
        self.lock = threading.Lock()
        self.token = secrets.token_urlsafe(24)
        self._server: ThreadingHTTPServer | None = None
        self._donors = 0
        self._stories = 0

    # ------------------------------------------------------------------ serving
    def start(self) -> LocalControl:
        control = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                given = self.headers.get(TOKEN_HEADER, "")
                if not hmac.compare_digest(given, control.token):
                    self._reply(403, {"error": "wrong or missing token"})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    request = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    self._reply(400, {"error": "not JSON"})
                    return
                status, answer = control.handle(request)
                self._reply(status, answer)

            def _reply(self, status: int, body: JSON) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def tick(self) -> None:
        """The background loop's turn: refund events Stripe now sends, then the queue."""
        with self.lock:
            pending = self.refunds.take()
            if pending:
                self._send(pending)
            self.stack.drain()

    # ------------------------------------------------------------------ requests
    def handle(self, request: JSON) -> tuple[int, JSON]:
        action = str(request.get("action", ""))
        handler = self._actions().get(action)
        if handler is None:
            return 400, {"error": f"unknown action {action!r}", "exit_code": USAGE}
        with self.lock:
            try:
                return 200, handler(request)
            except (ControlError, ScenarioError, WardfundError, ValueError) as error:
                return 400, {"error": str(error), "exit_code": USAGE}

    def _actions(self) -> dict[str, Callable[[JSON], JSON]]:
        return {
            "give": self._give,
            "pledge": self._pledge,
            "renew": self._renew,
            "refund": self._refund,
            "dispute": self._dispute,
            "simulate": self._simulate,
            "payout_run": self._payout_run,
        }

    def _table(self) -> Table:
        assert self.stack.resources is not None
        return Table(self.stack.resources.table_name)

    def _donor(self, request: JSON) -> Donor:
        donor_id = request.get("donor")
        if not donor_id:
            self._donors += 1
            donor_id = f"donor-{self._donors}"
            while self.world.donor(donor_id) is not None:
                self._donors += 1
                donor_id = f"donor-{self._donors}"
        known = self.world.donor(donor_id)
        name, email = request.get("name"), request.get("email")
        if known is not None and not name and not email:
            return known
        return Donor(
            donor_id,
            email or (known.email if known else f"{donor_id}@donors.example"),
            name or (known.name if known else donor_id),
        )

    def _send(self, events: list[JSON]) -> None:
        statuses = self.stack.deliver(events)
        refused = [status for status in statuses if status != 200]
        if refused:
            raise ControlError(f"the webhook endpoint refused {len(refused)} event(s): {refused}")
        self.stack.drain()
        self._emails()

    def _emails(self) -> None:
        """The emails the change made due (the stream's work); a failure is logged, and the
        money stays as it is (on AWS the stream would try the records again)."""
        try:
            self.stack.drain_notifications()
        except Exception as error:
            print(f"notifications: {type(error).__name__}: {error}", file=sys.stderr)

    def _counted(self, payment_id: str | None) -> JSON:
        """What the ledger made of a payment: its parts now, or where it waits."""
        if payment_id is None:
            return {}
        table = self._table()
        item = table.get(payment_pk(payment_id), "PAYMENT")
        if item is None:
            return {"payment_id": payment_id, "counted": False}
        payment, allocation, donor = payment_from(item)
        holding = holding_from(item)
        now = held(allocation, holding) if holding else allocation
        answer: JSON = {
            "payment_id": payment_id,
            "counted": True,
            "campaign": payment.campaign_id,
            "ward": payment.ward,
            "kind": str(payment.kind),
            "gross_pence": payment.gross,
            "currency": payment.currency,
            "donor_ref": donor.donor_ref,
            "held_pence": now.amount,
            "local_share_pence": now.local_share,
            "national_share_pence": now.national_share,
            "match_pence": now.match,
            "suspense_pence": now.suspense,
        }
        if allocation.suspense:
            kept = table.get(SUSPENSE_PK, suspense_item_sk(payment_id)) or {}
            answer["suspense_reason"] = kept.get("needed") or kept.get("reason")
        return answer

    def _give(self, request: JSON) -> JSON:
        return self._through_payment_link("give", self.world.give_once, request)

    def _pledge(self, request: JSON) -> JSON:
        return self._through_payment_link("pledge", self.world.pledge, request)

    def _through_payment_link(
        self,
        action: str,
        story: Callable[[datetime, Donor, str, str, int, str], list[JSON]],
        request: JSON,
    ) -> JSON:
        """A donor pays through the campaign's Payment Link (`give_once` or `pledge`)."""
        donor = self._donor(request)
        events = story(
            _parse_at(request.get("at")),
            donor,
            str(request["campaign"]),
            str(request.get("ward") or ""),
            int(request["amount_pence"]),
            str(request.get("currency") or "gbp"),
        )
        self._send(events)
        return {"action": action, "donor": donor.donor_id} | self._counted(payment_of(events))

    def _renew(self, request: JSON) -> JSON:
        donor_id = str(request["donor"])
        events = self.world.renew(_parse_at(request.get("at")), donor_id)
        self._send(events)
        return {"action": "renew", "donor": donor_id} | self._counted(payment_of(events))

    def _which(self, request: JSON) -> tuple[str, int, str]:
        donor_id = str(request["donor"])
        number = request.get("payment")
        if number is None:  # the donor's latest payment
            found = 0
            while True:
                try:
                    self.world.payment_intent_of(donor_id, found + 1)
                except ValueError:
                    break
                found += 1
            if found == 0:
                raise ControlError(f"donor {donor_id} has no payment yet")
            number = found
        number = int(number)
        return donor_id, number, self.world.payment_intent_of(donor_id, number)

    def _refund(self, request: JSON) -> JSON:
        donor_id, number, payment_id = self._which(request)
        amount = request.get("amount_pence")
        events = self.world.refund(
            _parse_at(request.get("at")),
            donor_id,
            number,
            None if amount is None else int(amount),
        )
        self._send(events)
        refund = _object(events, "refund.created") or {}
        return {
            "action": "refund",
            "donor": donor_id,
            "refund_id": refund.get("id"),
            "refunded_pence": refund.get("amount"),
        } | self._counted(payment_id)

    def _dispute(self, request: JSON) -> JSON:
        donor_id, number, payment_id = self._which(request)
        at = _parse_at(request.get("at"))
        outcome = str(request.get("outcome") or "opened")
        if outcome == "opened":
            events = self.world.dispute_opened(at, donor_id, number)
        elif outcome in ("won", "lost"):
            events = self.world.dispute_closed(at, donor_id, number, cast(Any, outcome))
        else:
            raise ControlError(f"a dispute is opened, won or lost, not {outcome!r}")
        self._send(events)
        return {"action": "dispute", "donor": donor_id, "outcome": outcome} | self._counted(
            payment_id
        )

    def _simulate(self, request: JSON) -> JSON:
        scenario = load_scenario(Path(str(request["path"])))
        self._stories += 1
        player = ScenarioPlayer(
            scenario, self.stack, world=self.world, donor_prefix=f"story{self._stories}-"
        )
        result = player.play()
        return {"action": "simulate", "result": result}

    def _payout_run(self, request: JSON) -> JSON:
        # EventBridge Scheduler gives the run its time to the second (adapters/scheduler.py)
        at = _parse_at(request.get("at")).replace(microsecond=0)
        self.stack.drain()
        outcome = self.stack.fire_payout_schedule(at)
        self._emails()
        made = [
            {
                "campaign": plan.campaign_id,
                "amount_pence": plan.amount,
                "method": str(plan.method),
                "status": item.get("status"),
                "reference": item.get("reference"),
            }
            for plan, item in DynamoLedgerReport(self._table()).payouts()
            if plan.run_at == at
        ]
        return {
            "action": "payout_run",
            "run_at": at.astimezone(LONDON).isoformat(),
            "payouts": made,
            "outcome": outcome,
        }


__all__ = ["TOKEN_HEADER", "ControlError", "LocalControl", "payment_of"]
