"""JSON API: recording orders and reviews (idempotent) and listing a customer's."""

from api_support import Caller, count_rows
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.commerce.models import Order, Review

ORDER = {
    "customer_email": "Ada@Example.com",
    "external_id": "ORD-1",
    "ordered_at": "2026-02-01T10:00:00Z",
    "amount_cents": 4999,
    "currency": "EUR",
    "product": "Blue dress",
}


def test_order_created_once_then_returned(
    client: TestClient, agent: Caller, session: Session, make: Factories
) -> None:
    ada = make.customer(name="Ada Lovelace", email="ada@example.com")
    first = client.post("/api/v1/orders", json=ORDER, headers=agent.headers)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["customer_id"], body["amount_cents"], body["product"]) == (
        ada.id,
        4999,
        "Blue dress",
    )
    again = client.post("/api/v1/orders", json=ORDER, headers=agent.headers)
    assert again.status_code == 200
    assert again.json() == body
    assert count_rows(session, Order) == 1


def test_order_external_id_of_another_customer_is_a_conflict(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    client.post("/api/v1/orders", json=ORDER, headers=agent.headers)
    other = make.customer(name="Bo", email="bo@example.com")
    body = {k: v for k, v in ORDER.items() if k != "customer_email"} | {"customer_id": other.id}
    response = client.post("/api/v1/orders", json=body, headers=agent.headers)
    assert response.status_code == 409
    assert "ORD-1" in response.json()["detail"]


def test_order_needs_exactly_one_customer_reference(client: TestClient, agent: Caller) -> None:
    body = ORDER | {"customer_id": 1}
    response = client.post("/api/v1/orders", json=body, headers=agent.headers)
    assert response.status_code == 422
    assert "exactly one of customer_id or customer_email" in response.text
    missing = client.post(
        "/api/v1/orders",
        json={k: v for k, v in ORDER.items() if k != "customer_email"} | {"customer_id": 424242},
        headers=agent.headers,
    )
    assert missing.status_code == 404


def test_orders_need_a_token(client: TestClient) -> None:
    assert client.post("/api/v1/orders", json=ORDER).status_code == 401


def test_customer_orders_newest_first(client: TestClient, agent: Caller, make: Factories) -> None:
    ada = make.customer(name="Ada Lovelace", email="ada@example.com")
    for number, day in (("A", "01"), ("B", "03"), ("C", "02")):
        body = ORDER | {"external_id": number, "ordered_at": f"2026-02-{day}T10:00:00Z"}
        assert client.post("/api/v1/orders", json=body, headers=agent.headers).status_code == 201
    listed = client.get(f"/api/v1/customers/{ada.id}/orders", headers=agent.headers).json()
    assert [order["external_id"] for order in listed] == ["B", "C", "A"]
    assert client.get("/api/v1/customers/424242/orders", headers=agent.headers).status_code == 404


REVIEW = {
    "customer_email": "ada@example.com",
    "rating": 9,
    "rating_scale": 10,
    "title": "Smooth flight",
    "text": "Friendly crew.",
    "reviewed_at": "2026-02-10T08:00:00Z",
}


def test_review_created_once_and_listed(
    client: TestClient, agent: Caller, session: Session, make: Factories
) -> None:
    ada = make.customer(name="Ada Lovelace", email="ada@example.com")
    created = client.post("/api/v1/reviews", json=REVIEW, headers=agent.headers)
    assert created.status_code == 201, created.text
    assert created.json()["external_id"].startswith("sha:")
    same = client.post("/api/v1/reviews", json=REVIEW, headers=agent.headers)
    assert same.status_code == 200
    assert count_rows(session, Review) == 1
    listed = client.get(f"/api/v1/customers/{ada.id}/reviews", headers=agent.headers).json()
    assert [(r["rating"], r["rating_scale"], r["title"]) for r in listed] == [
        (9, 10, "Smooth flight")
    ]


def test_review_rating_above_its_scale_is_refused(client: TestClient, agent: Caller) -> None:
    response = client.post(
        "/api/v1/reviews", json=REVIEW | {"rating_scale": 5}, headers=agent.headers
    )
    assert response.status_code == 422
    assert "rating 9 is above its scale of 5" in response.text
