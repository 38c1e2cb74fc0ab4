"""Data protection: the privacy notice, retention, erasure, subject access and the access log.

The blueprint's pages are in :mod:`eventsapp.privacy.views`, which ``create_app`` registers; this
package does not import them, so the areas that read the notice (registration) or erase people do
not load every page's imports with it.
"""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/privacy")
