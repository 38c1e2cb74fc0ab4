"""Numbers from URLs, query strings and forms, refused or clamped before they reach the database.

- Every ``<int:...>`` route parameter is an id: :class:`DatabaseIdConverter` (registered as the
  app's ``int`` converter) matches only ASCII digits from 1 to :data:`MAX_DB_INT`, so
  ``/events/18446744073709551616`` is a 404 like any missing event, never an ``OverflowError``.
- :func:`parse_id` reads an id from a query string or form (``None`` when it cannot be one).
- :func:`page_number` reads a page number, clamped to :data:`MAX_PAGE`.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

#: The largest value of an INTEGER column on every backend (PostgreSQL's 32-bit integer).
MAX_DB_INT = 2**31 - 1

#: Page numbers beyond this are read as this page (an empty page, not an overflow).
MAX_PAGE = 100_000


def up_to(limit: int) -> str:
    """A regular expression matching exactly the numbers 1 to ``limit``, without leading zeros.

    So an id out of range matches no route at all (a 404), rather than failing the converter of one
    route while another route of the same path for another method matches (a misleading 405).
    """
    digits = str(limit)
    parts = [rf"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            parts.append(f"{digits[:i]}[{low}-{int(digit) - 1}][0-9]{{{len(digits) - i - 1}}}")
    parts.append(digits)
    return "(?:" + "|".join(parts) + ")"


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>``: a positive id the database can hold, written in ASCII digits."""

    regex = up_to(MAX_DB_INT)

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_DB_INT,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Make :class:`DatabaseIdConverter` the ``int`` converter; call before any route is added."""
    app.url_map.converters["int"] = DatabaseIdConverter


def parse_id(value: object) -> int | None:
    """An id from a query string or form field, or ``None`` when the value cannot be one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_DB_INT else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_DB_INT else None


def page_number(value: object, default: int = 1) -> int:
    """A page number from a query string: junk reads as ``default``, huge numbers as :data:`MAX_PAGE`."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        text = value.strip()
        number = MAX_PAGE if len(text) > 6 else int(text)
    else:
        return default
    if number < 1:
        return default
    return min(number, MAX_PAGE)
