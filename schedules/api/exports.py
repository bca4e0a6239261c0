"""Streamed block exports (CSV, JSON Lines): rows are read and written in fixed-size chunks, so
memory stays flat however large the schedule."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import batched

import orjson
from django.db.models import QuerySet

CHUNK_ROWS = 2000
# Output column → ORM path; the block's own fields, then its analytics.
EXPORT_COLUMNS = {
    "block_id": "id",
    "source_block_id": "source_block_id",
    "block_name": "block_name",
    "target_name": "target__name",
    "ra_deg": "target__ra_deg",
    "dec_deg": "target__dec_deg",
    "priority": "priority",
    "requested_duration_s": "requested_duration_s",
    "min_observation_s": "min_observation_s",
    "min_alt_deg": "min_alt_deg",
    "max_alt_deg": "max_alt_deg",
    "min_az_deg": "min_az_deg",
    "max_az_deg": "max_az_deg",
    "fixed_start_mjd": "fixed_start_mjd",
    "fixed_stop_mjd": "fixed_stop_mjd",
    "priority_bucket": "analytics__priority_bucket",
    "requested_hours": "analytics__requested_hours",
    "min_observation_hours": "analytics__min_observation_hours",
    "total_visibility_hours": "analytics__total_visibility_hours",
    "visibility_period_count": "analytics__visibility_period_count",
    "max_visibility_period_hours": "analytics__max_visibility_period_hours",
    "elevation_range_deg": "analytics__elevation_range_deg",
    "is_scheduled": "analytics__is_scheduled",
    "scheduled_start_mjd": "analytics__scheduled_start_mjd",
    "scheduled_stop_mjd": "analytics__scheduled_stop_mjd",
    "scheduled_hours": "analytics__scheduled_hours",
    "has_zero_visibility": "analytics__has_zero_visibility",
    "is_impossible": "analytics__is_impossible",
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
        writer.writerows(chunk)
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
