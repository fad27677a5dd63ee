"""A campaign's bank details, what the bank schemes let a payment say, and a change's two
people.

Bank details are an account name, a sort code (six digits) and an account number (eight
digits, the UK standard; a bank that gives fewer or more tells its customers the eight-digit
form). They are checked for their form and, where Vocalink's tables cover the sort code,
by its modulus check (`domain/modulus.py`). They are shown masked (`••••5678`), never
whole, outside the national finance role's export.

Changing them is how payment diversion fraud works (a forged email: "our bank details
have changed"), so a change is requested by one person and applied only when another
approves it: another name and, on a deployed stage, other AWS credentials, as launch
invoices are approved (`launch_invoices.LaunchInvoice.approved_by`).

Bacs (and so the bank files) carries a payee name and a reference of 18 characters each,
in upper-case letters, digits, full stop, ampersand, slash, hyphen and space
(`scheme_text`; docs/bank-files.md cites the sources).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from wardfund.domain.calendar import require_aware
from wardfund.domain.errors import WardfundError
from wardfund.domain.modulus import ModulusTables, Outcome, check

SCHEME_LENGTH = 18
SCHEME_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.&/- ")
MAX_ACCOUNT_NAME = 70
MASK = "\u2022\u2022\u2022\u2022"  # ••••
_SEPARATORS = re.compile(r"[\s-]+")


class BankDetailsRefused(WardfundError):
    """Bank details of the wrong form, failing the modulus check, or a change refused."""


def scheme_text(text: str, length: int = SCHEME_LENGTH) -> str:
    """`text` as a Bacs field may carry it: accents dropped (é → E), upper case, each other
    character a space, spaces collapsed, starting with a letter or digit (so no cell of a
    bank CSV starts like a formula), at most `length` characters."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    kept = "".join(c if c in SCHEME_CHARACTERS else " " for c in plain.upper())
    return " ".join(kept.split()).lstrip(".&/- ")[:length].rstrip()


def _digits_only(text: str, what: str, length: int) -> str:
    digits = _SEPARATORS.sub("", text.strip())
    if not (digits.isascii() and digits.isdigit()) or len(digits) != length:
        raise BankDetailsRefused(
            f"{what} must be {length} digits"
            + (" (spaces and hyphens are fine)" if length == 6 else "")
            + f", not {text!r}"
        )
    return digits


@dataclass(frozen=True)
class BankDetails:
    account_name: str
    sort_code: str  # six digits
    account_number: str  # eight digits

    @classmethod
    def parse(cls, account_name: str, sort_code: str, account_number: str) -> BankDetails:
        """Of the right form, or BankDetailsRefused naming what is wrong."""
        name = " ".join(account_name.split())
        if not name:
            raise BankDetailsRefused("the account name is needed (as the bank has it)")
        if len(name) > MAX_ACCOUNT_NAME:
            raise BankDetailsRefused(
                f"the account name is at most {MAX_ACCOUNT_NAME} characters, not {len(name)}"
            )
        if not scheme_text(name):
            raise BankDetailsRefused(
                f"the account name {name!r} has no letter or digit a bank payment can carry"
            )
        account = _SEPARATORS.sub("", account_number.strip())
        if account.isascii() and account.isdigit() and len(account) != 8:
            raise BankDetailsRefused(
                f"the account number must be 8 digits, not {len(account)} ({account_number!r}); "
                "a bank that gives 6, 7, 9 or 10 digits publishes the 8-digit form to use"
            )
        return cls(
            account_name=name,
            sort_code=_digits_only(sort_code, "the sort code", 6),
            account_number=_digits_only(account_number, "the account number", 8),
        )

    @property
    def sort_code_shown(self) -> str:
        return f"{self.sort_code[:2]}-{self.sort_code[2:4]}-{self.sort_code[4:]}"

    @property
    def masked_account(self) -> str:
        return f"{MASK}{self.account_number[-4:]}"

    @property
    def payee_name(self) -> str:
        """The name as the bank file carries it (18 scheme characters)."""
        return scheme_text(self.account_name)

    def shown(self) -> str:
        return f"{self.account_name}, {self.sort_code_shown}, {self.masked_account}"


def modulus_outcome(details: BankDetails, tables: ModulusTables | None) -> Outcome:
    """PASS, NOT_CHECKED (no table, or a sort code it does not cover); FAIL raises."""
    if tables is None:
        return Outcome.NOT_CHECKED
    outcome = check(details.sort_code, details.account_number, tables)
    if outcome is Outcome.FAIL:
        raise BankDetailsRefused(
            f"sort code {details.sort_code_shown} and account number {details.masked_account} "
            "fail the UK modulus check (Vocalink's published algorithm, tables from "
            f"{tables.source}): one of the digits is wrong. Check them with the campaign's "
            "treasurer; if their bank confirms them, the tables may be older than the account "
            "(MODULUS_TABLES_DIR: docs/bank-files.md)"
        )
    return outcome


@dataclass(frozen=True)
class Shown:
    """Bank details as anyone may see them: the name, the sort code, the last four digits."""

    account_name: str
    sort_code: str
    last4: str

    @classmethod
    def of(cls, details: BankDetails) -> Shown:
        return cls(details.account_name, details.sort_code, details.account_number[-4:])

    @property
    def masked_account(self) -> str:
        return f"{MASK}{self.last4}"

    @property
    def sort_code_shown(self) -> str:
        return f"{self.sort_code[:2]}-{self.sort_code[2:4]}-{self.sort_code[4:]}"

    def text(self) -> str:
        return f"{self.account_name}, {self.sort_code_shown}, {self.masked_account}"


@dataclass(frozen=True)
class BankChange:
    """A change of a campaign's bank details, requested and waiting for a second person.
    `sealed`: the details, encrypted (only the finance role and the payout run open them)."""

    change_id: str
    campaign_id: str
    shown: Shown
    sealed: bytes
    requested_by: str
    requested_at: datetime
    requested_principal: str | None = None
    modulus: str = str(Outcome.NOT_CHECKED)
    replaces: Shown | None = None

    def __post_init__(self) -> None:
        require_aware(self.requested_at)

    def check_second_person(self, by: str, principal: str | None) -> None:
        """Whoever requested the change cannot approve it: not under their name, and on a
        deployed stage not with the same AWS credentials under another name."""
        same_name = by.strip().casefold() == self.requested_by.strip().casefold()
        same_credentials = principal is not None and principal == self.requested_principal
        if same_name or same_credentials:
            raise BankDetailsRefused(
                f"the change of {self.campaign_id}'s bank details needs a second person: "
                f"{self.requested_by} requested it, so someone else approves it"
                + (" (with their own AWS credentials)" if same_credentials else "")
            )


@dataclass(frozen=True)
class CurrentBankDetails:
    """The details payouts go to, and who put them there."""

    campaign_id: str
    shown: Shown
    sealed: bytes
    changed_at: datetime
    requested_by: str
    approved_by: str
    version: int = 1
    requested_principal: str | None = None
    approved_principal: str | None = None


__all__ = [
    "MASK",
    "SCHEME_CHARACTERS",
    "SCHEME_LENGTH",
    "BankChange",
    "BankDetails",
    "BankDetailsRefused",
    "CurrentBankDetails",
    "Shown",
    "modulus_outcome",
    "scheme_text",
]
