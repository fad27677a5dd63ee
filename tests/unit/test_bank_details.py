"""Campaign bank details: their form, the modulus check, masking, the scheme's characters
and the second person a change needs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wardfund.adapters.modulus_tables import modulus_tables
from wardfund.domain.bank_details import (
    BankChange,
    BankDetails,
    BankDetailsRefused,
    Shown,
    modulus_outcome,
    scheme_text,
)
from wardfund.domain.modulus import Outcome

GOOD = ("Leeds Central Campaign", "08-99-99", "66374958")  # Vocalink's first test case


def test_good_details_are_kept_in_their_plain_form() -> None:
    details = BankDetails.parse(*GOOD)
    assert (details.sort_code, details.account_number) == ("089999", "66374958")
    assert details.sort_code_shown == "08-99-99"
    assert details.masked_account == "••••4958"
    assert "66374958" not in details.shown()


@pytest.mark.parametrize(
    "sort_code", ["08999", "0899999", "08-99-9X", "", "08/99/99", "８８９９９９"]
)
def test_a_bad_sort_code_is_refused(sort_code: str) -> None:
    with pytest.raises(BankDetailsRefused, match="sort code must be 6 digits"):
        BankDetails.parse("Leeds Central", sort_code, "66374958")


@pytest.mark.parametrize("account", ["6637495", "663749581", "1234567890", "123456"])
def test_an_account_number_of_the_wrong_length_is_refused(account: str) -> None:
    with pytest.raises(BankDetailsRefused, match=f"8 digits, not {len(account)}"):
        BankDetails.parse("Leeds Central", "089999", account)


@pytest.mark.parametrize("account", ["6637495X", "", "ABCDEFGH"])
def test_an_account_number_that_is_not_digits_is_refused(account: str) -> None:
    with pytest.raises(BankDetailsRefused, match="account number must be 8 digits"):
        BankDetails.parse("Leeds Central", "089999", account)


@pytest.mark.parametrize("name", ["", "   ", "¿¡!", "x" * 71])
def test_an_account_name_is_needed_that_a_payment_can_carry(name: str) -> None:
    with pytest.raises(BankDetailsRefused, match="account name"):
        BankDetails.parse(name, "089999", "66374958")


def test_a_sort_code_and_account_failing_the_modulus_check_is_refused() -> None:
    tables = modulus_tables()
    details = BankDetails.parse("Leeds Central", "089999", "66374959")  # last digit wrong
    with pytest.raises(BankDetailsRefused, match="fail the UK modulus check") as refused:
        modulus_outcome(details, tables)
    assert "66374959" not in str(refused.value)  # the message masks the account number
    assert modulus_outcome(BankDetails.parse(*GOOD), tables) is Outcome.PASS
    assert modulus_outcome(BankDetails.parse("X", "999999", "12345678"), tables) is (
        Outcome.NOT_CHECKED
    )
    assert modulus_outcome(details, None) is Outcome.NOT_CHECKED


@pytest.mark.parametrize(
    ("given", "carried"),
    [
        ("Leeds Central Campaign Fund", "LEEDS CENTRAL CAMP"),  # 18 characters
        ("Brontë & Sons (Ltd)", "BRONTE & SONS LTD"),
        ("=HYPERLINK(1)", "HYPERLINK 1"),
        ("-Minus; 'quoted'", "MINUS QUOTED"),
        ("a/b.c-d", "A/B.C-D"),
    ],
)
def test_scheme_text_keeps_to_bacs_characters_and_18_of_them(given: str, carried: str) -> None:
    assert scheme_text(given) == carried
    assert len(scheme_text(given)) <= 18
    assert set(scheme_text(given)) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.&/- ")


def _change(by: str, principal: str | None) -> BankChange:
    details = BankDetails.parse(*GOOD)
    return BankChange(
        change_id="bc-1",
        campaign_id="leeds-central",
        shown=Shown.of(details),
        sealed=b"sealed",
        requested_by=by,
        requested_at=datetime(2026, 6, 1, 9, tzinfo=UTC),
        requested_principal=principal,
    )


def test_the_person_who_asked_cannot_approve_under_any_name_or_credentials() -> None:
    change = _change("T. Reasurer", "arn:aws:sts::1:assumed-role/op/tr")
    with pytest.raises(BankDetailsRefused, match="second person"):
        change.check_second_person(" t. reasurer ", None)
    with pytest.raises(BankDetailsRefused, match="own AWS credentials"):
        change.check_second_person("A. Jones", "arn:aws:sts::1:assumed-role/op/tr")
    change.check_second_person("A. Jones", "arn:aws:sts::1:assumed-role/op/aj")
