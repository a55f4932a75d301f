"""`goodwill smtpd`: the built-in SMTP server on its own; `serve` starts it too when enabled."""

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import typer
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from goodwill.cli.common import console, load_settings, open_database
from goodwill.core.db import Database
from goodwill.mail.models import InboundMail
from goodwill.mail.smtpd import SmtpdStartError, SmtpServer
from goodwill.settings import Settings


def smtpd(
    host: str | None = typer.Option(None, help="interface to listen on [GOODWILL_SMTPD_HOST]"),
    port: int | None = typer.Option(None, min=0, max=65535, help="TCP port [GOODWILL_SMTPD_PORT]"),
) -> None:
    """Receive email for the support addresses over SMTP, until Ctrl-C."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = load_settings()
    database = open_database(settings)
    _require_schema(database)
    server = _start(SmtpServer(database, settings, host=host, port=port))
    addresses = ", ".join([settings.support_address, *settings.inbound_addresses])
    console.print(
        f"SMTP server listening on {server.host}:{server.port} for {addresses}; "
        "press Ctrl-C to stop",
        soft_wrap=True,
    )
    try:
        _wait_for_a_stop_signal()
    finally:
        server.stop()
        database.dispose()
    console.print("SMTP server stopped")


@contextmanager
def smtpd_if_enabled(settings: Settings, database: Database | None = None) -> Iterator[None]:
    """Run the SMTP server alongside `goodwill serve` when GOODWILL_SMTPD_ENABLED is set."""
    if not settings.smtpd_enabled:
        yield
        return
    own_database = database is None
    database = database or open_database(settings)
    server = _start(SmtpServer(database, settings))
    console.print(f"SMTP server listening on {server.host}:{server.port}")
    try:
        yield
    finally:
        server.stop()
        if own_database:
            database.dispose()


def _start(server: SmtpServer) -> SmtpServer:
    try:
        server.start()
    except SmtpdStartError as error:
        console.print(f"[red]Error:[/red] {error}")
        raise typer.Exit(1) from error
    return server


def _require_schema(database: Database) -> None:
    """Refuse to start (rather than answer 451 to every message) on an unmigrated database."""
    try:
        with database.reader() as session:
            session.execute(select(InboundMail.id).limit(1))
    except SQLAlchemyError as error:
        console.print(
            "[red]Error:[/red] the database has no table for incoming mail; "
            "run `goodwill migrate` first."
        )
        raise typer.Exit(1) from error


def _wait_for_a_stop_signal() -> None:
    """Block until SIGINT (Ctrl-C) or SIGTERM."""
    stop = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
