"""The hostile-input sweep's machinery: the requests it sends and how it sees what they wrote.

:func:`requests_for` lists, for one route (endpoint and method) and one role, every request the sweep
sends: the route's own URL (values from the access matrix's rules, so the objects exist) with each
``<int:...>`` parameter replaced by 0, -1, 2^31, 2^64 and 10^30 and each string parameter by junk;
extreme query strings (dates in years 1 and 9999, pages of 10^20, NUL, invalid UTF-8, 100 kB); and
for POST, missing, extra and hostile form fields, with the role's valid CSRF token and without it.

:class:`WriteTracker` watches the engine: a request *wrote* when it ran an INSERT, UPDATE or DELETE
in a transaction it then committed. Files written under the instance folder (uploads) count too.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field

from sqlalchemy import event, select
from werkzeug.routing import IntegerConverter

from eventsapp.extensions import db

HOSTILE_IDS = (0, -1, 2**31, 2**64, 10**30)
#: Raw (percent-encoded) junk for string path parameters; invalid UTF-8 goes through PATH_INFO.
HOSTILE_PATH_STRINGS = ("%00", "x" * 2000, "..%2F..%2Fetc%2Fpasswd", "%20", "%E2%80%AE", "1%0D%0ASet-Cookie:x")
SAMPLE_PATH_STRINGS = ("%00", "x" * 2000)
INVALID_UTF8_PATH = b"\xff\xfe\xed\xa0\x80".decode("latin-1")

#: Audit tables that views write on purpose, GETs included (eventsapp.privacy.access_log): not a "write".
AUDIT_TABLES = {"access_log_entry"}

#: Query-string names any view reads (grep ``request.args`` and the filter forms).
QUERY_NAMES = ("page", "q", "month", "from", "to", "host", "event", "programme", "region", "status", "table",
               "next", "blank", "upcoming", "past", "drafts", "new", "done", "all", "first", "second", "sector")
HUNDRED_KB = "A" * 100_000
#: What a role that does not get every variant gets (see ``test_sweep.Sweeper.sweep_route``).
SAMPLE_IDS = (0, 2**64)
SAMPLE_VARIANTS = {"huge", "invalid-utf8", "no fields"}


def _query(values: dict[str, str]) -> str:
    return "&".join(f"{name}={value}" for name, value in values.items())


def query_variants(each_name: bool = True) -> list[tuple[str, str]]:
    """(label, raw query string): every name at once with one kind of junk, then (``each_name``) the worst
    value of each name alone, so that one refused value cannot hide another."""
    everything = {
        "year-1": {n: "0001-01-01" for n in QUERY_NAMES} | {"month": "0001-01"},
        "year-9999": {n: "9999-12-31" for n in QUERY_NAMES} | {"month": "9999-12"},
        "year-0": {n: "0000-00-00" for n in QUERY_NAMES} | {"month": "0000-00"},
        "huge": dict.fromkeys(QUERY_NAMES, str(10**20)),
        "negative": dict.fromkeys(QUERY_NAMES, "-1"),
        "nul": dict.fromkeys(QUERY_NAMES, "%00"),
        "invalid-utf8": dict.fromkeys(QUERY_NAMES, "%FF%FE"),
        "controls-markup": dict.fromkeys(QUERY_NAMES, "a%0D%0Ab%07%1B%7F%3Cscript%3E%27%22%3B--"),
        "empty": dict.fromkeys(QUERY_NAMES, ""),
        "floats": dict.fromkeys(QUERY_NAMES, "1e308"),
        "unicode-digits": dict.fromkeys(QUERY_NAMES, "%D9%A3"),
        # str.isdigit() is true of "²" and "፩", yet int() refuses them (a 500 on ?page=² once).
        "superscript-digits": dict.fromkeys(QUERY_NAMES, "%C2%B2"),
        "ethiopic-digits": dict.fromkeys(QUERY_NAMES, "%E1%8D%A9"),
    }
    variants = [(label, _query(values)) for label, values in everything.items()]
    variants.append(("100kB", f"q={HUNDRED_KB}&page={HUNDRED_KB[:20_000]}&month={HUNDRED_KB[:20_000]}"))
    variants.append(("repeated", "page=1&page=2&host=1&host=x&from=2026-01-01&from=9999-12-31"))
    worst = {"page": str(10**20), "month": "9999-12", "from": "0001-01-01", "to": "9999-12-31", "host": str(2**64),
             "event": str(10**30), "programme": str(2**64), "first": str(2**64), "second": "-1",
             "upcoming": str(10**20), "past": str(10**20), "drafts": str(10**20), "blank": str(10**20)}
    if each_name:
        variants.extend((f"{name}={value[:12]}", f"{name}={value}") for name, value in worst.items())
    return variants


#: Form field names the app's forms use; every hostile body sets all of them.
FORM_NAMES = ("title", "summary", "description", "themes", "name", "email", "first_name", "last_name",
              "organisation", "organisation_name", "job_title", "access_requirements", "dietary_requirements",
              "town", "venue", "address", "postcode", "online_url", "starts_at", "ends_at", "capacity",
              "registration_opens_at", "registration_closes_at", "host", "region", "programme", "cohosts",
              "status", "sector", "website", "role", "phrase", "label", "kind", "choices", "first", "second",
              "survivor", "q", "page", "password", "new_password", "confirm", "slug", "destination",
              "new_slug", "source_name", "direction", "override", "attended", "consent_privacy", "code")


def form_variants(base: dict | None, each_field: bool = False) -> list[tuple[str, dict | bytes]]:
    """(label, form data or raw url-encoded body) for a POST: missing, extra and hostile fields.

    With ``each_field``, also the valid form with one text field at a time given a NUL or a line break
    (so that the rest of the form passes and only that field can refuse it).
    """
    base = dict(base or {})
    variants: list[tuple[str, dict | bytes]] = [("no fields", {}), ("extra fields", {
        **base, "id": "1", "user_id": "1", "is_admin": "1", "status": "confirmed", "event_id": str(2**64)})]
    hostile = {
        "nul": "a\x00b", "crlf": "a\r\nSet-Cookie: x=1", "controls": "a\x07\x1b[31m\x7f",
        "100kB": HUNDRED_KB, "huge": str(10**30), "negative": "-1", "year-9999": "9999-12-31T23:59",
        "year-1": "0001-01-01T00:00", "empty": "", "markup": "<script>alert(1)</script>'\";--",
        # Digits that are not ASCII: hmac.compare_digest refused them with a TypeError (a 500 on the
        # two-step code box), and int() refuses "²" although str.isdigit() accepts it.
        "full-width-digits": "１２３４５６", "arabic-indic-digits": "٠١٢٣٤٥",
        "superscript-digits": "²",
    }
    for label, value in hostile.items():
        variants.append((label, {**dict.fromkeys(FORM_NAMES, value), **dict.fromkeys(base, value)}))
    # Invalid UTF-8 sent as a raw url-encoded body (what a browser never sends).
    names = sorted({*FORM_NAMES, *base})
    variants.append(("invalid-utf8", "&".join(f"{n}=%FF%FE" for n in names).encode()))
    if each_field:
        for name, value in base.items():
            if isinstance(value, str) and re.search(r"[A-Za-z]", value) and "password" not in name:
                variants.append((f"nul in {name}", {**base, name: value + "\x00x"}))
                variants.append((f"line break in {name}", {**base, name: value + "\r\nx"}))
    return variants


_WRITTEN_TABLE = re.compile(r"(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\S+)", re.IGNORECASE)


@dataclass
class WriteTracker:
    """Whether the app committed a write since :meth:`reset` (INSERT/UPDATE/DELETE, then COMMIT)."""

    engine: object
    pending: bool = False
    committed: bool = False
    statements: list[str] = field(default_factory=list)
    paused: bool = False

    def install(self) -> None:
        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        event.listen(self.engine, "commit", self._on_commit)
        event.listen(self.engine, "rollback", self._on_rollback)

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on_execute)
        event.remove(self.engine, "commit", self._on_commit)
        event.remove(self.engine, "rollback", self._on_rollback)

    def reset(self) -> None:
        self.pending = self.committed = False
        self.statements = []

    def _on_execute(self, _conn, _cursor, statement, _params, _context, _many) -> None:
        if self.paused:
            return
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        written = _WRITTEN_TABLE.match(" ".join(statement.split()))
        if written and written.group(1).strip('"`') in AUDIT_TABLES:
            return  # the record of who saw personal data is written by every such view, GETs too
        if verb in ("INSERT", "UPDATE", "DELETE"):
            self.pending = True
            self.statements.append(" ".join(statement.split())[:160])

    def tables_written(self) -> set[str]:
        """Names of the tables the statements since :meth:`reset` wrote to."""
        found = set()
        for statement in self.statements:
            match = _WRITTEN_TABLE.match(statement)
            if match:
                found.add(match.group(1).strip('"`'))
        return found

    def _on_commit(self, _conn) -> None:
        if not self.paused and self.pending:
            self.committed = True
        self.pending = False

    def _on_rollback(self, _conn) -> None:
        self.pending = False


def files_under(folder: str) -> dict[str, int]:
    """Every file under the instance folder (uploads, jobs), with its size; the database file aside."""
    found = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if name.endswith((".db", ".db-wal", ".db-shm", ".db-journal")):
                continue
            path = os.path.join(root, name)
            try:
                found[os.path.relpath(path, folder)] = os.path.getsize(path)
            except OSError:
                continue
    return found


def database_digest() -> str:
    """A digest of every row of every table (in primary-key order): equal digests, same data."""
    digest = hashlib.sha256()
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in AUDIT_TABLES:
                continue
            query = select(table).order_by(*table.primary_key.columns)
            for row in connection.execute(query):
                digest.update(repr(tuple(row)).encode())
            digest.update(table.name.encode())
    return digest.hexdigest()


#: What must never be stored: control characters (line feeds and tabs aside: multi-line text keeps them,
#: with CR normalised away), U+FFFD, and undecoded percent-escapes of invalid UTF-8 (how Werkzeug keeps
#: bytes it cannot decode).
STORED_JUNK = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffd]|%FF%FE")


def stored_junk(tables: set[str] | None = None) -> list[str]:
    """Text values in the database (in ``tables``, or all) holding :data:`STORED_JUNK` (table.column = value)."""
    found = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if tables is not None and table.name not in tables:
                continue
            columns = [c for c in table.columns if c.type.python_type is str] if table.columns else []
            for column in columns:
                for (value,) in connection.execute(select(column).where(column.is_not(None))):
                    if isinstance(value, str) and STORED_JUNK.search(value):
                        found.append(f"{table.name}.{column.name} = {value[:60]!r}")
    return found


def path_for(rule, values: dict) -> str:
    """The URL path of ``rule`` with ``values`` put in as they are (no converter checks)."""
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(r"<(?:[^:<>]+:)?" + re.escape(name) + ">", str(values[name]), path)
    return path


def int_arguments(rule) -> list[str]:
    return [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]


def string_arguments(rule) -> list[str]:
    return [name for name in rule.arguments if name not in int_arguments(rule)]
