"""The inbox: views, counts, SLA markers, paging, search, scope and a fixed number of queries."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.agents.roles import Role
from goodwill.conversations.access import scope_for
from goodwill.conversations.models import Conversation
from goodwill.conversations.schemas import ConversationUpdate, MessageCreate, MessageKind
from goodwill.conversations.services.messages import add_message
from goodwill.conversations.services.update import update_conversation
from goodwill.conversations.status import ConversationStatus
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database


def subjects(html: str) -> set[str]:
    return {unescape(s) for s in re.findall(r'<a href="/conversations/\d+">([^<]+)</a>', html)}


def row_count(html: str) -> int:
    return len(re.findall(r'<td class="cell-subject">', html))


def set_status(
    session: Session,
    clock: FixedClock,
    conversation: Conversation,
    actor: Agent,
    status: ConversationStatus,
) -> None:
    update_conversation(
        session,
        conversation.id,
        patch=ConversationUpdate(status=status),
        actor=actor,
        scope=scope_for(session, actor),
        now=clock.now(),
    )


@pytest.fixture
def inbox(make: Factories, session: Session, clock: FixedClock, agent: Agent) -> dict[str, Agent]:
    """Mine (new), mine (waiting), unassigned, someone else's, resolved."""
    other = make.agent(name="Linus Torvalds")
    make.conversation(subject="Mine and new", assignee=agent)
    waiting = make.conversation(subject="Mine and waiting", assignee=agent)
    question = MessageCreate(kind=MessageKind.REPLY, body_text="Which size?")
    add_message(session, waiting, data=question, actor=agent, now=clock.now())
    make.conversation(subject="Nobody's yet")
    make.conversation(subject="Linus has it", assignee=other)
    resolved = make.conversation(subject="All done", assignee=agent)
    set_status(session, clock, resolved, agent, ConversationStatus.RESOLVED)
    session.flush()
    return {"other": other}


@pytest.mark.usefixtures("inbox")
@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("mine", {"Mine and new", "Mine and waiting"}),
        ("unassigned", {"Nobody's yet"}),
        ("open", {"Mine and new", "Mine and waiting", "Nobody's yet", "Linus has it"}),
        ("waiting", {"Mine and waiting"}),
        ("resolved", {"All done"}),
        ("all", {"Mine and new", "Mine and waiting", "Nobody's yet", "Linus has it", "All done"}),
    ],
)
def test_each_view_lists_its_conversations(
    client: TestClient, csrf: str, view: str, expected: set[str]
) -> None:
    response = client.get(f"/inbox?view={view}")

    assert response.status_code == 200
    assert subjects(response.text) == expected


@pytest.mark.usefixtures("inbox")
def test_tabs_show_counts_and_the_default_view_is_mine(client: TestClient, csrf: str) -> None:
    page = client.get("/inbox").text

    assert subjects(page) == {"Mine and new", "Mine and waiting"}
    tab = re.search(r'view=mine" aria-current="page">\s*Mine\s*<span class="count">(\d+)', page)
    assert tab and tab.group(1) == "2"
    assert re.search(r'view=open"[^>]*>\s*All open\s*<span class="count">4<', page)


def test_default_view_is_all_open_when_nothing_is_mine(
    client: TestClient, make: Factories, csrf: str
) -> None:
    make.conversation(subject="Somebody help")

    page = client.get("/inbox").text

    assert 'href="/inbox?view=open" aria-current="page"' in page
    assert subjects(page) == {"Somebody help"}


def test_rows_show_customer_status_assignee_and_tags(
    client: TestClient, make: Factories, agent: Agent, csrf: str
) -> None:
    customer = make.customer(name="Ada Lovelace")
    make.conversation(customer=customer, assignee=agent, tags=("billing", "vip"), priority="urgent")

    page = client.get("/inbox?view=mine").text

    assert "Ada Lovelace" in page
    assert 'data-status="new">New<' in page
    assert "Grace Hopper" in page
    assert '<li class="tag">billing</li><li class="tag">vip</li>' in page
    assert "priority-urgent" in page


def test_sla_due_is_marked_breaching_soon_then_overdue(
    client: TestClient, make: Factories, clock: FixedClock, csrf: str
) -> None:
    make.sla_policy(first_response=timedelta(minutes=30), priority="urgent")
    make.conversation(subject="Hurry", priority="urgent")

    soon = client.get("/inbox?view=breaching_soon").text
    assert subjects(soon) == {"Hurry"}
    assert "Breaching soon" in soon
    assert "in 30m" in soon

    clock.advance(timedelta(hours=2))
    overdue = client.get("/inbox?view=open").text
    assert "Overdue" in overdue
    assert "1h ago" in overdue


def test_next_page_follows_the_cursor(
    client: TestClient, make: Factories, clock: FixedClock, agent: Agent, csrf: str
) -> None:
    for number in range(27):
        clock.advance(timedelta(minutes=1))
        make.conversation(subject=f"Question {number:02d}", assignee=agent)

    first = client.get("/inbox?view=mine").text
    next_link = re.search(r'href="(/inbox\?view=mine&amp;cursor=[^"]+)" rel="next"', first)
    assert next_link
    second = client.get(next_link.group(1).replace("&amp;", "&")).text

    assert len(subjects(first)) == 25
    assert subjects(second) == {"Question 01", "Question 00"}
    assert 'rel="next"' not in second
    assert "First page" in second


def test_a_bad_cursor_is_an_error_page_not_a_crash(client: TestClient, csrf: str) -> None:
    response = client.get("/inbox?view=all&cursor=not-a-cursor")

    assert response.status_code == 422
    assert "cursor is not valid" in response.text


def test_agents_only_see_their_teams_conversations(
    client: TestClient, make: Factories, agent: Agent, csrf: str
) -> None:
    elsewhere = make.team(name="Billing")
    hidden = make.conversation(subject="Billing only", team=elsewhere)
    make.conversation(subject="Everyone's")

    assert subjects(client.get("/inbox?view=all").text) == {"Everyone's"}
    assert client.get(f"/conversations/{hidden.id}").status_code == 404
    assert subjects(client.get("/search?q=billing").text) == set()


def test_managers_see_every_team(client: TestClient, make: Factories, sign_in: Any) -> None:
    manager = make.agent(role=Role.MANAGER, name="Mona Manager")
    make.conversation(subject="Billing only", team=make.team(name="Billing"))
    sign_in(manager)

    assert subjects(client.get("/inbox?view=all").text) == {"Billing only"}


def test_search_finds_words_in_messages_and_subjects(
    client: TestClient, make: Factories, csrf: str
) -> None:
    make.conversation(subject="Refund please", body="The parcel arrived crushed.")
    make.conversation(subject="Password reset", body="I cannot sign in.")

    by_body = client.get("/search?q=crushed").text
    by_subject = client.get("/search?q=password").text
    nothing = client.get("/search?q=zebra").text

    assert subjects(by_body) == {"Refund please"}
    assert subjects(by_subject) == {"Password reset"}
    assert "Nothing matches" in nothing


TEST_ONLY_STATEMENTS = ("SAVEPOINT", "RELEASE", "ROLLBACK")  # the rolled-back test transaction


@contextmanager
def counting_statements(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(TEST_ONLY_STATEMENTS):
            statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def make_conversations(make: Factories, agent: Agent, count: int) -> None:
    others = [make.agent(), make.agent()]
    for number in range(count):
        assignee = (agent, *others, None)[number % 4]
        customer = make.customer(name=f"Customer {number}")
        make.conversation(customer=customer, assignee=assignee, tags=("tag-a", f"tag-{number}"))


def inbox_statements(client: TestClient, database: Database, url: str) -> int:
    with counting_statements(database) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


INBOX_URLS = ("/inbox", "/inbox?view=all", "/inbox?view=unassigned", "/inbox?view=breaching_soon")


def test_the_inbox_runs_a_fixed_number_of_queries(
    client: TestClient, make: Factories, database: Database, agent: Agent, csrf: str
) -> None:
    make.sla_policy(first_response=timedelta(minutes=30))
    make_conversations(make, agent, 5)
    with_five = [inbox_statements(client, database, url) for url in INBOX_URLS]
    make_conversations(make, agent, 55)
    with_sixty = [inbox_statements(client, database, url) for url in INBOX_URLS]

    assert row_count(client.get("/inbox?view=all").text) == 25
    assert with_sixty == with_five
    assert max(with_five) <= 10  # sign-in check, scope, 5 capped counts, rows, tags
