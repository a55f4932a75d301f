"""The demo generator: deterministic, and its facts agree with its events and messages."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from goodwill.agents.business_hours import business_time_between
from goodwill.conversations.sla import (
    first_response_due,
    resolution_due,
    select_sla_policy,
)
from goodwill.conversations.status import OPEN_STATUSES, ConversationStatus, check_transition
from goodwill.demo.generator import DemoGenerator
from goodwill.demo.rows import COLUMNS, Batch
from goodwill.demo.world import World, standalone_world

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
WORLD = standalone_world(NOW.year)
CONVERSATIONS = 6000
TOUCHING = {"assigned", "team_changed", "status_changed", "tags_changed"}


def generate(
    count: int, *, seed: int = 7, batch_size: int = 500, world: World = WORLD
) -> DemoGenerator:
    return DemoGenerator(
        world,
        conversations=count,
        seed=seed,
        now=int(NOW.timestamp()),
        batch_size=batch_size,
        keep_truth=True,
    )


def merged(generator: DemoGenerator) -> Batch:
    total = Batch()
    for batch in generator.batches():
        for table, rows in batch.rows.items():
            total.rows[table].extend(rows)
        total.conversations += batch.conversations
        total.messages += batch.messages
        total.customers += batch.customers
    return total


@pytest.fixture(scope="module")
def demo() -> tuple[DemoGenerator, Batch]:
    generator = generate(CONVERSATIONS)
    return generator, merged(generator)


@pytest.fixture(scope="module")
def threads(demo: tuple[DemoGenerator, Batch]) -> dict[int, dict[str, Any]]:
    """Each conversation with its events and messages, as readable dicts."""
    _, batch = demo
    by_id: dict[int, dict[str, Any]] = {
        row["id"]: {"row": row, "events": [], "messages": []}
        for row in batch.dicts("conversations")
    }
    for event in batch.dicts("conversation_events"):
        by_id[event["conversation_id"]]["events"].append(event)
    for message in batch.dicts("messages"):
        by_id[message["conversation_id"]]["messages"].append(message)
    return by_id


def test_the_same_seed_gives_the_same_rows_in_any_batch_size() -> None:
    first = merged(generate(700, batch_size=100))
    second = merged(generate(700, batch_size=333))
    assert first.rows == second.rows


def test_another_seed_gives_other_rows() -> None:
    assert merged(generate(300, seed=1)).rows != merged(generate(300, seed=2)).rows


def test_ids_start_where_the_world_says_and_are_unique() -> None:
    world = standalone_world(NOW.year, first_ids=dict.fromkeys(WORLD.first_ids, 1000))
    batch = merged(generate(200, world=world))
    for table, rows in batch.rows.items():
        if COLUMNS[table][0] == "id" and rows:
            ids = [row[0] for row in rows]
            assert min(ids) == 1000
            assert len(set(ids)) == len(ids)


def test_unique_columns_are_unique(demo: tuple[DemoGenerator, Batch]) -> None:
    _, batch = demo
    assert len({row["reference"] for row in batch.dicts("conversations")}) == CONVERSATIONS
    identities = [(row["kind"], row["value"]) for row in batch.dicts("customer_identities")]
    assert len(set(identities)) == len(identities)
    externals = [
        (row["channel"], row["external_id"])
        for row in batch.dicts("messages")
        if row["external_id"] is not None
    ]
    assert len(set(externals)) == len(externals)
    for table, column in (("orders", "external_id"), ("survey_invitations", "nonce")):
        values = [row[column] for row in batch.dicts(table)]
        assert len(set(values)) == len(values)


def test_volumes_look_like_a_small_business(demo: tuple[DemoGenerator, Batch]) -> None:
    _, batch = demo
    conversations = batch.dicts("conversations")
    assert 3.8 <= batch.messages / CONVERSATIONS <= 4.8
    assert max(row["message_count"] for row in conversations) <= 8
    channels = Counter(row["channel"] for row in conversations)
    assert channels.most_common(1)[0][0] == "email"
    assert set(channels) == {"email", "chat", "web_form", "phone", "social", "sms"}
    assert 0.2 < 1 - batch.customers / CONVERSATIONS < 0.45  # customers come back


def test_recent_conversations_are_still_open_in_every_open_status(
    demo: tuple[DemoGenerator, Batch],
) -> None:
    _, batch = demo
    open_now = [row for row in batch.dicts("conversations") if row["status"] in OPEN_STATUSES]
    assert {row["status"] for row in open_now} == set(OPEN_STATUSES)
    assert all(row["created_at"] > NOW - timedelta(days=30) for row in open_now)


def test_facts_agree_with_messages(threads: dict[int, dict[str, Any]]) -> None:
    for thread in threads.values():
        row, messages = thread["row"], thread["messages"]
        inbound = [m["created_at"] for m in messages if m["direction"] == "inbound"]
        outbound = [m["created_at"] for m in messages if m["direction"] == "outbound"]
        assert row["message_count"] == len(messages)
        assert 1 <= len(messages) <= 8
        assert row["first_response_at"] == (min(outbound) if outbound else None)
        assert row["last_agent_reply_at"] == (max(outbound) if outbound else None)
        assert row["last_customer_message_at"] == max(inbound)
        assert messages[0]["created_at"] == row["created_at"]
        assert messages[0]["author_customer_id"] == row["customer_id"]


def test_facts_agree_with_events(threads: dict[int, dict[str, Any]]) -> None:
    for thread in threads.values():
        row, events = thread["row"], thread["events"]
        kinds = Counter(event["kind"] for event in events)
        assert events[0]["kind"] == "created"
        assert events[0]["data"] == {"channel": row["channel"], "subject": row["subject"]}
        assert [e["occurred_at"] for e in events] == sorted(e["occurred_at"] for e in events)
        assert kinds["reopened"] == row["reopened_count"]
        assert kinds["assigned"] == row["assignment_count"]
        assert kinds["message_added"] + kinds["note_added"] == row["message_count"]
        assigned = [e["data"]["to_agent_id"] for e in events if e["kind"] == "assigned"]
        assert row["assignee_id"] == (assigned[-1] if assigned else None)
        touched = [e["occurred_at"] for e in events if e["kind"] in TOUCHING or e["message_id"]]
        assert row["last_activity_at"] == row["updated_at"] == max(touched)


def test_statuses_follow_the_transition_rules(threads: dict[int, dict[str, Any]]) -> None:
    for thread in threads.values():
        status = ConversationStatus.NEW
        for event in thread["events"]:
            if event["kind"] == "status_changed":
                assert event["data"]["from"] == status
                check_transition(status, ConversationStatus(event["data"]["to"]))
                status = ConversationStatus(event["data"]["to"])
        row = thread["row"]
        assert row["status"] == status
        resolved = [e["occurred_at"] for e in thread["events"] if e["kind"] == "resolved"]
        if status in OPEN_STATUSES:
            assert row["resolved_at"] is None and row["closed_at"] is None
        else:
            assert row["resolved_at"] == resolved[-1]


def test_first_response_event_matches_the_business_clock(
    threads: dict[int, dict[str, Any]],
) -> None:
    calendar = WORLD.teams[0].calendar
    for thread in list(threads.values())[::25]:
        row = thread["row"]
        events = [e for e in thread["events"] if e["kind"] == "first_response"]
        if row["first_response_at"] is None:
            assert events == []
            continue
        elapsed = row["first_response_at"] - row["created_at"]
        business = business_time_between(row["created_at"], row["first_response_at"], calendar)
        assert events[0]["data"] == {
            "seconds": int(elapsed.total_seconds()),
            "business_seconds": int(business.total_seconds()),
        }
        assert events[0]["actor_agent_id"] is not None


def test_sla_due_times_are_computed_in_business_hours(threads: dict[int, dict[str, Any]]) -> None:
    calendar = WORLD.teams[0].calendar
    for thread in list(threads.values())[::25]:
        row = thread["row"]
        rule = select_sla_policy(WORLD.sla_rules, priority=row["priority"], channel=row["channel"])
        assert rule is not None and row["sla_policy_id"] == rule.policy_id
        assert row["first_response_due_at"] == first_response_due(
            row["created_at"], rule.targets, calendar
        )
        if not any(
            e["kind"] == "status_changed" and e["data"]["from"] == "pending"
            for e in thread["events"]
        ):  # no pause has moved it
            assert row["resolution_due_at"] == resolution_due(
                row["created_at"], rule.targets, calendar
            )


def test_breaches_are_recorded_after_their_due_time(threads: dict[int, dict[str, Any]]) -> None:
    breaches = 0
    for thread in threads.values():
        row = thread["row"]
        for event in thread["events"]:
            if event["kind"] == "sla_breached":
                breaches += 1
                due = datetime.fromisoformat(event["data"]["due_at"])
                assert due < event["occurred_at"]
                assert event["occurred_at"].second == 0  # found by the minute sweep
                if event["data"]["metric"] == "first_response":
                    assert event["occurred_at"] <= due + timedelta(minutes=1)
        first = [
            e
            for e in thread["events"]
            if e["kind"] == "sla_breached" and e["data"]["metric"] == "first_response"
        ]
        assert row["first_response_breached_at"] == (first[0]["occurred_at"] if first else None)
        if row["status"] in OPEN_STATUSES and row["sla_due_at"] is not None:
            assert row["sla_due_at"] > NOW - timedelta(minutes=1)
        elif row["status"] not in OPEN_STATUSES:
            assert row["sla_due_at"] is None
    assert breaches > CONVERSATIONS / 20


def test_promises_belong_to_the_agent_message_that_made_them(
    demo: tuple[DemoGenerator, Batch],
) -> None:
    _, batch = demo
    messages = {m["id"]: m for m in batch.dicts("messages")}
    promises = batch.dicts("promises")
    assert len(promises) > CONVERSATIONS / 10
    for promise in promises:
        message = messages[promise["message_id"]]
        assert message["direction"] == "outbound"
        assert message["author_agent_id"] == promise["agent_id"]
        assert message["created_at"] == promise["made_at"] < promise["due_at"]
        assert not (promise["kept_at"] and promise["broken_at"])
        if promise["kept_at"]:
            assert promise["kept_at"] <= promise["due_at"]
        if promise["broken_at"]:
            assert promise["broken_at"] > promise["due_at"]


def test_surveys_reach_a_share_of_resolved_conversations(
    demo: tuple[DemoGenerator, Batch],
) -> None:
    _, batch = demo
    invitations = batch.dicts("survey_invitations")
    responses = batch.dicts("survey_responses")
    csat = [i for i in invitations if i["kind"] == "csat"]
    sent = [i for i in csat if i["sent_at"] is not None]
    answered = [r for r in responses if r["kind"] == "csat"]
    assert 0.3 < len(csat) / CONVERSATIONS < 0.5
    assert 0.15 < len(answered) / len(sent) < 0.3
    assert {r["score"] for r in answered} <= {1, 2, 3, 4, 5}
    assert {r["score"] for r in responses if r["kind"] == "nps"} <= set(range(11))
    assert {r["score"] for r in responses if r["kind"] == "ces"} <= set(range(1, 8))
    assert all(r["reasons"] for r in answered if r["score"] <= 2)
