"""Vocalink's modulus checking tables, read for `domain/modulus.py`.

From `MODULUS_TABLES_DIR` when it is set (a folder holding `valacdos.txt` and
`scsubtab.txt` as downloaded from Vocalink: the current ones), else the copies the
`ukmodulus` package ships (PyPI, version 0.1.2 of November 2017; only its data is used).
Vocalink revises the tables several times a year, so the bundled copy is old: a sort code
range added or changed since may fail a good account, and one not in it is not checked.
None when neither is there (the CLI is then told the check was not made).
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

from wardfund.domain.modulus import ModulusTables, parse_scsubtab, parse_valacdos

TABLES_DIR = "MODULUS_TABLES_DIR"
BUNDLED = "ukmodulus 0.1.2 (Vocalink tables as of November 2017)"


def _read(folder: Path | resources.abc.Traversable, source: str) -> ModulusTables:
    return ModulusTables(
        rows=parse_valacdos(folder.joinpath("valacdos.txt").read_text(encoding="ascii")),
        substitutions=parse_scsubtab(folder.joinpath("scsubtab.txt").read_text(encoding="ascii")),
        source=source,
    )


@cache
def modulus_tables() -> ModulusTables | None:
    given = os.environ.get(TABLES_DIR, "").strip()
    if given:
        return _read(Path(given), f"{TABLES_DIR}={given}")
    try:
        bundled = resources.files("ukmodulus")
    except ModuleNotFoundError:
        return None
    return _read(bundled, BUNDLED)
