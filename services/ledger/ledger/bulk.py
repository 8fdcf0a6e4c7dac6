"""Fast writes inside the unit of work's transaction: COPY for many rows."""
import io
import uuid
from contextlib import contextmanager

import psycopg2.extensions
import sqlalchemy as sa

ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    kind = type(value)
    if kind is str:
        special = "\\" in value or "\t" in value or "\n" in value or "\r" in value
        return value.translate(ESCAPES) if special else value
    if value is None:
        return "\\N"
    return str(value)


def copy_rows(session, table: sa.Table | str, columns: tuple[str, ...], rows) -> int:
    """COPY `rows` (tuples in `columns` order) into `table`; returns how many were written."""
    lines = ["\t".join(map(_text, row)) for row in rows]
    if not lines:
        return 0
    buffer = io.StringIO("\n".join(lines) + "\n")
    name = table if isinstance(table, str) else table.name
    cursor = session.connection().connection.driver_connection.cursor()
    with _blocking():
        cursor.copy_expert(f"COPY {name} ({', '.join(columns)}) FROM STDIN", buffer)
    return len(lines)


@contextmanager
def _blocking():
    """psycopg2 refuses COPY under eventlet's wait callback (nameko workers are green). COPY runs
    blocking for its few hundred milliseconds: nothing yields meanwhile, so no other greenlet
    sees the callback unset."""
    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        yield
    finally:
        psycopg2.extensions.set_wait_callback(callback)


def new_id() -> str:
    return str(uuid.uuid4())
