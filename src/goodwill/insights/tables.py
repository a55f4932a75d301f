"""A table as a dashboard shows it, and the same table as CSV. Pure."""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

Cell = str | int | float | None


@dataclass(frozen=True, slots=True)
class Table:
    """`key` names the table in links (`?table=<key>`); rows hold plain values, in column order."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def csv_lines(columns: Iterable[str], rows: Iterable[Iterable[Cell]]) -> Iterator[str]:
    """CSV text one line at a time (for streaming); None is written as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(columns))
    yield _drain(buffer)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
        yield _drain(buffer)


def table_csv(table: Table) -> str:
    return "".join(csv_lines(table.columns, table.rows))


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
