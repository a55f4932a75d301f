"""Customer pages: the searchable list and one customer's history across channels."""

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.channels.kinds import ChannelKind
from goodwill.core.clock import FixedClock
from goodwill.customers.service import merge_customers


def test_customer_page_lists_the_history_newest_first(
    client: TestClient, make: Factories, clock: FixedClock, csrf: str
) -> None:
    customer = make.customer(name="Ada Lovelace", email="ada@example.com")
    make.conversation(customer=customer, subject="First by email")
    clock.advance(timedelta(days=1))
    make.conversation(customer=customer, subject="Then by chat", channel=ChannelKind.CHAT)
    clock.advance(timedelta(days=1))
    make.conversation(customer=customer, subject="Last by phone", channel=ChannelKind.PHONE)
    make.conversation(subject="Someone else's")

    page = client.get(f"/customers/{customer.id}").text

    assert "<h1>Ada Lovelace</h1>" in page
    assert "ada@example.com" in page
    subjects = re.findall(r'<a href="/conversations/\d+">([^<]+)</a>', page)
    assert subjects == ["Last by phone", "Then by chat", "First by email"]
    assert "<td>Chat</td>" in page
    assert "<td>Phone</td>" in page
    assert "02 Mar 2026" in page


def test_customer_page_hides_conversations_outside_the_agents_scope(
    client: TestClient, make: Factories, csrf: str
) -> None:
    customer = make.customer(name="Ada Lovelace")
    make.conversation(customer=customer, subject="Visible")
    make.conversation(customer=customer, subject="Billing team only", team=make.team())

    page = client.get(f"/customers/{customer.id}").text

    assert "Visible" in page
    assert "Billing team only" not in page


def test_merged_customer_redirects_to_the_surviving_one(
    client: TestClient, make: Factories, session: Session, clock: FixedClock, csrf: str
) -> None:
    survivor = make.customer(name="Ada Lovelace")
    duplicate = make.customer(name="A. Lovelace")
    merge_customers(session, target_id=survivor.id, source_id=duplicate.id, now=clock.now())
    session.flush()

    response = client.get(f"/customers/{duplicate.id}", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == f"/customers/{survivor.id}"


def test_customer_list_searches_by_name_or_identity(
    client: TestClient, make: Factories, csrf: str
) -> None:
    make.customer(name="Ada Lovelace", email="ada@example.com")
    make.customer(name="Charles Babbage", email="charles@engine.example")

    everyone = client.get("/customers").text
    by_name = client.get("/customers?q=char").text
    by_email = client.get("/customers?q=ada@").text
    nobody = client.get("/customers?q=zzz").text

    assert "Ada Lovelace" in everyone and "Charles Babbage" in everyone
    assert "Charles Babbage" in by_name and "Ada Lovelace" not in by_name
    assert "Ada Lovelace" in by_email and "Charles Babbage" not in by_email
    assert "No customer matches" in nobody


def test_unknown_customer_is_404(client: TestClient, csrf: str) -> None:
    assert client.get("/customers/999999").status_code == 404
