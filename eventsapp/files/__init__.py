"""Files prepared in the background (programme exports, large report PDFs, programme restores):
the job's page, its progress, the download."""

from flask import Blueprint

bp = Blueprint("files", __name__, url_prefix="/files")
