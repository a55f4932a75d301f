"""The IMAP client: log in, open one folder read-only, list and fetch new messages by UID.

Built on imap-tools. Messages are fetched with BODY.PEEK[] (never marked seen) and kept byte for
byte. Failures come out as `ImapError`, whose text is safe to store and show: it never contains
the password. A message the server refuses to hand over is reported on its own (`FetchedMail.error`)
so it cannot block the messages after it.
"""

import contextlib
import imaplib
import logging
import re
import socket
import ssl
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage
from imap_tools.errors import (
    MailboxFetchError,
    MailboxFolderSelectError,
    MailboxLoginError,
    MailboxStarttlsError,
    UnexpectedCommandStatusError,
)
from imap_tools.utils import check_command_status

log = logging.getLogger("goodwill.mail.imap")

DEFAULT_TIMEOUT_SECONDS = 30.0
MAX_ERROR_LENGTH = 500
CHUNK_BYTES = 16 * 1024 * 1024  # a FETCH asks for at most this much (unless one message is more)
_UID_AND_SIZE = re.compile(rb"(?=.*\bUID (?P<uid>\d+))(?=.*\bRFC822\.SIZE (?P<size>\d+))")
REDACTED = "[password]"


class ImapSecurity(StrEnum):
    SSL = "ssl"  # implicit TLS, usually port 993
    STARTTLS = "starttls"  # plain connection upgraded to TLS, usually port 143
    NONE = "none"  # no encryption: only for a server on the same machine or network


DEFAULT_PORTS = {ImapSecurity.SSL: 993, ImapSecurity.STARTTLS: 143, ImapSecurity.NONE: 143}


@dataclass(frozen=True, slots=True)
class ImapConfig:
    host: str
    port: int
    security: ImapSecurity
    username: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS


@dataclass(frozen=True, slots=True)
class FolderState:
    """What SELECT said about the folder: UIDs are only comparable under one UIDVALIDITY."""

    uidvalidity: int
    uidnext: int | None
    messages: int


@dataclass(frozen=True, slots=True)
class FetchedMail:
    """One UID's outcome: its raw bytes, or why the server would not give them.

    Neither raw nor error: the message was deleted from the folder before we fetched it."""

    uid: int
    raw: bytes | None = None
    error: str | None = None


class ImapError(Exception):
    """The server could not be reached, refused the login or the folder; the text is safe."""


class _RawMessage(MailMessage):
    """A fetched message kept as the bytes the server sent (imap-tools keeps only a parse)."""

    def __init__(self, fetch_data: list[bytes | tuple[bytes, bytes]]) -> None:
        raw, uid_data, flag_data = self._get_message_data_parts(fetch_data)
        self._raw_uid_data = uid_data
        self._raw_flag_data = flag_data
        self.raw: bytes = raw


SslContextFactory = Callable[[], ssl.SSLContext]


class ImapConnection:
    """One logged-in session on one folder; reconnects once when a fetch drops the connection."""

    def __init__(
        self, config: ImapConfig, *, ssl_context: SslContextFactory = ssl.create_default_context
    ) -> None:
        self.config = config
        self._ssl_context = ssl_context
        self._mailbox: BaseMailBox | None = None
        self.state: FolderState | None = None

    def __enter__(self) -> "ImapConnection":
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def open(self) -> FolderState:
        """Connect, log in and select the folder read-only; ImapError when any step fails."""
        with self._errors_as_imap_error():
            self._mailbox, state = self._connect()
        if self.state is not None and state.uidvalidity != self.state.uidvalidity:
            self.close()
            raise ImapError(
                f"the UIDVALIDITY of folder {self.config.folder!r} changed during the poll; "
                "the next poll starts the folder over"
            )
        self.state = state
        return state

    def close(self) -> None:
        mailbox, self._mailbox = self._mailbox, None
        if mailbox is not None:
            with contextlib.suppress(Exception):
                mailbox.logout()
            with contextlib.suppress(Exception):
                mailbox.client.shutdown()

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs above `last_uid`, ascending. (`n:*` also matches the highest UID when it is < n.)"""
        with self._errors_as_imap_error():
            found = self._open_mailbox().uids(f"UID {last_uid + 1}:*", charset=None)
        return sorted(uid for uid in {int(value) for value in found} if uid > last_uid)

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        """Each UID's size in bytes (RFC822.SIZE), asked before fetching; {} if refused."""
        if not uids:
            return {}
        try:
            with self._errors_as_imap_error():
                client = self._open_mailbox().client
                result = client.uid("FETCH", ",".join(str(uid) for uid in uids), "(RFC822.SIZE)")
                check_command_status(result, MailboxFetchError)
        except ImapError as error:  # e.g. one unreadable message: fetch without knowing sizes
            log.warning("IMAP sizes of %s UIDs unavailable: %s", len(uids), error)
            return {}
        sizes: dict[int, int] = {}
        for item in result[1]:
            line = item[0] if isinstance(item, tuple) else item
            if isinstance(line, bytes) and (found := _UID_AND_SIZE.search(line)):
                sizes[int(found["uid"])] = int(found["size"])
        return sizes

    def fetch(
        self,
        uids: Sequence[int],
        *,
        chunk_size: int = 25,
        max_bytes: int | None = None,
    ) -> Iterator[FetchedMail]:
        """Each UID's message in the order given, a chunk (by count and bytes) per FETCH.

        A message over `max_bytes` is reported, not fetched. A chunk the server refuses, or
        that drops the connection, is fetched again one UID at a time, so one bad message only
        costs itself. ImapError when the server cannot be reached again."""
        sizes = self.sizes(uids)
        chunk: list[int] = []
        for uid in uids:
            size = sizes.get(uid, 0)
            oversized = max_bytes is not None and size > max_bytes
            if chunk and (
                oversized or len(chunk) == chunk_size or _bytes(chunk, sizes) + size > CHUNK_BYTES
            ):
                yield from self._fetch_chunk(chunk)
                chunk = []
            if oversized:
                yield FetchedMail(
                    uid, error=f"IMAP UID {uid} is {size} bytes, over the limit of {max_bytes}"
                )
            else:
                chunk.append(uid)
        yield from self._fetch_chunk(chunk)

    def _fetch_chunk(self, chunk: Sequence[int]) -> Iterator[FetchedMail]:
        if not chunk:
            return
        try:
            with self._errors_as_imap_error():
                found = self._fetch_uids(chunk)
        except ImapError as error:
            log.warning("IMAP fetch of %s UIDs failed, retrying one by one: %s", len(chunk), error)
            yield from (self._fetch_one(uid) for uid in chunk)
            return
        yield from (FetchedMail(uid, raw=found.get(uid)) for uid in chunk)

    def _fetch_one(self, uid: int) -> FetchedMail:
        """Fetch one UID, reconnecting once. The server refusing it twice (NO, BAD, or a BYE
        instead of the message) marks the message; a lost connection (reset, timeout) stops the
        poll with ImapError instead, so a dead server never costs messages."""
        failure: Exception | None = None
        for _attempt in range(2):
            try:
                return FetchedMail(uid, raw=self._fetch_uids([uid]).get(uid))
            except (UnexpectedCommandStatusError, imaplib.IMAP4.error, OSError) as error:
                self._drop_if_broken(error)
                failure = error
        assert failure is not None
        if _lost_connection(failure):
            raise ImapError(describe_error(failure, self.config))
        reason = describe_error(failure, self.config)
        return FetchedMail(uid, error=f"IMAP UID {uid} could not be fetched: {reason}")

    def _fetch_uids(self, uids: Sequence[int]) -> dict[int, bytes]:
        mailbox = self._open_mailbox()
        messages = mailbox.fetch(uid_list=[str(uid) for uid in uids], mark_seen=False, bulk=True)
        found: dict[int, bytes] = {}
        for message in messages:
            if isinstance(message, _RawMessage) and message.uid is not None:
                found[int(message.uid)] = message.raw
        return found

    def _open_mailbox(self) -> BaseMailBox:
        if self._mailbox is None:
            self.open()
        assert self._mailbox is not None
        return self._mailbox

    def _drop_if_broken(self, error: BaseException) -> None:
        """After the connection died, forget it: the next command reconnects (or fails)."""
        if isinstance(error, imaplib.IMAP4.abort | OSError):
            self.close()

    def _connect(self) -> tuple[BaseMailBox, FolderState]:
        config = self.config
        mailbox = self._client()
        try:
            if config.username.isascii() and config.password.isascii():
                mailbox.login(config.username, config.password, initial_folder=None)
            else:
                mailbox.login_utf8(config.username, config.password, initial_folder=None)
            mailbox.folder.set(config.folder, readonly=True)
            return mailbox, _folder_state(mailbox.client)
        except BaseException:
            with contextlib.suppress(Exception):
                mailbox.client.shutdown()
            raise

    def _client(self) -> BaseMailBox:
        config = self.config
        timeout = config.timeout_seconds
        if config.security == ImapSecurity.SSL:
            mailbox: BaseMailBox = MailBox(
                config.host, config.port, timeout=timeout, ssl_context=self._ssl_context()
            )
        elif config.security == ImapSecurity.STARTTLS:
            mailbox = MailBoxStartTls(
                config.host, config.port, timeout=timeout, ssl_context=self._ssl_context()
            )
        else:
            mailbox = MailBoxUnencrypted(config.host, config.port, timeout=timeout)
        mailbox.email_message_class = _RawMessage
        return mailbox

    @contextlib.contextmanager
    def _errors_as_imap_error(self) -> Iterator[None]:
        try:
            yield
        except ImapError:
            raise
        except (imaplib.IMAP4.error, UnexpectedCommandStatusError, OSError, ValueError) as error:
            self._drop_if_broken(error)
            raise ImapError(describe_error(error, self.config)) from None


def _lost_connection(error: BaseException) -> bool:
    """The network failed, as opposed to the server refusing (NO, BAD, BYE with a reason)."""
    if isinstance(error, OSError):
        return True
    return isinstance(error, imaplib.IMAP4.abort) and "socket error" in str(error)


def _bytes(uids: Sequence[int], sizes: dict[int, int]) -> int:
    return sum(sizes.get(uid, 0) for uid in uids)


def _folder_state(client: imaplib.IMAP4) -> FolderState:
    def number(name: str) -> int | None:
        values = client.untagged_responses.get(name) or []
        last = values[-1] if values else None
        with contextlib.suppress(ValueError, TypeError):
            return int(last) if isinstance(last, bytes | str) else None
        return None

    uidvalidity = number("UIDVALIDITY")
    if uidvalidity is None:
        raise ImapError("the server did not report the folder's UIDVALIDITY; it cannot be polled")
    return FolderState(uidvalidity, number("UIDNEXT"), number("EXISTS") or 0)


def describe_error(error: BaseException, config: ImapConfig) -> str:
    """One sentence on what failed and what to check, without the password."""
    where = f"{config.host}:{config.port}"
    text = _describe(error, config, where)
    if config.password:
        text = text.replace(config.password, REDACTED)
    return text[:MAX_ERROR_LENGTH]


def _describe(error: BaseException, config: ImapConfig, where: str) -> str:
    for kind, sentence in _SENTENCES:
        if isinstance(error, kind):
            return sentence(error, config, where)
    return f"{type(error).__name__}: {error}"


def _ssl_reason(error: BaseException) -> str:
    return str(getattr(error, "reason", None) or error)


def _os_reason(error: BaseException) -> str:
    return str(getattr(error, "strerror", None) or type(error).__name__)


Sentence = Callable[[Any, ImapConfig, str], str]
_SENTENCES: tuple[tuple[type[BaseException], Sentence], ...] = (
    (
        MailboxLoginError,
        lambda e, _c, where: (
            f"{where} refused the login: {_server_text(e)}; check the username "
            "and password (Gmail and Outlook need an app password)"
        ),
    ),
    (
        MailboxFolderSelectError,
        lambda e, c, _w: f"cannot open folder {c.folder!r}: {_server_text(e)}; check its name",
    ),
    (
        MailboxStarttlsError,
        lambda e, _c, where: f"{where} refused STARTTLS: {_server_text(e)}; use security ssl",
    ),
    (
        UnexpectedCommandStatusError,
        lambda e, _c, where: f"{where} answered {e.command_result[0]}: {_server_text(e)}",
    ),
    (
        ssl.SSLCertVerificationError,
        lambda e, _c, where: f"the TLS certificate of {where} is not trusted: {e.verify_message}",
    ),
    (
        ssl.SSLError,
        lambda e, _c, where: (
            f"TLS with {where} failed ({_ssl_reason(e)}); check the port and "
            "the security (993 is ssl, 143 is starttls)"
        ),
    ),
    (socket.gaierror, lambda _e, c, _w: f"cannot resolve the host name {c.host!r}"),
    (
        ConnectionRefusedError,
        lambda _e, _c, where: f"{where} refused the connection; check the host and the port",
    ),
    (
        TimeoutError,
        lambda _e, c, where: f"{where} did not answer within {c.timeout_seconds:g} s",
    ),
    (imaplib.IMAP4.abort, lambda e, _c, where: f"the connection to {where} was lost: {e}"),
    (imaplib.IMAP4.error, lambda e, _c, where: f"IMAP error from {where}: {e}"),
    (OSError, lambda e, _c, where: f"the connection to {where} failed: {_os_reason(e)}"),
)


def _server_text(error: UnexpectedCommandStatusError) -> str:
    data = error.command_result[1] if len(error.command_result) > 1 else []
    parts = [
        item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)
        for item in (data or [])
        if item is not None
    ]
    return " ".join(parts).strip() or "no reason given"
