"""Coaching pages: an agent's own scorecard, a manager's teams and agents, a team's scorecard,
and the quality card of a conversation (an HTMX fragment for the conversation page)."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodwill.agents.roles import Role, has_at_least
from goodwill.conversations.access import scope_for
from goodwill.conversations.services.detail import get_visible_conversation
from goodwill.core.errors import Forbidden
from goodwill.quality.coaching_rules import MAX_WEEKS, Period, Rates
from goodwill.quality.rubric import FAILURE_MODES, STEPS
from goodwill.quality.services.coaching import (
    agent_scorecard,
    coaching_overview,
    coaching_scope,
    team_scorecard,
)
from goodwill.quality.services.score_view import ScoreView, conversation_score
from goodwill.web.deps import ClockDep, DatabaseDep, PageAgent
from goodwill.web.templating import render

router = APIRouter()

WEEK_CHOICES = (4, 8, 12, 26, 52)
DEFAULT_WEEKS = 12
PageWeeks = Annotated[int, Query(ge=1, le=MAX_WEEKS)]
STEP_NAMES = {
    "acknowledgement": "Acknowledgement",
    "rapport": "Rapport",
    "needs": "Needs",
    "solution": "Solution",
    "gratitude": "Gratitude",
}
STEP_MEANINGS = {
    "acknowledgement": "a timely first reply that greets the customer, by name where known",
    "rapport": "a personal, empathetic touch matched to the customer's mood",
    "needs": "asking or restating what the customer needs before solving",
    "solution": "a solution or clear next step, without reopening or bouncing around",
    "gratitude": "thanks and an offer of further help at the close",
}
FAILURE_NAMES = {
    "not_listening": "Not listening",
    "ignored": "Ignored",
    "promise_broken": "Promise broken",
    "lacking_knowledge": "Lacking knowledge",
    "no_follow_up": "No follow-up",
}
FAILURE_MEANINGS = {
    "not_listening": "the customer had to repeat themselves",
    "ignored": "customer messages left unanswered beyond the target",
    "promise_broken": "said what or when, and it did not happen",
    "lacking_knowledge": "transfers, \u201cI don't know\u201d, reopened after a wrong answer",
    "no_follow_up": "waiting on us with no update",
}
NAMES = STEP_NAMES | FAILURE_NAMES
MEANINGS = STEP_MEANINGS | FAILURE_MEANINGS


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a week chart, in SVG units (the chart is 100 high)."""

    x: int
    height: int
    label: str
    value: str


def week_bars(period: Period, weeks: list[Rates], *, width: int = 36) -> list[Bar]:
    """Bars of the average total per week (0 to 100); weeks without scores have none."""
    bars = []
    for index, (start, rates) in enumerate(zip(period.week_starts(), weeks, strict=True)):
        average = rates.average_total
        if average is None:
            continue
        bars.append(
            Bar(
                x=index * width,
                height=max(1, round(average)),
                label=start.strftime("%d %b"),
                value=f"{average:.0f}",
            )
        )
    return bars


def _context(period: Period, weeks: list[Rates] | None) -> dict[str, Any]:
    return {
        "steps": STEPS,
        "failure_modes": FAILURE_MODES,
        "names": NAMES,
        "meanings": MEANINGS,
        "week_starts": period.week_starts(),
        "bars": week_bars(period, weeks) if weeks is not None else [],
        "chart_width": max(1, period.weeks) * 36,
        "week_choices": WEEK_CHOICES,
    }


@router.get("/quality", response_model=None)
def show_coaching(
    request: Request,
    agent: PageAgent,
    database: DatabaseDep,
    clock: ClockDep,
    weeks: PageWeeks = DEFAULT_WEEKS,
) -> Response:
    """Agents go to their own scorecard; managers and admins see their teams and agents."""
    if not has_at_least(agent.role, Role.MANAGER):
        return RedirectResponse(f"/quality/agents/{agent.id}?weeks={weeks}", status_code=303)
    with database.reader() as session:
        scope = coaching_scope(session, agent)
        overview = coaching_overview(session, scope=scope, now=clock.now(), weeks=weeks)
    return render(
        request,
        "quality/coaching.html",
        agent=agent,
        overview=overview,
        weeks=weeks,
        **_context(overview.period, None),
    )


@router.get("/quality/agents/{agent_id}", response_class=HTMLResponse)
def show_agent_scorecard(
    agent_id: int,
    request: Request,
    agent: PageAgent,
    database: DatabaseDep,
    clock: ClockDep,
    weeks: PageWeeks = DEFAULT_WEEKS,
) -> HTMLResponse:
    with database.reader() as session:
        scope = coaching_scope(session, agent)
        card = agent_scorecard(session, agent_id, scope=scope, now=clock.now(), weeks=weeks)
    return render(
        request,
        "quality/coaching_agent.html",
        agent=agent,
        card=card,
        weeks=weeks,
        is_own=card.agent.id == agent.id,
        **_context(card.period, card.weeks),
    )


@router.get("/quality/teams/{team_id}", response_class=HTMLResponse)
def show_team_scorecard(
    team_id: int,
    request: Request,
    agent: PageAgent,
    database: DatabaseDep,
    clock: ClockDep,
    weeks: PageWeeks = DEFAULT_WEEKS,
) -> HTMLResponse:
    with database.reader() as session:
        scope = coaching_scope(session, agent)
        card = team_scorecard(session, team_id, scope=scope, now=clock.now(), weeks=weeks)
    return render(
        request,
        "quality/coaching_team.html",
        agent=agent,
        card=card,
        weeks=weeks,
        **_context(card.period, card.weeks),
    )


@router.get("/conversations/{conversation_id}/quality", response_class=HTMLResponse)
def show_conversation_quality(
    conversation_id: int,
    request: Request,
    agent: PageAgent,
    database: DatabaseDep,
    clock: ClockDep,
) -> HTMLResponse:
    """The quality card of the side panel; says why when there is no score to show."""
    view: ScoreView | None = None
    reason = ""
    with database.reader() as session:
        conversation = get_visible_conversation(
            session, conversation_id, scope=scope_for(session, agent)
        )
        if conversation.first_response_at is None:
            reason = "Scored once an agent has replied."
        else:
            try:
                view = conversation_score(
                    session,
                    conversation.id,
                    viewer=agent,
                    scope=coaching_scope(session, agent),
                    now=clock.now(),
                )
            except Forbidden:
                reason = "Shown to the agent it belongs to and their managers."
    return render(
        request,
        "quality/_conversation_quality.html",
        agent=agent,
        conversation_id=conversation_id,
        view=view,
        reason=reason,
        steps=STEPS,
        failure_modes=FAILURE_MODES,
        names=NAMES,
    )
