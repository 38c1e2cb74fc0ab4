"""What every CSV the app writes shares: cells a spreadsheet will not run as formulas.

The one owner of the rule (registrations.csv, the report's CSV files and the programme export
all call :func:`safe_cell`): text starting with ``= + - @``, a tab or a carriage return gets a
leading ``'``, which spreadsheets show as text; numbers (``-1``) are data and stay as they are.
"""

from __future__ import annotations

#: A text cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """``value`` as CSV cell text that no spreadsheet runs as a formula ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
