"""JSON API query budgets: list endpoints run a fixed number of SQL statements per page."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from api_support import Caller
from fastapi.testclient import TestClient
from sqlalchemy import event

from factories import Factories
from goodwill.core.db import Database


@contextmanager
def counting_statements(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def statements_for(client: TestClient, database: Database, path: str, caller: Caller) -> int:
    with counting_statements(database) as statements:
        response = client.get(path, params={"limit": 100}, headers=caller.headers)
    assert response.status_code == 200, response.text
    return len(statements)


def test_listing_5_or_50_conversations_costs_the_same_queries(
    client: TestClient, database: Database, agent: Caller, make: Factories
) -> None:
    team = make.team(members=(agent.agent,))
    customers = [make.customer() for _ in range(5)]

    def add_conversations(count: int) -> None:
        for number in range(count):
            make.conversation(
                customer=customers[number % 5],
                team=team,
                assignee=agent.agent if number % 2 else None,
                tags=("late", f"tag-{number % 3}"),
            )

    add_conversations(5)
    with_5 = statements_for(client, database, "/api/v1/conversations", agent)
    add_conversations(45)
    with_50 = statements_for(client, database, "/api/v1/conversations", agent)
    assert (
        len(
            client.get(
                "/api/v1/conversations", params={"limit": 100}, headers=agent.headers
            ).json()["items"]
        )
        == 50
    )
    assert with_5 == with_50
    assert with_50 <= 8  # token, scope, page, tags, and the unit of work's own statements


def test_listing_customers_costs_the_same_queries_for_any_page_size(
    client: TestClient, database: Database, agent: Caller, make: Factories
) -> None:
    for _ in range(3):
        make.customer()
    with_3 = statements_for(client, database, "/api/v1/customers", agent)
    for _ in range(30):
        make.customer()
    assert statements_for(client, database, "/api/v1/customers", agent) == with_3
