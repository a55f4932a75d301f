"""JSON of the Quality dashboard (managers and admins)."""

from fastapi import APIRouter, Depends

from goodwill.insights.satisfaction_api import FILTER_HELP, ApiFilter, DashboardOut
from goodwill.insights.services.quality_dashboard import quality_dashboard
from goodwill.web.deps import ClockDep, DatabaseDep, api_manager
from goodwill.web.schemas import error_responses

router = APIRouter(prefix="/insights/quality", tags=["insights"])


class QualityOut(DashboardOut):
    pass


@router.get(
    "",
    response_model=QualityOut,
    summary="The Quality dashboard: the five steps, the failure modes, per team and per agent",
    description=f"Managers and admins. {FILTER_HELP} `current`, `previous` and `change` hold "
    "every figure by name: `step_<step>_done_rate` is done / (done + missed) in percent "
    "(`na` is not applicable), `failure_<mode>_rate` the share of scored conversations marked, "
    "`quality_mean` the mean quality_total (0-100) and `scored_coverage` scored / all. `tables` "
    "are the page's tables (summary, steps, failures, by_team, by_agent, quality_by_week). "
    "Definitions: docs/insights.md.",
    responses=error_responses(403),
    dependencies=[Depends(api_manager)],
)
def get_quality(insight_filter: ApiFilter, database: DatabaseDep, clock: ClockDep) -> QualityOut:
    with database.reader() as session:
        board = quality_dashboard(session, insight_filter, clock.now())
    fields = DashboardOut.fields_of(
        insight_filter,
        board.current.measures(),
        board.previous.measures(),
        [t.table for t in board.tables],
    )
    return QualityOut(**fields)
