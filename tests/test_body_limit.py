"""Request bodies over GOODWILL_MAX_REQUEST_BODY_BYTES are refused with 413 and change nothing."""

from collections.abc import Iterator

from fastapi.testclient import TestClient

from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.main import create_app
from goodwill.settings import Settings


def small_limit_client(settings: Settings, database: Database, clock: FixedClock) -> TestClient:
    limited = settings.model_copy(update={"max_request_body_bytes": 1000})
    return TestClient(create_app(limited, database=database, clock=clock))


def test_declared_oversize_body_is_413(
    settings: Settings, database: Database, clock: FixedClock
) -> None:
    client = small_limit_client(settings, database, clock)
    answer = client.post(
        "/api/v1/customers", content=b"x" * 2000, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413
    assert "GOODWILL_MAX_REQUEST_BODY_BYTES" in answer.json()["detail"]


def test_streamed_oversize_body_is_413(
    settings: Settings, database: Database, clock: FixedClock
) -> None:
    client = small_limit_client(settings, database, clock)

    def chunks() -> Iterator[bytes]:
        for _ in range(5):
            yield b"y" * 500

    answer = client.post(
        "/api/v1/customers", content=chunks(), headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413


def test_body_under_the_limit_reaches_the_application(
    settings: Settings, database: Database, clock: FixedClock
) -> None:
    client = small_limit_client(settings, database, clock)
    answer = client.post("/api/v1/customers", json={"name": "x"})
    assert answer.status_code == 401  # got past the limit to authentication
