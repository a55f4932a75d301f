"""Reference data in the database: create what is missing (by natural key), read back the world."""

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, update

from goodwill import all_models
from goodwill.agents.business_hours import WorkingCalendar
from goodwill.conversations.sla import SlaPolicyRule, SlaTargets
from goodwill.demo import catalog
from goodwill.demo.habits import ROSTER, TEAM_MANAGERS
from goodwill.demo.names import COMPANIES
from goodwill.demo.replies import SAVED_REPLIES
from goodwill.demo.rows import ID_TABLES
from goodwill.demo.world import AgentRef, CompanyRef, ProductRef, TeamRef, World, calendar_years

# argon2 rejects this as a hash, so nobody can log in as a demo agent without a reset.
NO_PASSWORD = "!demo-agent-without-password"


def ensure_reference_data(
    connection: Connection, *, now: datetime, admin_email: str, password_hash: str | None
) -> World:
    """Insert the demo business's reference rows that are missing; return them with their ids."""
    hours_id = _ensure_hours(connection, now)
    _ensure_by_key(
        connection,
        table("teams"),
        "name",
        [
            {
                "name": team.name,
                "business_hours_id": hours_id,
                "assignment_strategy": team.strategy,
                "created_at": now,
            }
            for team in catalog.TEAMS
        ],
    )
    _ensure_agents(connection, now, admin_email, password_hash)
    _ensure_memberships(connection, admin_email)
    _ensure_by_key(
        connection,
        table("products"),
        "slug",
        [{"name": spec.name, "slug": spec.slug, "created_at": now} for spec in catalog.PRODUCTS],
    )
    _ensure_by_key(
        connection,
        table("sla_policies"),
        "name",
        [
            {
                "name": spec.name,
                "priority": spec.priority,
                "channel": spec.channel,
                "first_response_seconds": spec.first_response,
                "next_response_seconds": spec.next_response,
                "resolution_seconds": spec.resolution,
                "position": spec.position,
                "is_active": True,
                "created_at": now,
            }
            for spec in catalog.SLA_POLICIES
        ],
    )
    teams = _ids_by(connection, table("teams"), "name")
    _ensure_by_key(
        connection,
        table("saved_replies"),
        "title",
        [
            {
                "title": title,
                "body": body,
                "team_id": teams.get(team) if team else None,
                "usage_count": 0,
                "created_at": now,
            }
            for title, team, body in SAVED_REPLIES
        ],
    )
    _ensure_by_key(
        connection,
        table("companies"),
        "name",
        [{"name": name, "domain": domain, "created_at": now} for name, domain in COMPANIES],
    )
    _ensure_by_key(
        connection,
        table("tags"),
        "name",
        [{"name": name} for name in (catalog.TAG_VIP, catalog.TAG_DEFECT)],
    )
    return read_world(connection, admin_email=admin_email)


def read_world(connection: Connection, *, admin_email: str) -> World:
    agents = _ids_by(connection, table("agents"), "email")
    keys = {spec.email(admin_email): spec for spec in ROSTER}
    agent_refs = tuple(
        AgentRef(agents[email], spec.key, spec.name, spec.capacity)
        for email, spec in keys.items()
        if email in agents
    )
    by_key = {agent.key: agent.id for agent in agent_refs}
    products = _ids_by(connection, table("products"), "slug")
    companies = _ids_by(connection, table("companies"), "name")
    return World(
        agents=agent_refs,
        teams=_read_teams(connection, set(by_key.values()), by_key),
        products=tuple(ProductRef(products[spec.slug], spec.slug) for spec in catalog.PRODUCTS),
        companies=tuple(CompanyRef(companies[name], domain) for name, domain in COMPANIES),
        sla_rules=_read_sla_rules(connection),
        tag_ids=_ids_by(connection, table("tags"), "name"),
        first_ids={name: _next_id(connection, name) for name in ID_TABLES},
    )


def _ensure_hours(connection: Connection, now: datetime) -> int:
    hours = table("business_hours")
    existing = connection.scalar(select(hours.c.id).where(hours.c.name == catalog.HOURS_NAME))
    if existing is not None:
        return int(existing)
    inserted = connection.execute(
        insert(hours).values(name=catalog.HOURS_NAME, timezone=catalog.TIMEZONE, created_at=now)
    )
    assert inserted.inserted_primary_key is not None
    hours_id = int(inserted.inserted_primary_key[0])
    connection.execute(
        insert(table("business_hours_intervals")),
        [
            {
                "business_hours_id": hours_id,
                "weekday": weekday,
                "start_minute": start,
                "end_minute": end,
            }
            for weekday, spans in catalog.WEEKLY_MINUTES.items()
            for start, end in spans
        ],
    )
    connection.execute(
        insert(table("holidays")),
        [
            {"business_hours_id": hours_id, "day": day, "name": name}
            for year in range(calendar_years(now.year)[0], calendar_years(now.year)[1] + 1)
            for day, name in catalog.bank_holidays(year)
        ],
    )
    return hours_id


def _ensure_agents(
    connection: Connection, now: datetime, admin_email: str, password_hash: str | None
) -> None:
    agents = table("agents")
    _ensure_by_key(
        connection,
        agents,
        "email",
        [
            {
                "email": spec.email(admin_email),
                "name": spec.name,
                "role": spec.role,
                "password_hash": (
                    password_hash if spec.role == "admin" and password_hash else NO_PASSWORD
                ),
                "is_active": True,
                "is_available": True,
                "capacity": spec.capacity,
                "session_version": 1,
                "created_at": now,
            }
            for spec in ROSTER
        ],
    )
    if password_hash is not None:  # an existing admin gets the password asked for
        connection.execute(
            update(agents).where(agents.c.email == admin_email).values(password_hash=password_hash)
        )


def _ensure_memberships(connection: Connection, admin_email: str) -> None:
    agents = _ids_by(connection, table("agents"), "email")
    teams = _ids_by(connection, table("teams"), "name")
    memberships = table("team_memberships")
    existing = set(connection.execute(select(memberships.c.team_id, memberships.c.agent_id)))
    wanted = [
        (teams[team], agents[spec.email(admin_email)]) for spec in ROSTER for team in spec.teams
    ]
    missing = [
        {"team_id": team, "agent_id": agent}
        for team, agent in wanted
        if (team, agent) not in existing
    ]
    if missing:
        connection.execute(insert(memberships), missing)


def _ensure_by_key(
    connection: Connection, target: Table, key: str, rows: list[dict[str, Any]]
) -> None:
    existing = set(connection.scalars(select(target.c[key])))
    missing = [row for row in rows if row[key] not in existing]
    if missing:
        connection.execute(insert(target), missing)


def _ids_by(connection: Connection, source: Table, key: str) -> dict[str, int]:
    return {
        str(name): int(row_id)
        for row_id, name in connection.execute(
            select(source.c.id, source.c[key]).order_by(source.c.id)
        )
    }


def _read_teams(
    connection: Connection, roster_ids: set[int], by_key: dict[str, int]
) -> tuple[TeamRef, ...]:
    teams_table, memberships = table("teams"), table("team_memberships")
    members: dict[int, list[int]] = defaultdict(list)
    for team_id, agent_id in connection.execute(
        select(memberships.c.team_id, memberships.c.agent_id).order_by(memberships.c.agent_id)
    ):
        if agent_id in roster_ids:
            members[team_id].append(agent_id)
    teams = []
    for spec in catalog.TEAMS:
        row = connection.execute(
            select(teams_table.c.id, teams_table.c.business_hours_id).where(
                teams_table.c.name == spec.name
            )
        ).one()
        teams.append(
            TeamRef(
                row.id,
                spec.name,
                spec.strategy,
                tuple(members[row.id]),
                by_key[TEAM_MANAGERS[spec.name]],
                _read_calendar(connection, row.business_hours_id),
            )
        )
    return tuple(teams)


def _read_calendar(connection: Connection, hours_id: int | None) -> WorkingCalendar:
    if hours_id is None:
        return WorkingCalendar.always_open()
    hours = table("business_hours")
    intervals = table("business_hours_intervals")
    holidays = table("holidays")
    zone = connection.scalar(select(hours.c.timezone).where(hours.c.id == hours_id))
    weekly: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for weekday, start, end in connection.execute(
        select(intervals.c.weekday, intervals.c.start_minute, intervals.c.end_minute)
        .where(intervals.c.business_hours_id == hours_id)
        .order_by(intervals.c.start_minute)
    ):
        weekly[weekday].append((start, end))
    days = connection.scalars(
        select(holidays.c.day).where(holidays.c.business_hours_id == hours_id)
    )
    return WorkingCalendar(
        timezone=str(zone),
        weekly_minutes={day: tuple(spans) for day, spans in sorted(weekly.items())},
        holidays=frozenset(days),
    )


def _read_sla_rules(connection: Connection) -> tuple[SlaPolicyRule, ...]:
    policies = table("sla_policies")
    rows = connection.execute(
        select(policies).where(policies.c.is_active.is_(True)).order_by(policies.c.id)
    )
    return tuple(
        SlaPolicyRule(
            row.id,
            row.priority,
            row.channel,
            SlaTargets(
                _delta(row.first_response_seconds),
                _delta(row.next_response_seconds),
                _delta(row.resolution_seconds),
            ),
            row.position,
        )
        for row in rows
    )


def _delta(seconds: int | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=seconds)


def _next_id(connection: Connection, name: str) -> int:
    column = table(name).c.id
    return int(connection.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


def table(name: str) -> Table:
    return all_models.metadata.tables[name]
