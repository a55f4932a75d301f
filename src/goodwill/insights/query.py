"""A filter as SQL conditions on the facts table, shared by every dashboard and export."""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import ColumnElement, exists, select

from goodwill.conversations.models import ConversationTag
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact as F


def period_bounds(insight_filter: InsightFilter) -> tuple[datetime, datetime]:
    """[start of the first day, start of the day after the last) in UTC."""
    start = datetime.combine(insight_filter.start, time.min, tzinfo=UTC)
    end = datetime.combine(insight_filter.end + timedelta(days=1), time.min, tzinfo=UTC)
    return start, end


def fact_conditions(insight_filter: InsightFilter) -> list[ColumnElement[bool]]:
    """WHERE conditions selecting the facts of conversations opened in the filter's period and
    slices; use as `select(...).where(*fact_conditions(f))`."""
    start, end = period_bounds(insight_filter)
    conditions: list[ColumnElement[bool]] = [F.opened_at >= start, F.opened_at < end]
    equalities = {
        F.channel: insight_filter.channel,
        F.team_id: insight_filter.team_id,
        F.agent_id: insight_filter.agent_id,
        F.product_id: insight_filter.product_id,
        F.topic: insight_filter.topic,
        F.segment: insight_filter.segment,
    }
    conditions.extend(column == value for column, value in equalities.items() if value is not None)
    if insight_filter.tag_id is not None:
        tagged = exists(
            select(ConversationTag.conversation_id).where(
                ConversationTag.conversation_id == F.conversation_id,
                ConversationTag.tag_id == insight_filter.tag_id,
            )
        )
        conditions.append(tagged)
    return conditions
