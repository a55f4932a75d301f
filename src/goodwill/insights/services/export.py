"""One row per conversation with all its facts and scores, streamed as CSV or Parquet.

Rows are read in keyset batches (by conversation id, `BATCH_SIZE` at a time: one query for the
facts with their readable names, one for the batch's tags), so memory stays flat at any size.
Customer contact details are left out: the customer is only an id."""

import io
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Date, Float, Integer, select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team
from goodwill.commerce.models import Product
from goodwill.conversations.models import Conversation, ConversationTag
from goodwill.core.types import UtcDateTime
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact as F
from goodwill.insights.query import fact_conditions
from goodwill.insights.tables import Cell, csv_lines
from goodwill.tags.models import Tag

BATCH_SIZE = 5000
CSV_CHUNK_CHARS = 64 * 1024
TAG_SEPARATOR = ";"
# A readable name written right after the id it names.
_NAMES_AFTER: dict[str, tuple[str, Any]] = {
    "conversation_id": ("reference", Conversation.reference),
    "team_id": ("team_name", Team.name),
    "agent_id": ("agent_name", Agent.name),
    "product_id": ("product_name", Product.name),
}


@dataclass(frozen=True, slots=True)
class ExportColumn:
    """One column of the export: its header, what it reads, and its kind for Parquet."""

    name: str
    expression: Any  # a column or column expression
    kind: str  # int | float | bool | date | timestamp | text


def _kind(column: ColumnElement[Any]) -> str:
    sql_type = column.type
    if isinstance(sql_type, UtcDateTime):
        return "timestamp"
    for cls, kind in ((Boolean, "bool"), (Integer, "int"), (Float, "float"), (Date, "date")):
        if isinstance(sql_type, cls):
            return kind
    return "text"


def _build_columns() -> tuple[ExportColumn, ...]:
    columns: list[ExportColumn] = []
    for column in F.__table__.columns:
        columns.append(ExportColumn(column.name, column, _kind(column)))
        if column.name in _NAMES_AFTER:
            name, expression = _NAMES_AFTER[column.name]
            columns.append(ExportColumn(name, expression, "text"))
        if column.name == "conversation_id":
            columns.append(ExportColumn("subject", Conversation.subject, "text"))
    return tuple(columns)


EXPORT_COLUMNS = _build_columns()
# The tags are read by a second query per batch and written last, joined with ";".
HEADER = (*(column.name for column in EXPORT_COLUMNS), "tags")
KINDS = (*(column.kind for column in EXPORT_COLUMNS), "text")


def export_batches(
    session: Session, insight_filter: InsightFilter, *, batch_size: int = BATCH_SIZE
) -> Iterator[list[tuple[Any, ...]]]:
    """The export's rows (typed values in HEADER order), `batch_size` at a time, by id."""
    after = 0
    while True:
        # Core execution (not the ORM's row loading): the rows are plain tuples, read once.
        result = session.connection().execute(_batch_query(insight_filter, after, batch_size))
        rows = [tuple(row) for row in result]
        if not rows:
            return
        complete = len(rows) == batch_size
        after = int(rows[-1][0])
        tags = _tags_of(session, [int(row[0]) for row in rows])
        rows = [(*row, TAG_SEPARATOR.join(tags.get(int(row[0]), ()))) for row in rows]
        yield rows
        del rows, tags  # nothing of this batch stays alive while the next one is read
        if not complete:
            return


def export_rows(
    session: Session, insight_filter: InsightFilter, *, batch_size: int = BATCH_SIZE
) -> Iterator[tuple[Any, ...]]:
    """The export's rows one at a time (a generator over the batches)."""
    for batch in export_batches(session, insight_filter, batch_size=batch_size):
        yield from batch


def _batch_query(insight_filter: InsightFilter, after: int, limit: int) -> Any:
    return (
        select(*(column.expression for column in EXPORT_COLUMNS))
        .select_from(F)
        .join(Conversation, Conversation.id == F.conversation_id)
        .outerjoin(Team, Team.id == F.team_id)
        .outerjoin(Agent, Agent.id == F.agent_id)
        .outerjoin(Product, Product.id == F.product_id)
        .where(*fact_conditions(insight_filter), Conversation.is_spam.is_(False))
        .where(F.conversation_id > after)
        .order_by(F.conversation_id)
        .limit(limit)
    )


def _tags_of(session: Session, conversation_ids: Sequence[int]) -> dict[int, list[str]]:
    query = (
        select(ConversationTag.conversation_id, Tag.name)
        .join(Tag, Tag.id == ConversationTag.tag_id)
        .where(ConversationTag.conversation_id.in_(conversation_ids))
        .order_by(ConversationTag.conversation_id, Tag.name)
    )
    tags: dict[int, list[str]] = {}
    for conversation_id, name in session.connection().execute(query):
        tags.setdefault(int(conversation_id), []).append(str(name))
    return tags


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


def _iso(value: date | datetime) -> str:
    return value.isoformat()


_CSV_CONVERTERS: dict[str, Callable[[Any], Cell]] = {
    "bool": _bool_text,
    "date": _iso,
    "timestamp": _iso,
}
# (position, converter) of the columns whose values are not written as they are
_CONVERTED = tuple(
    (index, _CSV_CONVERTERS[kind]) for index, kind in enumerate(KINDS) if kind in _CSV_CONVERTERS
)


def csv_row(row: Sequence[Any]) -> list[Cell]:
    """A row as CSV cells: times in ISO 8601 UTC, days YYYY-MM-DD, booleans true/false."""
    cells = list(row)
    for index, convert in _CONVERTED:
        value = cells[index]
        if value is not None:
            cells[index] = convert(value)
    return cells


def export_csv_chunks(
    session: Session, insight_filter: InsightFilter, *, batch_size: int = BATCH_SIZE
) -> Iterator[str]:
    """The export as CSV text, in chunks of about 64 KB (the header first)."""
    rows = (csv_row(row) for row in export_rows(session, insight_filter, batch_size=batch_size))
    pending: list[str] = []
    size = 0
    for line in csv_lines(HEADER, rows):
        pending.append(line)
        size += len(line)
        if size >= CSV_CHUNK_CHARS:
            yield "".join(pending)
            pending, size = [], 0
    if pending:
        yield "".join(pending)


class _ChunkSink(io.RawIOBase):
    """A write-only stream that keeps what was written until it is drained."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def parquet_schema() -> Any:
    """The explicit Arrow schema of the export (pyarrow is imported only when exporting)."""
    import pyarrow as pa

    types = {
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "text": pa.string(),
    }
    return pa.schema(
        [pa.field(name, types[kind]) for name, kind in zip(HEADER, KINDS, strict=True)]
    )


def export_parquet_chunks(
    session: Session, insight_filter: InsightFilter, *, batch_size: int = BATCH_SIZE
) -> Iterator[bytes]:
    """The export as a Parquet file, in chunks: one row group per database batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    _arrow_without_pandas(pa)
    schema = parquet_schema()
    sink = _ChunkSink()
    writer = pq.ParquetWriter(sink, schema, compression="snappy")
    try:
        for batch in export_batches(session, insight_filter, batch_size=batch_size):
            columns = zip(*batch, strict=True)
            arrays = [
                pa.array(values, type=field.type)
                for values, field in zip(columns, schema, strict=True)
            ]
            writer.write_batch(pa.record_batch(arrays, schema=schema))
            chunk = sink.drain()
            if chunk:
                yield chunk
    finally:
        writer.close()
    yield sink.drain()


class _NoPandas:
    """An import hook that refuses pandas while pyarrow looks for it (see below)."""

    @staticmethod
    def find_spec(name: str, *_where: object) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError("the export does not use pandas", name=name)


def _arrow_without_pandas(pa: Any) -> None:
    """pyarrow imports pandas (about 40 MB that stay in the server) the first time it builds an
    array, only to check whether the values are pandas objects; ours never are. Let its check
    find no pandas, once per process (pandas stays importable for anyone else afterwards). The
    shim is pyarrow-internal: if it moves, nothing breaks, the export just costs more memory."""
    if "pandas" in sys.modules:
        return
    sys.meta_path.insert(0, _NoPandas)
    try:
        pa.lib._pandas_api.have_pandas  # noqa: B018  (the property caches its finding)
    except AttributeError:
        pass
    finally:
        sys.meta_path.remove(_NoPandas)
