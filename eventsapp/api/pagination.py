"""Opaque cursors for keyset pagination: the sort key of the last item of a page, base64url-encoded.

A cursor that cannot be read answers 400 (problem details), never a 500.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime

from flask import abort


def encode_cursor(*values) -> str:
    raw = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kinds: tuple[str, ...]) -> tuple | None:
    """The values in ``cursor`` (``kinds``: "int" or "datetime" for each), or None without one.

    :raise 400: for a cursor this API did not make.
    """
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            raise ValueError
        values = []
        for kind, value in zip(kinds, raw, strict=True):
            if kind == "int":
                if type(value) is not int or not 0 <= value <= 2**31 - 1:
                    raise ValueError
                values.append(value)
            else:
                if not isinstance(value, str):
                    raise ValueError
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is not None:
                    raise ValueError
                values.append(moment)
    except (ValueError, TypeError, UnicodeDecodeError, RecursionError):
        abort(400, description="The cursor is not one this API gave out; start again without it.")
    return tuple(values)
