"""JSON routes for automatic quality scores, scorecards, coaching and re-scoring history."""

from datetime import UTC, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from goodwill.agents.models import Agent, Team
from goodwill.quality.coaching_rules import Period, Rates
from goodwill.quality.jobs import enqueue_rescore
from goodwill.quality.schemas import (
    WEEKS_DEFAULT,
    WEEKS_MAX,
    AgentRatesOut,
    AgentScorecardOut,
    ConversationScoreOut,
    CoverageOut,
    NamedOut,
    PeriodOut,
    RatesOut,
    RescoreIn,
    RescoreOut,
    ScoredConversationOut,
    TeamScorecardOut,
    TrainingFocusOut,
    WeekOut,
)
from goodwill.quality.scoring import SCORER_VERSION
from goodwill.quality.services.coaching import (
    agent_scorecard,
    coaching_scope,
    team_scorecard,
    worst_for,
)
from goodwill.quality.services.score_view import conversation_score
from goodwill.quality.services.sweep import coverage
from goodwill.web.deps import (
    ApiAgent,
    ApiManager,
    ClockDep,
    DatabaseDep,
    api_admin,
    api_manager,
)
from goodwill.web.schemas import MAX_ID, PathId, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(tags=["quality"], dependencies=[Depends(reject_nul_characters)])

Weeks = Annotated[
    int, Query(ge=1, le=WEEKS_MAX, description="whole weeks (Monday 00:00 UTC) up to this one")
]
WorstLimit = Annotated[int, Query(ge=1, le=100, description="rows, 1 to 100")]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _weeks_out(period: Period, weeks: list[Rates]) -> list[WeekOut]:
    return [
        WeekOut(week_start=start.date(), **RatesOut.of(rates).model_dump())
        for start, rates in zip(period.week_starts(), weeks, strict=True)
    ]


def _period_out(period: Period) -> PeriodOut:
    return PeriodOut(start=period.start, end=period.end, weeks=period.weeks)


def _named(item: Agent | Team) -> NamedOut:
    return NamedOut(id=item.id, name=item.name)


@router.get(
    "/quality/conversations/{conversation_id}",
    response_model=ConversationScoreOut,
    summary="A conversation's automatic score: five steps, failure modes, evidence, total",
    description="Shown to the agent credited with the conversation (who wrote most replies), "
    "their managers and admins. 404 when the conversation is not visible or has no reply.",
    responses=error_responses(403, 404),
)
def get_conversation_score(
    conversation_id: PathId, agent: ApiAgent, database: DatabaseDep, clock: ClockDep
) -> ConversationScoreOut:
    with database.reader() as session:
        scope = coaching_scope(session, agent)
        view = conversation_score(
            session, conversation_id, viewer=agent, scope=scope, now=clock.now()
        )
    return ConversationScoreOut.model_validate(view, from_attributes=True)


@router.get(
    "/quality/agents/{agent_id}/scorecard",
    response_model=AgentScorecardOut,
    summary="An agent's step done-rates and failure-mode rates by week, beside their team's",
    description="Agents may read their own; managers their teams' agents; admins anyone's. "
    "A score counts in the week of its conversation's last change. `train_next` is the step "
    "or failure mode where the agent trails their team(s) most, with examples.",
    responses=error_responses(403, 404),
)
def get_agent_scorecard(
    agent_id: PathId,
    agent: ApiAgent,
    database: DatabaseDep,
    clock: ClockDep,
    weeks: Weeks = WEEKS_DEFAULT,
) -> AgentScorecardOut:
    with database.reader() as session:
        scope = coaching_scope(session, agent)
        card = agent_scorecard(session, agent_id, scope=scope, now=clock.now(), weeks=weeks)
    training = card.train_next
    return AgentScorecardOut(
        agent=_named(card.agent),
        period=_period_out(card.period),
        weeks=_weeks_out(card.period, card.weeks),
        overall=RatesOut.of(card.overall),
        team=RatesOut.of(card.team),
        train_next=TrainingFocusOut.of(training.focus, training.examples) if training else None,
        worst=[ScoredConversationOut.of(row) for row in card.worst],
    )


@router.get(
    "/quality/agents/{agent_id}/train-next",
    response_model=TrainingFocusOut | None,
    summary="What to train next: where the agent trails their team most, with examples",
    description="null when the agent is not behind their team anywhere, or has fewer than "
    "five conversations where a step applied.",
    responses=error_responses(403, 404),
)
def get_train_next(
    agent_id: PathId,
    agent: ApiAgent,
    database: DatabaseDep,
    clock: ClockDep,
    weeks: Weeks = WEEKS_DEFAULT,
) -> TrainingFocusOut | None:
    with database.reader() as session:
        scope = coaching_scope(session, agent)
        card = agent_scorecard(session, agent_id, scope=scope, now=clock.now(), weeks=weeks)
    training = card.train_next
    return TrainingFocusOut.of(training.focus, training.examples) if training else None


@router.get(
    "/quality/teams/{team_id}/scorecard",
    response_model=TeamScorecardOut,
    summary="A team's rates by week and each agent's rates over the period (manager)",
    description="Managers see the teams they belong to; admins every team.",
    responses=error_responses(403, 404),
)
def get_team_scorecard(
    team_id: PathId,
    agent: ApiManager,
    database: DatabaseDep,
    clock: ClockDep,
    weeks: Weeks = WEEKS_DEFAULT,
) -> TeamScorecardOut:
    with database.reader() as session:
        scope = coaching_scope(session, agent)
        card = team_scorecard(session, team_id, scope=scope, now=clock.now(), weeks=weeks)
    return TeamScorecardOut(
        team=_named(card.team),
        period=_period_out(card.period),
        weeks=_weeks_out(card.period, card.weeks),
        overall=RatesOut.of(card.overall),
        agents=[
            AgentRatesOut(agent=_named(member), rates=RatesOut.of(rates))
            for member, rates in card.agents
        ],
        worst=[ScoredConversationOut.of(row) for row in card.worst],
    )


@router.get(
    "/quality/worst",
    response_model=list[ScoredConversationOut],
    summary="The lowest-scored conversations to review, lowest total first",
    description="Filter by `agent_id` and/or `team_id`; without filters: everything for "
    "admins, the manager's teams for managers, your own for agents.",
    responses=error_responses(403, 404),
)
def get_worst(
    agent: ApiAgent,
    database: DatabaseDep,
    clock: ClockDep,
    agent_id: OptionalId = None,
    team_id: OptionalId = None,
    weeks: Weeks = WEEKS_DEFAULT,
    limit: WorstLimit = 20,
) -> list[ScoredConversationOut]:
    with database.reader() as session:
        scope = coaching_scope(session, agent)
        rows = worst_for(
            session,
            scope=scope,
            now=clock.now(),
            weeks=weeks,
            agent_id=agent_id,
            team_id=team_id,
            limit=limit,
        )
    return [ScoredConversationOut.of(row) for row in rows]


@router.post(
    "/quality/rescore",
    status_code=202,
    response_model=RescoreOut,
    summary="Re-score history in the background (admin)",
    description="Queues `quality.rescore_range` jobs that score small id ranges one after "
    "another, so the inbox stays fast. Same as `goodwill quality rescore`.",
    dependencies=[Depends(api_admin)],
    responses=error_responses(403),
)
def post_rescore(data: RescoreIn, database: DatabaseDep, clock: ClockDep) -> RescoreOut:
    since = datetime.combine(data.since, time(0), tzinfo=UTC) if data.since else None
    with database.transaction() as session:
        plan = enqueue_rescore(session, now=clock.now(), since=since, force=data.all)
    return RescoreOut(jobs=len(plan.parts), conversations=plan.conversations)


@router.get(
    "/quality/coverage",
    response_model=CoverageOut,
    summary="How many conversations with a reply have an up-to-date score (manager)",
    dependencies=[Depends(api_manager)],
    responses=error_responses(403),
)
def get_coverage(database: DatabaseDep) -> CoverageOut:
    with database.reader() as session:
        total, scored = coverage(session)
    return CoverageOut(conversations=total, scored=scored, scorer_version=SCORER_VERSION)
