"""Dialect-specific SQL behind one function each: full-text matching and date bucketing."""

import re
from typing import Literal

from sqlalchemy import ColumnElement, Text, cast, func, text
from sqlalchemy.orm import Session

_WORD = re.compile(r"\w+", re.UNICODE)


def fts5_query(user_query: str) -> str | None:
    """Turn free text into a safe FTS5 query: every word required, the last one as a prefix."""
    words = _WORD.findall(user_query.lower())[:12]
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


FullTextTable = Literal["messages", "conversations"]
_COLUMNS = {
    "messages": ("fts_messages", "body_text"),
    "conversations": ("fts_conversations", "subject"),
}


def full_text_ids(session: Session, *, table: FullTextTable, query: str, limit: int) -> list[int]:
    """Ids of rows of `table` whose text matches `query`, newest first (FTS5 or tsvector)."""
    fts_table, column = _COLUMNS[table]
    if session.get_bind().dialect.name == "sqlite":
        match = fts5_query(query)
        if match is None:
            return []
        sql = text(
            f"SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH :match "
            "ORDER BY rowid DESC LIMIT :limit"
        )
        return list(session.scalars(sql, {"match": match, "limit": limit}))
    tsquery = postgres_prefix_query(query)
    if tsquery is None:
        return []
    sql = text(
        f"SELECT id FROM {table} WHERE to_tsvector('english', {column}) "
        "@@ to_tsquery('english', :query) ORDER BY id DESC LIMIT :limit"
    )
    return list(session.scalars(sql, {"query": tsquery, "limit": limit}))


def postgres_prefix_query(user_query: str) -> str | None:
    """The same meaning as fts5_query for PostgreSQL: every word, the last one as a prefix."""
    words = _WORD.findall(user_query.lower())[:12]
    if not words:
        return None
    return " & ".join([*words[:-1], f"{words[-1]}:*"])


def day_bucket(session: Session, column: ColumnElement[object]) -> ColumnElement[str]:
    """The UTC calendar day of a timestamp column, as 'YYYY-MM-DD' text."""
    if session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m-%d", column)
    return func.to_char(func.date_trunc("day", column), "YYYY-MM-DD")


def joined_numbers(session: Session, column: ColumnElement[int]) -> ColumnElement[str]:
    """Every value of an integer expression in the group as one comma-separated text
    (group_concat / string_agg): tens of thousands of numbers cross the driver as one string
    instead of one row each. Several of these in one SELECT list the rows in the same order."""
    if session.get_bind().dialect.name == "sqlite":
        return func.group_concat(column, ",")
    return func.string_agg(cast(column, Text), ",")
