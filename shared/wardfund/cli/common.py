"""What every operations command shares: parsing money, shares and dates; one error exit;
the consoles it prints on.

Names in the table come from outside (a donor types theirs into Stripe Checkout), so the
consoles read no Rich markup and no emoji codes: whatever a name holds, `[/x]` or
`[bold]`, it is printed as it is and cannot break or restyle a listing. Styled labels
(`error:`, `note:`) are `Text` spans, made by `labelled`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console
from rich.text import Text

from wardfund.adapters.stripe_amounts import STRIPE_MAX_AMOUNT, STRIPE_MAX_POUNDS
from wardfund.domain.calendar import LONDON
from wardfund.domain.errors import WardfundError
from wardfund.services.ports import GuardFailed


def plain_console(*, stderr: bool = False) -> Console:
    """A console that prints text as it is: no markup, no emoji codes, no highlighting; and
    a line of text is never broken by the console (a terminal wraps it; a pipe keeps it
    whole, ids and amounts included). Tables choose their own layout (cli/tables.py)."""
    return Console(stderr=stderr, markup=False, emoji=False, highlight=False, soft_wrap=True)


err = plain_console(stderr=True)


def out() -> Console:
    """Standard output, made when used: the width follows COLUMNS as it is then."""
    return plain_console()


def labelled(label: str, style: str, text: str) -> Text:
    """`error: ...` with the label styled and the text (which may hold a name) as it is."""
    return Text.assemble((label, style), " ", text)


USAGE_ERROR = 2
_MONEY = re.compile(r"^£?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")


class CommandError(Exception):
    """A user-facing failure: printed as `error: ...`, exit code 2, nothing changed."""


def pounds_to_pence(text: str, *, what: str = "amount") -> int:
    """`£2,000`, `2000`, `12.50` → pence. Whole pounds or pounds and pence, never negative,
    never above Stripe's largest amount (£999,999.99): no cap, invoice or gift needs more,
    and a larger figure is a typo."""
    cleaned = text.strip()
    if not _MONEY.match(cleaned):
        raise CommandError(
            f"{what} must be an amount in pounds such as 2000 or £12.50, not {text!r}"
        )
    amount = Decimal(cleaned.lstrip("£").strip().replace(",", ""))
    if amount > Decimal(STRIPE_MAX_AMOUNT) / 100:  # compared exactly, before any rounding
        shown = text if len(text) <= 24 else f"{text[:20]}… ({len(text)} characters)"
        raise CommandError(
            f"{what} must be at most {STRIPE_MAX_POUNDS} (Stripe's largest amount), not {shown}"
        )
    return int(amount * 100)


def percent_to_bps(text: str, *, what: str = "local share") -> int:
    """`80`, `80%`, `72.5` → basis points; outside 0-100 % is an error."""
    try:
        value = Decimal(text.strip().rstrip("%").strip())
    except InvalidOperation:
        raise CommandError(
            f"{what} must be a percentage such as 80 or 72.5, not {text!r}"
        ) from None
    if not Decimal(0) <= value <= Decimal(100):
        raise CommandError(f"{what} must be between 0 and 100 %, not {text}")
    bps = value * 100
    if bps != bps.to_integral_value():
        raise CommandError(f"{what} can have at most two decimal places, not {text}")
    return int(bps)


def parse_day(text: str, *, what: str = "date") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"{what} must be a date like 2026-06-01, not {text!r}") from None


def parse_time(text: str, *, what: str = "time") -> datetime:
    """ISO 8601; without an offset it is read as Europe/London wall time."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"{what} must be like 2026-06-01T18:00 or 2026-06-01T18:00+01:00, not {text!r}"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LONDON)


def now() -> datetime:
    return datetime.now(UTC)


PRIVATE_FILE_MODE = 0o600


def write_private(path: Path, text: str) -> None:
    """Writes a file only its owner can read (0600): what the CLI writes holds donors' and
    treasurers' names and emails. A file already there is made private before it is written."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), PRIVATE_FILE_MODE)  # O_CREAT's mode is for new files
            handle.write(text)
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror}") from None


def money(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) / 100:,.2f}"


@contextmanager
def command_errors() -> Iterator[None]:
    """Maps the errors a user can cause to `error: ...` and exit code 2."""
    try:
        yield
    except (CommandError, WardfundError, GuardFailed) as error:
        err.print(labelled("error:", "red", str(error)))
        raise typer.Exit(USAGE_ERROR) from None
    except (ClientError, BotoCoreError) as error:
        err.print(labelled("error:", "red", f"AWS refused or did not answer: {error}"))
        raise typer.Exit(1) from None
    except RuntimeError as error:  # TargetError, local stack not running
        err.print(labelled("error:", "red", str(error)))
        raise typer.Exit(USAGE_ERROR) from None
