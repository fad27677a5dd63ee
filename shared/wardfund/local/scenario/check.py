"""`--check`: compares a scenario's `expect:` block with what the pipeline produced."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def _instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else None
    if isinstance(value, str) and "T" in value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else None
    return None


def _same(expected: Any, actual: Any) -> bool:
    # A row of a list is an object too: compared on the keys it names (an email's free-text
    # subject may be left out); a key the output does not have is an error in the file.
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() <= actual.keys() and all(
            _same(expected[k], actual[k]) for k in expected
        )
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            _same(e, a) for e, a in zip(expected, actual, strict=True)
        )
    left, right = _instant(expected), _instant(actual)
    if left is not None and right is not None:
        return left == right
    return bool(expected == actual) and type(expected) is type(actual)


def differences(expected: dict[str, Any], actual: dict[str, Any], path: str = "") -> list[str]:
    """Each key `expected` names: nested objects key by key, lists and values as a whole."""
    found: list[str] = []
    for name, want in expected.items():
        where = f"{path}.{name}" if path else name
        if name not in actual:
            found.append(f"{where}: expected {want!r}, but the result has no such key")
            continue
        got = actual[name]
        if isinstance(want, dict) and isinstance(got, dict):
            found.extend(differences(want, got, where))
        elif not _same(want, got):
            found.append(f"{where}: expected {want!r}, got {got!r}")
    return found
