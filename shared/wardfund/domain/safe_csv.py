"""The one CSV writer for every file wardfund writes: exports, reports, permissibility lists,
payout statements and bank files.

Names come from outside: a donor types theirs into Stripe Checkout, a treasurer a supplier,
an operator a campaign or ward. A spreadsheet reads a cell that begins with `=`, `+`, `-`,
`@`, tab or CR as a formula (CSV or formula injection: `=HYPERLINK(...)` can send the rest
of the sheet elsewhere when it is clicked). So every cell that begins with one of them (or,
to be safe, with LF or NUL) is prefixed with a single quote, which makes it text (OWASP,
"CSV Injection"; OWASP ASVS 5.0 requirement 1.2.10), and quoting follows RFC 4180 (the
`csv` module's minimal quoting), so a name cannot break out of its cell. A line break inside
a cell is written as LF: the `csv` module quotes a cell holding a bare CR only when CR is
part of the line ending, and a spreadsheet starts a new row at an unquoted CR, so
`"x\r=1+1"` would otherwise begin a row with a live formula.

The one exception is a cell that is a plain decimal number (`-12.50`, `-1250`): it is not a
formula, and a refund or payout must stay a negative number Xero, QuickBooks, a bank and a
spreadsheet read as one. The writer is told nothing about columns, so the rule cannot be
forgotten when a column is added: a donor named `-12.50` is written as the number it is,
which runs nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
QUOTE = "'"


def safe_cell(value: object) -> str:
    """The cell as written: text, never a formula; a plain number stays a number; a line
    break inside it is LF (always quoted by the writer)."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return QUOTE + text
    return text


def csv_text(
    header: Sequence[object], rows: Iterable[Sequence[object]], *, line_end: str = "\n"
) -> str:
    """A header row and the rows, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def csv_records(
    columns: Sequence[str], records: Iterable[Mapping[str, object]], *, line_end: str = "\n"
) -> str:
    """Records as rows in the order of `columns` (a missing field is empty; an unknown one
    is an error, as with `csv.DictWriter`)."""

    def row(record: Mapping[str, object]) -> list[object]:
        unknown = set(record) - set(columns)
        if unknown:
            raise ValueError(f"fields not in the file's columns: {sorted(unknown)}")
        return [record.get(column) for column in columns]

    return csv_text(columns, (row(record) for record in records), line_end=line_end)
