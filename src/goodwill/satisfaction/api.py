"""JSON routes of predicted satisfaction: the model's figures and a conversation's estimate."""

from fastapi import APIRouter, Depends

from goodwill.conversations.access import scope_for
from goodwill.satisfaction.schemas import ConversationEstimateOut, PredictionModelOut
from goodwill.satisfaction.services.prediction_view import conversation_estimate, model_status
from goodwill.web.deps import ApiAgent, DatabaseDep, SettingsDep, api_manager
from goodwill.web.schemas import PathId, error_responses

router = APIRouter(tags=["satisfaction"])


@router.get(
    "/satisfaction/prediction-model",
    response_model=PredictionModelOut,
    summary="The satisfaction model: its cross-validated error against the mean, and trust",
    description="Managers and admins. `trusted` is false, with `problem` saying why, when there "
    "are fewer rated conversations than `min_ratings` or when the model's cross-validated MAE "
    "is not below the mean rating's.",
    responses=error_responses(403),
    dependencies=[Depends(api_manager)],
)
def get_prediction_model(database: DatabaseDep, settings: SettingsDep) -> PredictionModelOut:
    with database.reader() as session:
        status = model_status(session, min_ratings=settings.min_ratings_for_prediction)
    return PredictionModelOut.of(status)


@router.get(
    "/conversations/{conversation_id}/predicted-satisfaction",
    response_model=ConversationEstimateOut,
    summary="A resolved, unrated conversation's estimated CSAT, its interval and reasons",
    description="`estimate` is null, with `why_none` in plain words, when the conversation is "
    "rated or not resolved, or the model is not trusted (too few ratings, no better than the "
    "mean). 404 when the conversation is not visible to the agent.",
    responses=error_responses(404),
)
def get_predicted_satisfaction(
    conversation_id: PathId, agent: ApiAgent, database: DatabaseDep, settings: SettingsDep
) -> ConversationEstimateOut:
    with database.reader() as session:
        view = conversation_estimate(
            session,
            conversation_id,
            scope=scope_for(session, agent),
            min_ratings=settings.min_ratings_for_prediction,
        )
        return ConversationEstimateOut.of(view)
