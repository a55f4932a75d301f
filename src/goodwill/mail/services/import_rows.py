"""The rows one batch of a mail import writes: messages, attachments, people in copy and
events, in a few multi-row INSERTs; conversations are started and updated in
import_conversations."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from goodwill.channels.html import sanitise_html
from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.enums import AuthorKind, EventKind, MessageDirection
from goodwill.conversations.models import (
    Attachment,
    Conversation,
    ConversationEvent,
    ConversationParticipant,
    Message,
)
from goodwill.customers.bulk import identity_key
from goodwill.customers.models import IdentityKind
from goodwill.mail.history_rules import Stamp
from goodwill.mail.import_threads import NewThread, Placed, Placement, Target
from goodwill.mail.services.import_conversations import (
    NewConversation,
    PendingEvent,
    Ref,
    start_conversations,
    table_of,
    update_conversations,
)
from goodwill.mail.services.import_prepare import Candidate, ImportContext
from goodwill.mail.subjects import conversation_subject

IMPORTED = "imported"  # Message.delivery_status of history: never to be sent
_EVENT_ORDER = {  # events at the same moment, in the order they happen live
    kind: rank
    for rank, kind in enumerate(
        [
            EventKind.CREATED,
            EventKind.MESSAGE_ADDED,
            EventKind.PARTICIPANT_ADDED,
            EventKind.FIRST_RESPONSE,
            EventKind.DELIVERY_FAILED,
            EventKind.STATUS_CHANGED,
            EventKind.REOPENED,
            EventKind.RESOLVED,
            EventKind.CLOSED,
        ]
    )
}


@dataclass(slots=True)
class Stored:
    """What became of one candidate."""

    candidate: Candidate
    placement: Placement
    conversation_id: int | None
    message: Ref | None = None


def message_ids(session: Session, external_ids: list[str]) -> dict[str, int]:
    """Message-ID -> messages.id of stored email messages (the unique key finds them)."""
    rows = session.execute(
        select(Message.external_id, Message.id).where(
            Message.channel == ChannelKind.EMAIL, Message.external_id.in_(external_ids)
        )
    )
    return {str(external_id): int(message_id) for external_id, message_id in rows}


def _key(address: str) -> str:
    return identity_key(IdentityKind.EMAIL, address)[1]


def _stamp(candidate: Candidate) -> Stamp:
    direction = MessageDirection.OUTBOUND if candidate.outbound else MessageDirection.INBOUND
    return Stamp(candidate.at, direction, candidate.automatic)


class BatchRows:
    def __init__(
        self, session: Session, context: ImportContext, *, created_before: set[int]
    ) -> None:
        self.session = session
        self.context = context
        self.created_before = created_before  # conversations earlier batches started
        self.new_ids: list[int] = []
        self.owners: dict[int, int] = {}  # conversation id -> its customer id
        self.events: list[PendingEvent] = []
        self.messages_by_external_id: dict[str, Ref] = {}

    def store(
        self, placed: list[tuple[Candidate, Placed]], new_threads: int, customers: dict[str, int]
    ) -> dict[int, Stored]:
        """Conversations and messages for the batch; returns what became of each candidate,
        keyed by id(candidate)."""
        groups: dict[Target, list[Candidate]] = defaultdict(list)
        for candidate, where in placed:
            if where.placement == Placement.MESSAGE and where.target is not None:
                groups[where.target].append(candidate)
        self._start_conversations(groups, new_threads, customers)
        existing = self._load_existing([t for t in groups if isinstance(t, int)])
        stored: dict[int, Stored] = {}
        rows: list[tuple[Candidate, Ref, dict[str, Any]]] = []
        for candidate, where in placed:
            conversation_id = self._resolve(where.target)
            outcome = Stored(candidate, where.placement, conversation_id)
            stored[id(candidate)] = outcome
            if where.placement == Placement.MESSAGE and conversation_id is not None:
                outcome.message = Ref()
                rows.append(
                    (
                        candidate,
                        outcome.message,
                        self._message(candidate, conversation_id, customers),
                    )
                )
        self._insert_messages(rows)
        self._attachments(rows)
        self._participants(rows, customers)
        self.events += update_conversations(
            self.session, existing, history=self.created_before, now=self.context.now
        )
        return stored

    def _resolve(self, target: Target | None) -> int | None:
        if isinstance(target, NewThread):
            return self.new_ids[target.number]
        return target

    def _start_conversations(
        self, groups: dict[Target, list[Candidate]], count: int, customers: dict[str, int]
    ) -> None:
        wanted = []
        for number in range(count):
            members = groups[NewThread(number)]
            first = members[0]
            assert first.customer is not None
            customer_id = customers[_key(first.customer[0])]
            subject = conversation_subject(first.parsed.subject)
            wanted.append(NewConversation(subject, customer_id, [_stamp(m) for m in members]))
        self.new_ids, events = start_conversations(self.session, wanted, now=self.context.now)
        self.events += events
        self.owners.update(
            {cid: thread.customer_id for cid, thread in zip(self.new_ids, wanted, strict=True)}
        )

    def _load_existing(self, ids: list[int]) -> list[Conversation]:
        if not ids:
            return []
        found = list(self.session.scalars(select(Conversation).where(Conversation.id.in_(ids))))
        self.owners.update({c.id: c.customer_id for c in found})
        return found

    def _message(
        self, candidate: Candidate, conversation_id: int, customers: dict[str, int]
    ) -> dict[str, Any]:
        assert candidate.data is not None
        assert candidate.customer is not None
        data = candidate.data
        outbound = candidate.outbound
        return {
            "conversation_id": conversation_id,
            "channel": ChannelKind.EMAIL,
            "direction": MessageDirection.OUTBOUND if outbound else MessageDirection.INBOUND,
            "author_kind": AuthorKind.AGENT if outbound else AuthorKind.CUSTOMER,
            "author_agent_id": candidate.agent_id if outbound else None,
            "author_customer_id": None if outbound else customers[_key(candidate.customer[0])],
            "body_text": data.body_text,
            "body_html": sanitise_html(data.body_html) if data.body_html else None,
            "external_id": candidate.message_id,
            "is_auto_reply": candidate.automatic,
            "delivery_status": IMPORTED,
            "sentiment_label": None,
            "sentiment_score": None,
            "created_at": candidate.at,
        }

    def _insert_messages(self, rows: list[tuple[Candidate, Ref, dict[str, Any]]]) -> None:
        if not rows:
            return
        self.session.execute(insert(table_of(Message)), [row for _, _, row in rows])
        ids = message_ids(self.session, [candidate.message_id for candidate, _, _ in rows])
        for candidate, ref, row in rows:
            ref.id = ids[candidate.message_id]
            self.messages_by_external_id[candidate.message_id] = ref
            event_data: dict[str, Any] = {
                "direction": row["direction"],
                "author_kind": row["author_kind"],
            }
            if candidate.automatic:
                event_data["automatic"] = candidate.parsed.kind.value
            self.events.append(
                PendingEvent(
                    Ref(row["conversation_id"]),
                    EventKind.MESSAGE_ADDED,
                    candidate.at,
                    actor_agent_id=row["author_agent_id"],
                    message=ref,
                    data=event_data,
                )
            )

    def _attachments(self, rows: list[tuple[Candidate, Ref, dict[str, Any]]]) -> None:
        files = [
            {
                "message_id": ref.id,
                "filename": attachment.filename[:255],
                "content_type": attachment.content_type[:127],
                "size_bytes": len(attachment.content),
                "sha256": hashlib.sha256(attachment.content).hexdigest(),
                "content_id": attachment.content_id[:255] if attachment.content_id else None,
                "content": attachment.content,
                "created_at": self.context.now,
            }
            for candidate, ref, _ in rows
            for attachment in candidate.parsed.attachments
            if not attachment.skipped_reason and attachment.content
        ]
        if files:
            self.session.execute(insert(table_of(Attachment)), files)

    def _participants(
        self, rows: list[tuple[Candidate, Ref, dict[str, Any]]], customers: dict[str, int]
    ) -> None:
        ids = {row["conversation_id"] for _, _, row in rows} - set(self.new_ids)
        found = self.session.execute(
            select(
                ConversationParticipant.conversation_id, ConversationParticipant.customer_id
            ).where(ConversationParticipant.conversation_id.in_(ids))
        )
        existing = {
            (int(conversation_id), int(customer_id)) for conversation_id, customer_id in found
        }
        added: list[dict[str, Any]] = []
        for candidate, _, row in rows:
            if candidate.outbound or candidate.customer is None:
                continue
            conversation_id = row["conversation_id"]
            for address, _name in [candidate.customer, *candidate.copied]:
                pair = (conversation_id, customers[_key(address)])
                if pair[1] == self.owners[conversation_id] or pair in existing:
                    continue
                existing.add(pair)
                added.append({"conversation_id": pair[0], "customer_id": pair[1], "role": "cc"})
                self.events.append(
                    PendingEvent(
                        Ref(pair[0]),
                        EventKind.PARTICIPANT_ADDED,
                        candidate.at,
                        data={"customer_id": pair[1], "role": "cc"},
                    )
                )
        if added:
            self.session.execute(insert(table_of(ConversationParticipant)), added)

    def delivery_failed(
        self, outcome: Stored, failed: list[str], permanent: bool, inbound_id: int
    ) -> None:
        """A bounce about mail of a known conversation: visible to the agent as an event."""
        assert outcome.conversation_id is not None
        report = outcome.candidate.parsed.bounce
        original = report.original_message_id if report else None
        bounced = self._bounced_message(original)
        if bounced is not None:
            self.session.execute(
                update(Message)
                .where(Message.id == bounced.id)
                .values(delivery_status="bounced" if permanent else "deferred")
            )
        self.events.append(
            PendingEvent(
                Ref(outcome.conversation_id),
                EventKind.DELIVERY_FAILED,
                outcome.candidate.at,
                message=bounced,
                data={
                    "source": "bounce",
                    "recipients": failed,
                    "status": report.status if report else None,
                    "diagnostic": report.diagnostic if report else None,
                    "permanent": permanent,
                    "inbound_mail_id": inbound_id,
                },
            )
        )

    def _bounced_message(self, original: str | None) -> Ref | None:
        if not original:
            return None
        found = self.messages_by_external_id.get(original)
        if found is None:
            message_id = self.session.scalar(
                select(Message.id).where(
                    Message.channel == ChannelKind.EMAIL, Message.external_id == original
                )
            )
            found = Ref(message_id) if message_id is not None else None
        return found

    def finish(self) -> None:
        """The events of the batch, and the changed facts of conversations loaded earlier."""
        if self.events:
            ordered = sorted(self.events, key=lambda e: (e.at, _EVENT_ORDER.get(e.kind, 9)))
            self.session.execute(
                insert(table_of(ConversationEvent)), [event.row() for event in ordered]
            )
        self.session.flush()
