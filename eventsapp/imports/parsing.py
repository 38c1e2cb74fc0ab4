"""Reading attendance spreadsheets: encodings, separators, XLSX, headers and values.

Everything here streams: a CSV is decoded through a text wrapper and read
row by row, an XLSX through openpyxl's read-only mode, so a 100,000-row file
is never held in memory. Nothing here touches the database.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from eventsapp.forms import clean_line
from eventsapp.imports.archives import DAMAGED, ArchiveRefused, BoundedZipFile, is_damage

#: A header row wider than this is not an attendance list.
MAX_COLUMNS = 200
#: Longest cell read; longer cells are a row error rather than a memory problem.
MAX_CELL_CHARS = 10_000
#: Bytes read up front to recognise the format and the separator.
SAMPLE_BYTES = 64 * 1024

#: Fields an import understands, with a label for people.
FIELDS: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "full_name": "Full name",
    "email": "Email",
    "organisation": "Organisation",
    "sector": "Sector",
    "job_title": "Job title",
    "attended": "Attended",
    "registration_status": "Registration status",
    "registered_at": "Registered at",
    "event_title": "Event title",
    "event_date": "Event date",
    "start_time": "Start time",
    "end_time": "End time",
    "region": "Region",
    "town": "Town",
    "host_organisation": "Host organisation",
}

#: Header names other tools use for each field, in normalised form (see normalise_header). Taken from
#: the published exports of Eventbrite (attendee summary and orders reports), Ticket Tailor (issued
#: tickets), pretix (order data, check-in lists), Hi.Events (attendees), Google Forms and Microsoft
#: Forms (responses) and Zoom (registration and attendee reports), and from sign-in sheets.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("first name", "firstname", "forename", "forenames", "given name", "first", "attendee first name",
                   "attendee name given name", "ticket holder first name", "your first name"),
    "last_name": ("last name", "lastname", "surname", "family name", "last", "attendee last name",
                  "attendee name family name", "ticket holder last name", "your last name", "your surname"),
    "full_name": ("full name", "name", "attendee name", "attendee", "delegate", "delegate name",
                  "participant", "participant name", "person", "your name", "your full name", "ticket holder",
                  "ticket holder name", "user name original name", "name original name", "guest name",
                  "respondent name"),
    "email": ("email", "e mail", "email address", "e mail address", "attendee email", "emailaddress",
              "attendee email address", "ticket holder email", "your email", "your email address",
              "user email", "registrant email"),
    "organisation": ("organisation", "organization", "company", "organisation name", "organization name",
                     "company name", "employer", "agency", "attendee organisation", "org", "attendee company",
                     "company organisation", "company organization", "organisation company",
                     "organization company", "your organisation", "your organization"),
    "sector": ("sector", "organisation type", "organization type", "type of organisation",
               "type of organization", "organisation sector", "organization sector", "sector code", "industry"),
    "job_title": ("job title", "jobtitle", "role", "position", "job role", "your role", "your job title"),
    "attended": ("attended", "checked in", "check in", "attendance", "attendance status", "attendee status",
                 "check in status", "present", "did attend", "is checked in", "checked in at", "check in date",
                 "check in time", "attended yes no"),
    "registration_status": ("registration status", "booking status", "ticket status", "order status",
                            "approval status", "registrant status"),
    "registered_at": ("registered at", "registration date", "registered", "date registered", "booking date",
                      "order date", "registered on", "created", "registration time", "timestamp",
                      "completion time", "created date", "order datetime", "purchase date", "date of registration"),
    "event_title": ("event title", "event", "event name", "topic", "meeting topic", "webinar topic", "session",
                    "session name", "which event", "what event", "event attended", "session attended",
                    "workshop attended", "event you attended"),
    "event_date": ("event date", "date", "event start date", "date of event", "event start", "event starts",
                   "start date", "session date", "event date time", "event start date time", "date of the event",
                   "date attended", "event date and time", "event start date and time", "date of session"),
    "start_time": ("start time", "event start time", "starts at time"),
    "end_time": ("end time", "event end time"),
    "region": ("region", "event region", "itl region", "region code"),
    "town": ("town", "city", "event town", "location", "town or city"),
    "host_organisation": ("host organisation", "host organization", "host", "host org", "event host",
                          "hosted by"),
}

_ALIAS_TO_FIELD = {alias: field for field, aliases in HEADER_ALIASES.items() for alias in aliases}
_NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "la", "le", "du", "bin", "ibn", "al", "st"}
_HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "revd", "sir", "dame", "cllr",
               "councillor", "pc", "ps", "insp", "supt", "imam", "rabbi"}
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_FORMULA = re.compile(r"^(=|[+\-@]\s*[A-Za-z(])")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for people."""


class ValueProblem(ValueError):
    """One cell's value cannot be read; the message says why, for people."""


def normalise_header(header: str) -> str:
    """Case, spacing and punctuation fold away: "E-mail Address " -> "e mail address"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(header or "").casefold()).split())


def guess_field(header: str) -> str | None:
    return _ALIAS_TO_FIELD.get(normalise_header(header))


def phrase_key(text: str) -> str:
    return normalise_header(text)


@dataclass
class RowSource:
    """An opened spreadsheet: its header and an iterator of (row number, cells)."""

    headers: list[str]
    rows: Iterator[tuple[int, list[object]]]
    #: Fraction of the file read so far, 0.0 to 1.0.
    progress: callable
    kind: str
    encoding: str = ""
    delimiter: str = ""
    close: callable = lambda: None
    #: The first rows (also still in ``rows``): columns are read by their values as well as their names.
    sample: list[list[object]] = field(default_factory=list)


def peek(source: RowSource, count: int = 200) -> RowSource:
    """Read the first ``count`` rows into ``source.sample`` and put them back in front of ``source.rows``."""
    taken = list(itertools.islice(source.rows, count))
    source.sample = [cells for _number, cells in taken]
    source.rows = itertools.chain(taken, source.rows)
    return source


def open_rows(path: str | Path) -> RowSource:
    """Open a CSV or XLSX file for streaming.

    :raise ImportFileError: for binary or unreadable files, unknown encodings,
        a missing or absurd header row.
    """
    path = Path(path)
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if not sample.strip():
        raise ImportFileError("The file is empty: there is no header row and no data.")
    if sample.startswith(b"PK\x03\x04"):
        return _open_xlsx(path)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(
            "The file is saved as UTF-16 text. Save it as “CSV UTF-8” (or Excel .xlsx) and upload it again."
        )
    if b"\x00" in sample or sample.startswith((b"\xd0\xcf\x11\xe0", b"%PDF")):
        raise ImportFileError(
            "This is not a CSV or XLSX spreadsheet (it looks like a binary file). "
            "Upload the attendance list as .csv or .xlsx."
        )
    return _open_csv(path, sample)


def detect_encoding(path: Path, sample: bytes) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes strictly, else Windows-1252."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _sniff_delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


class _CountingReader(io.RawIOBase):
    """A binary file that remembers how many bytes were read (for progress)."""

    def __init__(self, handle):
        self.handle = handle
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.handle.readinto(buffer)
        self.position += n or 0
        return n

    def close(self) -> None:
        self.handle.close()
        super().close()


def _open_csv(path: Path, sample: bytes) -> RowSource:
    encoding = detect_encoding(path, sample)
    size = max(path.stat().st_size, 1)
    counting = _CountingReader(path.open("rb"))
    text = io.TextIOWrapper(io.BufferedReader(counting), encoding=encoding, newline="", errors="strict")
    try:
        first_line = next((line for line in _sample_lines(sample, encoding) if line.strip()), "")
        delimiter = _sniff_delimiter(first_line)
        reader = csv.reader(text, delimiter=delimiter)
        csv.field_size_limit(MAX_CELL_CHARS * 10)
        numbered = _numbered(reader)
        headers, header_number, pending = _read_header(numbered)
    except UnicodeDecodeError:
        text.close()
        raise ImportFileError(
            "The file's characters could not be read as UTF-8 or Windows-1252. "
            "Save it as “CSV UTF-8” and upload it again."
        ) from None
    except csv.Error as error:
        text.close()
        raise ImportFileError(f"The file is not a readable CSV file ({error}).") from None

    def rows():
        number = header_number
        try:
            for number, cells in itertools.chain(pending, numbered):  # noqa: B007 (number reported below)
                if cells and (cells[0].strip() or any(cell.strip() for cell in cells)):
                    yield number, cells
        except UnicodeDecodeError:
            raise ImportFileError(
                f"Row {number + 1} has characters that are not UTF-8 or Windows-1252. "
                "Save the file as “CSV UTF-8” and upload it again."
            ) from None
        except csv.Error as error:
            raise ImportFileError(f"Row {number + 1} cannot be read as CSV ({error}).") from None
        finally:
            text.close()

    return RowSource(
        headers=headers, rows=rows(), progress=lambda: min(counting.position / size, 1.0), kind="csv",
        encoding=encoding, delimiter=delimiter, close=text.close,
    )


def _sample_lines(sample: bytes, encoding: str) -> list[str]:
    decoded = sample.decode(encoding, errors="replace")
    return decoded.splitlines()[:20]


def _numbered(reader) -> Iterator[tuple[int, list]]:
    yield from enumerate(reader, start=1)


#: Rows read ahead to find the header row below a report's preamble (Zoom's reports begin with one).
HEADER_LOOKAHEAD = 30


def _read_header(numbered_rows) -> tuple[list[str], int, list[tuple[int, list]]]:
    """The header row, its number, and the rows read ahead after it (to be read next).

    The header is the first non-empty row, unless a later row among the first few names clearly
    more of the columns an import knows (at least three): the table below a report's preamble.
    """
    ahead: list[tuple[int, list, list[str]]] = []
    for number, cells in numbered_rows:
        values = [clean_line(c) if isinstance(c, str) else cell_text(c) for c in cells]
        while values and not values[-1]:
            values.pop()
        if not values and not ahead:
            continue
        if len(values) > MAX_COLUMNS and not ahead:
            raise ImportFileError(
                f"The header row has {len(values):,} columns; an attendance list has at most {MAX_COLUMNS}. "
                "Check that the first row holds the column names."
            )
        ahead.append((number, cells, values))
        if len(ahead) >= HEADER_LOOKAHEAD:
            break
    if not ahead:
        raise ImportFileError("The file has no header row: every line is empty.")
    scores = [sum(1 for v in values if guess_field(v)) if len(values) <= MAX_COLUMNS else 0
              for _, _, values in ahead]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    if scores[best] <= scores[0] or scores[best] < 3:
        best = 0
    number, _cells, values = ahead[best]
    return values, number, [(n, cells) for n, cells, _ in ahead[best + 1:]]


def _open_xlsx(path: Path) -> RowSource:
    """Open an XLSX workbook, read-only, through :class:`BoundedZipFile` (no decompression bombs)."""
    from openpyxl.reader.excel import ExcelReader

    try:
        archive = BoundedZipFile(path)
    except ArchiveRefused as refused:
        raise ImportFileError(str(refused)) from None
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFileError(f"The file is not a readable XLSX workbook ({error.__class__.__name__}).") from None
    try:
        with path.open("rb") as handle:  # openpyxl opens its own ZipFile: swapped for the bounded one
            reader = ExcelReader(handle, read_only=True, data_only=False)
            reader.archive.close()
        reader.archive, reader.valid_files = archive, archive.namelist()
        reader.read()
        workbook = reader.wb
    except ArchiveRefused as refused:
        archive.close()
        raise ImportFileError(str(refused)) from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as error:
        archive.close()
        cause = error.__cause__ if isinstance(error, ValueError) and error.__cause__ else error
        if is_damage(cause):
            raise ImportFileError(DAMAGED) from None
        raise ImportFileError(f"The file is not a readable XLSX workbook ({error.__class__.__name__}).") from None
    sheet = workbook.worksheets[0]
    total = max(sheet.max_row or 1, 1)
    state = {"row": 0}
    iterator = sheet.iter_rows(values_only=True)

    def numbered():
        for number, cells in enumerate(iterator, start=1):
            state["row"] = number
            yield number, list(cells)

    source_rows = numbered()
    try:
        headers, _, pending = _read_header(source_rows)
    except ArchiveRefused as refused:
        workbook.close()
        raise ImportFileError(str(refused)) from None
    except zipfile.BadZipFile as error:
        workbook.close()
        raise ImportFileError(DAMAGED if is_damage(error) else "The workbook's sheet cannot be read.") from None
    except ImportFileError:
        workbook.close()
        raise

    def rows():
        try:
            for number, cells in itertools.chain(pending, source_rows):
                if any(c is not None and str(c).strip() for c in cells):
                    yield number, cells
        except ArchiveRefused as refused:
            raise ImportFileError(str(refused)) from None
        except zipfile.BadZipFile as error:
            raise ImportFileError(DAMAGED if is_damage(error) else "The workbook's sheet cannot be read.") from None
        finally:
            workbook.close()

    return RowSource(headers=headers, rows=rows(), progress=lambda: min(state["row"] / total, 1.0),
                     kind="xlsx", close=workbook.close)


# Values ---------------------------------------------------------------------


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return clean_line(value)


def looks_like_formula(text: str) -> bool:
    """Spreadsheet formulas are refused: they are not data and can be dangerous on export."""
    return bool(_FORMULA.match(text))


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def parse_date(value: object) -> date:
    """ISO (2013-03-14) or UK day-first (14/03/2013, 14/03/13, 14 March 2013); never month-first."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    lowered = text.casefold().replace(",", " ")
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ].*)?", lowered):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?: .*)?", lowered):
            return date(_year(m[3]), int(m[2]), int(m[1]))
        words = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", lowered).replace("-", " ").replace("/", " ").split()
        if words and words[0].rstrip(".")[:3] in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
            words = words[1:]
        if len(words) >= 3 and words[0].isdigit() and words[1].rstrip(".") in _MONTHS and words[2].isdigit():
            return date(_year(words[2]), _MONTHS[words[1].rstrip(".")], int(words[0]))
        # "March 14 2013": written out, the month cannot be mistaken for the day.
        if len(words) >= 3 and words[0].rstrip(".") in _MONTHS and words[1].isdigit() and words[2].isdigit() \
                and len(words[2]) == 4:
            return date(int(words[2]), _MONTHS[words[0].rstrip(".")], int(words[1]))
    except ValueError:
        raise ValueProblem("is not a real date (dates are read day first: 14/03/2013)") from None
    raise ValueProblem("is not a date in a form this importer reads (2013-03-14, 14/03/2013 or 14 March 2013)")


def parse_time(value: object) -> time:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    text = cell_text(value).casefold().replace(".", ":")
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(?::\d{2})?\s*(am|pm)?", text)
    if not m:
        raise ValueProblem("is not a time (use 24-hour 14:30, or 2:30pm)")
    hour, minute = int(m[1]), int(m[2] or 0)
    if m[3] == "pm" and hour < 12:
        hour += 12
    if m[3] == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise ValueProblem("is not a time of day")
    return time(hour, minute)


def parse_datetime(value: object) -> datetime:
    """A date (any form parse_date reads), optionally followed by a time."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0))
    text = cell_text(value)
    m = re.fullmatch(r"(.*?)[ T](\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)(?:Z|[+-]\d{2}:?\d{2})?", text)
    if m:
        day = parse_date(m[1])
        clock = parse_time(m[2].split(".")[0])
        return datetime.combine(day, clock)
    return datetime.combine(parse_date(text), time(0, 0))


def split_full_name(text: str) -> tuple[str, str]:
    """"Smith, Jane" and "Dr Jane van der Berg" -> ("Jane", "Smith") and ("Jane", "van der Berg")."""
    text = " ".join(text.split())
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip(), last.strip()
    words = text.split(" ")
    while len(words) > 1 and words[0].casefold().rstrip(".") in _HONORIFICS:
        words = words[1:]
    if len(words) == 1:
        return words[0], ""
    last_start = len(words) - 1
    while last_start > 1 and words[last_start - 1].casefold() in _NAME_PARTICLES:
        last_start -= 1
    return " ".join(words[:last_start]), " ".join(words[last_start:])


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
