"""Streamed block exports (CSV, JSON Lines): rows are read and written in fixed-size chunks, so
memory stays flat however large the schedule."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import batched

import orjson
from django.db.models import QuerySet

from schedules.block_schema import ANALYTICS_COLUMNS, FILE_COLUMNS, Origin
from tsi_site.web.tables import csv_value

CHUNK_ROWS = 2000
# Output column → ORM path: every stored file column of the block schema, then its analytics.
EXPORT_COLUMNS = {
    "block_id": "id",
    **{column.name: column.stored for column in FILE_COLUMNS if column.stored},
    **{
        column.name: f"analytics__{column.name}"
        for column in ANALYTICS_COLUMNS
        if column.origin != Origin.FILE
    },
}
MEDIA_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson"}


def export_rows(blocks: QuerySet) -> Iterator[tuple]:
    """The export columns of ``blocks``, fetched from the database ``CHUNK_ROWS`` at a time."""
    return blocks.values_list(*EXPORT_COLUMNS.values()).iterator(chunk_size=CHUNK_ROWS)


def csv_chunks(rows: Iterable[tuple]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    yield _drain(buffer)
    for chunk in batched(rows, CHUNK_ROWS):
        writer.writerows([csv_value(value) for value in row] for row in chunk)
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def jsonl_chunks(rows: Iterable[tuple]) -> Iterator[bytes]:
    names = tuple(EXPORT_COLUMNS)
    for chunk in batched(rows, CHUNK_ROWS):
        yield b"".join(orjson.dumps(dict(zip(names, row, strict=True))) + b"\n" for row in chunk)


CHUNK_WRITERS = {"csv": csv_chunks, "jsonl": jsonl_chunks}
