"""Turning one raw message of an archive into what the bulk import stores, or a rejection.

The same decisions as the live intake (services/intake.py and filing.py): the same parser,
rejection reasons, customer address, message body and thread keys. One difference, because an
archive holds both sides of each thread: mail from one of our addresses, or from an agent's own
address, is an agent's reply (by that agent when the From is an agent's address)."""

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from goodwill.conversations.schemas import MessageCreate
from goodwill.core.errors import DomainError
from goodwill.customers.bulk import identity_key
from goodwill.customers.models import IdentityKind
from goodwill.mail.import_threads import Letter
from goodwill.mail.message_ids import our_message_reference
from goodwill.mail.parsed import MailKind, ParsedMail
from goodwill.mail.services.filing import (
    MAX_PARTICIPANTS_PER_MESSAGE,
    MailFacts,
    message_create,
)
from goodwill.mail.services.intake import customer_address, synthetic_message_id
from goodwill.mail.sources import SourceMessage
from goodwill.mail.thread_rules import is_our_address, thread_keys

Person = tuple[str, str]  # (address, display name)
NO_SENDER = "no sender address (the From header is missing or unreadable)"
EMPTY = "empty message (no bytes)"
NOBODY = "sent from our own address to nobody outside it: no customer to file it under"


@dataclass(frozen=True, slots=True)
class ImportContext:
    """What every batch of one import shares."""

    ours: list[str]  # our addresses: support_address and inbound_addresses
    secret_key: str  # recognises our own signed Message-IDs
    max_attachment_bytes: int
    agents_by_email: dict[str, int]
    now: datetime


@dataclass(slots=True)
class Candidate:
    """A message that can be stored (or a bounce that can be recorded)."""

    item: SourceMessage
    parsed: ParsedMail
    message_id: str
    letter: Letter
    at: datetime
    outbound: bool = False
    customer: Person | None = None  # the writer, or for our replies the first recipient
    agent_id: int | None = None
    copied: tuple[Person, ...] = ()  # people in To/Cc of a customer's message
    data: MessageCreate | None = None

    @property
    def automatic(self) -> bool:
        return self.parsed.kind in (MailKind.AUTO_REPLY, MailKind.BULK)


@dataclass(frozen=True, slots=True)
class Rejection:
    item: SourceMessage
    reason: str
    message_id: str | None = None


def prepare(
    item: SourceMessage, parsed: ParsedMail | None, context: ImportContext
) -> Candidate | Rejection:
    """Decide what one message is; never raises for anything the message contains."""
    if item.error is not None:
        return Rejection(item, f"{item.origin} {item.error}")
    if parsed is None or not item.raw.strip():
        return Rejection(item, EMPTY)
    message_id = parsed.message_id or synthetic_message_id(item.raw)
    candidate = Candidate(
        item=item,
        parsed=parsed,
        message_id=message_id,
        letter=_letter(parsed, message_id, context),
        at=parsed.date or context.now,
    )
    if parsed.kind == MailKind.BOUNCE:
        return candidate
    try:
        return _message(candidate, context)
    except _Refused as refused:
        return Rejection(item, refused.reason, message_id)


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _letter(parsed: ParsedMail, message_id: str, context: ImportContext) -> Letter:
    keys = thread_keys(parsed)
    message_ids = keys.message_ids
    if parsed.kind == MailKind.BOUNCE and parsed.bounce and parsed.bounce.original_message_id:
        message_ids = tuple(dict.fromkeys((parsed.bounce.original_message_id, *message_ids)))
    ours = [our_message_reference(mid, context.secret_key) for mid in message_ids]
    references = [ref for ref in ours if ref] + list(keys.reference_tokens)
    return Letter(
        message_id=message_id,
        message_ids=message_ids,
        references=tuple(dict.fromkeys(references)),
        is_bounce=parsed.kind == MailKind.BOUNCE,
    )


def _message(candidate: Candidate, context: ImportContext) -> Candidate:
    parsed = candidate.parsed
    if parsed.sender is None or "@" not in parsed.sender.address:
        raise _Refused(NO_SENDER)
    agent_id = context.agents_by_email.get(parsed.sender.address.strip().lower())
    if agent_id is not None or is_our_address(parsed.sender.address, context.ours):
        candidate.outbound = True
        candidate.agent_id = agent_id
        candidate.customer = _first_customer(parsed, context.ours)
        if candidate.customer is None:
            raise _Refused(NOBODY)
        address, name = candidate.customer
    else:
        address, name = customer_address(parsed)
        candidate.customer = (_valid(address), name[:200])
        if not candidate.automatic:
            candidate.copied = _copied(parsed, address, context.ours)
    facts = MailFacts(
        parsed=parsed,
        message_id=candidate.message_id,
        address=address,
        name=name,
        ours=context.ours,
        max_attachment_bytes=context.max_attachment_bytes,
    )
    try:
        candidate.data = message_create(facts)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _Refused(f"cannot be stored: {where}: {first['msg']}") from error
    return candidate


def _valid(address: str) -> str:
    try:
        identity_key(IdentityKind.EMAIL, address)
    except DomainError as error:
        raise _Refused(error.message) from error
    return address.strip()


def _is_valid(address: str) -> bool:
    try:
        identity_key(IdentityKind.EMAIL, address)
    except DomainError:
        return False
    return True


def _first_customer(parsed: ParsedMail, ours: list[str]) -> Person | None:
    for person in (*parsed.to, *parsed.cc):
        if not is_our_address(person.address, ours) and _is_valid(person.address):
            return person.address.strip(), person.name.strip()[:200]
    return None


def _copied(parsed: ParsedMail, writer: str, ours: list[str]) -> tuple[Person, ...]:
    """People in To/Cc besides the writer and us, as the live intake picks them; addresses that
    are not valid email addresses are left out rather than failing the message."""
    seen = {writer.strip().lower()}
    people: list[Person] = []
    for person in [*parsed.to, *parsed.cc][: MAX_PARTICIPANTS_PER_MESSAGE * 2]:
        address = person.address.strip()
        if "@" not in address or address.lower() in seen or is_our_address(address, ours):
            continue
        seen.add(address.lower())
        if len(seen) > MAX_PARTICIPANTS_PER_MESSAGE:
            break
        if _is_valid(address):
            people.append((address, person.name.strip()[:200]))
    return tuple(people)
