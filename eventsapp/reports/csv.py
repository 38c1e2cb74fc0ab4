"""CSV files of a report's tables: UTF-8 with a byte-order mark (Excel reads it right)
and safe from formula injection (a cell starting with = + - @ is prefixed with ').
"""

from __future__ import annotations

import csv
import io
import zipfile

from eventsapp.reports.aggregate import Report
from eventsapp.reports.tables import TABLES, Table, all_tables
from eventsapp.spreadsheets import safe_cell


def table_to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(column) for column in table.columns])
    for row in table.rows:
        writer.writerow([safe_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_csv(report: Report, table: str) -> bytes:
    """One table as CSV. :raise KeyError: for an unknown table name."""
    return table_to_csv(TABLES[table](report))


def render_csv_zip(report: Report) -> bytes:
    """Every table as its own CSV file, in one ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in all_tables(report):
            archive.writestr(f"{table.name}.csv", table_to_csv(table))
    return buffer.getvalue()
