"""Cleaning an email subject into a conversation subject. Pure."""

import re

from goodwill.mail.thread_rules import reference_tokens_in

_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|r|rif|tr|res|enc|odp|ynt)\s*(?:\[\d+\])?\s*:\s*)+",
    re.IGNORECASE,
)
_TOKEN_BRACKETS = re.compile(r"\s*\[\s*\]\s*|\s*\(\s*\)\s*")
NO_SUBJECT = "(no subject)"
MAX_SUBJECT = 300


def conversation_subject(subject: str) -> str:
    """'Re: Fwd: Broken kettle [GW-7K2Q9MXA]' -> 'Broken kettle'."""
    cleaned = " ".join(subject.split())
    for token in reference_tokens_in(cleaned):
        cleaned = re.sub(re.escape(token), "", cleaned, flags=re.IGNORECASE)
    cleaned = _TOKEN_BRACKETS.sub(" ", cleaned)
    cleaned = _PREFIX.sub("", cleaned).strip()
    return cleaned[:MAX_SUBJECT] or NO_SUBJECT
