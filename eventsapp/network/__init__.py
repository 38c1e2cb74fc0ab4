"""The network of hosts: a public directory of opted-in profiles, peer support (offers and asks),
a moderated library of shared resources, and a contact form that never reveals an address."""

from flask import Blueprint, abort

from eventsapp.permissions import MAX_ID

bp = Blueprint("network", __name__, url_prefix="/network")


@bp.url_value_preprocessor
def reject_impossible_ids(endpoint, values) -> None:
    """An id beyond what the database holds is a 404 like any missing row, not a database error."""
    for key, value in (values or {}).items():
        if key.endswith("_id") and isinstance(value, int) and not 0 < value <= MAX_ID:
            abort(404)
