"""Message-IDs of the mail we send: deterministic, signed, and recognisable on the way back. Pure.

`GW-7K2Q9MXA.1234.0123456789abcdef@shop.example` = reference, message id, and the first 16 hex
characters of HMAC-SHA256(secret_key, "GW-7K2Q9MXA.1234"). Because it is derived from the message,
a send retried after a crash carries the very same Message-ID, so the thread never forks; the
signature lets the intake trust the reference it carries even when we never stored the id."""

import hashlib
import hmac
import re

from goodwill.conversations.references import ALPHABET, PREFIX, REFERENCE_LENGTH
from goodwill.mail.thread_rules import normalise_message_id

SIGNATURE_LENGTH = 16
FALLBACK_DOMAIN = "localhost"
_OURS = re.compile(
    rf"^({re.escape(PREFIX)}[{ALPHABET}]{{{REFERENCE_LENGTH}}})\.([0-9]{{1,19}})"
    rf"\.([0-9a-f]{{{SIGNATURE_LENGTH}}})@[^@\s]+$",
    re.IGNORECASE,
)


def message_id_domain(support_address: str) -> str:
    """The right-hand side of our Message-IDs: the support address's domain, lower-cased."""
    _, at, domain = support_address.strip().strip("<>").rpartition("@")
    return domain.strip().lower() if at and domain.strip() else FALLBACK_DOMAIN


def _signature(reference: str, message_id: int, secret_key: str) -> str:
    payload = f"{reference}.{message_id}".encode()
    digest = hmac.new(secret_key.encode(), payload, hashlib.sha256).hexdigest()
    return digest[:SIGNATURE_LENGTH]


def our_message_id(
    reference: str, message_id: int, *, secret_key: str, support_address: str
) -> str:
    """The Message-ID (without <>) of message `message_id` of conversation `reference`."""
    signature = _signature(reference, message_id, secret_key)
    return f"{reference}.{message_id}.{signature}@{message_id_domain(support_address)}"


def our_message_reference(message_id: str, secret_key: str) -> str | None:
    """The conversation reference in one of our Message-IDs, or None if it is not ours
    (a wrong signature, another format). Accepts the id with or without <>."""
    normalised = normalise_message_id(message_id)
    found = _OURS.match(normalised) if normalised else None
    if found is None:
        return None
    reference = found.group(1).upper()
    expected = _signature(reference, int(found.group(2)), secret_key)
    if not hmac.compare_digest(expected, found.group(3).lower()):
        return None
    return reference
