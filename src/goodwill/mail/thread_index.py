"""Outlook's Thread-Index header ([MS-OXOMSG] 2.2.1.3 PidTagConversationIndex). Pure.

A 22-byte header block - the reserved byte 0x01, the 40 high bits of the conversation's start
as a FILETIME, a GUID - then one 5-byte response level per reply: a delta flag, 31 bits of the
time since the start, 4 pseudo-random bits and a 4-bit level. The GUID is derived from the
conversation reference, so every message we send in one conversation names the same thread."""

import base64
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

HEADER_LENGTH = 22
CHILD_LENGTH = 5
MAX_CHILDREN = 64  # keeps the header well under the 998-character line limit
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
_TICKS_PER_SECOND = 10_000_000
_HEADER_TIME_SHIFT = 24  # the header keeps the 40 high bits of the 64-bit FILETIME
_NAMESPACE = uuid.UUID("6f1c7a52-3d0e-4b8a-9c55-1a2b3c4d5e6f")


@dataclass(frozen=True, slots=True)
class DecodedThreadIndex:
    header_ticks: int  # the FILETIME of the header, low 24 bits zero
    guid: uuid.UUID
    children: tuple[bytes, ...]


def filetime(moment: datetime) -> int:
    """100-nanosecond ticks since 1601-01-01 UTC (Windows FILETIME)."""
    delta = moment.astimezone(UTC) - _FILETIME_EPOCH
    return (delta.days * 86_400 + delta.seconds) * _TICKS_PER_SECOND + delta.microseconds * 10


def conversation_guid(reference: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, reference.upper())


def _header(reference: str, started_at: datetime) -> tuple[bytes, int]:
    high = filetime(started_at) >> _HEADER_TIME_SHIFT
    block = b"\x01" + high.to_bytes(5, "big") + conversation_guid(reference).bytes
    return block, high << _HEADER_TIME_SHIFT


def _child(reference: str, level: int, header_ticks: int, at: datetime) -> bytes:
    delta = max(0, filetime(at) - header_ticks)
    short = delta < 1 << 49  # the delta flag: 0 for about 1.7 years, then coarser units
    word = (delta >> 18) & 0x7FFFFFFF if short else (1 << 31) | ((delta >> 23) & 0x7FFFFFFF)
    noise = hashlib.sha256(f"{reference}:{level}".encode()).digest()[0] >> 4
    return word.to_bytes(4, "big") + bytes([(noise << 4) | (level & 0x0F)])


def thread_index(reference: str, started_at: datetime, reply_times: Sequence[datetime]) -> str:
    """Base64 Thread-Index for a message that is reply number len(reply_times) in the thread
    started at `started_at`; `reply_times` are the times of the replies up to this one.
    Deterministic: the same inputs always give the same header."""
    header, header_ticks = _header(reference, started_at)
    kept = list(reply_times)[-MAX_CHILDREN:]
    children = b"".join(
        _child(reference, level, header_ticks, at) for level, at in enumerate(kept, start=1)
    )
    return base64.b64encode(header + children).decode("ascii")


def decode_thread_index(value: str) -> DecodedThreadIndex:
    """Split a Thread-Index into its parts; ValueError when it is not one."""
    raw = base64.b64decode(value, validate=True)
    if len(raw) < HEADER_LENGTH or (len(raw) - HEADER_LENGTH) % CHILD_LENGTH:
        raise ValueError(f"a Thread-Index is 22 + 5n bytes, this one has {len(raw)}")
    if raw[0] != 0x01:
        raise ValueError("a Thread-Index starts with the reserved byte 0x01")
    children = tuple(
        raw[start : start + CHILD_LENGTH] for start in range(HEADER_LENGTH, len(raw), CHILD_LENGTH)
    )
    return DecodedThreadIndex(
        header_ticks=int.from_bytes(raw[1:6], "big") << _HEADER_TIME_SHIFT,
        guid=uuid.UUID(bytes=raw[6:HEADER_LENGTH]),
        children=children,
    )


def child_ticks(child: bytes) -> int:
    """The time since the header a response level encodes, in FILETIME ticks (truncated)."""
    word = int.from_bytes(child[:4], "big")
    if word >> 31:
        return (word & 0x7FFFFFFF) << 23
    return word << 18
