"""UK sort code and account number modulus checking, as Vocalink publishes it.

Vocalink's "Validating account numbers" specification gives the algorithm; its two tables
say which check each sort code range takes: `valacdos.txt` (range, MOD10 / MOD11 / DBLAL,
fourteen weights, an exception number) and `scsubtab.txt` (the sort codes exception 5
substitutes). This module is the algorithm only, pure, with the tables passed in (the
adapter `adapters/modulus_tables.py` reads them). A sort code in no range of the table
cannot be checked: the specification says such an account is to be treated as valid, and
`Outcome.NOT_CHECKED` says so rather than claiming a pass.

The positions of the fourteen digits (six of the sort code, eight of the account number)
are u v w x y z a b c d e f g h, as in the specification.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

U, A, B, C, G, H = 0, 6, 7, 8, 12, 13
MODULI = {"MOD10": 10, "MOD11": 11, "DBLAL": 10}
# Exceptions where passing the first check is enough (the second is an alternative).
EITHER_CHECK = frozenset({2, 9, 10, 11, 12, 13, 14})
EXCEPTION_2_A_NOT_0 = (0, 0, 1, 2, 5, 3, 6, 4, 8, 7, 10, 9, 3, 1)
EXCEPTION_2_A_NOT_0_G_9 = (0, 0, 0, 0, 0, 0, 0, 0, 8, 7, 10, 9, 3, 1)
EXCEPTION_8_SORT_CODE = "090126"
EXCEPTION_9_SORT_CODE = "309634"


class Outcome(StrEnum):
    PASS = "pass"  # noqa: S105 - not a password
    FAIL = "fail"
    NOT_CHECKED = "not_checked"  # the sort code is in no range of the table


@dataclass(frozen=True)
class CheckRow:
    """One row of valacdos.txt."""

    start: int
    end: int
    method: str
    weights: tuple[int, ...]
    exception: int = 0

    def covers(self, sort_code: int) -> bool:
        return self.start <= sort_code <= self.end


@dataclass(frozen=True)
class ModulusTables:
    rows: tuple[CheckRow, ...]
    substitutions: dict[str, str]
    source: str = ""  # where the tables came from, for messages and docs


def parse_valacdos(text: str) -> tuple[CheckRow, ...]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) not in (17, 18) or fields[2] not in MODULI:
            raise ValueError(f"valacdos line {number} is not a check row: {line!r}")
        rows.append(
            CheckRow(
                start=int(fields[0]),
                end=int(fields[1]),
                method=fields[2],
                weights=tuple(int(w) for w in fields[3:17]),
                exception=int(fields[17]) if len(fields) == 18 else 0,
            )
        )
    return tuple(rows)


def parse_scsubtab(text: str) -> dict[str, str]:
    found = {}
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 2 or not all(f.isdigit() and len(f) == 6 for f in fields):
            raise ValueError(f"scsubtab line {number} is not a substitution: {line!r}")
        found[fields[0]] = fields[1]
    return found


def _digits(sort_code: str, account: str, row: CheckRow, tables: ModulusTables) -> str:
    if row.exception == 5:
        sort_code = tables.substitutions.get(sort_code, sort_code)
    elif row.exception == 8:
        sort_code = EXCEPTION_8_SORT_CODE
    elif row.exception == 9:
        sort_code = EXCEPTION_9_SORT_CODE
    return sort_code + account


def _weights(row: CheckRow, d: str) -> tuple[int, ...]:
    weights = row.weights
    if row.exception == 2 and d[A] != "0":
        weights = EXCEPTION_2_A_NOT_0_G_9 if d[G] == "9" else EXCEPTION_2_A_NOT_0
    elif (row.exception == 7 and d[G] == "9") or (
        row.exception == 10 and d[A : B + 1] in ("09", "99") and d[G] == "9"
    ):
        weights = (0,) * (B + 1) + weights[B + 1 :]  # u to b weigh nothing
    return weights


def _passes(row: CheckRow, d: str) -> bool:
    if row.exception == 3 and d[C] in "69":
        return True  # the double alternate check is not needed for these
    if row.exception == 6 and d[A] in "45678" and d[G] == d[H]:
        return True  # a foreign currency account: it cannot be checked
    products = [int(digit) * weight for digit, weight in zip(d, _weights(row, d), strict=True)]
    if row.method == "DBLAL":
        total = sum(sum(int(x) for x in str(product)) for product in products)
    else:
        total = sum(products)
    if row.exception == 1:
        total += 27
    remainder = total % MODULI[row.method]
    if row.exception == 4:
        return remainder == int(d[G:])
    if row.exception == 5:
        if row.method == "DBLAL":
            return (remainder == 0 and d[H] == "0") or 10 - remainder == int(d[H])
        if remainder == 1:
            return False
        return (remainder == 0 and d[G] == "0") or 11 - remainder == int(d[G])
    return remainder == 0


def _standard_length(sort_code: str, account: str) -> tuple[str, str]:
    """The specification's rules for account numbers that are not eight digits long."""
    if len(account) == 10:  # NatWest: the last eight; Co-operative Bank (08): the first eight
        return sort_code, account[:8] if sort_code.startswith("08") else account[2:]
    if len(account) == 9:  # Santander: its first digit replaces the sort code's last
        return sort_code[:5] + account[0], account[1:]
    return sort_code, account.zfill(8)  # six or seven digits: zeros in front


def check(sort_code: str, account: str, tables: ModulusTables) -> Outcome:
    """`sort_code`: six digits; `account`: six to ten digits (eight is the UK standard)."""
    if not (sort_code.isdigit() and len(sort_code) == 6):
        raise ValueError("a sort code is six digits")
    if not (account.isdigit() and 6 <= len(account) <= 10):
        raise ValueError("an account number is six to ten digits")
    sort_code, account = _standard_length(sort_code, account)
    rows = [row for row in tables.rows if row.covers(int(sort_code))][:2]
    if not rows:
        return Outcome.NOT_CHECKED
    first = rows[0]
    if _passes(first, _digits(sort_code, account, first, tables)):
        if len(rows) == 1 or first.exception in EITHER_CHECK:
            return Outcome.PASS
        second = rows[1]
        return Outcome(_verdict(_passes(second, _digits(sort_code, account, second, tables))))
    if first.exception == 14:
        # Exception 14: an eighth digit of 0, 1 or 9 is dropped and the check made again.
        if account[7] not in "019":
            return Outcome.FAIL
        shifted = "0" + account[:7]
        return Outcome(_verdict(_passes(first, _digits(sort_code, shifted, first, tables))))
    if len(rows) == 1 or first.exception not in EITHER_CHECK:
        return Outcome.FAIL
    second = rows[1]
    return Outcome(_verdict(_passes(second, _digits(sort_code, account, second, tables))))


def _verdict(passed: bool) -> str:
    return Outcome.PASS if passed else Outcome.FAIL


__all__ = [
    "CheckRow",
    "ModulusTables",
    "Outcome",
    "check",
    "parse_scsubtab",
    "parse_valacdos",
]
