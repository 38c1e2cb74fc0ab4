"""The project's form base class, and the request check that runs before any form is parsed.

**Every form in eventsapp derives from** :class:`BaseForm` (never from ``FlaskForm`` directly)::

    from eventsapp.forms import BaseForm

    class InviteForm(BaseForm):
        email = EmailField(...)

    class FilterForm(BaseForm):          # a GET form read from the query string
        class Meta:
            csrf = False

``tests/hostile/test_control_characters.py`` fails when a form does not. What the base class does
for every text field (``StringField`` and its subclasses: email, URL, search, hidden, ...):

- a **single-line** field refuses NUL, CR, LF and every other control character (Unicode category
  Cc), the bidirectional embedding, override and isolate controls, lone surrogates, and U+FFFD (what
  undecodable bytes in a multipart form become): the form comes back with "Remove the control
  characters …" at the field;
- a **multi-line** field (``TextAreaField``) keeps line breaks (CRLF and CR become LF) and tabs, and
  silently drops every other control character;
- ``PasswordField`` is left alone (a password is hashed, never stored or shown).

Invalid UTF-8 is refused for the whole request by :func:`refuse_invalid_utf8` (registered by
:func:`init_app` ahead of every other ``before_request`` hook, so before Flask-WTF's CSRF check
parses the form): a path, query string or url-encoded body that is not UTF-8, or a path or query
string holding NUL, answers 400.
Imported spreadsheet cells follow the same rule (:func:`has_control_characters`): a cell holding any
of these but line breaks and tabs is a problem at its row and column, and nothing is written
(``eventsapp.imports.rows``); :func:`clean_line` then turns a cell's line breaks and tabs into spaces.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, request
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

#: Control characters (C0, DEL, C1), the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
#: U+2066-U+2069: invisible, they reorder what follows them on screen), lone surrogates and the
#: replacement character.
_UNWANTED = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffd]")
#: The same, without the line breaks and tabs a multi-line text keeps.
_UNWANTED_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_WHITESPACE_CONTROLS = re.compile("[\t\n\r\x0b\x0c\x1c-\x1f\x85]+")

CONTROL_MESSAGE = "Remove the control characters (such as line breaks or invisible characters) from this answer."
UNREADABLE_MESSAGE = "This answer holds unreadable characters: type it again."


def has_control_characters(value: str) -> bool:
    """Whether a single-line value holds anything :class:`BaseForm` refuses."""
    return bool(_UNWANTED.search(value))


def clean_text(value: str) -> str:
    """A multi-line value with CRLF/CR as LF, tabs kept and every other control character dropped."""
    return _UNWANTED_IN_TEXT.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(value: object) -> str:
    """A single line from outside (an imported cell): line breaks and tabs become one space, other
    control characters are dropped, spaces collapse."""
    if value is None:
        return ""
    text = _WHITESPACE_CONTROLS.sub(" ", str(value))
    return " ".join(_UNWANTED.sub("", text).split())


def _text_fields(form):
    for field in form:
        if isinstance(field, StringField) and not isinstance(field, PasswordField):
            yield field


class BaseForm(FlaskForm):
    """Flask-WTF's form (CSRF token included) that keeps control characters out of every text field."""

    def validate(self, extra_validators=None) -> bool:
        for field in _text_fields(self):
            if isinstance(field, TextAreaField) and isinstance(field.data, str):
                field.data = clean_text(field.data)
        valid = super().validate(extra_validators)
        for field in _text_fields(self):
            if isinstance(field, TextAreaField) or not isinstance(field.data, str):
                continue
            if "\ufffd" in field.data:
                message = UNREADABLE_MESSAGE
            elif has_control_characters(field.data):
                message = CONTROL_MESSAGE
            else:
                continue
            field.errors = [*field.errors, message]
            valid = False
        return valid


#: Keyword arguments of a ``SelectMultipleField`` of organisations (an event's co-hosts, a story's
#: organisations involved): the message at the field for an id outside its choices, or not a number.
ORGANISATION_PICK = {
    "coerce": int,
    "invalid_choice_message": "%(value)s is not a valid choice here: choose organisations from the list.",
    "invalid_value_message": "Choose organisations from the list.",
}


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _wsgi_bytes(value: str) -> bytes:
    """A WSGI environ string (bytes decoded as Latin-1) as the bytes that were sent."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:  # a server that decoded it already: it was text
        return value.encode("utf-8", "surrogatepass")


def refuse_invalid_utf8() -> None:
    """400 when the path, the query string or a url-encoded body is not valid UTF-8, or when the path or
    the query string holds a NUL character.

    Werkzeug would keep undecodable bytes as literal ``%FF`` text (query strings and url-encoded forms)
    or as U+FFFD (paths), which then passes for input; and PostgreSQL refuses any text holding NUL.
    The body is read here, at most ``MAX_FORM_MEMORY_SIZE`` (see
    :class:`eventsapp.security.SizeLimitedRequest`), and cached for the form parser. A form field's
    NUL is :class:`BaseForm`'s to refuse or drop; multipart bodies are checked field by field by
    :class:`BaseForm` (U+FFFD).
    """
    environ = request.environ
    path = _wsgi_bytes(environ.get("PATH_INFO", ""))
    query = unquote_to_bytes(_wsgi_bytes(environ.get("QUERY_STRING", "")).replace(b"+", b" "))
    parts = [path, query]
    if request.mimetype == "application/x-www-form-urlencoded":
        parts.append(unquote_to_bytes(request.get_data(cache=True).replace(b"+", b" ")))
    if not all(_is_utf8(raw) for raw in parts) or b"\x00" in path or b"\x00" in query:
        abort(400, description="The request holds characters that are not valid UTF-8, or a NUL character. "
                               "Go back, check what you typed or pasted, and try again.")


def init_app(app: Flask) -> None:
    """Run :func:`refuse_invalid_utf8` before every other request hook (CSRF parses the form)."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_invalid_utf8)
