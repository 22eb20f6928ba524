"""CSV cells a spreadsheet opens as text, never as a formula (OWASP's CSV injection advice)."""
from __future__ import annotations

import csv
import io
from typing import Any

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a person typed, quoted with a leading ' when a spreadsheet would run it; numbers and
    None pass unchanged (a negative longitude stays a number)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_line(values: list[Any]) -> str:
    """One CSV line, every text cell neutralised."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(value) for value in values])
    return buffer.getvalue()
