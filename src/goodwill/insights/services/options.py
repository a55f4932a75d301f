"""What the filter bar offers: channels, teams, agents, products, topics and tags."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team
from goodwill.channels.kinds import ChannelKind
from goodwill.commerce.models import Product
from goodwill.conversations.models import Conversation
from goodwill.tags.models import Tag


@dataclass(frozen=True, slots=True)
class FilterOptions:
    channels: tuple[str, ...]
    teams: tuple[tuple[int, str], ...]
    agents: tuple[tuple[int, str], ...]
    products: tuple[tuple[int, str], ...]
    topics: tuple[str, ...]
    tags: tuple[tuple[int, str], ...]

    def name_of(self, kind: str, ident: int | None) -> str | None:
        """The display name of a team, agent, product or tag id (None when unknown)."""
        pairs: tuple[tuple[int, str], ...] = getattr(self, kind)
        return next((name for key, name in pairs if key == ident), None)


RECENT_FOR_TOPICS = 20_000  # topics are read from the latest conversations, not all of them


def filter_options(session: Session, *, current_topic: str | None = None) -> FilterOptions:
    """`current_topic` (the filter's) is offered even when the latest conversations lack it."""
    latest = (
        select(Conversation.topic).order_by(Conversation.id.desc()).limit(RECENT_FOR_TOPICS)
    ).subquery()
    found = set(session.scalars(select(latest.c.topic).distinct()))
    topics = {topic for topic in (*found, current_topic) if topic}
    return FilterOptions(
        channels=tuple(channel.value for channel in ChannelKind),
        teams=_pairs(session, select(Team.id, Team.name).order_by(Team.name)),
        agents=_pairs(session, select(Agent.id, Agent.name).order_by(Agent.name)),
        products=_pairs(session, select(Product.id, Product.name).order_by(Product.name)),
        topics=tuple(sorted(topics)),
        tags=_pairs(session, select(Tag.id, Tag.name).order_by(Tag.name)),
    )


def _pairs(session: Session, statement: object) -> tuple[tuple[int, str], ...]:
    return tuple((int(row[0]), str(row[1])) for row in session.execute(statement))  # type: ignore[call-overload]
