"""Small-number protection, so that no report lets a reader single a person out.

Equality-monitoring answers are special-category data. Every breakdown of
them goes through :func:`protect_breakdown` before it reaches a report:

- no breakdown at all below :data:`MIN_RESPONDENTS` (10) respondents;
- counts from 1 to 7 are shown as ``"<8"`` (primary suppression);
- every other count is rounded to the nearest 5 (0 stays 0);
- the total is rounded from the exact total, not summed from rounded cells;
- when only one cell is hidden, the smallest other non-zero cell is hidden
  too (``"[c]"``, secondary suppression), so a hidden count cannot be worked
  out by subtracting the others from the total.

Sector and region tables count organisations and the people who came from
them, which is not special-category data, so they are not protected unless
the ``REPORT_SMALL_NUMBER_THRESHOLD`` setting is a number N (off by
default): then their counts from 1 to N-1 are shown as ``"<N"``.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app, has_app_context

MIN_RESPONDENTS = 10
SMALL_MAX = 7
SMALL = "<8"
SECONDARY = "[c]"


def round_to_five(count: int) -> int:
    """Nearest multiple of 5 (halves cannot occur for whole numbers)."""
    return (count + 2) // 5 * 5


def protect_breakdown(
    counts: Sequence[tuple[str, int]], total: int
) -> tuple[tuple[tuple[str, str], ...], str, str]:
    """Protect one breakdown.

    :return: ``(rows, total_shown, note)``; rows are ``(label, shown)`` with
        ``shown`` one of "0", a multiple of 5, "<8" or "[c]"; no rows and a
        note when there are fewer than 10 respondents.
    """
    if total < MIN_RESPONDENTS:
        return (), f"<{MIN_RESPONDENTS}", f"Fewer than {MIN_RESPONDENTS} respondents: no breakdown is shown."
    hidden = {index for index, (_, count) in enumerate(counts) if 1 <= count <= SMALL_MAX}
    if hidden and all(count == 0 or index in hidden for index, (_, count) in enumerate(counts)):
        # Every group is small: the total would bound them (four groups of 7 add up to 28, and
        # "<8" four times with a total of about 30 leaves only 7 for each), so no breakdown.
        return (), str(round_to_five(total)), (f"Every group has fewer than {SMALL_MAX + 1} respondents: "
                                               "no breakdown is shown.")
    secondary: set[int] = set()
    if len(hidden) == 1:
        candidates = sorted(
            (count, index) for index, (_, count) in enumerate(counts) if count > 0 and index not in hidden
        )
        if candidates:
            secondary.add(candidates[0][1])
    rows = []
    for index, (label, count) in enumerate(counts):
        if index in hidden:
            shown = SMALL
        elif index in secondary:
            shown = SECONDARY
        else:
            shown = str(round_to_five(count))
        rows.append((label, shown))
    note = ""
    if hidden or secondary:
        note = (f'Counts from 1 to {SMALL_MAX} are shown as "{SMALL}"'
                + (f'; "{SECONDARY}" hides a count that would reveal one of them' if secondary else "")
                + ". Other counts and the total are rounded to the nearest 5.")
    else:
        note = "Counts and the total are rounded to the nearest 5."
    return tuple(rows), str(round_to_five(total)), note


def threshold() -> int | None:
    """``REPORT_SMALL_NUMBER_THRESHOLD`` for sector and region tables (None: off)."""
    if not has_app_context():
        return None
    value = current_app.config.get("REPORT_SMALL_NUMBER_THRESHOLD")
    try:
        value = int(value) if value not in (None, "", False) else None
    except (TypeError, ValueError):
        return None
    return value if value and value > 1 else None


def small_count(count: int, limit: int | None = None) -> int | str:
    """A sector/region count as shown: itself, or ``"<N"`` below the threshold when it is on."""
    limit = threshold() if limit is None else limit
    if limit and 0 < count < limit:
        return f"<{limit}"
    return count
