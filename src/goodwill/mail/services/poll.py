"""Polling IMAP mailboxes: every new message stored exactly once, in the caller's transaction.

The position in the folder (UIDVALIDITY and the last UID handled) is saved in the same transaction
as the mail it covers. If that transaction rolls back (a crash, a failed insert) both are gone and
the next poll fetches the same UIDs again, so nothing is skipped or stored twice. Connection and
login failures are recorded on the mailbox (`last_error`) and the poll returns normally, keeping
whatever it stored before the failure; the next scheduled poll tries again."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from goodwill.core.errors import Conflict, NotFound
from goodwill.core.jobs.enqueue import enqueue
from goodwill.core.jobs.models import Job, JobStatus
from goodwill.mail.imap import FetchedMail, ImapConnection, ImapError
from goodwill.mail.models import InboundMail, InboundStatus, Mailbox
from goodwill.mail.services.accept import accept_raw_mail, sniff_message_id
from goodwill.mail.services.mailboxes import Connector, MissingPassword, imap_config

log = logging.getLogger("goodwill.mail.poll")

POLL_MAILBOXES_JOB = "mail.poll_mailboxes"
POLL_MAILBOX_JOB = "mail.poll_mailbox"
SOURCE = "imap"
BATCH_SIZE = 100  # messages per poll; the rest waits for the next job, run right after
FETCH_CHUNK = 25  # messages per FETCH command
SCHEDULE_EVERY = timedelta(minutes=1)
SCHEDULE_SLACK = timedelta(seconds=30)  # a schedule that runs a little early still polls


@dataclass(slots=True)
class PollResult:
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    more_waiting: bool = False
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Fetching:
    limit: int
    chunk_size: int
    max_bytes: int | None


def poll_mailbox(
    session: Session,
    mailbox_id: int,
    *,
    now: datetime,
    limit: int = BATCH_SIZE,
    chunk_size: int = FETCH_CHUNK,
    max_message_bytes: int | None = None,
    connect: Connector = ImapConnection,
    continue_later: bool = True,
) -> PollResult:
    """Fetch up to `limit` new messages (ascending UID, never marked seen) and store them.

    A message over `max_message_bytes` is recorded as rejected instead of fetched. With more
    waiting and `continue_later`, queue the next poll of this mailbox at once."""
    mailbox = _lock_mailbox(session, mailbox_id)
    result = PollResult()
    fetching = Fetching(limit=limit, chunk_size=chunk_size, max_bytes=max_message_bytes)
    try:
        with connect(imap_config(mailbox)) as connection:
            _store_new_mail(session, mailbox, connection, result, now=now, fetching=fetching)
    except (ImapError, MissingPassword) as error:
        result.error, result.more_waiting = str(error), False
    _record_outcome(mailbox, result, now=now)
    if result.more_waiting and continue_later:
        _queue_next_poll(session, mailbox, now=now)
    session.flush()
    return result


def schedule_mailbox_polls(session: Session, *, now: datetime, poll_seconds: int) -> None:
    """Queue a poll for each active mailbox that is due and has none queued or running.

    Due: never polled, or last polled `poll_seconds` ago (30 s early still counts, since this runs
    once a minute). The dedupe key names the minute, so several workers queue one poll."""
    wait = max(timedelta(seconds=poll_seconds) - SCHEDULE_SLACK, timedelta(0))
    due = session.scalars(
        select(Mailbox.id)
        .where(Mailbox.is_active.is_(True))
        .where(or_(Mailbox.last_polled_at.is_(None), Mailbox.last_polled_at <= now - wait))
        .order_by(Mailbox.id)
    ).all()
    pending = _mailboxes_with_a_pending_poll(session)
    slot = int(now.timestamp() // SCHEDULE_EVERY.total_seconds())
    for mailbox_id in due:
        if mailbox_id not in pending:
            key = f"{POLL_MAILBOX_JOB}:{mailbox_id}:slot:{slot}"
            enqueue(session, POLL_MAILBOX_JOB, {"mailbox_id": mailbox_id}, now=now, dedupe_key=key)


def _lock_mailbox(session: Session, mailbox_id: int) -> Mailbox:
    """The mailbox row, locked (PostgreSQL) so two polls of one mailbox run one after the other."""
    mailbox = session.scalar(
        select(Mailbox)
        .where(Mailbox.id == mailbox_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if mailbox is None:
        raise NotFound(f"mailbox {mailbox_id} does not exist")
    if not mailbox.is_active:
        raise Conflict(f"mailbox {mailbox.name!r} is inactive; activate it to poll it")
    return mailbox


def _store_new_mail(
    session: Session,
    mailbox: Mailbox,
    connection: ImapConnection,
    result: PollResult,
    *,
    now: datetime,
    fetching: Fetching,
) -> None:
    state = connection.state
    assert state is not None
    if mailbox.uidvalidity != state.uidvalidity:
        if mailbox.uidvalidity is not None:
            log.warning("mailbox %s: UIDVALIDITY changed, reading the folder again", mailbox.name)
        mailbox.uidvalidity, mailbox.last_uid = state.uidvalidity, 0
    new_uids = connection.uids_after(mailbox.last_uid)
    result.more_waiting = len(new_uids) > fetching.limit
    batch = new_uids[: fetching.limit]
    for fetched in connection.fetch(
        batch, chunk_size=fetching.chunk_size, max_bytes=fetching.max_bytes
    ):
        _store_one(session, mailbox, fetched, result, now=now)
        mailbox.last_uid = fetched.uid


def _store_one(
    session: Session, mailbox: Mailbox, fetched: FetchedMail, result: PollResult, *, now: datetime
) -> None:
    if fetched.error is not None:
        _record_unfetchable(session, mailbox, fetched.error, now=now)
        result.failed += 1
        return
    if fetched.raw is None:  # deleted from the folder between the search and the fetch
        return
    message_id = sniff_message_id(fetched.raw)
    if message_id is not None and _already_stored(session, mailbox.id, message_id):
        result.skipped += 1
        return
    accept_raw_mail(session, fetched.raw, source=SOURCE, now=now, mailbox_id=mailbox.id)
    result.stored += 1


def _already_stored(session: Session, mailbox_id: int, message_id: str) -> bool:
    """Mail from this mailbox with this Message-ID exists (a folder read again, a copy)."""
    found = session.scalar(
        select(InboundMail.id)
        .where(InboundMail.message_id_header == message_id, InboundMail.mailbox_id == mailbox_id)
        .limit(1)
    )
    return found is not None


def _record_unfetchable(session: Session, mailbox: Mailbox, error: str, *, now: datetime) -> None:
    """Keep a visible trace of a message the server would not hand over, then move on."""
    reason = f"{error} (folder {mailbox.folder!r}, UIDVALIDITY {mailbox.uidvalidity})"
    log.warning("mailbox %s: %s", mailbox.name, reason)
    session.add(
        InboundMail(
            source=SOURCE,
            mailbox_id=mailbox.id,
            envelope_to=[],
            raw=b"",
            size_bytes=0,
            status=InboundStatus.REJECTED,
            reason=reason,
            received_at=now,
            processed_at=now,
        )
    )


def _record_outcome(mailbox: Mailbox, result: PollResult, *, now: datetime) -> None:
    mailbox.last_polled_at = now
    if result.error is None:
        mailbox.last_error = None
        busy = result.stored or result.skipped or result.failed
        log.log(
            logging.INFO if busy else logging.DEBUG,
            "mailbox %s polled: %s stored, %s skipped, %s failed, more waiting: %s",
            mailbox.name,
            result.stored,
            result.skipped,
            result.failed,
            result.more_waiting,
        )
        return
    mailbox.last_error, mailbox.last_error_at = result.error, now
    log.warning("mailbox %s could not be polled: %s", mailbox.name, result.error)


def _queue_next_poll(session: Session, mailbox: Mailbox, *, now: datetime) -> None:
    key = f"{POLL_MAILBOX_JOB}:{mailbox.id}:v{mailbox.uidvalidity}:after:{mailbox.last_uid}"
    enqueue(session, POLL_MAILBOX_JOB, {"mailbox_id": mailbox.id}, now=now, dedupe_key=key)


def _mailboxes_with_a_pending_poll(session: Session) -> set[int]:
    keys: Sequence[str | None] = session.scalars(
        select(Job.dedupe_key).where(
            Job.name == POLL_MAILBOX_JOB, Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING])
        )
    ).all()
    found: set[int] = set()
    for key in keys:
        parts = (key or "").split(":")
        if len(parts) > 1 and parts[1].isdigit():
            found.add(int(parts[1]))
    return found
