"""The agreement's money rules (FORMAT.md rules 1-3) as pure functions on integer pence."""

from __future__ import annotations

from dataclasses import dataclass

from wardfund.domain.errors import InvalidAmount

BASIS_POINTS = 10_000
DEFAULT_LOCAL_SHARE_BPS = 8_000
DEFAULT_MATCH_CAP_PENCE = 200_000
DEFAULT_LAUNCH_INVOICE_CAP_PENCE = 200_000


def require_pence(value: int, *, what: str = "amount") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidAmount(f"{what} must be a whole, non-negative number of pence, got {value!r}")
    return value


@dataclass(frozen=True)
class Split:
    """How one payment divides between the campaign and the national body."""

    local: int
    national: int

    @property
    def gross(self) -> int:
        return self.local + self.national


def split_payment(gross: int, local_share_bps: int) -> Split:
    """Rule 1: the campaign gets floor(g * bps / 10000), the national body the rest."""
    require_pence(gross, what="payment")
    if not 0 <= local_share_bps <= BASIS_POINTS:
        raise InvalidAmount(f"local share must be 0-10000 basis points, got {local_share_bps}")
    local = gross * local_share_bps // BASIS_POINTS
    return Split(local=local, national=gross - local)


def match_for_first_payment(gross: int, cap: int, matched_so_far: int) -> int:
    """Rule 2: min(g, cap - match already given), never negative."""
    require_pence(gross, what="payment")
    require_pence(cap, what="match cap")
    return max(0, min(gross, cap - matched_so_far))


def proportional_takeback(given: int, reversed_amount: int, gross: int) -> int:
    """Rule 3: when r of g has been taken back in all, floor(given * r / g) of `given` goes."""
    require_pence(given, what="amount given")
    require_pence(reversed_amount, what="amount reversed")
    if gross <= 0:
        return 0
    if reversed_amount > gross:
        raise InvalidAmount(f"cannot reverse {reversed_amount} of a {gross} payment")
    return given * reversed_amount // gross


def held_part(given: int, taken_back: int, gross: int) -> int:
    """Rule 3: what the campaign still holds of `given` when `taken_back` of `gross` is gone.

    Always computed from the total taken back, never refund by refund, so the parts a
    payment is refunded in cannot change the result, and taking it all back leaves nothing.
    """
    return given - proportional_takeback(given, taken_back, gross)


def match_to_restore(taken_back: int, cap: int, matched_now: int) -> int:
    """Rule 3, dispute won: the match comes back only as far as the cap has room."""
    return max(0, min(taken_back, cap - matched_now))


def smallest_base_holding(held: int, taken_back: int, gross: int, upper: int) -> int:
    """Rule 3, dispute won short of the cap: the smallest match base m <= `upper` whose held
    part `held_part(m, taken_back, gross)` is `held`.

    The held part grows by 0 or 1 as m grows by 1, so every value from 0 to
    `held_part(upper, ...)` is reached and a binary search finds the first m that reaches it.
    """
    if not 0 <= held <= held_part(upper, taken_back, gross):
        raise InvalidAmount(f"no match base up to {upper} holds {held} after {taken_back} back")
    low, high = held, upper
    while low < high:
        middle = (low + high) // 2
        if held_part(middle, taken_back, gross) >= held:
            high = middle
        else:
            low = middle + 1
    return low
