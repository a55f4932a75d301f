"""What a survey answer may hold, and which answers need a follow-up. Pure.

Kinds are the plain strings "csat" (1-5), "nps" (0-10) and "ces" (1-7, 7 = very easy)."""

from collections.abc import Iterable
from datetime import datetime

SCALES: dict[str, tuple[int, int]] = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
# Reasons are offered for these scores and lower.
REASONS_UP_TO: dict[str, int] = {"csat": 3, "nps": 6, "ces": 4}
# A follow-up task for a manager (closing the loop) at these scores and lower.
LOOP_UP_TO: dict[str, int] = {"csat": 2, "nps": 6, "ces": 3}
LOOP_REASONS: dict[str, str] = {"csat": "low_csat", "nps": "detractor", "ces": "hard_effort"}
MAX_COMMENT_CHARS = 2000
MAX_REASONS = 12


class AnswerRejected(ValueError):
    """The answer breaks a rule; the message says which and how to fix it."""


def scale(kind: str) -> tuple[int, int]:
    """The lowest and highest score of a kind."""
    if kind not in SCALES:
        raise AnswerRejected(f"unknown survey kind {kind!r}; use one of {sorted(SCALES)}")
    return SCALES[kind]


def scores(kind: str) -> list[int]:
    """Every score of a kind, lowest first."""
    low, high = scale(kind)
    return list(range(low, high + 1))


def parse_score(kind: str, raw: object) -> int | None:
    """A score from a query string or form field, or None when it is missing or off the scale."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    low, high = scale(kind)
    return value if low <= value <= high else None


def checked_score(kind: str, score: int) -> int:
    """`score` itself when it is on the kind's scale; otherwise AnswerRejected."""
    low, high = scale(kind)
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        raise AnswerRejected(f"pick a rating from {low} to {high}")
    return score


def offers_reasons(kind: str, score: int) -> bool:
    """Low ratings get a list of reasons to pick from."""
    return score <= REASONS_UP_TO[kind]


def loop_reason(kind: str, score: int) -> str | None:
    """low_csat, detractor or hard_effort when the answer needs a follow-up; else None."""
    return LOOP_REASONS[kind] if score <= LOOP_UP_TO[kind] else None


def checked_comment(comment: str | None) -> str:
    """The comment without surrounding blanks; AnswerRejected when it is too long."""
    text = (comment or "").replace("\x00", "").strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise AnswerRejected(
            f"the comment has {len(text)} characters; shorten it to {MAX_COMMENT_CHARS} or fewer"
        )
    return text


def checked_reasons(
    kind: str, score: int, chosen: Iterable[str], allowed: Iterable[str]
) -> list[str]:
    """The chosen reason keys, in the template's order, without duplicates.

    Unknown keys are refused. For a rating that is not low the reasons are dropped: a customer
    who first picked 2 and reasons, then changed to 4, should not be blamed for hidden boxes."""
    allowed_keys = list(dict.fromkeys(allowed))
    picked = {key.strip() for key in chosen if key and key.strip()}
    unknown = sorted(picked - set(allowed_keys))
    if unknown:
        raise AnswerRejected(f"unknown reasons {unknown}; choose from {allowed_keys}")
    if not offers_reasons(kind, score):
        return []
    ordered = [key for key in allowed_keys if key in picked]
    if len(ordered) > MAX_REASONS:
        raise AnswerRejected(f"choose at most {MAX_REASONS} reasons")
    return ordered


def is_open(expires_at: datetime, now: datetime) -> bool:
    """A survey can be answered, and the answer changed, until it expires."""
    return now < expires_at
