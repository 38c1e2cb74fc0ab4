"""Decompression bombs for the tests, built for real: XLSX files whose parts expand far beyond their size."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from openpyxl import Workbook

MB = 1024 * 1024
SHARED_STRINGS = "xl/sharedStrings.xml"
_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def small_workbook(path: Path) -> Path:
    """A real, tiny attendance list (openpyxl writes its text as shared strings)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["First name", "Last name", "Email", "Organisation", "Attended"])
    sheet.append(["Ann", "Jones", "ann@example.org", "Kent Police", "yes"])
    workbook.save(path)
    return path


_OVERRIDE = (b'<Override PartName="/xl/sharedStrings.xml" '
             b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')


def _copy_without(source: Path, archive: zipfile.ZipFile, skip: str) -> None:
    """Copy ``source``'s parts but ``skip``; the manifest names the shared strings part, so openpyxl reads it."""
    with zipfile.ZipFile(source) as original:
        for info in original.infolist():
            if info.filename == skip:
                continue
            data = original.read(info)
            if info.filename == "[Content_Types].xml" and b"sharedStrings" not in data:
                data = data.replace(b"</Types>", _OVERRIDE + b"</Types>")
            archive.writestr(info, data)


def _write_strings(part, expanded_bytes: int, unit: bytes = b"<si><t>A</t></si>") -> None:
    part.write(_HEAD)
    chunk = unit * (MB // len(unit))
    written = 0
    while written < expanded_bytes:
        part.write(chunk)
        written += len(chunk)
    part.write(b"</sst>")


def shared_strings_bomb(path: Path, expanded_mb: int = 300) -> Path:
    """An XLSX under 1 MB whose shared strings part expands to ``expanded_mb`` MB (finding 5's file)."""
    base = small_workbook(path.with_name(path.stem + "-base.xlsx"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _copy_without(base, archive, SHARED_STRINGS)
        with archive.open(SHARED_STRINGS, "w") as part:
            _write_strings(part, expanded_mb * MB)
    return path


def single_cell_bomb(path: Path, expanded_mb: int = 400) -> Path:
    """An XLSX whose one shared string (one cell) is ``expanded_mb`` MB of the letter A."""
    base = small_workbook(path.with_name(path.stem + "-base.xlsx"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _copy_without(base, archive, SHARED_STRINGS)
        with archive.open(SHARED_STRINGS, "w") as part:
            part.write(_HEAD + b"<si><t>")
            chunk = b"A" * MB
            for _ in range(expanded_mb):
                part.write(chunk)
            part.write(b"</t></si></sst>")
    return path


def lying_bomb(path: Path, expanded_mb: int = 300, claimed: int = 2000) -> Path:
    """An XLSX whose shared strings part says it is ``claimed`` bytes but expands to ``expanded_mb`` MB.

    Written normally, then both headers (local and central directory) patched to lie about the size.
    """
    shared_strings_bomb(path, expanded_mb)
    data = bytearray(path.read_bytes())
    name = SHARED_STRINGS.encode()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHARED_STRINGS)
    assert info.file_size < 0xFFFFFFFF  # no ZIP64 extra field to patch
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, claimed)
    central = data.find(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
        assert central > 0
    struct.pack_into("<I", data, central + 24, claimed)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(SHARED_STRINGS).file_size == claimed
    return path


def shared_strings_workbook(path: Path) -> Path:
    """The tiny list as Excel saves it: cells point into a shared strings part (read through the bounds)."""
    import re

    base = small_workbook(path.with_name(path.stem + "-base.xlsx"))
    with zipfile.ZipFile(base) as original:
        sheet = original.read("xl/worksheets/sheet1.xml").decode()
    strings: list[str] = []

    def shared(match: re.Match) -> str:
        strings.append(match[2])
        return f'<c r="{match[1]}" t="s"><v>{len(strings) - 1}</v></c>'

    sheet = re.sub(r'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>([^<]*)</t></is></c>', shared, sheet)
    table = "".join(f"<si><t>{text}</t></si>" for text in strings)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _copy_without(base, archive, "xl/worksheets/sheet1.xml")
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr(SHARED_STRINGS, _HEAD + f"{table}</sst>".encode())
    return path
