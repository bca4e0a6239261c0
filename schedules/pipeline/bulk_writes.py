"""Bulk row writes for the ETL load: COPY on PostgreSQL, one executemany elsewhere.

Rows carry their primary keys, reserved up front with :func:`reserve_ids`, so the loader can
write blocks, analytics and validation rows without reading anything back.
"""

import threading
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from django.db import connection, models
from psycopg import postgres
from psycopg.adapt import Dumper
from psycopg.pq import Format


def uses_copy() -> bool:
    return connection.vendor == "postgresql"


def reserve_ids(model: type[models.Model], count: int) -> np.ndarray:
    """Reserve ``count`` primary keys for ``model`` (must run inside the load transaction)."""
    if count == 0:
        return np.empty(0, dtype=np.int64)
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence is looked up once: in the row query pg_get_serial_sequence would
            # run for every row, ten times the cost of the nextval calls themselves.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk_column])
            (sequence,) = cursor.fetchone()
            cursor.execute(
                "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
                [sequence, count],
            )
            return np.array(cursor.fetchone()[0], dtype=np.int64)
        # SQLite and others: the transaction already holds the write lock (the schedule row was
        # inserted first), so no other writer can take these ids before we commit.
        cursor.execute(f'SELECT COALESCE(MAX("{pk_column}"), 0) FROM "{table}"')
        (highest,) = cursor.fetchone()
        return np.arange(highest + 1, highest + 1 + count, dtype=np.int64)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert ``rows`` (tuples in the order of ``fields``, model field names) into ``model``."""
    table, quoted = _table_and_columns(model, fields)
    with connection.cursor() as cursor:
        if uses_copy():
            _copy_binary(cursor.cursor, table, quoted, rows)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", rows)


def insert_rows_in_background(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]
) -> Callable[[], None]:
    """:func:`insert_rows` on a worker thread sharing the connection, followed by the
    checks of the table's deferred foreign keys, so that PostgreSQL works while the caller
    computes; returns the function that waits for both (re-raising their error). Until it
    has been called the caller must not use the database. Elsewhere the rows are inserted
    before returning."""
    if not uses_copy():
        insert_rows(model, fields, rows)
        return lambda: None
    table, quoted = _table_and_columns(model, fields)
    shared = connection.connection  # the psycopg connection of this transaction
    failures: list[BaseException] = []

    def work() -> None:
        try:
            with shared.cursor() as cursor:
                _copy_binary(cursor, table, quoted, rows)
                _check_foreign_keys(cursor, model._meta.db_table)
        except BaseException as error:  # handed to the waiting thread
            failures.append(error)

    worker = threading.Thread(target=work, name=f"copy {model._meta.db_table}", daemon=True)
    worker.start()

    def wait() -> None:
        worker.join()
        if failures:
            raise failures[0]

    return wait


def find_or_create_ids(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence]
) -> np.ndarray:
    """The primary key of the row equal to each of ``rows`` on ``fields`` (which a unique
    constraint covers), inserting the missing ones and leaving existing ones untouched
    (PostgreSQL). One COPY and two statements, where an ORM upsert compiles and sends
    thousands of parameters per batch and rewrites every existing row to return its id."""
    table, quoted = _table_and_columns(model, fields)
    pk = connection.ops.quote_name(model._meta.pk.column)
    matches = " AND ".join(
        f"found.{name} = wanted.{name}"
        for name in (connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        # Dropped below, or with everything else when the transaction rolls back.
        raw.execute(
            f"CREATE TEMPORARY TABLE tsi_wanted AS "
            f"SELECT 0::bigint AS position, {quoted} FROM {table} LIMIT 0"
        )
        numbered = ((position, *row) for position, row in enumerate(rows))
        _copy_binary(raw, "tsi_wanted", f"position, {quoted}", numbered)
        raw.execute(
            f"INSERT INTO {table} ({quoted}) SELECT DISTINCT {quoted} FROM tsi_wanted "
            "ON CONFLICT DO NOTHING"
        )
        raw.execute(
            f"SELECT array_agg(found.{pk} ORDER BY wanted.position) "
            f"FROM tsi_wanted AS wanted JOIN {table} AS found ON {matches}"
        )
        ids = raw.fetchone()[0] or []
        raw.execute("DROP TABLE tsi_wanted")
    if len(ids) != len(rows):
        raise RuntimeError(f"{table}: {len(ids)} ids found for {len(rows)} rows")
    return np.array(ids, dtype=np.int64)


def _check_foreign_keys(cursor, table: str) -> None:
    """Run the pending checks of ``table``'s deferred foreign keys now, then defer them again:
    the same checks commit would run, done while the caller is busy elsewhere."""
    cursor.execute(
        "SELECT string_agg(quote_ident(conname), ', ') FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' AND condeferred",
        [table],
    )
    (names,) = cursor.fetchone()
    if names:
        cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
        cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


def _table_and_columns(model: type[models.Model], fields: Sequence[str]) -> tuple[str, str]:
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    return connection.ops.quote_name(meta.db_table), quoted


class _JsonbTextDumper(Dumper):
    """Already serialised JSON (str) as binary jsonb: a version byte and the text. psycopg's
    own jsonb dumper would serialise the string again, as a JSON string."""

    format = Format.BINARY
    oid = postgres.types["jsonb"].oid

    def dump(self, obj: str) -> bytes:
        return b"\x01" + obj.encode()


def _copy_binary(cursor, table: str, quoted: str, rows: Iterable[Sequence]) -> None:
    """COPY in binary: floats travel as 8 bytes instead of text psycopg formats and the server
    parses, which halves the cost of the large ingest's block and analytics rows. The column
    types, which binary COPY needs, come from the table itself."""
    cursor.execute(f"SELECT {quoted} FROM {table} LIMIT 0")
    oids = [column.type_code for column in cursor.description]
    cursor.adapters.register_dumper(None, _JsonbTextDumper)  # this cursor only
    with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(oids)
        for row in rows:
            copy.write_row(row)


def update_column(
    model: type[models.Model], field: str, rows: Iterable[tuple[int, object]]
) -> None:
    """Set ``field`` of many rows at once from ``(primary key, value)`` pairs: on PostgreSQL
    COPY into a temporary table and one joined UPDATE (the ORM's bulk_update builds a CASE per
    row, several times slower on thousands of JSON values), elsewhere one executemany."""
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    column = connection.ops.quote_name(meta.get_field(field).column)
    pk = connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        if not uses_copy():
            cursor.executemany(
                f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",
                [(value, key) for key, value in rows],
            )
            return
        cursor.execute(
            f"CREATE TEMPORARY TABLE tsi_column_update (key bigint PRIMARY KEY, value "
            f"{meta.get_field(field).db_type(connection)})"
        )
        try:
            with cursor.cursor.copy("COPY tsi_column_update (key, value) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {table} SET {column} = tsi_column_update.value "
                f"FROM tsi_column_update WHERE {table}.{pk} = tsi_column_update.key"
            )
        finally:
            cursor.execute("DROP TABLE tsi_column_update")
