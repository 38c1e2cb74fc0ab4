"""A Unicode TrueType font for every PDF, so that "Łukasz Wójcik" prints as typed.

Looked for in this order: the ``PDF_FONT`` setting (a .ttf path; a bold
face beside it named ``*-Bold.ttf`` is used when present), then DejaVu Sans
in the usual system places. When none is found, PDFs fall back to
Helvetica, which covers Latin-1 only; :func:`pdf_fonts` then says so, and the
fallback is logged once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

SYSTEM_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
]


@dataclass(frozen=True)
class PdfFonts:
    regular: str
    bold: str
    unicode: bool


FALLBACK = PdfFonts("Helvetica", "Helvetica-Bold", unicode=False)
_registered: dict[str, PdfFonts] = {}


def _bold_beside(path: Path) -> Path | None:
    for candidate in (path.with_name(path.stem + "-Bold.ttf"), path.with_name(path.stem + "Bold.ttf")):
        if candidate.exists():
            return candidate
    return None


def pdf_fonts() -> PdfFonts:
    """Register (once) and return the font names to use in reportlab."""
    configured = current_app.config.get("PDF_FONT") if has_app_context() else None
    candidates = [configured] if configured else SYSTEM_CANDIDATES
    for candidate in candidates:
        path = Path(candidate)
        if not path.exists():
            continue
        key = str(path)
        if key not in _registered:
            pdfmetrics.registerFont(TTFont("EventsappSans", key))
            bold = _bold_beside(path)
            if bold:
                pdfmetrics.registerFont(TTFont("EventsappSans-Bold", str(bold)))
            _registered[key] = PdfFonts("EventsappSans", "EventsappSans-Bold" if bold else "EventsappSans", True)
        return _registered[key]
    log.warning(
        "No Unicode TrueType font found (PDF_FONT=%r); PDFs use Helvetica, which cannot print "
        "names outside Latin-1. Install fonts-dejavu-core or set PDF_FONT.", configured,
    )
    return FALLBACK
