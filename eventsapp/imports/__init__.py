"""Imports and exports: attendance lists in (CSV/XLSX), a programme's data out (ZIP of CSV)."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")
