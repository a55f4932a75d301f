"""What every insights page and endpoint shares: manager access and the filter from the query."""

from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent
from goodwill.agents.roles import Role
from goodwill.insights.filters import InsightFilter, parse_filter
from goodwill.insights.services.options import filter_options
from goodwill.web.deps import ClockDep, PageAgent, require_role

TABS = (
    ("service", "Service", "/insights/service"),
    ("satisfaction", "Satisfaction", "/insights/satisfaction"),
    ("quality", "Quality", "/insights/quality"),
    ("drivers", "Drivers", "/insights/drivers"),
    ("causes", "Root cause", "/insights/causes"),
    ("exports", "Exports & reports", "/insights/exports"),
)


def _page_manager(agent: PageAgent) -> Agent:
    require_role(agent, Role.MANAGER)
    return agent


def insight_filter(request: Request, clock: ClockDep) -> InsightFilter:
    """The filter in the query string (`start`, `end`, `channel`, `team_id`, ...); 400 if bad."""
    return parse_filter(dict(request.query_params), clock.now().date())


PageManager = Annotated[Agent, Depends(_page_manager)]
FilterDep = Annotated[InsightFilter, Depends(insight_filter)]


def tab_layout(session: Session, tab: str, insight_filter: InsightFilter) -> dict[str, Any]:
    """What templates/insights/_layout.html needs: the tabs, this one, the filter, the filter
    bar's options (one query each) and where the filter form goes."""
    action = next(href for key, _title, href in TABS if key == tab)
    return {
        "tab": tab,
        "tabs": TABS,
        "insight_filter": insight_filter,
        "options": filter_options(session, current_topic=insight_filter.topic),
        "action": action,
    }
