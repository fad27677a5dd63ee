"""The modulus check against Vocalink's own worked test cases (the specification's
"Validating account numbers" appendix), with the tables the `ukmodulus` package ships."""

from __future__ import annotations

import pytest

from wardfund.adapters.modulus_tables import modulus_tables
from wardfund.domain.modulus import CheckRow, ModulusTables, Outcome, check, parse_valacdos

VOCALINK_CASES = [
    # sort code, account number, passes: what the specification says it tests
    ("089999", "66374958", True),  # standard modulus 10, 11 and double alternate
    ("107999", "88837491", True),
    ("202959", "63748472", True),
    ("871427", "46238510", True),  # exception 10 and 11: ab = 09 / 99 and g = 9
    ("872427", "46238510", True),
    ("871427", "09123496", True),
    ("871427", "99123496", True),
    ("820000", "73688637", True),  # exception 3: c = 6 or 9, no double alternate
    ("827999", "73988638", True),
    ("827101", "28748352", True),  # exception 3, the double alternate made
    ("134020", "63849203", True),  # exception 4: the remainder is gh
    ("118765", "64371389", True),  # exception 1
    ("200915", "41011166", True),  # exception 6: a foreign currency account
    ("938611", "07806039", True),  # exception 5 and its substitute sort codes
    ("938600", "42368003", True),
    ("938063", "55065200", True),
    ("772798", "99345694", True),  # exception 7
    ("086090", "06774744", True),  # exception 8
    ("309070", "02355688", True),  # exception 2 and 9
    ("309070", "12345668", True),
    ("309070", "12345677", True),
    ("309070", "99345694", True),
    ("938063", "15764273", False),  # exception 5: the first check fails
    ("938063", "15764264", False),  # exception 5: the second check fails
    ("938063", "15763217", False),  # exception 5: remainder 1 for the first check
    ("118765", "64371388", False),  # exception 1 fails
    ("203099", "66831036", False),  # the first check passes, the second fails
    ("203099", "58716970", False),  # the first check fails, the second passes
    ("089999", "66374959", False),  # modulus 11 fails
    ("107999", "88837493", False),  # double alternate fails
    ("074456", "12345112", True),  # exception 12 and 13
    ("070116", "34012583", True),
    ("074456", "11104102", True),
    ("180002", "00000190", True),  # exception 14
]


@pytest.fixture(scope="module")
def tables() -> ModulusTables:
    found = modulus_tables()
    assert found is not None, "ukmodulus (a cli dependency) ships the tables"
    return found


@pytest.mark.parametrize(("sort_code", "account", "passes"), VOCALINK_CASES)
def test_vocalink_worked_cases(
    tables: ModulusTables, sort_code: str, account: str, passes: bool
) -> None:
    assert check(sort_code, account, tables) is (Outcome.PASS if passes else Outcome.FAIL)


def test_a_sort_code_no_range_covers_is_not_checked(tables: ModulusTables) -> None:
    assert check("999999", "12345678", tables) is Outcome.NOT_CHECKED


def test_account_numbers_of_other_lengths_take_the_specified_eight_digits() -> None:
    # A table that passes only when the eight digits are 12345678 at sort code 400000
    # (modulus 11 over the account's digits with weight 1 on h and the sum made to fit).
    rows = (CheckRow(0, 999999, "MOD10", (0,) * 13 + (1,)),)
    only_h = ModulusTables(rows=rows, substitutions={})
    assert check("400000", "1234560", only_h) is Outcome.PASS  # 7 digits: 01234560
    assert check("400000", "1234561", only_h) is Outcome.FAIL


def test_a_malformed_table_line_is_refused() -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse_valacdos("010004 016715 MOD11 0 0 0 0 0 0 8 7 6 5 4 3 2 1\nnot a row\n")
