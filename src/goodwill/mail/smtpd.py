"""The built-in SMTP server: accepts mail for our addresses and answers 250 only once it is stored.

Each message is stored with `accept_raw_mail` in its own transaction, run in a small thread pool
so the event loop never blocks on the database and the SQLite write lock is never held across
network I/O. The reply is "250" only after that commit returned; any failure answers "451" and
leaves nothing behind, so the sending server retries and no acknowledged message is ever lost.
"""

import asyncio
import errno
import logging
import socket
import threading
import time
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy.exc import StatementError

import goodwill.all_models  # noqa: F401  (every table, so foreign keys resolve on flush)
from goodwill.core.clock import Clock, SystemClock
from goodwill.core.db import Database
from goodwill.mail.services.accept import accept_raw_mail
from goodwill.mail.thread_rules import is_our_address
from goodwill.settings import Settings

log = logging.getLogger("goodwill.smtpd")

ACCEPTED = "250 2.0.0 Message accepted for delivery"
TEMPORARY_FAILURE = "451 4.3.0 Temporary failure, please retry"
UNKNOWN_RECIPIENT = (
    "550 5.1.1 <{address}>: no such mailbox here; this help desk only accepts mail for its "
    "support addresses"
)
SENDER_TOO_LONG = "553 5.1.7 The sender address is longer than 320 characters"
SESSION_TIMEOUT_SECONDS = 300  # RFC 5321 4.5.3.2.7: a server should wait at least 5 minutes
LONGEST_LINE_BYTES = 65536  # RFC 5321 says 1,000, but real mail (HTML) has longer lines
STORE_THREADS = 4  # database work in flight at once; SQLite writers queue anyway
DRAIN_SECONDS = 10.0  # how long stop() waits for messages being stored
MAX_ADDRESS_LENGTH = 320  # InboundMail.envelope_from


class SmtpdStartError(Exception):
    """The SMTP server could not listen; the message says what to do."""


class IntakeHandler:
    """aiosmtpd hooks: refuse foreign recipients, store each message before acknowledging it."""

    def __init__(
        self, database: Database, *, addresses: list[str], clock: Clock, store_threads: int
    ) -> None:
        self.database = database
        self.addresses = [address for address in addresses if address]
        self.clock = clock
        self.executor = ThreadPoolExecutor(store_threads, thread_name_prefix="smtpd-store")
        self.in_flight = 0

    async def handle_MAIL(
        self, _server: SMTP, _session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if len(address) > MAX_ADDRESS_LENGTH:
            return SENDER_TOO_LONG
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self, _server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if not is_our_address(address, self.addresses):
            log.info("smtp refused a recipient outside our domains from %s", _peer(session))
            return UNKNOWN_RECIPIENT.format(address=address)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, _server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        started = time.perf_counter()
        self.in_flight += 1
        try:
            stored_id = await self._run_store(raw, envelope.mail_from, list(envelope.rcpt_tos))
        except Exception as error:  # whatever it was, the sender keeps the message and retries
            log.error(
                "smtp answered 451 to a %d-byte message from %s: %s",
                len(raw),
                _peer(session),
                describe_failure(error),
            )
            return TEMPORARY_FAILURE
        finally:
            self.in_flight -= 1
        log.info(
            "smtp accepted inbound_mail=%s bytes=%d recipients=%d peer=%s in %.1f ms",
            stored_id,
            len(raw),
            len(envelope.rcpt_tos),
            _peer(session),
            (time.perf_counter() - started) * 1000,
        )
        return ACCEPTED

    def _run_store(self, raw: bytes, mail_from: str | None, rcpt_tos: list[str]) -> Awaitable[int]:
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(self.executor, self.store, raw, mail_from, rcpt_tos)

    def store(self, raw: bytes, mail_from: str | None, rcpt_tos: list[str]) -> int:
        """Commit one message (and its processing job); returns the InboundMail id."""
        with self.database.transaction() as session:
            inbound = accept_raw_mail(
                session,
                raw,
                source="smtp",
                now=self.clock.now(),
                envelope_from=mail_from,
                envelope_to=rcpt_tos,
            )
            return inbound.id


def describe_failure(error: Exception) -> str:
    """The error without the SQL parameters SQLAlchemy puts in its text (the mail itself)."""
    cause = error.orig if isinstance(error, StatementError) and error.orig else error
    return f"{type(error).__name__}: {str(cause)[:200]}"


def _peer(session: Session) -> str:
    peer = session.peer
    return str(peer[0]) if isinstance(peer, tuple) and peer else str(peer or "?")


class _GoodwillSMTP(SMTP):
    line_length_limit = LONGEST_LINE_BYTES


class _Controller(Controller):
    """aiosmtpd's threaded controller, serving on a socket we bound (so port 0 works)."""

    def __init__(self, handler: IntakeHandler, sock: socket.socket, **smtp: Any) -> None:
        host, port = sock.getsockname()[:2]
        super().__init__(handler, hostname=host, port=port, **smtp)
        self.sock = sock

    def factory(self) -> SMTP:
        return _GoodwillSMTP(self.handler, **self.SMTP_kwargs)

    def _create_server(self) -> Any:
        return self.loop.create_server(self._factory_invoker, sock=self.sock)


class SmtpServer:
    """Start and stop the SMTP server in a background thread; `port` is known after start()."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        clock: Clock | None = None,
        host: str | None = None,
        port: int | None = None,
        store_threads: int = STORE_THREADS,
    ) -> None:
        self.settings = settings
        self.host = host if host is not None else settings.smtpd_host
        self.port = port if port is not None else settings.smtpd_port
        self.handler = IntakeHandler(
            database,
            addresses=[settings.support_address, *settings.inbound_addresses],
            clock=clock or SystemClock(),
            store_threads=store_threads,
        )
        self._controller: _Controller | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Listen and serve in a background thread; SmtpdStartError if the port is taken."""
        # aiosmtpd logs every command with its addresses at INFO; we log one line per message.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        sock = _listen(self.host, self.port)
        self.port = sock.getsockname()[1]
        controller = _Controller(
            self.handler,
            sock,
            server_hostname=socket.gethostname(),
            ident="Goodwill ESMTP",
            data_size_limit=self.settings.smtpd_max_message_bytes,
            enable_SMTPUTF8=True,
            decode_data=False,
            timeout=SESSION_TIMEOUT_SECONDS,
        )
        try:
            controller.start()
        except Exception:
            sock.close()
            raise
        self._controller = controller
        log.info("smtp server listening on %s:%s", self.host, self.port)

    def stop(self, *, drain_seconds: float = DRAIN_SECONDS) -> None:
        """Stop listening, let messages being stored finish, then close every session."""
        with self._lock:
            controller, self._controller = self._controller, None
        if controller is None:
            return
        if controller.server is not None:
            controller.loop.call_soon_threadsafe(controller.server.close)
        deadline = time.monotonic() + drain_seconds
        while self.handler.in_flight and time.monotonic() < deadline:
            time.sleep(0.02)
        controller.stop()
        self.handler.executor.shutdown(wait=True)
        log.info("smtp server stopped")

    def __enter__(self) -> "SmtpServer":
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, or SmtpdStartError with a sentence when the address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise SmtpdStartError(
                f"Port {port} on {host} is already in use; stop the other program or choose "
                "another port with --port or GOODWILL_SMTPD_PORT."
            ) from error
        raise SmtpdStartError(f"Cannot listen on {host}:{port}: {error.strerror}.") from error
    sock.setblocking(False)
    return sock
