"""Survey figures over a period, counted in SQL with three queries whatever the volume.

- response rate: invitations sent in the period that have an answer / invitations sent;
- coverage: conversations resolved in the period (not spam) with at least one rating / all of them;
- CSAT, NPS and CES: over the answers given in the period (see surveys/rules.py)."""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import Session

from goodwill.conversations.models import Conversation
from goodwill.core.errors import Invalid
from goodwill.surveys import rules
from goodwill.surveys.models import SurveyInvitation, SurveyKind, SurveyResponse


@dataclass(frozen=True, slots=True)
class KindStats:
    kind: str
    sent: int
    answered: int
    response_rate: float | None
    responses: int  # answers given in the period
    distribution: dict[int, int]
    mean: float | None
    satisfied_percent: float | None = None  # CSAT 4-5
    nps: float | None = None
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    easy_percent: float | None = None  # CES 5-7


@dataclass(frozen=True, slots=True)
class SurveyStats:
    start: datetime
    end: datetime
    resolved_conversations: int
    rated_conversations: int
    coverage: float | None
    sent: int
    answered: int
    response_rate: float | None
    kinds: list[KindStats] = field(default_factory=list)


def survey_stats(session: Session, *, start: datetime, end: datetime) -> SurveyStats:
    """The figures for [start, end)."""
    delivery = _delivery(session, start, end)
    distributions = _distributions(session, start, end)
    resolved, rated = _coverage(session, start, end)
    kinds = [
        _kind_stats(kind.value, *delivery.get(kind.value, (0, 0)), distributions[kind.value])
        for kind in SurveyKind
    ]
    sent = sum(item.sent for item in kinds)
    answered = sum(item.answered for item in kinds)
    return SurveyStats(
        start=start,
        end=end,
        resolved_conversations=resolved,
        rated_conversations=rated,
        coverage=rules.coverage(rated, resolved),
        sent=sent,
        answered=answered,
        response_rate=rules.response_rate(answered, sent),
        kinds=kinds,
    )


def _kind_stats(kind: str, sent: int, answered: int, counts: dict[int, int]) -> KindStats:
    base = KindStats(
        kind=kind,
        sent=sent,
        answered=answered,
        response_rate=rules.response_rate(answered, sent),
        responses=sum(counts.values()),
        distribution=dict(sorted(counts.items())),
        mean=rules.csat_mean(counts),
    )
    if kind == "csat":
        return replace(base, satisfied_percent=rules.csat_satisfied_percent(counts))
    if kind == "ces":
        return replace(base, easy_percent=rules.ces_easy_percent(counts))
    groups: dict[str, int] = defaultdict(int)
    for score, count in counts.items():
        groups[rules.nps_group(score)] += count
    return replace(
        base,
        nps=rules.nps(counts),
        promoters=groups["promoter"],
        passives=groups["passive"],
        detractors=groups["detractor"],
    )


def _delivery(session: Session, start: datetime, end: datetime) -> dict[str, tuple[int, int]]:
    rows = session.execute(
        select(
            SurveyInvitation.kind, func.count(SurveyInvitation.id), func.count(SurveyResponse.id)
        )
        .outerjoin(SurveyResponse, SurveyResponse.invitation_id == SurveyInvitation.id)
        .where(SurveyInvitation.sent_at >= start, SurveyInvitation.sent_at < end)
        .group_by(SurveyInvitation.kind)
    ).all()
    return {str(kind): (int(sent), int(answered)) for kind, sent, answered in rows}


def _distributions(session: Session, start: datetime, end: datetime) -> dict[str, dict[int, int]]:
    rows = session.execute(
        select(SurveyResponse.kind, SurveyResponse.score, func.count(SurveyResponse.id))
        .where(SurveyResponse.answered_at >= start, SurveyResponse.answered_at < end)
        .group_by(SurveyResponse.kind, SurveyResponse.score)
    ).all()
    found: dict[str, dict[int, int]] = defaultdict(dict)
    for kind, score, count in rows:
        found[str(kind)][int(score)] = int(count)
    return found


def _coverage(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
    rated = exists().where(SurveyResponse.conversation_id == Conversation.id)
    total, with_rating = session.execute(
        select(
            func.count(Conversation.id),
            func.coalesce(func.sum(case((rated, 1), else_=0)), 0),
        ).where(
            Conversation.resolved_at >= start,
            Conversation.resolved_at < end,
            or_(Conversation.is_spam.is_(False), Conversation.is_spam.is_(None)),
        )
    ).one()
    return int(total), int(with_rating)


DEFAULT_PERIOD_DAYS = 30


def stats_period(
    start: datetime | None, end: datetime | None, *, now: datetime
) -> tuple[datetime, datetime]:
    """[start, end) in UTC; naive times are UTC; end defaults to now, start to 30 days before."""
    try:
        period_end = _utc(end) if end else now
        period_start = _utc(start) if start else period_end - timedelta(days=DEFAULT_PERIOD_DAYS)
    except OverflowError:
        raise Invalid("start and end must be dates between the years 1 and 9999") from None
    if period_start >= period_end:
        raise Invalid("start must be before end")
    return period_start, period_end


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
