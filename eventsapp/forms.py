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

It also rewords WTForms' default messages, for every field whose ``DataRequired``, ``InputRequired``
or ``Length`` validator was given no message of its own (:func:`own_wording`): "This field is
required." becomes "Enter “Title”." (“Choose …” for a list, “Tick …” for a checkbox); "Field cannot
be longer than 200 characters." becomes "“Title” must be 200 characters or fewer: you entered 231."
(the minimum, exact and range forms alike).

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
from jinja2 import pass_context
from wtforms import BooleanField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectFieldBase
from wtforms.validators import DataRequired, InputRequired, Length

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


def _characters(count: int) -> str:
    return f"{count} character" if count == 1 else f"{count} characters"


def _field_name(field) -> str:
    """The field's label, quoted, as a message names it: “Title”, “What the token is for”."""
    text = str(field.label.text or field.name).strip().rstrip(":").strip()
    return f"“{text or field.name}”"


def _required_message(field, name: str) -> str:
    """What to do about an empty required field: choose, tick or enter it."""
    if isinstance(field, SelectFieldBase):
        return f"Choose {name}."
    if isinstance(field, BooleanField):
        return f"Tick {name}."
    return f"Enter {name}."


def _length_message(field, validator: Length, name: str) -> tuple[str, str]:
    """(WTForms' default message for this length rule, ours, with the limit and the entry's length)."""
    length = len(field.data) if isinstance(field.data, str | list | tuple) else 0
    low, high = validator.min, validator.max
    entered = f"you entered {length}."
    if high == -1:
        default = field.ngettext("Field must be at least %(min)d character long.",
                                 "Field must be at least %(min)d characters long.", low)
        ours = f"{name} must be at least {_characters(low)}: {entered}"
    elif low == -1:
        default = field.ngettext("Field cannot be longer than %(max)d character.",
                                 "Field cannot be longer than %(max)d characters.", high)
        ours = f"{name} must be {_characters(high)} or fewer: {entered}"
    elif low == high:
        default = field.ngettext("Field must be exactly %(max)d character long.",
                                 "Field must be exactly %(max)d characters long.", high)
        ours = f"{name} must be exactly {_characters(high)}: {entered}"
    else:
        default = field.gettext("Field must be between %(min)d and %(max)d characters long.")
        ours = f"{name} must be between {low} and {_characters(high)}: {entered}"
    return default % {"min": low, "max": high, "length": length}, ours


def own_wording(field) -> None:
    """Replace WTForms' default "This field is required." and "Field cannot be longer than …" in the
    field's errors with messages that name the field and, for a length, give the limit and the length
    entered. A validator given its own message keeps it."""
    if not field.errors or not isinstance(field.errors, list):
        return
    name = _field_name(field)
    replace: dict[str, str] = {}
    for validator in field.validators:
        if getattr(validator, "message", None) is not None:
            continue
        if isinstance(validator, DataRequired | InputRequired):
            replace[field.gettext("This field is required.")] = _required_message(field, name)
        elif isinstance(validator, Length):
            default, ours = _length_message(field, validator, name)
            replace[default] = ours
    if replace:
        field.errors = [replace.get(error, error) if isinstance(error, str) else error for error in field.errors]


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
        for field in self:
            own_wording(field)
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


def _forms_in(value, depth: int = 0):
    """The forms in a template variable: a form, or a list, tuple or dict of them (two levels deep, for
    a page's ``[(question, form), ...]``)."""
    if isinstance(value, FlaskForm):
        yield value
    elif depth < 2 and isinstance(value, (list, tuple)):
        for item in value:
            yield from _forms_in(item, depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for item in value.values():
            yield from _forms_in(item, depth + 1)


@pass_context
def page_has_form_errors(context) -> bool:
    """Whether the page being rendered shows a form with errors: base.html then starts the page title
    with "Error: ", for every page, whatever its form is called."""
    return any(form.errors for value in context.get_all().values() for form in _forms_in(value))


def init_app(app: Flask) -> None:
    """Run :func:`refuse_invalid_utf8` before every other request hook (CSRF parses the form); give the
    templates :func:`page_has_form_errors`."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_invalid_utf8)
    app.jinja_env.globals["page_has_form_errors"] = page_has_form_errors
