"""`StripeIds`: Stripe-looking ids, reproducible from a seed (the world's and the stand-in's)."""

from __future__ import annotations

import hashlib
import uuid

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SHORT_PREFIXES = frozenset({"cus", "si", "py", "prod", "req"})


def _b62(text: str, length: int) -> str:
    """`length` base-62 characters drawn from SHA-256 of `text` (chained for long strings)."""
    chars: list[str] = []
    block = 0
    while len(chars) < length:
        number = int.from_bytes(hashlib.sha256(f"{text}|{block}".encode()).digest(), "big")
        for _ in range(40):
            number, rest = divmod(number, 62)
            chars.append(_ALPHABET[rest])
        block += 1
    return "".join(chars[:length])


class StripeIds:
    """Stripe-looking ids from a counter per prefix, hashed with a seed (so reproducible)."""

    def __init__(self, seed: str) -> None:
        self._seed = seed
        self._counters: dict[str, int] = {}
        self._issued: set[str] = set()
        self._account_tag = _b62(f"account|{seed}", 10)

    def _digest(self, label: str) -> bytes:
        return hashlib.sha256(f"{self._seed}|{label}".encode()).digest()

    def new(self, prefix: str) -> str:
        while True:
            count = self._counters.get(prefix, 0) + 1
            self._counters[prefix] = count
            raw = _b62(f"{self._seed}|{prefix}|{count}", 30)
            if prefix in _SHORT_PREFIXES:
                body = raw[:14]
            elif prefix == "cs_test":
                body = "a1" + _b62(f"{self._seed}|{prefix}|{count}|long", 42) + raw[:14]
            else:
                body = "1" + raw[:5] + self._account_tag + raw[5:13]
            ident = f"{prefix}_{body}"
            if ident not in self._issued:
                self._issued.add(ident)
                return ident

    def token(self, label: str, length: int = 24) -> str:
        count = self._counters.get(f"token|{label}", 0) + 1
        self._counters[f"token|{label}"] = count
        return _b62(f"{self._seed}|token|{label}|{count}", length)

    def uuid(self) -> str:
        return str(uuid.UUID(bytes=self._digest(f"uuid|{self.token('uuid')}")[:16], version=4))
