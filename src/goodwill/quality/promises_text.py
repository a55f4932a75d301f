"""Commitments with a time in an agent's words ("I'll call you back by 3pm tomorrow"). Pure.

A commitment is a first-person future action followed, in the same sentence, by a deadline we
can place on the calendar relative to when the message was written. Vague promises ("we'll be in
touch") have no deadline and are left to the follow-up rule.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

_I = re.IGNORECASE
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
END_OF_DAY = time(23, 59)

COMMITMENT = re.compile(
    r"\b(?:i|we)(?:'ll|\s+will|\s+shall|'m\s+going\s+to|\s+am\s+going\s+to|'re\s+going\s+to|"
    r"\s+are\s+going\s+to)\s+(?:\w+\s+){0,12}?(?:(?:by|before|within|in|on|until)\s+|"
    r"(?=tomorrow|tonight|today|this\s+(?:afternoon|evening|morning)|next\s+week|"
    r"end\s+of))",
    _I,
)
_WITHIN = re.compile(
    r"\b(?:within|in)\s+(?:the\s+next\s+)?(\d{1,3}|an?|one|two|three|few)\s*"
    r"(?:-\s*\d+\s*)?(minutes?|mins?|hours?|hrs?|days?|business\s+days?|working\s+days?|weeks?)\b",
    _I,
)
_CLOCK_MERIDIEM = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)\b", _I)
_CLOCK_24 = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\b")
_WEEKDAY = re.compile(
    r"\b(?:by|on|before|until)\s+(?:this\s+|next\s+)?(" + "|".join(WEEKDAYS) + r")\b", _I
)
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "few": 3}


@dataclass(frozen=True, slots=True)
class Commitment:
    """A promise read from text: the sentence and when it falls due."""

    sentence: str
    due_at: datetime


def _amount(token: str) -> int:
    return int(token) if token.isdigit() else _WORD_NUMBERS.get(token.lower(), 1)


def _within(sentence: str, written_at: datetime) -> datetime | None:
    match = _WITHIN.search(sentence)
    if match is None:
        return None
    amount, unit = _amount(match.group(1)), match.group(2).lower()
    if unit.startswith("min"):
        return written_at + timedelta(minutes=amount)
    if unit.startswith(("hour", "hr")):
        return written_at + timedelta(hours=amount)
    if unit.startswith("week"):
        return written_at + timedelta(weeks=amount)
    business = "business" in unit or "working" in unit
    return written_at + timedelta(days=amount + (2 * (amount // 5 + 1) if business else 0))


def _clock_time(sentence: str) -> time | None:
    match = _CLOCK_MERIDIEM.search(sentence)
    if match is not None:
        hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "pm" else 0)
        return time(hour, int(match.group(2) or 0)) if hour < 24 else None
    match = _CLOCK_24.search(sentence)
    return time(int(match.group(1)), int(match.group(2))) if match else None


def _on_day(day: datetime, at: time | None) -> datetime:
    return datetime.combine(day.date(), at or END_OF_DAY, tzinfo=day.tzinfo)


_DAY_PHRASES: tuple[tuple[tuple[str, ...], int | None, time | None], ...] = (
    # (phrases, days ahead (None: to Friday), default time)
    (("tomorrow",), 1, None),
    (("end of the week", "end of this week", "end of week"), None, None),
    (("this afternoon",), 0, time(17, 0)),
    (("today", "tonight", "end of the day", "end of day", "this evening"), 0, None),
)


def _calendar(sentence: str, written_at: datetime) -> datetime | None:
    lowered = sentence.lower()
    at = _clock_time(sentence)
    weekday = _WEEKDAY.search(sentence)
    if weekday is not None:
        ahead = (WEEKDAYS.index(weekday.group(1).lower()) - written_at.weekday()) % 7 or 7
        return _on_day(written_at + timedelta(days=ahead), at)
    if "next week" in lowered:
        return _on_day(written_at + timedelta(days=7 - written_at.weekday() + 4), at)
    for phrases, days, default_time in _DAY_PHRASES:
        if any(phrase in lowered for phrase in phrases):
            ahead = max(0, 4 - written_at.weekday()) if days is None else days
            return _on_day(written_at + timedelta(days=ahead), at or default_time)
    if at is None:
        return None
    due = _on_day(written_at, at)
    return due if due > written_at else due + timedelta(days=1)


def commitment_due(sentence: str, written_at: datetime) -> datetime | None:
    """When a promise in `sentence`, written at `written_at`, falls due (None: no deadline)."""
    return _within(sentence, written_at) or _calendar(sentence, written_at)


def extract_commitments(text: str, written_at: datetime) -> list[Commitment]:
    """Every first-person promise with a deadline in `text`, in order."""
    found: list[Commitment] = []
    for match in COMMITMENT.finditer(text or ""):
        start = max(text.rfind(mark, 0, match.start()) for mark in (".", "!", "?", "\n")) + 1
        ends = [i for i in (text.find(m, match.end()) for m in (". ", "!", "?", "\n")) if i >= 0]
        sentence = text[start : min(ends) if ends else len(text)].strip()
        due = commitment_due(sentence[match.start() - start :], written_at)
        if due is not None and due > written_at:
            found.append(Commitment(sentence=" ".join(sentence.split())[:160], due_at=due))
    return found
