"""The conversation export: one row per non-spam conversation in the filter, every fact column
with readable names, the same rows as CSV and as Parquet, read in keyset batches."""

import csv
import io
import subprocess
import sys
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.roles import Role
from goodwill.conversations.models import Conversation
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact
from goodwill.insights.services.export import (
    HEADER,
    export_batches,
    export_csv_chunks,
    export_parquet_chunks,
    export_rows,
)
from support.export_facts import add_fact, add_product

MARCH = InsightFilter(start=date(2026, 3, 1), end=date(2026, 3, 2))
RESOLVED = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)


def read_csv(session: Session, insight_filter: InsightFilter, **kw: Any) -> list[dict[str, str]]:
    text = "".join(export_csv_chunks(session, insight_filter, **kw))
    return list(csv.DictReader(io.StringIO(text)))


def read_parquet(session: Session, insight_filter: InsightFilter, **kw: Any) -> pa.Table:
    data = b"".join(export_parquet_chunks(session, insight_filter, **kw))
    return pq.read_table(io.BytesIO(data))


@pytest.fixture
def rich(make: Factories) -> ConversationFact:
    """A scored, surveyed, resolved conversation with a team, an agent, a product and tags."""
    team = make.team(name="Returns")
    agent = make.agent(name="Grace Hopper", role=Role.AGENT)
    product = add_product(make, "Kettle Pro")
    return add_fact(
        make,
        day=date(2026, 3, 1),
        tags=("vip", "refund"),
        subject="Broken kettle, again",
        team_id=team.id,
        agent_id=agent.id,
        product_id=product.id,
        topic="refund",
        status="resolved",
        customer_messages=3,
        agent_messages=2,
        first_response_seconds=1800,
        first_response_business_seconds=1200,
        resolved_at=RESOLVED,
        resolution_seconds=23400,
        reopens=1,
        first_contact_resolution=False,
        sla_applies=True,
        sla_breached=True,
        step_acknowledgement="done",
        step_needs="missed",
        quality_total=72,
        greeted_by_name=True,
        failure_not_listening=True,
        survey_sent=True,
        survey_answered=True,
        csat=2,
        nps=4,
        predicted_csat=2.75,
        prediction_confidence=0.5,
        sentiment_start=-0.25,
        repurchased=None,
        cause="product",
        cause_detail="defect",
        cause_evidence='"it broke, again"',
    )


def test_every_fact_column_is_exported_with_names_and_without_contacts() -> None:
    fact_columns = [column.name for column in ConversationFact.__table__.columns]
    assert [name for name in HEADER if name in fact_columns] == fact_columns
    extra = set(HEADER) - set(fact_columns)
    assert extra == {"reference", "subject", "team_name", "agent_name", "product_name", "tags"}
    assert not [name for name in HEADER if "email" in name or "customer_name" in name]


def test_csv_has_one_row_per_conversation_with_its_values(
    session: Session, make: Factories, rich: ConversationFact
) -> None:
    plain = add_fact(make, day=date(2026, 3, 2))
    rows = read_csv(session, MARCH)
    assert [int(row["conversation_id"]) for row in rows] == [
        rich.conversation_id,
        plain.conversation_id,
    ]
    row = rows[0]
    conversation = session.get(Conversation, rich.conversation_id)
    assert conversation is not None
    assert row["reference"] == conversation.reference
    assert row["subject"] == "Broken kettle, again"
    assert (row["team_name"], row["agent_name"], row["product_name"]) == (
        "Returns",
        "Grace Hopper",
        "Kettle Pro",
    )
    assert row["tags"] == "refund;vip"
    assert row["opened_at"] == "2026-03-01T10:00:00+00:00"
    assert row["opened_on"] == "2026-03-01"
    assert row["resolved_at"] == RESOLVED.isoformat()
    assert (row["csat"], row["nps"], row["ces"]) == ("2", "4", "")
    assert (row["sla_breached"], row["first_contact_resolution"]) == ("true", "false")
    assert (row["greeted_by_name"], row["asked_needs"]) == ("true", "")
    assert (row["predicted_csat"], row["sentiment_start"]) == ("2.75", "-0.25")
    assert (row["cause"], row["cause_detail"], row["cause_evidence"]) == (
        "product",
        "defect",
        '"it broke, again"',
    )
    assert row["quality_total"] == "72"
    assert rows[1]["tags"] == "" and rows[1]["team_name"] == ""


def test_spam_and_conversations_outside_the_period_are_left_out(
    session: Session, make: Factories
) -> None:
    kept = add_fact(make, day=date(2026, 3, 2))
    spam = add_fact(make, day=date(2026, 3, 2))
    spam_conversation = session.get(Conversation, spam.conversation_id)
    assert spam_conversation is not None
    spam_conversation.is_spam = True
    add_fact(make, day=date(2026, 2, 28))
    session.flush()
    rows = read_csv(session, MARCH)
    assert [int(row["conversation_id"]) for row in rows] == [kept.conversation_id]


def test_the_slices_of_the_filter_apply(
    session: Session, make: Factories, rich: ConversationFact
) -> None:
    other = add_fact(make, day=date(2026, 3, 1), channel="chat", tags=("refund",))
    add_fact(make, day=date(2026, 3, 1), channel="chat")
    tag_id = _tag_id(session, "refund")

    def ids(**slices: Any) -> list[int]:
        rows = export_rows(session, InsightFilter(start=MARCH.start, end=MARCH.end, **slices))
        return [int(row[0]) for row in rows]

    assert ids(team_id=rich.team_id) == [rich.conversation_id]
    assert ids(tag_id=tag_id) == [rich.conversation_id, other.conversation_id]
    assert ids(channel="chat", tag_id=tag_id) == [other.conversation_id]
    assert ids(product_id=rich.product_id, channel="chat") == []


def _tag_id(session: Session, name: str) -> int:
    from goodwill.tags.models import Tag

    tag = session.query(Tag).filter_by(name=name).one()
    return int(tag.id)


def test_batches_walk_by_id_with_a_fixed_number_of_queries_each(
    session: Session, make: Factories
) -> None:
    facts = [add_fact(make, day=date(2026, 3, 1), tags=("t",)) for _ in range(5)]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        batches = list(export_batches(session, MARCH, batch_size=2))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert [row[0] for batch in batches for row in batch] == [f.conversation_id for f in facts]
    assert len([s for s in statements if "SELECT" in s.upper()]) == 2 * len(batches)


def test_parquet_holds_the_same_rows_with_typed_columns(
    session: Session, make: Factories, rich: ConversationFact
) -> None:
    add_fact(make, day=date(2026, 3, 2))
    table = read_parquet(session, MARCH, batch_size=1)
    assert table.num_rows == 2
    assert table.column_names == list(HEADER)
    schema = table.schema
    assert schema.field("conversation_id").type == pa.int64()
    assert schema.field("csat").type == pa.int64()
    assert schema.field("predicted_csat").type == pa.float64()
    assert schema.field("sla_breached").type == pa.bool_()
    assert schema.field("opened_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("opened_on").type == pa.date32()
    assert schema.field("tags").type == pa.string()
    first = table.to_pylist()[0]
    assert first["conversation_id"] == rich.conversation_id
    assert first["opened_at"] == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert first["resolved_at"] == RESOLVED
    assert (first["csat"], first["ces"], first["sla_breached"]) == (2, None, True)
    assert (first["team_name"], first["tags"]) == ("Returns", "refund;vip")
    assert first["predicted_csat"] == pytest.approx(2.75)
    assert first["repurchased"] is None
    csv_rows = read_csv(session, MARCH)
    assert [int(r["conversation_id"]) for r in csv_rows] == table.column(
        "conversation_id"
    ).to_pylist()


def test_an_empty_export_is_a_header_and_a_valid_empty_parquet_file(session: Session) -> None:
    assert "".join(export_csv_chunks(session, MARCH)) == ",".join(HEADER) + "\n"
    table = read_parquet(session, MARCH)
    assert table.num_rows == 0
    assert table.column_names == list(HEADER)


def test_parquet_export_keeps_pandas_out_of_the_server_but_importable() -> None:
    """pyarrow would import pandas (about 40 MB) on its first array; the export stops that, and
    pandas can still be imported by anyone afterwards. In a fresh interpreter: tests may have
    imported pandas already."""
    script = (
        "import sys, pyarrow as pa\n"
        "from goodwill.insights.services.export import _arrow_without_pandas\n"
        "_arrow_without_pandas(pa)\n"
        "pa.array([1, None], type=pa.int64())\n"
        "assert 'pandas' not in sys.modules, 'pyarrow imported pandas'\n"
        "import pandas\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
