"""Fast writes inside the unit of work's transaction: COPY for many rows."""
import io
import uuid
from contextlib import contextmanager

import psycopg2.extensions
import sqlalchemy as sa


def _text(value) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(session, table: sa.Table | str, columns: tuple[str, ...], rows) -> int:
    """COPY `rows` (tuples in `columns` order) into `table`; returns how many were written."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(_text(v) for v in row) + "\n")
        count += 1
    if not count:
        return 0
    buffer.seek(0)
    name = table if isinstance(table, str) else table.name
    cursor = session.connection().connection.driver_connection.cursor()
    with _blocking():
        cursor.copy_expert(f"COPY {name} ({', '.join(columns)}) FROM STDIN", buffer)
    return count


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
