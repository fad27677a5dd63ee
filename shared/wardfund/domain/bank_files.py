"""The payout run's bank files: the campaigns paid by bank, in formats UK business banking
imports. Pure: the payments, the national account and the dates are given.

Two files per run, of the same payments (docs/bank-files.md has the sources and what is
not checked):

- **Bankline CSV** (NatWest / RBS Bankline import, "standard domestic payment", record type
  01): one row of 85 fields (H001-H003, T001-T082) per payment; the debit account (sort
  code and account number), amount in pounds, the date the payment is to arrive
  (dd/mm/yyyy written ddmmyyyy), the payee's sort code, account number, name and a reference
  of 18 characters. No header row.
- **Bacs Standard 18** (for a bureau or Bacstel-IP software, with the national body's Service
  User Number): VOL1, HDR1, HDR2, UHL1 labels of 80 characters, one 100-character credit
  record per payment (transaction code 99), one contra debiting the national account for
  the total (17), EOF1, EOF2, UTL1 with the totals and counts. Written only when the Service
  User Number and the national account are set.

Names and references are at most 18 characters of A-Z, 0-9, full stop, ampersand, slash,
hyphen and space (`bank_details.scheme_text`), the limits of the Bacs record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from wardfund.domain.bank_details import SCHEME_LENGTH, scheme_text
from wardfund.domain.display import london
from wardfund.domain.errors import WardfundError
from wardfund.domain.working_days import next_working_day, payment_date

BANKLINE_FIELDS = 85  # H001-H003 and T001-T082
BANKLINE_COLUMN = {"T001": 3, "T010": 12, "T014": 16, "T016": 18, "T022": 24, "T028": 30}
BANKLINE_COLUMN |= {"T030": 32, "T034": 36}
BANKLINE_NAME_LENGTH = 35  # Bankline's own limit; the file keeps to Bacs's 18 all the same
STANDARD_DOMESTIC_PAYMENT = "01"
CREDIT, CONTRA_DEBIT = "99", "17"
LABEL_LENGTH, RECORD_LENGTH = 80, 100
MAX_PENCE = 99_999_999_999  # 11 digits
CRLF = "\r\n"
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class BankFileRefused(WardfundError):
    """A bank file that cannot be written as asked (an amount or a total too large)."""


@dataclass(frozen=True)
class BankPayment:
    """One campaign's payout by bank: where it goes and what it says."""

    campaign_id: str
    payout_id: str
    payee_name: str  # already within the scheme's limits
    sort_code: str
    account_number: str
    amount: int  # pence
    reference: str
    details_changed_at: datetime | None = None  # when the bank details last changed


@dataclass(frozen=True)
class NationalAccount:
    """The account the run's bank payments are paid from; `service_user_number`: the Bacs
    Service User Number the bureau or Bacstel-IP submission is made under."""

    account_name: str = ""
    sort_code: str = ""
    account_number: str = ""
    service_user_number: str = ""

    @property
    def has_account(self) -> bool:
        return len(self.sort_code) == 6 and len(self.account_number) == 8

    @property
    def can_send_bacs(self) -> bool:
        return self.has_account and len(self.service_user_number) == 6


@dataclass(frozen=True)
class BankFileNames:
    """Named by the run's London date and time, without a colon (`2026-06-15-0600`)."""

    folder: str
    stem: str

    @property
    def bankline(self) -> str:
        return f"{self.folder}/{self.stem}{BANKLINE_SUFFIX}"

    @property
    def summary(self) -> str:
        return f"{self.folder}/{self.stem}{SUMMARY_SUFFIX}"

    @property
    def standard18(self) -> str:
        return f"{self.folder}/{self.stem}-bacs18.txt"


BANKLINE_SUFFIX, SUMMARY_SUFFIX = "-bankline.csv", "-summary.json"


def summary_location(location: str) -> str | None:
    """The summary beside a run's bank file (None for a file from before it had one)."""
    if location.endswith(SUMMARY_SUFFIX):
        return location
    if location.endswith(BANKLINE_SUFFIX):
        return location.removesuffix(BANKLINE_SUFFIX) + SUMMARY_SUFFIX
    return None


def bank_file_names(run_at: datetime) -> BankFileNames:
    here = london(run_at)
    return BankFileNames(
        folder=f"bank-transfers/{here:%Y-%m-%d}", stem=f"wardfund-payouts-{here:%Y-%m-%d-%H%M}"
    )


def reference_text(reference: str) -> str:
    return scheme_text(reference, SCHEME_LENGTH)


def bacs_dates(run_at: datetime) -> tuple[date, date]:
    """(processing day, the day the money arrives) of a Bacs file submitted on the run's
    payment date: Bacs processes it the next working day and pays it the one after."""
    submitted = payment_date(run_at)
    processing = next_working_day(submitted + timedelta(days=1))
    return processing, next_working_day(processing + timedelta(days=1))


def _pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def _check_amounts(payments: Sequence[BankPayment]) -> int:
    total = 0
    for payment in payments:
        if payment.amount <= 0:
            raise BankFileRefused(f"{payment.campaign_id}: a bank payment must be more than £0")
        total += payment.amount
    if total > MAX_PENCE:
        raise BankFileRefused("the run's bank payments add up to more than 11 digits of pence")
    return total


def render_bankline_csv(
    payments: Sequence[BankPayment], national: NationalAccount, pay_on: date
) -> str:
    """One standard domestic payment row per payment (Bankline import, CSV). Every value
    is digits or scheme characters, so nothing needs quoting and nothing can be a formula."""
    _check_amounts(payments)
    debit = national.sort_code + national.account_number if national.has_account else ""
    rows = []
    for payment in payments:
        fields = [""] * BANKLINE_FIELDS
        for name, value in {
            "T001": STANDARD_DOMESTIC_PAYMENT,
            "T010": debit,
            "T014": _pounds(payment.amount),
            "T016": f"{pay_on:%d%m%Y}",
            "T022": payment.sort_code,
            "T028": payment.account_number,
            "T030": scheme_text(payment.payee_name, SCHEME_LENGTH),
            "T034": reference_text(payment.reference),
        }.items():
            fields[BANKLINE_COLUMN[name]] = value
        rows.append(",".join(fields))
    return "".join(f"{row}{CRLF}" for row in rows)


def _julian(day: date) -> str:
    """Bacs's date: a space, the year's last two digits, the day of the year (` 26166`)."""
    return f" {day:%y}{day.timetuple().tm_yday:03d}"


def _fixed(*parts: str, length: int) -> str:
    record = "".join(parts)
    if len(record) != length:
        raise AssertionError(f"a {record[:4]} record of {len(record)} characters")  # a bug
    return record


def _text(value: str, width: int) -> str:
    return scheme_text(value, width).ljust(width)


def _file_labels(national: NationalAccount, serial: str, created: date) -> tuple[str, str]:
    sun = national.service_user_number
    hdr1 = _fixed(
        "A", sun, "S", "  ", " ", sun,  # file identifier (5-21)
        serial,  # set identification (22-27): the volume serial
        "0001", "0001",  # file section (28-31) and sequence (32-35) numbers
        " " * 4, " " * 2,  # generation number and version (36-41)
        _julian(created), _julian(created),  # creation and expiration dates (42-53)
        " ", "000000",  # accessibility (54), block count (55-60)
        " " * 13, " " * 7,  # system code (61-73), reserved (74-80)
        length=LABEL_LENGTH - 4,
    )  # fmt: skip
    hdr2 = _fixed("F", "02000", "00100", " " * 35, "00", " " * 28, length=LABEL_LENGTH - 4)
    return hdr1, hdr2


def _record(
    sort_code: str, account: str, code: str, national: NationalAccount, amount: int,
    user_field: str, reference: str, name: str,
) -> str:  # fmt: skip
    return _fixed(
        sort_code, account, "0", code,  # destination (1-14), account type (15), code (16-17)
        national.sort_code, national.account_number,  # originating account (18-31)
        " " * 4,  # free format (32-35)
        f"{amount:011d}",  # amount in pence (36-46)
        _text(user_field, 18), _text(reference, 18), _text(name, 18),  # 47-64, 65-82, 83-100
        length=RECORD_LENGTH,
    )  # fmt: skip


def render_standard18(
    payments: Sequence[BankPayment],
    national: NationalAccount,
    *,
    run_at: datetime,
    created_on: date,
    serial: str,
) -> str:
    """The Bacs Standard 18 file of the payments: a single processing day (`bacs_dates`)."""
    if not national.can_send_bacs:
        raise BankFileRefused("a Standard 18 file needs the Service User Number and account")
    if len(serial) != 6 or not serial.isalnum():
        raise BankFileRefused(f"the volume serial number is six characters, not {serial!r}")
    total = _check_amounts(payments)
    processing, _ = bacs_dates(run_at)
    sun = national.service_user_number
    user_name = national.account_name or "WARDFUND"
    vol = _fixed(
        "VOL1", serial, " ", " " * 20, " " * 6, " " * 4, sun, " " * 4, " " * 28, "1",
        length=LABEL_LENGTH,
    )  # fmt: skip
    hdr1, hdr2 = _file_labels(national, serial, created_on)
    uhl1 = _fixed(
        "UHL1", _julian(processing), "999999", " " * 4, "00", "000000", "1 DAILY  ", "001",
        " " * 7, " " * 7, " " * 26,
        length=LABEL_LENGTH,
    )  # fmt: skip
    credits = [
        _record(
            p.sort_code,
            p.account_number,
            CREDIT,
            national,
            p.amount,
            user_name,
            p.reference,
            p.payee_name,
        )
        for p in payments
    ]
    contra = _record(
        national.sort_code, national.account_number, CONTRA_DEBIT, national, total,
        user_name, "CONTRA", user_name,
    )  # fmt: skip
    utl1 = _fixed(
        "UTL1", f"{total:013d}", f"{total:013d}", f"{1:07d}", f"{len(payments):07d}",
        " " * 10, " " * 26,
        length=LABEL_LENGTH,
    )  # fmt: skip
    records = [
        vol, "HDR1" + hdr1, "HDR2" + hdr2, uhl1, *credits, contra,
        "EOF1" + hdr1, "EOF2" + hdr2, utl1,
    ]  # fmt: skip
    return "".join(f"{record}{CRLF}" for record in records)


def volume_serial(run_at: datetime) -> str:
    """Six characters, different for each run of a year: the London day of the year (three
    digits) and the minute of that day in base 36 (three characters)."""
    here = london(run_at)
    minute = here.hour * 60 + here.minute
    base36 = "".join(BASE36[minute // 36**power % 36] for power in (2, 1, 0))
    return f"{here.timetuple().tm_yday:03d}{base36}"


__all__ = [
    "BankFileNames",
    "BankFileRefused",
    "BankPayment",
    "NationalAccount",
    "bacs_dates",
    "bank_file_names",
    "render_bankline_csv",
    "render_standard18",
    "summary_location",
    "volume_serial",
]
