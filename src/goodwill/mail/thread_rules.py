"""Which conversation an email belongs to: the keys we may match on, never the subject alone. Pure.

Order of trust: In-Reply-To, then References (newest first), then a reference token in the
subject, then a plus-address such as support+GW-7K2Q9MXA@shop.example."""

import re
from dataclasses import dataclass

from goodwill.conversations.references import ALPHABET, PREFIX, REFERENCE_LENGTH
from goodwill.mail.parsed import ParsedMail

_TOKEN = re.compile(
    rf"(?<![A-Za-z0-9]){re.escape(PREFIX)}([{ALPHABET}]{{{REFERENCE_LENGTH}}})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
MAX_MESSAGE_ID_LENGTH = 990


@dataclass(frozen=True, slots=True)
class ThreadKeys:
    message_ids: tuple[str, ...]  # most specific first
    reference_tokens: tuple[str, ...]  # e.g. ("GW-7K2Q9MXA",)


def normalise_message_id(value: str | None) -> str | None:
    """'<Abc@x.example> ' -> 'Abc@x.example'; None for empty or absurd values."""
    if not value:
        return None
    found = _MESSAGE_ID.search(value)
    candidate = found.group(1) if found else value.strip().strip("<>").strip()
    if not candidate or " " in candidate or len(candidate) > MAX_MESSAGE_ID_LENGTH:
        return None
    return candidate


def message_ids_in(header: str | None) -> tuple[str, ...]:
    """Every <id> in a References or In-Reply-To header, in order, without duplicates."""
    if not header:
        return ()
    found = [normalise_message_id(match) for match in _MESSAGE_ID.findall(header)]
    if not found:
        single = normalise_message_id(header)
        found = [single] if single else []
    return tuple(dict.fromkeys(mid for mid in found if mid))


def reference_tokens_in(text: str) -> tuple[str, ...]:
    """Conversation references written anywhere in `text`, upper-cased, in order."""
    return tuple(dict.fromkeys(PREFIX + m.upper() for m in _TOKEN.findall(text)))


def plus_address_tokens(addresses: list[str]) -> tuple[str, ...]:
    """References carried in the +detail of recipient addresses (support+GW-XXXX@…)."""
    tokens: list[str] = []
    for address in addresses:
        local = address.rsplit("@", 1)[0]
        if "+" in local:
            tokens.extend(reference_tokens_in(local.split("+", 1)[1]))
    return tuple(dict.fromkeys(tokens))


def thread_keys(mail: ParsedMail, envelope_to: list[str] | None = None) -> ThreadKeys:
    message_ids = list(mail.in_reply_to) + list(reversed(mail.references))
    recipients = [a.address for a in (*mail.to, *mail.cc)] + list(envelope_to or [])
    tokens = reference_tokens_in(mail.subject) + plus_address_tokens(recipients)
    own = {mail.message_id}
    return ThreadKeys(
        message_ids=tuple(dict.fromkeys(m for m in message_ids if m not in own)),
        reference_tokens=tuple(dict.fromkeys(tokens)),
    )


def reply_address(support_address: str, reference: str) -> str:
    """support@shop.example + GW-7K2Q9MXA -> support+GW-7K2Q9MXA@shop.example."""
    local, _, domain = support_address.partition("@")
    return f"{local}+{reference}@{domain}" if domain else support_address


def is_our_address(address: str, ours: list[str]) -> bool:
    """True for any of our addresses, with or without a +detail; case-insensitive."""
    local, _, domain = address.strip().lower().rpartition("@")
    base = local.split("+", 1)[0]
    return any(f"{base}@{domain}" == own.strip().lower() for own in ours)
