"""The reference data a generator run works with (ids read from the database). Pure, picklable."""

from dataclasses import dataclass
from datetime import timedelta

from goodwill.agents.business_hours import WorkingCalendar
from goodwill.conversations.sla import SlaPolicyRule


@dataclass(frozen=True, slots=True)
class AgentRef:
    id: int
    key: str  # roster key: the habits this agent has
    name: str
    capacity: int


@dataclass(frozen=True, slots=True)
class TeamRef:
    id: int
    name: str
    strategy: str
    member_ids: tuple[int, ...]
    manager_id: int
    calendar: WorkingCalendar


@dataclass(frozen=True, slots=True)
class ProductRef:
    id: int
    slug: str


@dataclass(frozen=True, slots=True)
class CompanyRef:
    id: int
    domain: str


@dataclass(frozen=True, slots=True)
class World:
    agents: tuple[AgentRef, ...]
    teams: tuple[TeamRef, ...]
    products: tuple[ProductRef, ...]
    companies: tuple[CompanyRef, ...]
    sla_rules: tuple[SlaPolicyRule, ...]
    tag_ids: dict[str, int]
    first_ids: dict[str, int]  # table -> the first id this run may use


def calendar_years(now_year: int) -> tuple[int, int]:
    """The years whose bank holidays the demo calendar holds (a year of data and what follows)."""
    return now_year - 1, now_year + 1


def standalone_world(now_year: int, first_ids: dict[str, int] | None = None) -> World:
    """The demo reference data with ids numbered from 1, as a fresh database would get them."""
    from goodwill.conversations.sla import SlaTargets
    from goodwill.demo.catalog import PRODUCTS, SLA_POLICIES, TEAMS, demo_calendar
    from goodwill.demo.habits import ROSTER, TEAM_MANAGERS
    from goodwill.demo.names import COMPANIES
    from goodwill.demo.rows import ID_TABLES

    calendar = demo_calendar(*calendar_years(now_year))
    agent_ids = {spec.key: number for number, spec in enumerate(ROSTER, start=1)}
    return World(
        agents=tuple(
            AgentRef(agent_ids[spec.key], spec.key, spec.name, spec.capacity) for spec in ROSTER
        ),
        teams=tuple(
            TeamRef(
                number,
                team.name,
                team.strategy,
                tuple(agent_ids[spec.key] for spec in ROSTER if team.name in spec.teams),
                agent_ids[TEAM_MANAGERS[team.name]],
                calendar,
            )
            for number, team in enumerate(TEAMS, start=1)
        ),
        products=tuple(ProductRef(number, spec.slug) for number, spec in enumerate(PRODUCTS, 1)),
        companies=tuple(
            CompanyRef(number, domain) for number, (_, domain) in enumerate(COMPANIES, start=1)
        ),
        sla_rules=tuple(
            SlaPolicyRule(
                number,
                spec.priority,
                spec.channel,
                SlaTargets(
                    timedelta(seconds=spec.first_response),
                    timedelta(seconds=spec.next_response),
                    timedelta(seconds=spec.resolution),
                ),
                spec.position,
            )
            for number, spec in enumerate(SLA_POLICIES, start=1)
        ),
        tag_ids={"vip": 1, "ember-leak": 2},
        first_ids=first_ids or dict.fromkeys(ID_TABLES, 1),
    )
