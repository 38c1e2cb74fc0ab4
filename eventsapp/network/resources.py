"""The library of shared resources: guides, toolkits and links that hosts share.

- A host (an organiser or coordinator of the organisation) shares a link, a file or both; it
  starts ``submitted`` and is public only once ``approved`` by someone who
  :func:`~eventsapp.permissions.can_moderate_resource` (a coordinator of a programme the
  organisation takes part in). A rejected one stays visible to its organisation with the reason.
- Files are kept in the database (every app server reads the same rows), at most
  ``RESOURCE_MAX_BYTES`` (default 10 MB, below the request limit ``MAX_CONTENT_LENGTH`` so the
  form can say so at the field), of the types in :data:`FILE_TYPES`, and checked to look like
  what their name says. They are always downloaded as attachments, with the type from that
  table (never the uploader's) and ``X-Content-Type-Options: nosniff``.

Services add and flush; the caller commits.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote

from flask import current_app
from sqlalchemy import func, or_, select

from eventsapp.extensions import db
from eventsapp.models import Approach, Organisation, Resource, User, utcnow
from eventsapp.models.network import resource_approach
from eventsapp.network.services import PER_PAGE, DirectoryFilters, NetworkError, _approaches_by_id, _like
from eventsapp.permissions import resource_moderation_scope

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

#: Extension -> (content type sent on download, what the file starts with; None: plain text).
FILE_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "rtf": ("application/rtf", (b"{\\rtf",)),
    "txt": ("text/plain; charset=utf-8", None),
}


class ResourceFileError(NetworkError):
    """The uploaded file cannot be kept (too large, wrong type); the message is for the field."""


@dataclass
class ResourceData:
    title: str
    summary: str
    url: str | None
    kind_of_work: str | None
    approach_ids: list[int] = field(default_factory=list)
    #: (file name, bytes) when a file was uploaded.
    file: tuple[str, bytes] | None = None


def max_bytes() -> int:
    return int(current_app.config.get("RESOURCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_in_words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def read_upload(storage) -> tuple[str, bytes]:
    """The file name and bytes of an uploaded file, within the limits.

    :raise ResourceFileError: above ``RESOURCE_MAX_BYTES``, of a type not listed, or not what its
        name says.
    """
    name = os.path.basename((storage.filename or "").replace("\\", "/")).strip()[:200] or "file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in FILE_TYPES:
        raise ResourceFileError("Share a PDF, Word, OpenDocument, PowerPoint, Excel, RTF or text file.")
    limit = max_bytes()
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        storage.stream.seek(0, os.SEEK_END)
        size = max(storage.stream.tell(), len(data))
        raise ResourceFileError(
            f"This file is {size_in_words(size)}; the largest file you can share is {size_in_words(limit)}. "
            "Share a smaller file, or a link to it instead."
        )
    if not data:
        raise ResourceFileError("This file is empty.")
    starts = FILE_TYPES[extension][1]
    if starts is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise ResourceFileError("This text file is not UTF-8 text: save it as UTF-8, or as a PDF.") from None
    elif not data.startswith(starts):
        raise ResourceFileError(f"This file is not a .{extension} file, whatever its name says.")
    return name, data


def attachment_header(file_name: str) -> str:
    """``Content-Disposition`` for a download, ASCII only (RFC 6266): the name as ASCII, and in
    full as ``filename*`` when it has other characters (a WSGI server cannot send those raw)."""
    ascii_name = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(c for c in ascii_name if c.isprintable()).replace("\\", "_").replace('"', "'") or "file"
    header = f'attachment; filename="{ascii_name}"'
    if ascii_name != file_name:
        header += f"; filename*=UTF-8''{quote(file_name, safe='')}"
    return header


def content_type(resource: Resource) -> str:
    extension = (resource.file_name or "").rsplit(".", 1)[-1].lower()
    return FILE_TYPES.get(extension, ("application/octet-stream", None))[0]


def submit_resource(organisation: Organisation, by: User, data: ResourceData) -> Resource:
    """Share a resource for approval (not committed).

    :raise NetworkError: neither a link nor a file.
    """
    if not data.url and not data.file:
        raise NetworkError("Give a link, a file, or both.")
    resource = Resource(organisation=organisation, submitted_by_id=by.id, status="submitted",
                        title=data.title.strip(), summary=data.summary.strip(), url=data.url or None,
                        kind_of_work=data.kind_of_work or None, approaches=_approaches_by_id(data.approach_ids))
    if data.file:
        resource.file_name, resource.file_data = data.file
        resource.file_size = len(data.file[1])
        resource.file_type = content_type(resource)
    db.session.add(resource)
    db.session.flush()
    return resource


def review_resource(resource: Resource, by: User, decision: str, note: str = "") -> Resource:
    """Approve or reject a resource (again, either way; not committed)."""
    if decision not in ("approved", "rejected"):
        raise NetworkError("Approve or reject the resource.")
    if decision == "rejected" and not note.strip():
        raise NetworkError("Say why, so the organisation that shared it knows what to change.")
    resource.status = decision
    resource.review_note = note.strip() if decision == "rejected" else ""
    resource.reviewed_by_id = by.id
    resource.reviewed_at = utcnow()
    db.session.flush()
    return resource


def approved_resources(filters: DirectoryFilters, page: int = 1, per_page: int = PER_PAGE):
    query = (select(Resource).join(Organisation, Resource.organisation_id == Organisation.id)
             .where(Resource.status == "approved"))
    if filters.q:
        query = query.where(or_(_like(Resource.title, filters.q), _like(Resource.summary, filters.q),
                                _like(Organisation.name, filters.q)))
    if filters.approach:
        query = query.where(Resource.id.in_(
            select(resource_approach.c.resource_id).join(Approach).where(Approach.code == filters.approach)))
    if filters.kind:
        query = query.where(Resource.kind_of_work == filters.kind)
    return db.paginate(query.order_by(func.lower(Resource.title), Resource.id), page=page, per_page=per_page,
                       error_out=False)


def review_queue(user: User) -> list[Resource]:
    """Resources waiting for ``user``'s decision, oldest first."""
    scope = resource_moderation_scope(user)
    if not scope:
        return []
    return list(db.session.scalars(
        select(Resource).where(Resource.status == "submitted", Resource.organisation_id.in_(scope))
        .order_by(Resource.created_at, Resource.id)
    ))


def resources_of(organisations: list[Organisation]) -> list[Resource]:
    if not organisations:
        return []
    return list(db.session.scalars(
        select(Resource).where(Resource.organisation_id.in_([o.id for o in organisations]))
        .order_by(Resource.created_at.desc())
    ))


def approved_resources_of(organisation: Organisation) -> list[Resource]:
    return list(db.session.scalars(
        select(Resource).where(Resource.organisation_id == organisation.id, Resource.status == "approved")
        .order_by(func.lower(Resource.title))
    ))
