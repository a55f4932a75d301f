"""Importing mail history in bulk: threading, dedupe, direction, bounces, auto-replies, bad mail."""

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.cli.import_mail import ImportSummary, run_mail_import
from goodwill.conversations.enums import AuthorKind, EventKind, MessageDirection
from goodwill.conversations.models import (
    Conversation,
    ConversationEvent,
    ConversationParticipant,
    Message,
)
from goodwill.conversations.status import ConversationStatus
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.models import Job
from goodwill.customers.models import Customer, CustomerIdentity
from goodwill.mail.models import InboundMail, InboundStatus
from goodwill.mail.sources import open_mail_source
from goodwill.settings import Settings
from support.mail_archive import SUPPORT, bounce, days_ago, mail, write_mbox


@pytest.fixture
def archive(tmp_path: Path, database: Database, settings: Settings, clock: FixedClock) -> "Archive":
    return Archive(tmp_path, database, settings, clock.now())


class Archive:
    def __init__(self, folder: Path, database: Database, settings: Settings, now: datetime):
        self.folder, self.database, self.settings, self.now = folder, database, settings, now
        self.runs = 0

    def run(self, messages: Sequence[bytes], *, batch_size: int = 100) -> ImportSummary:
        self.runs += 1
        path = write_mbox(self.folder / f"archive-{self.runs}.mbox", messages)
        return run_mail_import(
            self.database,
            open_mail_source(path),
            settings=self.settings,
            now=self.now,
            batch_size=batch_size,
        )


def message(session: Session, message_id: str) -> Message:
    found = session.scalar(select(Message).where(Message.external_id == message_id))
    assert found is not None, message_id
    return found


def conversation_of(session: Session, message_id: str) -> int:
    return message(session, message_id).conversation_id


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def thread(clock: FixedClock, *, prefix: str = "t") -> list[bytes]:
    """A customer asks, we answer, the customer answers back (References only)."""
    return [
        mail(f"{prefix}1@customer.example", at=days_ago(clock.now(), 30)),
        mail(
            f"{prefix}2@goodwill.example",
            sender=f"Support <{SUPPORT}>",
            to="maria@customer.example",
            subject="Re: My kettle is broken",
            at=days_ago(clock.now(), 29),
            in_reply_to=f"{prefix}1@customer.example",
            references=[f"{prefix}1@customer.example"],
        ),
        mail(
            f"{prefix}3@customer.example",
            subject="Re: My kettle is broken",
            at=days_ago(clock.now(), 28),
            references=[f"{prefix}1@customer.example", f"{prefix}2@goodwill.example"],
        ),
    ]


def test_a_thread_becomes_one_conversation_with_replayed_facts(
    archive: Archive, session: Session, clock: FixedClock
) -> None:
    summary = archive.run(thread(clock))
    assert (summary.stored, summary.conversations, summary.rejected) == (3, 1, [])
    conversation = session.get(Conversation, conversation_of(session, "t1@customer.example"))
    assert conversation is not None
    assert {conversation_of(session, f"t{n}@customer.example") for n in (1, 3)} == {conversation.id}
    assert conversation.subject == "My kettle is broken"
    assert conversation.message_count == 3
    assert conversation.created_at == days_ago(clock.now(), 30)
    assert conversation.first_response_at == days_ago(clock.now(), 29)
    assert conversation.last_customer_message_at == days_ago(clock.now(), 28)
    assert conversation.status == ConversationStatus.CLOSED  # history, last word 28 days ago
    assert conversation.closed_at == days_ago(clock.now(), 28)
    customer = session.get(Customer, conversation.customer_id)
    assert customer is not None and customer.name == "Maria Lopez"
    kinds = session.scalars(
        select(ConversationEvent.kind)
        .where(ConversationEvent.conversation_id == conversation.id)
        .order_by(ConversationEvent.occurred_at, ConversationEvent.id)
    ).all()
    assert kinds == [
        EventKind.CREATED,
        EventKind.MESSAGE_ADDED,
        EventKind.MESSAGE_ADDED,
        EventKind.FIRST_RESPONSE,
        EventKind.MESSAGE_ADDED,
        EventKind.STATUS_CHANGED,
        EventKind.RESOLVED,
        EventKind.CLOSED,
    ]
    assert count(session, Job) == 0  # history sends nothing


def test_our_address_writes_agent_replies(
    archive: Archive, session: Session, clock: FixedClock, make: Factories
) -> None:
    agent = make.agent(email="anna@goodwill.example")
    replies = [
        mail("r1@goodwill.example", sender=f"Support <{SUPPORT}>", to="Bo <bo@customer.example>"),
        mail(
            "r2@goodwill.example",
            sender="Anna <Anna@goodwill.example>",
            to="bo@customer.example",
            in_reply_to="r1@goodwill.example",
        ),
    ]
    archive.run(replies)
    first, second = message(session, "r1@goodwill.example"), message(session, "r2@goodwill.example")
    assert (first.direction, first.author_kind) == (MessageDirection.OUTBOUND, AuthorKind.AGENT)
    assert (first.author_agent_id, second.author_agent_id) == (None, agent.id)
    assert second.direction == MessageDirection.OUTBOUND
    conversation = session.get(Conversation, first.conversation_id)
    assert conversation is not None and second.conversation_id == conversation.id
    owner = session.get(Customer, conversation.customer_id)
    assert owner is not None and owner.name == "Bo"  # the recipient of our first mail


@pytest.mark.parametrize("batch_size", [1, 2, 100])
def test_a_reply_before_its_parent_still_joins_it(
    archive: Archive, session: Session, clock: FixedClock, batch_size: int
) -> None:
    first, second, third = thread(clock)
    summary = archive.run([third, second, first], batch_size=batch_size)
    assert (summary.stored, summary.conversations) == (3, 1)
    ids = {conversation_of(session, f"t{n}@customer.example") for n in (1, 3)}
    assert ids | {conversation_of(session, "t2@goodwill.example")} == ids
    assert len(ids) == 1


def test_never_threaded_by_subject_alone(
    archive: Archive, session: Session, clock: FixedClock
) -> None:
    same_subject = mail("other@customer.example", subject="Re: My kettle is broken")
    archive.run([*thread(clock), same_subject])
    assert conversation_of(session, "other@customer.example") != conversation_of(
        session, "t1@customer.example"
    )


def test_reference_tokens_join_a_stored_conversation(
    archive: Archive, session: Session, make: Factories
) -> None:
    existing = make.conversation()
    by_subject = mail("s@customer.example", subject=f"Re: Kettle [{existing.reference}]")
    by_plus = mail("p@customer.example", to=f"support+{existing.reference}@goodwill.example")
    archive.run([by_subject, by_plus])
    assert conversation_of(session, "s@customer.example") == existing.id
    assert conversation_of(session, "p@customer.example") == existing.id
    session.refresh(existing)
    assert existing.message_count == 3


def test_importing_again_stores_nothing_twice(
    archive: Archive, session: Session, clock: FixedClock
) -> None:
    without_id = mail(None, sender="anon@customer.example", subject="No id")
    messages = [*thread(clock), without_id]
    first = archive.run(messages)
    before = (count(session, Message), count(session, Conversation), count(session, Customer))
    again = archive.run([*messages, messages[0]])
    assert (first.stored, first.duplicates) == (4, 0)
    assert (again.stored, again.duplicates, again.conversations) == (0, 5, 0)
    assert before == (
        count(session, Message),
        count(session, Conversation),
        count(session, Customer),
    )
    synthetic = session.scalar(
        select(Message.external_id).where(Message.external_id.like("sha256.%"))
    )
    assert synthetic is not None and synthetic.endswith("@goodwill.invalid")
    statuses = session.scalars(select(InboundMail.status).order_by(InboundMail.id)).all()
    assert statuses == [InboundStatus.STORED] * 4 + [InboundStatus.DUPLICATE] * 5


def test_a_message_twice_in_one_archive_is_a_duplicate(
    archive: Archive, session: Session, clock: FixedClock
) -> None:
    root = thread(clock)[0]
    summary = archive.run([root, root])
    assert (summary.stored, summary.duplicates) == (1, 1)
    duplicate = session.scalar(
        select(InboundMail).where(InboundMail.status == InboundStatus.DUPLICATE)
    )
    assert duplicate is not None
    assert duplicate.conversation_id == conversation_of(session, "t1@customer.example")


def test_a_bounce_is_attached_to_the_conversation_of_the_mail_it_reports(
    archive: Archive, session: Session, clock: FixedClock
) -> None:
    report = bounce(
        "dsn1@mx.customer.example",
        original_id="t2@goodwill.example",
        recipient="maria@customer.example",
        at=days_ago(clock.now(), 29),
    )
    summary = archive.run([*thread(clock), report])
    assert (summary.stored, summary.bounces) == (3, 1)
    inbound = session.scalar(select(InboundMail).where(InboundMail.status == InboundStatus.BOUNCE))
    assert inbound is not None
    assert inbound.conversation_id == conversation_of(session, "t1@customer.example")
    assert message(session, "t2@goodwill.example").delivery_status == "bounced"
    identity = session.scalar(
        select(CustomerIdentity).where(CustomerIdentity.value == "maria@customer.example")
    )
    assert identity is not None and identity.failing_at == days_ago(clock.now(), 29)
    failed = session.scalar(
        select(ConversationEvent).where(ConversationEvent.kind == EventKind.DELIVERY_FAILED)
    )
    assert failed is not None and failed.data["inbound_mail_id"] == inbound.id
    assert archive.run([report]).duplicates == 1  # the same bounce again


def test_auto_replies_are_kept_as_flagged_messages_that_change_no_status(
    archive: Archive, session: Session, clock: FixedClock
) -> None:
    question = mail("q@customer.example", at=days_ago(clock.now(), 2))
    away = mail(
        "away@goodwill.example",
        sender="Bo <bo@partner.example>",
        in_reply_to="q@customer.example",
        at=days_ago(clock.now(), 1),
        headers=["Auto-Submitted: auto-replied"],
    )
    archive.run([question, away])
    flagged = message(session, "away@goodwill.example")
    assert flagged.is_auto_reply is True
    conversation = session.get(Conversation, flagged.conversation_id)
    assert conversation is not None
    assert conversation.status == ConversationStatus.NEW  # the customer's recent question waits
    assert conversation.last_customer_message_at == days_ago(clock.now(), 2)


def test_recent_customer_mail_stays_open_for_an_agent(
    archive: Archive, session: Session, clock: FixedClock
) -> None:
    first, second, _ = thread(clock)
    recent = mail(
        "t3@customer.example",
        subject="Re: My kettle is broken",
        at=days_ago(clock.now(), 1),
        in_reply_to="t2@goodwill.example",
    )
    archive.run([first, second, recent])
    conversation = session.get(Conversation, conversation_of(session, "t1@customer.example"))
    assert conversation is not None
    assert conversation.status == ConversationStatus.OPEN
    assert conversation.closed_at is None


def test_people_in_copy_join_as_participants(
    archive: Archive, session: Session, clock: FixedClock
) -> None:
    copied = mail("cc@customer.example", cc="Ola <ola@customer.example>, support@goodwill.example")
    archive.run([copied])
    conversation_id = conversation_of(session, "cc@customer.example")
    participants = session.execute(
        select(Customer.name, ConversationParticipant.role)
        .join(Customer, Customer.id == ConversationParticipant.customer_id)
        .where(ConversationParticipant.conversation_id == conversation_id)
    ).all()
    assert [tuple(row) for row in participants] == [("Ola", "cc")]


def test_bad_messages_are_rejected_with_a_reason_and_the_rest_imports(
    archive: Archive, session: Session, clock: FixedClock, tmp_path: Path
) -> None:
    (tmp_path / "mails").mkdir()
    files = {
        "1-empty.eml": b"",
        "2-garbage.eml": bytes(range(256)) * 8,
        "3-no-from.eml": b"Subject: who wrote this?\r\n\r\nnobody knows\r\n",
        "4-bad-address.eml": mail("bad@customer.example", sender="someone@localhost"),
        "5-good.eml": mail("good@customer.example"),
    }
    for name, raw in files.items():
        (tmp_path / "mails" / name).write_bytes(raw)
    summary = run_mail_import(
        archive.database,
        open_mail_source(tmp_path / "mails"),
        settings=archive.settings,
        now=archive.now,
    )
    reasons = {Path(origin).name: reason for origin, reason in summary.rejected}
    assert summary.stored == 1
    assert reasons["1-empty.eml"] == "empty message (no bytes)"
    assert reasons["2-garbage.eml"].startswith("no sender address")
    assert reasons["3-no-from.eml"].startswith("no sender address")
    assert "not an email address" in reasons["4-bad-address.eml"]
    rows = session.scalars(select(InboundMail).order_by(InboundMail.id)).all()
    assert [row.status for row in rows] == [InboundStatus.REJECTED] * 4 + [InboundStatus.STORED]
    assert all(row.reason for row in rows[:4])
    assert rows[1].raw == files["2-garbage.eml"]  # the bytes are kept


def test_a_message_the_database_refuses_is_rejected_alone(
    archive: Archive, session: Session, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from goodwill.mail.services import import_rows

    real = import_rows.sanitise_html

    def exploding(html: str) -> str:
        if "explode" in html:
            raise RuntimeError("the sanitiser broke")
        return real(html)

    monkeypatch.setattr(import_rows, "sanitise_html", exploding)
    html = (
        mail("h@customer.example", body="x")
        .replace(b"text/plain", b"text/html")
        .replace(b"\r\nx\r\n", b"\r\n<p>explode</p>\r\n")
    )
    summary = archive.run([*thread(clock), html], batch_size=10)
    assert summary.stored == 3
    assert summary.rejected == [
        (summary.rejected[0][0], "cannot be stored: RuntimeError: the sanitiser broke")
    ]
    assert count(session, Conversation) == 1


def test_a_file_that_cannot_be_read_is_reported_and_the_rest_imports(
    archive: Archive, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "box"
    folder.mkdir()
    (folder / "a.eml").write_bytes(mail("readable@customer.example"))
    locked = folder / "b.eml"
    locked.write_bytes(mail("locked@customer.example"))
    real_read = Path.read_bytes

    def guarded_read(path: Path) -> bytes:
        if path == locked:
            raise PermissionError(13, "Permission denied")
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", guarded_read)
    summary = run_mail_import(
        archive.database, open_mail_source(folder), settings=archive.settings, now=archive.now
    )
    assert (summary.stored, summary.unreadable) == (1, 1)
    assert summary.rejected == [(str(locked), f"{locked} cannot be read: permission denied")]
    assert count(session, Message) == 1
