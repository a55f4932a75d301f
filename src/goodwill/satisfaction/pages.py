"""The predicted-satisfaction card of a conversation (an HTMX fragment for its side panel)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from goodwill.conversations.access import scope_for
from goodwill.satisfaction.services.prediction_view import conversation_estimate
from goodwill.web.deps import DatabaseDep, PageAgent, SettingsDep
from goodwill.web.templating import render

router = APIRouter()


@router.get("/conversations/{conversation_id}/predicted-satisfaction", response_class=HTMLResponse)
def show_predicted_satisfaction(
    conversation_id: int,
    request: Request,
    agent: PageAgent,
    database: DatabaseDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """The estimate, its interval, confidence and reasons; or in plain words why there is none."""
    with database.reader() as session:
        view = conversation_estimate(
            session,
            conversation_id,
            scope=scope_for(session, agent),
            min_ratings=settings.min_ratings_for_prediction,
        )
    return render(request, "satisfaction/_predicted.html", agent=agent, view=view)
