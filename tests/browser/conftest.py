"""A real uvicorn server on a free loopback port and Debian's Chromium, for the browser tests."""

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from goodwill.core.db import Database
from goodwill.main import create_app
from goodwill.settings import Settings
from support.browser import chromium_launch_options

STARTUP_SECONDS = 15
SECRET_KEY = "browser-tests-secret-0123456789abcdef"


def _free_loopback_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="session")
def live_database(file_database_url: str) -> Iterator[Database]:
    database = Database(file_database_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def live_server(live_database: Database, file_database_url: str) -> Iterator[str]:
    """The app served by uvicorn in a background thread; yields its base URL."""
    settings = Settings(
        database_url=file_database_url,
        secret_key=SECRET_KEY,
        environment="test",
        email_backend="capture",
        _env_file=None,
    )
    app = create_app(settings, database=live_database)
    sock = _free_loopback_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    host, port = sock.getsockname()
    yield f"http://{host}:{port}"
    server.should_exit = True
    thread.join(timeout=STARTUP_SECONDS)
    sock.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(**chromium_launch_options())
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()
