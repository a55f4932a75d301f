"""The JSON API over real HTTP: uvicorn on a loopback port, a committed database, httpx."""

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
import uvicorn

from goodwill.agents.roles import Role
from goodwill.agents.service import create_agent, create_api_token
from goodwill.core.db import Database
from goodwill.main import create_app
from goodwill.settings import Settings

START_TIMEOUT_SECONDS = 10


@dataclass(frozen=True, slots=True)
class LiveServer:
    base_url: str
    headers: dict[str, str]


def _make_admin_token(database: Database) -> str:
    with database.transaction() as session:
        admin = create_agent(
            session,
            email=f"live-{uuid.uuid4().hex[:12]}@example.com",
            password="live server 1",
            role=Role.ADMIN,
            now=datetime.now(UTC),
        )
        return create_api_token(session, agent=admin, name="live", now=datetime.now(UTC))


def _serve(app: object, sock: socket.socket) -> tuple[uvicorn.Server, threading.Thread]:
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    return server, thread


@pytest.fixture
def live_server(file_database_url: str, settings: Settings) -> Iterator[LiveServer]:
    database = Database(file_database_url)
    app = create_app(
        settings.model_copy(update={"database_url": file_database_url}), database=database
    )
    token = _make_admin_token(database)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server, thread = _serve(app, sock)
    try:
        port = sock.getsockname()[1]
        yield LiveServer(f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"})
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_SECONDS)
        sock.close()
        database.dispose()


def _conversation(email: str) -> dict[str, object]:
    return {
        "subject": "Live order question",
        "customer": {"value": email},
        "message": {"body_text": "Is my order on its way?"},
    }


def test_idempotent_create_and_list_over_http(live_server: LiveServer) -> None:
    body = _conversation(f"live-{uuid.uuid4().hex[:12]}@example.com")
    headers = live_server.headers | {"Idempotency-Key": str(uuid.uuid4())}
    with httpx.Client(base_url=live_server.base_url, timeout=10) as http:
        first = http.post("/api/v1/conversations", json=body, headers=headers)
        again = http.post("/api/v1/conversations", json=body, headers=headers)
        assert first.status_code == again.status_code == 201, first.text
        assert again.json() == first.json()
        assert again.headers["Idempotent-Replayed"] == "true"
        listed = http.get(
            "/api/v1/conversations",
            headers=live_server.headers,
            params={"customer_id": first.json()["customer_id"]},
        )
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [first.json()["id"]]


def test_concurrent_duplicates_create_one_conversation(live_server: LiveServer) -> None:
    body = _conversation(f"race-{uuid.uuid4().hex[:12]}@example.com")
    headers = live_server.headers | {"Idempotency-Key": str(uuid.uuid4())}
    start = threading.Barrier(6, timeout=10)

    def post(_: int) -> httpx.Response:
        with httpx.Client(base_url=live_server.base_url, timeout=30) as http:
            start.wait()
            return http.post("/api/v1/conversations", json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(post, range(6)))
    assert {response.status_code for response in responses} == {201}, [r.text for r in responses]
    assert len({response.json()["id"] for response in responses}) == 1
    with httpx.Client(base_url=live_server.base_url, timeout=10) as http:
        listed = http.get(
            "/api/v1/conversations",
            headers=live_server.headers,
            params={"customer_id": responses[0].json()["customer_id"]},
        )
    assert len(listed.json()["items"]) == 1
