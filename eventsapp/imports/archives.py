"""Bounded reading of ZIP archives (an .xlsx file is one), so no decompression bomb gets through.

Two lines of defence, both with the limits of :class:`ArchiveLimits`:

1. before anything is decompressed, the central directory is checked: how many parts, how
   large each says it is once expanded, all of them together, and how much more that is
   than the bytes actually stored (:func:`check_archive`);
2. every part is then read through a counter that stops at those limits whatever its header
   says (:class:`BoundedZipFile`; Python's ``zipfile`` itself also stops at the recorded
   size and checks the CRC), so memory stays bounded even for a part that lies.

:func:`verify_archive` does both for a whole file, decompressing in small chunks and keeping
nothing: the upload form runs it so that a bomb is refused at the field and never stored.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO

from flask import current_app, has_app_context

MB = 1024 * 1024
#: Parts smaller than this are never refused for their compression ratio (tiny XML compresses well).
RATIO_FLOOR_BYTES = 1 * MB
#: Bytes decompressed at a time while verifying.
CHUNK = 64 * 1024


DAMAGED = ("This file is damaged or is not what it says it is (a part of it does not match its recorded "
           "size or checksum), so it was not read. Save the list again and upload the new file.")


def is_damage(error: BaseException) -> bool:
    """A ZIP error that means a part's contents disagree with its headers (size, CRC, overlap)."""
    return isinstance(error, zipfile.BadZipFile) and any(
        word in str(error) for word in ("CRC", "Overlapped", "Truncated", "Bad magic"))


class ArchiveRefused(Exception):  # noqa: N818 (not a ValueError: openpyxl rewraps those)
    """The archive is too large once expanded, or damaged; the message says why, for people."""


@dataclass(frozen=True)
class ArchiveLimits:
    """What an uploaded archive may expand to; the config keys ``IMPORT_MAX_*`` set them."""

    #: All parts together, expanded (IMPORT_MAX_UNCOMPRESSED_MB).
    total_bytes: int = 200 * MB
    #: Any one part, expanded (IMPORT_MAX_PART_MB); openpyxl keeps the shared strings part in memory.
    part_bytes: int = 64 * MB
    #: Expanded size / stored size, per part over 1 MB and for the whole file (IMPORT_MAX_RATIO).
    ratio: float = 100.0
    #: Number of parts (IMPORT_MAX_PARTS).
    parts: int = 500

    @classmethod
    def from_config(cls, config=None) -> ArchiveLimits:
        if config is None:
            config = current_app.config if has_app_context() else {}
        default = cls()

        def number(key: str, fallback: float, kind=float):
            value = config.get(key)
            return fallback if value in (None, "") else kind(value)

        return cls(
            total_bytes=int(number("IMPORT_MAX_UNCOMPRESSED_MB", default.total_bytes / MB) * MB),
            part_bytes=int(number("IMPORT_MAX_PART_MB", default.part_bytes / MB) * MB),
            ratio=number("IMPORT_MAX_RATIO", default.ratio),
            parts=number("IMPORT_MAX_PARTS", default.parts, int),
        )


def _megabytes(size: int) -> str:
    return f"{size / MB:,.0f} MB"


def too_large(limit: int) -> str:
    return (f"This file expands to more than {_megabytes(limit)} when opened (an .xlsx file is compressed), "
            "far more than any attendance list, so it was not read. Check that it is the right file, "
            "or save the list as CSV and upload that.")


def _archive_size(archive: zipfile.ZipFile) -> int:
    fp = archive.fp
    position = fp.tell()
    try:
        return fp.seek(0, io.SEEK_END)
    finally:
        fp.seek(position)


def check_archive(file: str | IO[bytes], limits: ArchiveLimits | None = None) -> None:
    """Refuse ``file`` from its central directory alone (nothing is decompressed).

    :raise ArchiveRefused: too many parts, too large expanded, or compressed like a bomb.
    :raise zipfile.BadZipFile: not a ZIP archive at all.
    """
    limits = limits or ArchiveLimits.from_config()
    with zipfile.ZipFile(file) as archive:
        infos = archive.infolist()
        stored = max(_archive_size(archive), 1)
    if len(infos) > limits.parts:
        raise ArchiveRefused(f"This file holds {len(infos):,} parts; a spreadsheet has a few dozen at most "
                             f"(the limit is {limits.parts:,}), so it was not read.")
    total = 0
    for info in infos:
        if info.file_size > limits.part_bytes:
            raise ArchiveRefused(too_large(limits.part_bytes))
        total += info.file_size
        if total > limits.total_bytes:
            raise ArchiveRefused(too_large(limits.total_bytes))
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise _bomb(info.file_size / max(info.compress_size, 1), limits)
    if total > RATIO_FLOOR_BYTES and total > limits.ratio * stored:
        raise _bomb(total / stored, limits)


def _bomb(ratio: float, limits: ArchiveLimits) -> ArchiveRefused:
    return ArchiveRefused(
        f"This file is compressed {ratio:,.0f} times (a spreadsheet is rarely more than {limits.ratio:,.0f}), "
        "the mark of a file built to fill the server's memory, so it was not read. "
        "Save the attendance list again from your spreadsheet program, or as CSV."
    )


class _BoundedPart(io.RawIOBase):
    """One part of a :class:`BoundedZipFile`, read through the archive's counters."""

    def __init__(self, handle, archive: BoundedZipFile):
        self.handle = handle
        self.archive = archive
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.handle.read(len(buffer))
        n = len(data)
        self.count += n
        self.archive.expanded += n
        limits = self.archive.limits
        if self.count > limits.part_bytes:
            raise ArchiveRefused(too_large(limits.part_bytes))
        if self.archive.expanded > limits.total_bytes:
            raise ArchiveRefused(too_large(limits.total_bytes))
        buffer[:n] = data
        return n

    def close(self) -> None:
        self.handle.close()
        super().close()


class BoundedZipFile(zipfile.ZipFile):
    """A ZIP archive, checked on opening, whose parts read no more than ``limits`` in all."""

    def __init__(self, file, limits: ArchiveLimits | None = None):
        self.limits = limits or ArchiveLimits.from_config()
        self.expanded = 0
        check_archive(file, self.limits)
        if hasattr(file, "seek"):
            file.seek(0)
        super().__init__(file)

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):
        handle = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode != "r":
            return handle
        return io.BufferedReader(_BoundedPart(handle, self), CHUNK)


def verify_archive(file: str | IO[bytes], limits: ArchiveLimits | None = None) -> None:
    """Check ``file``'s directory, then expand every part in chunks (keeping nothing) within the limits.

    A file object is left at its start.

    :raise ArchiveRefused: as :func:`check_archive`, or a part that holds more than it says or is damaged.
    :raise zipfile.BadZipFile: not a ZIP archive at all.
    """
    try:
        with BoundedZipFile(file, limits) as archive:
            for info in archive.infolist():
                with archive.open(info) as part:
                    while part.read(CHUNK):
                        pass
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as error:
        if isinstance(error, zipfile.BadZipFile) and not is_damage(error):
            raise
        raise ArchiveRefused(DAMAGED) from None
    finally:
        if hasattr(file, "seek"):
            file.seek(0)
