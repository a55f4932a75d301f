"""Importing a mail archive in bulk: one batch of raw messages per call, in the caller's unit of
work (the CLI commits each batch). Same rules as the live intake, in a few statements per batch:
nothing is sent, no acknowledgement, no job."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent
from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.services.sla import record_sla_breaches_as_of
from goodwill.customers.bulk import find_or_create_customers, identity_key
from goodwill.customers.models import CustomerIdentity, IdentityKind
from goodwill.mail.import_threads import ImportThreads, Known, Placement, plan_batch
from goodwill.mail.models import InboundMail, InboundStatus
from goodwill.mail.parsed import ParsedMail
from goodwill.mail.services.accept import sniff_message_id
from goodwill.mail.services.import_conversations import table_of
from goodwill.mail.services.import_prepare import Candidate, ImportContext, Rejection, prepare
from goodwill.mail.services.import_rows import BatchRows, Stored
from goodwill.mail.sources import SourceMessage
from goodwill.settings import Settings

CHUNK = 2000  # ids per IN (...) list: well under SQLite's bound-parameter limit
SOURCE = "import"


@dataclass(slots=True)
class BatchOutcome:
    stored: int = 0
    duplicates: int = 0
    bounces: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (origin, reason)
    unreadable: int = 0  # files that could not be read at all (also in `rejected`)
    conversations: int = 0  # started by this batch
    threads: ImportThreads = field(default_factory=ImportThreads)


def import_context(session: Session, settings: Settings, *, now: datetime) -> ImportContext:
    """Our addresses and the agents' (mail from them is an agent's reply), read once."""
    agents = session.execute(select(func.lower(Agent.email), Agent.id))
    return ImportContext(
        ours=[settings.support_address, *settings.inbound_addresses],
        secret_key=settings.secret_key,
        max_attachment_bytes=settings.max_attachment_bytes,
        agents_by_email={str(email): int(agent_id) for email, agent_id in agents},
        now=now,
    )


def import_mail_batch(
    session: Session,
    items: Sequence[tuple[SourceMessage, ParsedMail | None]],
    *,
    context: ImportContext,
    state: ImportThreads,
) -> BatchOutcome:
    """Store one batch; `state` (earlier batches) is read only: merge the outcome's `threads`
    into it once the batch is committed."""
    prepared = [prepare(item, parsed, context) for item, parsed in items]
    candidates = [entry for entry in prepared if isinstance(entry, Candidate)]
    plan = plan_batch([c.letter for c in candidates], _known(session, candidates), state)
    placed = list(zip(candidates, plan.placed, strict=True))
    customers = _customers(
        session, [c for c, p in placed if p.placement == Placement.MESSAGE], context
    )
    rows = BatchRows(session, context, created_before=state.created)
    stored = rows.store(placed, plan.new_threads, customers)
    inbound = _inbound_rows(session, prepared, stored, context.now)
    _record_bounces(session, rows, stored, inbound)
    rows.finish()
    return _outcome(prepared, stored, plan.resolved(rows.new_ids))


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _known(session: Session, candidates: list[Candidate]) -> Known:
    message_ids = {c.message_id for c in candidates} | {
        mid for c in candidates for mid in c.letter.message_ids
    }
    by_message_id: dict[str, int] = {}
    for chunk in _chunks(message_ids):
        rows = session.execute(
            select(Message.external_id, Message.conversation_id).where(
                Message.channel == ChannelKind.EMAIL, Message.external_id.in_(chunk)
            )
        )
        by_message_id.update({str(mid): int(cid) for mid, cid in rows})
    references = {ref for c in candidates for ref in c.letter.references}
    by_reference: dict[str, int] = {}
    for chunk in _chunks(references):
        rows = session.execute(
            select(Conversation.reference, Conversation.id).where(Conversation.reference.in_(chunk))
        )
        by_reference.update({str(ref): int(cid) for ref, cid in rows})
    bounce_ids: set[str] = set()
    for chunk in _chunks(c.message_id for c in candidates if c.letter.is_bounce):
        bounce_ids.update(
            str(mid)
            for mid in session.scalars(
                select(InboundMail.message_id_header).where(
                    InboundMail.status == InboundStatus.BOUNCE,
                    InboundMail.message_id_header.in_(chunk),
                )
            )
        )
    return Known(by_message_id, by_reference, frozenset(bounce_ids))


def _customers(
    session: Session, candidates: list[Candidate], context: ImportContext
) -> dict[str, int]:
    """Normalised address -> customer id for every writer, recipient and copied person."""
    wanted: list[tuple[IdentityKind, str, str]] = []
    for candidate in candidates:
        people = [candidate.customer] if candidate.customer else []
        for address, name in [*people, *candidate.copied]:
            wanted.append((IdentityKind.EMAIL, address, name))
    found = find_or_create_customers(session, wanted, now=context.now)
    return {key[1]: customer_id for key, customer_id in found.items()}


def address_key(address: str) -> str:
    return identity_key(IdentityKind.EMAIL, address)[1]


def _inbound_rows(
    session: Session,
    prepared: list[Candidate | Rejection],
    stored: dict[int, Stored],
    now: datetime,
) -> dict[int, int]:
    """One InboundMail per message read, in order: the raw bytes and what became of them.
    Returns id(entry) -> InboundMail id for the bounces."""
    rows: list[dict[str, Any]] = []
    for entry in prepared:
        outcome = stored.get(id(entry))
        status, reason = _status(entry, outcome)
        rows.append(
            {
                "source": SOURCE,
                "mailbox_id": None,
                "envelope_from": entry.item.envelope_from,
                "envelope_to": [],
                "message_id_header": entry.message_id,
                "raw": entry.item.raw,
                "size_bytes": len(entry.item.raw),
                "status": status,
                "reason": reason,
                "conversation_id": outcome.conversation_id if outcome else None,
                "message_id": outcome.message.id if outcome and outcome.message else None,
                "received_at": now,
                "processed_at": now,
            }
        )
    ids: dict[int, int] = {}
    pairs = zip(prepared, rows, strict=True)
    for is_bounce, run in groupby(
        pairs, key=lambda pair: pair[1]["status"] == InboundStatus.BOUNCE
    ):
        group = list(run)
        if not is_bounce:
            session.execute(insert(table_of(InboundMail)), [row for _, row in group])
            continue
        for entry, row in group:  # rare: their id goes into an event
            ids[id(entry)] = session.scalars(
                insert(InboundMail).returning(InboundMail.id), [row]
            ).one()
    return ids


def _status(entry: Candidate | Rejection, outcome: Stored | None) -> tuple[str, str | None]:
    if isinstance(entry, Rejection) or outcome is None:
        return InboundStatus.REJECTED, entry.reason if isinstance(entry, Rejection) else None
    if outcome.placement == Placement.DUPLICATE:
        return InboundStatus.DUPLICATE, None
    if outcome.placement == Placement.BOUNCE:
        unknown = "a delivery failure for mail we cannot identify"
        return InboundStatus.BOUNCE, None if outcome.conversation_id else unknown
    return InboundStatus.STORED, None


def _record_bounces(
    session: Session, rows: BatchRows, stored: dict[int, Stored], inbound: dict[int, int]
) -> None:
    for key, outcome in stored.items():
        if outcome.placement != Placement.BOUNCE:
            continue
        candidate = outcome.candidate
        report = candidate.parsed.bounce
        failed = sorted({r.strip().lower() for r in (report.failed_recipients if report else ())})
        permanent = report.is_permanent if report else True
        if permanent and failed:
            session.execute(
                update(CustomerIdentity)
                .where(
                    CustomerIdentity.kind == IdentityKind.EMAIL,
                    CustomerIdentity.value.in_(failed),
                )
                .values(failing_at=candidate.at, failure_reason=_describe(candidate)[:500])
            )
        if outcome.conversation_id is not None:
            rows.delivery_failed(outcome, failed, permanent, inbound[key])


def _describe(candidate: Candidate) -> str:
    report = candidate.parsed.bounce
    if report is None:
        return "mail to this address bounced"
    parts = [p for p in (report.status, report.diagnostic) if p]
    return "bounced: " + (" ".join(parts) if parts else "no reason given")


def _outcome(
    prepared: list[Candidate | Rejection], stored: dict[int, Stored], threads: ImportThreads
) -> BatchOutcome:
    counts = Counter(outcome.placement for outcome in stored.values())
    outcome = BatchOutcome(
        stored=counts[Placement.MESSAGE],
        duplicates=counts[Placement.DUPLICATE],
        bounces=counts[Placement.BOUNCE],
        conversations=len(threads.created),
        threads=threads,
    )
    outcome.rejected = [(e.item.origin, e.reason) for e in prepared if isinstance(e, Rejection)]
    outcome.unreadable = sum(1 for e in prepared if e.item.error is not None)
    return outcome


def record_import_breaches(session: Session, conversation_ids: list[int], *, now: datetime) -> None:
    """Once the import is over: SLA targets the imported threads missed, as history shows them."""
    conversations = session.scalars(
        select(Conversation).where(Conversation.id.in_(conversation_ids))
    )
    for conversation in conversations:
        record_sla_breaches_as_of(session, conversation, now=now)
    session.flush()


def reject_unstorable(
    session: Session, item: SourceMessage, error: Exception, *, now: datetime
) -> BatchOutcome:
    """Keep the bytes of a message whose storing failed, rejected with the error as reason."""
    first_line = (str(error).strip().splitlines() or [""])[0][:300]
    reason = f"cannot be stored: {type(error).__name__}: {first_line}"
    session.add(
        InboundMail(
            source=SOURCE,
            envelope_from=item.envelope_from,
            envelope_to=[],
            message_id_header=sniff_message_id(item.raw),
            raw=item.raw,
            size_bytes=len(item.raw),
            status=InboundStatus.REJECTED,
            reason=reason,
            received_at=now,
            processed_at=now,
        )
    )
    session.flush()
    return BatchOutcome(rejected=[(item.origin, reason)])
