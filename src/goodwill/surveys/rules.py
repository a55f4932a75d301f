"""Survey arithmetic (CSAT, NPS, CES, response rate, coverage) and who may be invited. Pure.

Scores arrive as distributions {score: count}, so SQL can count and these functions only divide.
Every eligibility decision returns a reason code; the codes are stored in
SurveyInvitation.suppressed_reason and documented in docs/surveys.md."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

SCALES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
FINAL_STATUSES = frozenset({"resolved", "closed"})

# Reason codes (stored in suppressed_reason; "eligible" is never stored).
ELIGIBLE = "eligible"
SPAM = "spam"
INTERNAL_ONLY = "internal_only"
AUTO_REPLY_ONLY = "auto_reply_only"
TEMPLATE_DISABLED = "template_disabled"
ALREADY_INVITED = "already_invited"
COOL_DOWN = "cool_down"
SAMPLED_OUT = "sampled_out"
NOT_FINISHED = "not_finished"  # the conversation is not resolved or closed (never mid-thread)
REOPENED = "reopened"  # it was reopened before the invitation was due
EXPIRED = "expired"  # the invitation expired before it could be sent
NO_CHANNEL = "no_channel"  # nothing to send it through (a survey without conversation or email)
NO_EMAIL = "no_email"  # relationship NPS: the customer has no email identity to send it to
EMAIL_REFUSED = "email_refused"  # relationship NPS: the mail server refused it for good

FIRST_ROUND = 1  # one invitation per conversation and kind: see conversation_dedupe_key
RELATIONSHIP_DAYS_PER_MONTH = 30
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def score_range(kind: str) -> range:
    low, high = SCALES[kind]
    return range(low, high + 1)


def _total(counts: Mapping[int, int]) -> int:
    return sum(counts.values())


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def _mean(counts: Mapping[int, int]) -> float | None:
    total = _total(counts)
    return None if total == 0 else sum(s * n for s, n in counts.items()) / total


def csat_satisfied_percent(counts: Mapping[int, int]) -> float | None:
    """% of CSAT answers that are 4 or 5 (of 1-5); None without answers."""
    return _share(sum(n for s, n in counts.items() if s >= 4), _total(counts))


def csat_mean(counts: Mapping[int, int]) -> float | None:
    return _mean(counts)


def nps_group(score: int) -> str:
    """promoter (9-10), passive (7-8) or detractor (0-6)."""
    if not 0 <= score <= 10:
        raise ValueError(f"an NPS score is 0-10, not {score}")
    if score >= 9:
        return "promoter"
    return "passive" if score >= 7 else "detractor"


def nps(counts: Mapping[int, int]) -> float | None:
    """Net Promoter Score: % promoters minus % detractors, -100..100; None without answers."""
    total = _total(counts)
    if total == 0:
        return None
    promoters = sum(n for s, n in counts.items() if nps_group(s) == "promoter")
    detractors = sum(n for s, n in counts.items() if nps_group(s) == "detractor")
    return 100.0 * (promoters - detractors) / total


def ces_mean(counts: Mapping[int, int]) -> float | None:
    return _mean(counts)


def ces_easy_percent(counts: Mapping[int, int]) -> float | None:
    """% of CES answers that are 5-7 (of 1-7, 7 = very easy)."""
    return _share(sum(n for s, n in counts.items() if s >= 5), _total(counts))


def response_rate(answered: int, sent: int) -> float | None:
    """% of sent invitations that were answered."""
    return _share(answered, sent)


def coverage(rated_conversations: int, resolved_conversations: int) -> float | None:
    """% of resolved conversations that carry at least one rating."""
    return _share(rated_conversations, resolved_conversations)


def is_sampled(conversation_id: int, rate: float, salt: str) -> bool:
    """Deterministic sampling: the same conversation and salt always give the same answer."""
    if rate >= 1.0:
        return True
    if rate <= 0.0:
        return False
    digest = hashlib.sha256(f"{salt}:{conversation_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


@dataclass(frozen=True, slots=True)
class ConversationFacts:
    conversation_id: int
    status: str
    is_spam: bool
    customer_messages: int  # inbound messages written by the customer (automatic ones included)
    automatic_customer_messages: int  # of those, the auto-replies (Message.is_auto_reply)


@dataclass(frozen=True, slots=True)
class Policy:
    """The template's rules, plus what is already known about earlier invitations."""

    kind: str
    is_enabled: bool
    sampling_rate: float
    cooldown_days: int
    already_invited: bool  # this conversation already has an invitation of this kind
    last_invited_at: datetime | None  # latest non-suppressed invitation of this kind, customer


def conversation_reason(facts: ConversationFacts) -> str:
    """Why this conversation can never be surveyed, or ELIGIBLE."""
    if facts.is_spam:
        return SPAM
    if facts.customer_messages == 0:
        return INTERNAL_ONLY
    if facts.customer_messages <= facts.automatic_customer_messages:
        return AUTO_REPLY_ONLY
    return ELIGIBLE


def invitation_reason(
    facts: ConversationFacts, policy: Policy, *, now: datetime, on_demand: bool = False
) -> str:
    """Decide an invitation for a finished conversation. An agent's on-demand request skips the
    sampling and the cool-down, never the rest."""
    if policy.already_invited:
        return ALREADY_INVITED
    reason = conversation_reason(facts)
    if reason != ELIGIBLE:
        return reason
    if facts.status not in FINAL_STATUSES:
        return NOT_FINISHED
    return ELIGIBLE if on_demand else fatigue_reason(facts.conversation_id, policy, now=now)


def fatigue_reason(conversation_id: int, policy: Policy, *, now: datetime) -> str:
    """The template switch, the customer's cool-down and the sampling rate."""
    if not policy.is_enabled:
        return TEMPLATE_DISABLED
    if in_cool_down(policy.last_invited_at, policy.cooldown_days, now=now):
        return COOL_DOWN
    if not is_sampled(conversation_id, policy.sampling_rate, salt=policy.kind):
        return SAMPLED_OUT
    return ELIGIBLE


def in_cool_down(last_invited_at: datetime | None, cooldown_days: int, *, now: datetime) -> bool:
    return last_invited_at is not None and now - last_invited_at < timedelta(days=cooldown_days)


def send_reason(facts: ConversationFacts | None, *, expires_at: datetime, now: datetime) -> str:
    """Re-check at send time: never mid-thread, never expired. `facts` is None for a survey
    that has no conversation (relationship NPS)."""
    if now >= expires_at:
        return EXPIRED
    if facts is None:
        return NO_CHANNEL
    reason = conversation_reason(facts)
    if reason != ELIGIBLE:
        return reason
    if facts.status not in FINAL_STATUSES:
        return REOPENED
    return ELIGIBLE


def conversation_dedupe_key(kind: str, conversation_id: int, survey_round: int) -> str:
    """The unique key of a conversation's invitation: `csat:c42:1`. The rules allow one
    invitation per conversation and kind (sent or suppressed), so the round is FIRST_ROUND; it
    is in the key so that a rule allowing a later survey of the same conversation takes round 2."""
    return f"{kind}:c{conversation_id}:{survey_round}"


def relationship_period(now: datetime, months: int) -> int:
    """The index of the relationship cycle `now` falls in: windows of `months` x 30 days
    counted from 1970-01-01 UTC."""
    days = RELATIONSHIP_DAYS_PER_MONTH * max(months, 1)
    return (now - _EPOCH).days // days


def relationship_dedupe_key(customer_id: int, months: int, period: int) -> str:
    """The unique key of a customer's relationship NPS in one cycle: `nps:r7:6m118`."""
    return f"nps:r{customer_id}:{max(months, 1)}m{period}"


def relationship_reason(
    customer_id: int, policy: Policy, *, has_email: bool, period: int, now: datetime
) -> str:
    """Decide a relationship NPS invitation: the customer's cool-down, the sampling rate (by
    customer, salted with the cycle so the same customers are not always left out), an email
    address to send it to."""
    if not policy.is_enabled:
        return TEMPLATE_DISABLED
    if in_cool_down(policy.last_invited_at, policy.cooldown_days, now=now):
        return COOL_DOWN
    if not is_sampled(customer_id, policy.sampling_rate, salt=f"nps:relationship:{period}"):
        return SAMPLED_OUT
    return ELIGIBLE if has_email else NO_EMAIL
