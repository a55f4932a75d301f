"""Filing received mail into conversations: threading, dedupe, participants, kinds, bounces."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.conversations.enums import AuthorKind, EventKind, MessageDirection
from goodwill.conversations.models import (
    Attachment,
    Conversation,
    ConversationEvent,
    ConversationParticipant,
    Message,
)
from goodwill.conversations.schemas import MessageCreate, MessageKind
from goodwill.conversations.services.messages import add_message
from goodwill.conversations.status import ConversationStatus
from goodwill.core.clock import FixedClock
from goodwill.customers.models import CustomerIdentity
from goodwill.mail.models import InboundMail, InboundStatus
from goodwill.mail.services.accept import accept_raw_mail
from goodwill.mail.services.intake import process_inbound_mail
from goodwill.settings import Settings
from support.mail_builders import bounce_email, raw_email


@pytest.fixture
def file_mail(session: Session, settings: Settings, clock: FixedClock):  # type: ignore[no-untyped-def]
    def file(raw: bytes, *, envelope_to: list[str] | None = None, config: Settings = settings):
        inbound = accept_raw_mail(
            session, raw, source="smtp", now=clock.now(), envelope_to=envelope_to, process=False
        )
        process_inbound_mail(session, inbound, settings=config, now=clock.now())
        session.flush()
        return inbound

    return file


def messages_of(session: Session, conversation_id: int | None) -> list[Message]:
    return list(
        session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
        )
    )


def conversation_count(session: Session) -> int:
    return int(session.scalar(select(func.count(Conversation.id))) or 0)


def test_a_new_email_opens_an_acknowledged_conversation(session: Session, file_mail) -> None:  # type: ignore[no-untyped-def]
    inbound = file_mail(raw_email(subject="Fwd: My kettle stopped working"))
    assert inbound.status == InboundStatus.STORED
    conversation = session.get(Conversation, inbound.conversation_id)
    assert conversation is not None
    assert conversation.channel == "email"
    assert conversation.subject == "My kettle stopped working"
    first, ack = messages_of(session, conversation.id)
    assert first.id == inbound.message_id
    assert first.external_id == "m1@customer.example"
    assert first.direction == MessageDirection.INBOUND
    assert "stopped working" in first.body_text
    assert ack.author_kind == AuthorKind.SYSTEM
    assert conversation.first_response_at is None  # an acknowledgement is not a response


def test_the_same_message_twice_is_stored_once(session: Session, file_mail) -> None:  # type: ignore[no-untyped-def]
    first = file_mail(raw_email())
    again = file_mail(raw_email(headers={"Received": "from relay.example by mx"}))
    assert again.status == InboundStatus.DUPLICATE
    assert again.conversation_id == first.conversation_id
    assert conversation_count(session) == 1


def test_mail_without_message_id_is_deduplicated_by_its_bytes(session: Session, file_mail) -> None:  # type: ignore[no-untyped-def]
    raw = raw_email(message_id=None)
    assert file_mail(raw).status == InboundStatus.STORED
    assert file_mail(raw).status == InboundStatus.DUPLICATE


def test_reply_threads_by_in_reply_to_and_references(session: Session, file_mail) -> None:  # type: ignore[no-untyped-def]
    first = file_mail(raw_email())
    by_reply_to = file_mail(
        raw_email(
            subject="Re: other words",
            message_id="<m2@c.example>",
            in_reply_to="<m1@customer.example>",
        )
    )
    by_references = file_mail(
        raw_email(
            subject="something else",
            message_id="<m3@c.example>",
            references="<unknown@x.example> <m2@c.example>",
        )
    )
    assert first.conversation_id == by_reply_to.conversation_id == by_references.conversation_id
    assert conversation_count(session) == 1


def test_same_subject_alone_never_merges(session: Session, file_mail) -> None:  # type: ignore[no-untyped-def]
    file_mail(raw_email())
    file_mail(raw_email(message_id="<other@customer.example>"))
    assert conversation_count(session) == 2


def test_subject_token_and_plus_address_find_the_conversation(session: Session, file_mail) -> None:  # type: ignore[no-untyped-def]
    first = file_mail(raw_email())
    conversation = session.get(Conversation, first.conversation_id)
    assert conversation is not None
    by_token = file_mail(
        raw_email(subject=f"Re: kettle [{conversation.reference}]", message_id="<t@c.example>")
    )
    plus = f"support+{conversation.reference.lower()}@goodwill.example"
    by_plus = file_mail(
        raw_email(subject="no token", message_id="<p@c.example>", to=plus), envelope_to=[plus]
    )
    assert by_token.conversation_id == by_plus.conversation_id == conversation.id


def test_reply_to_our_agent_reply_joins_and_reopens(  # type: ignore[no-untyped-def]
    session: Session, file_mail, make: Factories, clock: FixedClock
) -> None:
    first = file_mail(raw_email())
    conversation = session.get(Conversation, first.conversation_id)
    assert conversation is not None
    agent = make.agent()
    reply = add_message(
        session,
        conversation,
        data=MessageCreate(kind=MessageKind.REPLY, body_text="Hi Maria, we will swap it."),
        actor=agent,
        now=clock.now(),
    )
    reply.external_id = f"{conversation.reference}.{reply.id}.abc@goodwill.example"
    session.flush()
    answer = file_mail(
        raw_email(
            subject="Re: My kettle stopped working",
            message_id="<m9@customer.example>",
            in_reply_to=f"<{reply.external_id}>",
        )
    )
    assert answer.conversation_id == conversation.id
    assert conversation.status == ConversationStatus.OPEN


def test_someone_in_cc_who_replies_joins_as_participant(session: Session, file_mail) -> None:  # type: ignore[no-untyped-def]
    first = file_mail(raw_email(cc="Bob Lopez <bob@customer.example>"))
    participants = session.scalars(
        select(ConversationParticipant).where(
            ConversationParticipant.conversation_id == first.conversation_id
        )
    ).all()
    assert len(participants) == 1
    reply = file_mail(
        raw_email(
            sender="Bob Lopez <bob@customer.example>",
            message_id="<b1@customer.example>",
            in_reply_to="<m1@customer.example>",
        )
    )
    assert reply.conversation_id == first.conversation_id
    message = session.get(Message, reply.message_id)
    assert message is not None
    assert message.author_customer_id == participants[0].customer_id


def test_auto_reply_is_kept_but_changes_nothing_and_is_never_acknowledged(  # type: ignore[no-untyped-def]
    session: Session, file_mail
) -> None:
    first = file_mail(raw_email())
    conversation = session.get(Conversation, first.conversation_id)
    assert conversation is not None
    conversation.status = ConversationStatus.PENDING
    out_of_office = file_mail(
        raw_email(
            subject="Automatic reply: My kettle stopped working",
            message_id="<ooo@customer.example>",
            in_reply_to="<m1@customer.example>",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    message = session.get(Message, out_of_office.message_id)
    assert message is not None and message.is_auto_reply
    assert conversation.status == ConversationStatus.PENDING
    newsletter = file_mail(
        raw_email(
            subject="Our spring sale",
            message_id="<news@shop.example>",
            headers={"List-Id": "<news.shop.example>", "Precedence": "bulk"},
        )
    )
    assert newsletter.status == InboundStatus.STORED
    assert [m.author_kind for m in messages_of(session, newsletter.conversation_id)] == ["customer"]


def test_a_bounce_marks_the_delivery_failed_and_the_address_failing(  # type: ignore[no-untyped-def]
    session: Session, file_mail, make: Factories, clock: FixedClock
) -> None:
    first = file_mail(raw_email())
    conversation = session.get(Conversation, first.conversation_id)
    assert conversation is not None
    reply = add_message(
        session,
        conversation,
        data=MessageCreate(kind=MessageKind.REPLY, body_text="We sent a new one."),
        actor=make.agent(),
        now=clock.now(),
    )
    reply.external_id = f"{conversation.reference}.{reply.id}.abc@goodwill.example"
    session.flush()
    bounce = file_mail(
        bounce_email(original_message_id=reply.external_id, recipient="maria@customer.example")
    )
    assert bounce.status == InboundStatus.BOUNCE
    assert bounce.conversation_id == conversation.id
    assert reply.delivery_status == "bounced"
    event = session.scalars(
        select(ConversationEvent).where(
            ConversationEvent.conversation_id == conversation.id,
            ConversationEvent.kind == EventKind.DELIVERY_FAILED,
        )
    ).one()
    assert event.data["recipients"] == ["maria@customer.example"]
    identity = session.scalars(
        select(CustomerIdentity).where(CustomerIdentity.value == "maria@customer.example")
    ).one()
    assert identity.failing_at is not None
    assert len(messages_of(session, conversation.id)) == 3  # the bounce is not a message


def test_reply_to_a_closed_conversation_reopens_or_links_by_setting(  # type: ignore[no-untyped-def]
    session: Session, file_mail, settings: Settings
) -> None:
    first = file_mail(raw_email())
    conversation = session.get(Conversation, first.conversation_id)
    assert conversation is not None
    conversation.status = ConversationStatus.CLOSED
    reopened = file_mail(
        raw_email(message_id="<r1@c.example>", in_reply_to="<m1@customer.example>")
    )
    assert reopened.conversation_id == conversation.id
    assert conversation.status == ConversationStatus.OPEN

    conversation.status = ConversationStatus.CLOSED
    linking = settings.model_copy(update={"email_reply_to_closed": "new_linked"})
    linked = file_mail(
        raw_email(message_id="<r2@c.example>", in_reply_to="<m1@customer.example>"),
        config=linking,
    )
    new = session.get(Conversation, linked.conversation_id)
    assert new is not None and new.id != conversation.id
    assert new.linked_conversation_id == conversation.id
    assert conversation.status == ConversationStatus.CLOSED


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (raw_email(sender=""), "no sender address"),
        (raw_email(sender="support@goodwill.example"), "our own support address"),
        (raw_email(sender="Support <SUPPORT+gw-x@goodwill.example>"), "our own support address"),
        (raw_email(sender="broken <not-an-address@>"), ""),
    ],
)
def test_mail_that_cannot_be_filed_is_rejected_with_a_reason(  # type: ignore[no-untyped-def]
    session: Session, file_mail, raw: bytes, reason: str
) -> None:
    inbound = file_mail(raw)
    assert inbound.status == InboundStatus.REJECTED
    assert inbound.reason and reason in inbound.reason
    assert conversation_count(session) == 0
    healthy = file_mail(raw_email(message_id="<after@customer.example>"))
    assert healthy.status == InboundStatus.STORED


def test_attachments_are_stored_and_oversized_ones_noted(  # type: ignore[no-untyped-def]
    session: Session, file_mail, settings: Settings
) -> None:
    small = settings.model_copy(update={"max_attachment_bytes": 1000})
    inbound = file_mail(
        raw_email(
            attachments=[
                ("receipt.pdf", "application/pdf", b"%PDF-1.4 small"),
                ("video.mp4", "video/mp4", b"x" * 5000),
            ]
        ),
        config=small,
    )
    stored = session.scalars(
        select(Attachment).where(Attachment.message_id == inbound.message_id)
    ).all()
    assert [a.filename for a in stored] == ["receipt.pdf"]
    message = session.get(Message, inbound.message_id)
    assert message is not None and "video.mp4" in message.body_text


def test_processing_twice_is_a_no_op(
    session: Session, file_mail, settings: Settings, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    inbound = file_mail(raw_email())
    process_inbound_mail(session, inbound, settings=settings, now=clock.now())
    assert len(messages_of(session, inbound.conversation_id)) == 2


def test_quoted_history_is_hidden_from_the_stored_text(session: Session, file_mail) -> None:  # type: ignore[no-untyped-def]
    inbound = file_mail(
        raw_email(
            body=(
                "Still broken, sorry.\n\n"
                "On Mon, 2 Mar 2026 at 09:00, Support wrote:\n> Try the reset button.\n"
            ),
            message_id="<q@customer.example>",
        )
    )
    message = session.get(Message, inbound.message_id)
    assert message is not None
    assert message.body_text == "Still broken, sorry."
    raw_kept = session.get(InboundMail, inbound.id)
    assert raw_kept is not None and b"Try the reset button" in raw_kept.raw


def test_an_unusable_cc_address_is_skipped_not_fatal(session: Session, file_mail) -> None:  # type: ignore[no-untyped-def]
    inbound = file_mail(raw_email(cc="Bob <bob@extern>, Ann <ann@customer.example>"))
    assert inbound.status == InboundStatus.STORED
    participants = session.scalars(
        select(ConversationParticipant).where(
            ConversationParticipant.conversation_id == inbound.conversation_id
        )
    ).all()
    assert len(participants) == 1
