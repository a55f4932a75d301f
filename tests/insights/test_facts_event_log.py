"""The facts table equals a recomputation from the append-only event log alone.

Seeded demo data (the generator's conversations, written as `goodwill seed` writes them), facts
rebuilt, then every number the dashboards read (counts per channel, first response times,
reopens, transfers, resolutions, breaches, message counts) recomputed from
`conversation_events` only, per conversation and in total."""

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import pytest
from facts_demo_support import own_database, seed_with_truth
from sqlalchemy import func, select

from goodwill.conversations.models import Conversation, ConversationEvent
from goodwill.core.db import Database
from goodwill.demo.outcomes import Truth
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact
from goodwill.insights.rollup import MEASURES, measure_source
from goodwill.insights.services.facts import rebuild_all_facts
from goodwill.surveys.models import SurveyInvitation

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
CONVERSATIONS = 400


@dataclass
class FromEvents:
    """One conversation as the event log tells it."""

    channel: str = ""
    created_at: datetime | None = None
    first_response_at: datetime | None = None
    first_response_data: dict[str, Any] = field(default_factory=dict)
    reopens: int = 0
    transfers: int = 0
    resolved_at: datetime | None = None  # the latest resolution, unless reopened since
    closed_at: datetime | None = None
    breached: set[str] = field(default_factory=set)
    customer_messages: int = 0
    agent_messages: int = 0
    status: str = "new"


def replay(events: list[ConversationEvent]) -> FromEvents:
    seen = FromEvents()
    for event in events:
        data = event.data or {}
        if event.kind == "created":
            seen.channel, seen.created_at = str(data["channel"]), event.occurred_at
        elif event.kind == "first_response":
            seen.first_response_at, seen.first_response_data = event.occurred_at, data
        elif event.kind in ("reopened", "resolved", "closed"):
            _lifecycle(seen, event)
        elif event.kind == "assigned":
            source, target = data.get("from_agent_id"), data.get("to_agent_id")
            seen.transfers += int(source is not None and target is not None and source != target)
        elif event.kind == "sla_breached":
            seen.breached.add(str(data["metric"]))
        elif event.kind == "status_changed":
            seen.status = str(data["to"])
        elif event.kind == "message_added":
            direction, author = data.get("direction"), data.get("author_kind")
            seen.customer_messages += int(direction == "inbound" and author == "customer")
            seen.agent_messages += int(direction == "outbound" and author == "agent")
    return seen


def _lifecycle(seen: FromEvents, event: ConversationEvent) -> None:
    if event.kind == "reopened":
        seen.reopens += 1
        seen.resolved_at = None
    elif event.kind == "resolved":
        seen.resolved_at = event.occurred_at
    else:
        seen.closed_at = event.occurred_at


@pytest.fixture(scope="module")
def demo(
    database_url: str, db_kind: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, list[Truth]]]:
    folder: Path = tmp_path_factory.mktemp("facts-demo")
    with own_database(database_url, db_kind, folder, "goodwill_facts_demo") as database:
        truth = seed_with_truth(database, conversations=CONVERSATIONS, seed=5, now=NOW)
        written = rebuild_all_facts(database, NOW, batch_size=150)
        assert written == CONVERSATIONS
        yield database, truth


@pytest.fixture(scope="module")
def logs(demo: tuple[Database, list[Truth]]) -> dict[int, FromEvents]:
    database, _ = demo
    grouped: dict[int, list[ConversationEvent]] = defaultdict(list)
    with database.reader() as session:
        events = session.scalars(
            select(ConversationEvent).order_by(
                ConversationEvent.conversation_id, ConversationEvent.id
            )
        )
        for event in events:
            grouped[event.conversation_id].append(event)
    return {conversation_id: replay(events) for conversation_id, events in grouped.items()}


@pytest.fixture(scope="module")
def facts(demo: tuple[Database, list[Truth]]) -> dict[int, ConversationFact]:
    database, _ = demo
    with database.reader() as session:
        return {row.conversation_id: row for row in session.scalars(select(ConversationFact))}


def test_one_fact_row_per_conversation_and_the_counts_per_channel_agree(
    logs: dict[int, FromEvents], facts: dict[int, ConversationFact]
) -> None:
    assert set(facts) == set(logs)
    assert len(facts) == CONVERSATIONS
    from_events = Counter(seen.channel for seen in logs.values())
    from_facts = Counter(row.channel for row in facts.values())
    assert from_facts == from_events
    assert len(from_events) >= 3  # the demo spreads over several channels


def test_first_responses_agree_with_the_event_log(
    logs: dict[int, FromEvents], facts: dict[int, ConversationFact]
) -> None:
    answered = 0
    for conversation_id, seen in logs.items():
        row = facts[conversation_id]
        assert row.opened_at == seen.created_at
        assert row.first_response_at == seen.first_response_at
        if seen.first_response_at is None:
            assert row.first_response_seconds is None
            continue
        answered += 1
        assert seen.created_at is not None
        elapsed = int((seen.first_response_at - seen.created_at).total_seconds())
        assert row.first_response_seconds == elapsed == seen.first_response_data["seconds"]
        assert row.first_response_business_seconds == seen.first_response_data["business_seconds"]
    assert answered > CONVERSATIONS * 0.8
    event_median = median(
        int((seen.first_response_at - seen.created_at).total_seconds())
        for seen in logs.values()
        if seen.first_response_at is not None and seen.created_at is not None
    )
    fact_median = median(
        row.first_response_seconds
        for row in facts.values()
        if row.first_response_seconds is not None
    )
    assert fact_median == event_median


def test_reopens_transfers_and_resolutions_agree_with_the_event_log(
    logs: dict[int, FromEvents], facts: dict[int, ConversationFact]
) -> None:
    for conversation_id, seen in logs.items():
        row = facts[conversation_id]
        assert (row.reopens, row.transfers) == (seen.reopens, seen.transfers), conversation_id
        assert row.resolved_at == seen.resolved_at, conversation_id
        assert row.closed_at == seen.closed_at
        assert row.status == seen.status
        if seen.resolved_at is None:
            assert row.resolution_seconds is None
        else:
            assert seen.created_at is not None
            expected = int((seen.resolved_at - seen.created_at).total_seconds())
            assert row.resolution_seconds == expected
    totals = {
        "reopens": sum(seen.reopens for seen in logs.values()),
        "transfers": sum(seen.transfers for seen in logs.values()),
        "resolved": sum(seen.resolved_at is not None for seen in logs.values()),
    }
    assert totals == {
        "reopens": sum(row.reopens for row in facts.values()),
        "transfers": sum(row.transfers for row in facts.values()),
        "resolved": sum(row.resolved_at is not None for row in facts.values()),
    }
    assert totals["reopens"] > 0 and totals["transfers"] > 0 and totals["resolved"] > 200


def test_breaches_and_message_counts_agree_with_the_event_log(
    logs: dict[int, FromEvents], facts: dict[int, ConversationFact]
) -> None:
    for conversation_id, seen in logs.items():
        row = facts[conversation_id]
        assert row.first_response_breached == ("first_response" in seen.breached)
        assert row.resolution_breached == ("resolution" in seen.breached)
        assert row.sla_breached == bool(seen.breached)
        assert (row.customer_messages, row.agent_messages) == (
            seen.customer_messages,
            seen.agent_messages,
        ), conversation_id
        fcr = seen.resolved_at is not None and seen.reopens == 0 and seen.customer_messages == 1
        assert row.first_contact_resolution == fcr
    assert sum(row.sla_breached for row in facts.values()) == sum(
        bool(seen.breached) for seen in logs.values()
    )
    assert any(row.sla_breached for row in facts.values())


def test_the_dashboards_sql_totals_equal_the_event_log(
    demo: tuple[Database, list[Truth]], logs: dict[int, FromEvents]
) -> None:
    """Aggregated in SQL over the facts table, as the dashboards do."""
    database, _ = demo
    with database.reader() as session:
        per_channel = dict(
            session.execute(
                select(ConversationFact.channel, func.count()).group_by(ConversationFact.channel)
            ).all()
        )
        reopens, transfers, breached = session.execute(
            select(
                func.sum(ConversationFact.reopens),
                func.sum(ConversationFact.transfers),
                func.count().filter(ConversationFact.sla_breached.is_(True)),
            )
        ).one()
    assert per_channel == dict(Counter(seen.channel for seen in logs.values()))
    assert reopens == sum(seen.reopens for seen in logs.values())
    assert transfers == sum(seen.transfers for seen in logs.values())
    assert breached == sum(bool(seen.breached) for seen in logs.values())


def test_text_facts_match_the_planted_habits(
    demo: tuple[Database, list[Truth]], facts: dict[int, ConversationFact]
) -> None:
    """Greeting by name, asking needs and thanking, read from the replies' text, agree with
    what the generator decided for each resolved conversation (over 95%)."""
    _, truth = demo
    assert len(truth) > 200
    agree: Counter[str] = Counter()
    for item in truth:
        row = facts[item.conversation_id]
        agree["greeted_by_name"] += row.greeted_by_name == item.facts.greeted_by_name
        agree["asked_needs"] += row.asked_needs == item.facts.asked_needs
        agree["thanked"] += row.thanked == item.facts.thanked
    rates = {name: count / len(truth) for name, count in agree.items()}
    assert all(rate > 0.95 for rate in rates.values()), rates


def test_segment_surveys_and_promises_follow_their_tables(
    demo: tuple[Database, list[Truth]], facts: dict[int, ConversationFact]
) -> None:
    database, _ = demo
    with database.reader() as session:
        first_by_customer = dict(
            session.execute(
                select(Conversation.customer_id, func.min(Conversation.created_at)).group_by(
                    Conversation.customer_id
                )
            ).all()
        )
    for row in facts.values():
        first = first_by_customer[row.customer_id]
        assert row.segment == ("returning" if first < row.opened_at else "new")
    assert any(row.segment == "returning" for row in facts.values())
    unhappy = [row for row in facts.values() if row.csat is not None and row.csat <= 2]
    assert unhappy and all(row.cause is not None for row in unhappy)
    assert all(row.cause is None for row in facts.values() if row.csat and row.csat >= 4)
    with database.reader() as session:
        sent = set(
            session.scalars(
                select(SurveyInvitation.conversation_id).where(
                    SurveyInvitation.sent_at.is_not(None),
                    SurveyInvitation.suppressed_reason.is_(None),
                )
            )
        )
    assert {row.conversation_id for row in facts.values() if row.survey_sent} == sent - {None}
    assert any(row.csat is not None for row in facts.values())
    assert any(row.promises_made for row in facts.values())
    assert all(
        row.promises_kept + row.promises_broken <= row.promises_made for row in facts.values()
    )


def test_the_daily_rollup_the_dashboards_read_equals_the_event_log(
    demo: tuple[Database, list[Truth]], logs: dict[int, FromEvents]
) -> None:
    """fact_daily, kept by the same transactions that write the facts, gives the event log's
    totals per channel; and every measure equals its aggregate over the facts."""
    database, _ = demo
    year = InsightFilter(start=(NOW - timedelta(days=400)).date(), end=NOW.date())
    rolled, direct = measure_source(year), measure_source(year, force_facts=True)
    assert rolled.uses_rollup
    with database.reader() as session:
        per_channel = {
            channel: (int(count), int(reopens), int(transferred), int(breached))
            for channel, count, reopens, transferred, breached in session.execute(
                select(
                    rolled.key("channel"),
                    *rolled.sums("conversations", "reopens_sum", "transferred", "sla_breached"),
                )
                .select_from(rolled.table)
                .where(*rolled.conditions)
                .group_by(rolled.key("channel"))
            )
        }
        sums = [
            session.execute(
                select(*source.sums(*MEASURES)).select_from(source.table).where(*source.conditions)
            ).one()
            for source in (rolled, direct)
        ]
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for seen in logs.values():
        counts = expected[seen.channel]
        counts[0] += 1
        counts[1] += seen.reopens
        counts[2] += seen.transfers > 0
        counts[3] += bool(seen.breached)
    assert per_channel == {channel: tuple(counts) for channel, counts in expected.items()}
    assert [round(float(v), 6) for v in sums[0]] == [round(float(v), 6) for v in sums[1]]
