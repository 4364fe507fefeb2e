"""Write many rows fast, for bulk loads (the large demo, the benchmarks' history): COPY on PostgreSQL, executemany
on SQLite, in the caller's transaction.

Rows go in as plain dicts of column -> value with no model logic (no save(), no signals, no events of their own):
the caller is responsible for what the actions would have kept consistent (counters, balances, stock levels,
events) and for the sequences afterwards (`reset_sequences`). Values must already be what the column stores:
`moment()` and `day()` convert datetimes and dates for the database at hand, decimals and JSON text go as they are.
"""

import datetime
import json
from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import models


class BulkWriter:
    """Buffers rows per table and writes them in large batches: COPY on PostgreSQL, executemany on SQLite.

    Tables are written in the order their first row was added, so add parents before children."""

    def __init__(self, connection):
        connection.ensure_connection()
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.raw = connection.connection
        self.buffers: dict[tuple[str, tuple[str, ...]], list[tuple]] = {}
        self.written = 0
        if not self.postgres:
            self.raw.execute("PRAGMA cache_size = -1000000")  # 1 GB of page cache for this connection

    def add(self, model: type[models.Model], row: dict) -> None:
        self.buffers.setdefault((model._meta.db_table, tuple(row)), []).append(tuple(row.values()))

    @property
    def pending(self) -> int:
        return sum(len(rows) for rows in self.buffers.values())

    def flush(self) -> None:
        """Write everything buffered (parents before children: buffers fill in that order)."""
        for (table, columns), rows in self.buffers.items():
            names = ", ".join(f'"{column}"' for column in columns)
            if self.postgres:
                with self.raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join("?" * len(columns))
                self.raw.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({placeholders})', rows)
            self.written += len(rows)
        self.buffers.clear()

    def update(self, model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> None:
        """UPDATE rows by primary key: each row is the new values of `columns`, then the id (one statement,
        executed for many rows)."""
        table = self.connection.ops.quote_name(model._meta.db_table)
        assignments = ", ".join(f"{self.connection.ops.quote_name(column)} = %s" for column in columns)
        with self.connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", list(rows))

    def moment(self, value: datetime.datetime):
        """An aware datetime as the column stores it (SQLite: UTC text, as Django writes it)."""
        return value if self.postgres else self.connection.ops.adapt_datetimefield_value(value)

    def day(self, value: datetime.date | None):
        return value if self.postgres or value is None else value.isoformat()

    @staticmethod
    def json(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    def reset_sequences(self, models_: Iterable[type[models.Model]]) -> None:
        """Make the next ids follow the largest ones written (PostgreSQL sequences; SQLite needs nothing)."""
        with self.connection.cursor() as cursor:
            for statement in self.connection.ops.sequence_reset_sql(no_style(), list(models_)):
                cursor.execute(statement)

    def settle(self, models_: Iterable[type[models.Model]]) -> None:
        """After the load: statistics for the planner (PostgreSQL), an empty write-ahead log (SQLite)."""
        with self.connection.cursor() as cursor:
            if self.postgres:
                for model in models_:
                    cursor.execute(f"VACUUM (ANALYZE) {self.connection.ops.quote_name(model._meta.db_table)}")
            else:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
