"""PDFs use a Unicode TrueType font when one exists, and say so when none does."""

from eventsapp.pdf_fonts import pdf_fonts


def test_configured_font_is_used_and_missing_font_falls_back(app, tmp_path):
    with app.app_context():
        app.config["PDF_FONT"] = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
        fonts = pdf_fonts()
        assert fonts.unicode and fonts.regular == "EventsappSans"
        app.config["PDF_FONT"] = str(tmp_path / "missing.ttf")
        fallback = pdf_fonts()
        assert not fallback.unicode and fallback.regular == "Helvetica"
