"""Normalising customer identities so the same person is found on every channel. Pure."""

import re

from goodwill.customers.models import IdentityKind

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_NOISE = re.compile(r"[\s().\-]")


class InvalidIdentity(ValueError):
    """The value cannot be an identity of that kind; the message says why."""


def normalise_identity(kind: IdentityKind, value: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidIdentity(f"{kind} identity is empty")
    if kind == IdentityKind.EMAIL:
        return _normalise_email(text)
    if kind in (IdentityKind.PHONE, IdentityKind.WHATSAPP):
        return _normalise_phone(text)
    if kind in (IdentityKind.TWITTER, IdentityKind.INSTAGRAM):
        return text.lstrip("@").lower()
    return text


def _normalise_email(text: str) -> str:
    address = text.lower()
    if not _EMAIL.match(address):
        raise InvalidIdentity(f"{text!r} is not an email address (expected name@domain.tld)")
    return address


def _normalise_phone(text: str) -> str:
    digits = _PHONE_NOISE.sub("", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    body = digits[1:] if digits.startswith("+") else digits
    if not body.isdigit() or not 6 <= len(body) <= 15:
        raise InvalidIdentity(f"{text!r} is not a phone number (6 to 15 digits, optional +)")
    return digits


def first_name(full_name: str) -> str:
    """The first word of a name, for greetings; empty when unknown."""
    parts = full_name.strip().split()
    return parts[0] if parts else ""
