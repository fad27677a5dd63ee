"""Journal entries: lines with a side, entries refused unless they balance."""

from __future__ import annotations

import pytest

from wardfund.domain.errors import InvalidAmount, UnbalancedEntry
from wardfund.domain.ledger import (
    DONOR_FUNDS,
    NATIONAL_SHARE,
    Side,
    account_balances,
    credit,
    debit,
    journal_entry,
)


def test_an_entry_keeps_its_id_lower_case_currency_and_non_zero_lines() -> None:
    entry = journal_entry(
        "payment:pi_1",
        "GBP",
        [debit(DONOR_FUNDS, 1000), credit("suspense", 0), credit(NATIONAL_SHARE, 1000)],
    )
    assert (entry.entry_id, entry.currency) == ("payment:pi_1", "gbp")
    assert entry.lines == (debit(DONOR_FUNDS, 1000), credit(NATIONAL_SHARE, 1000))
    assert (entry.total(Side.DEBIT), entry.total(Side.CREDIT)) == (1000, 1000)


def test_an_unbalanced_entry_is_refused_naming_both_sides() -> None:
    with pytest.raises(UnbalancedEntry, match=r"^entry e1 debits 1000 but credits 999$"):
        journal_entry("e1", "gbp", [debit(DONOR_FUNDS, 1000), credit(NATIONAL_SHARE, 999)])


def test_a_line_must_be_whole_non_negative_pence() -> None:
    with pytest.raises(InvalidAmount, match=r"^line amount on donor_funds must be a whole"):
        debit(DONOR_FUNDS, -1)
    assert debit(DONOR_FUNDS, 0).amount == 0


def test_balances_are_credit_positive() -> None:
    entry = journal_entry("e", "gbp", [debit(DONOR_FUNDS, 700), credit(NATIONAL_SHARE, 700)])
    assert account_balances([entry, entry]) == {DONOR_FUNDS: -1400, NATIONAL_SHARE: 1400}


def test_a_penny_is_a_line_and_only_nothing_is_dropped() -> None:
    entry = journal_entry(
        "e", "gbp", [debit(DONOR_FUNDS, 1), credit(NATIONAL_SHARE, 1), credit("suspense", 0)]
    )
    assert entry.lines == (debit(DONOR_FUNDS, 1), credit(NATIONAL_SHARE, 1))
