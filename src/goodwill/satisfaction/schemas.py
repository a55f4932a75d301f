"""API shapes of the satisfaction model and of a conversation's estimated satisfaction."""

from datetime import datetime

from pydantic import BaseModel, Field

from goodwill.satisfaction.models import SatisfactionPrediction
from goodwill.satisfaction.services.prediction_view import ConversationEstimate, ModelStatus


class PredictionMetricsOut(BaseModel):
    n: int = Field(description="rated conversations the figures were measured on")
    mae: float = Field(description="5-fold cross-validated mean absolute error, CSAT points")
    rmse: float = Field(description="5-fold cross-validated root mean squared error")
    baseline_mae: float = Field(description="the same for always answering the mean rating")
    baseline_rmse: float


class PredictionModelOut(BaseModel):
    ratings: int = Field(description="rated resolved conversations available to learn from")
    min_ratings: int = Field(description="fewer than this and nothing is estimated")
    trusted: bool
    problem: str | None = Field(description="why the estimates are not to be trusted, or null")
    version: str | None
    trained_at: datetime | None
    trained_on: int | None
    metrics: PredictionMetricsOut | None

    @classmethod
    def of(cls, status: ModelStatus) -> "PredictionModelOut":
        model, metrics = status.model, status.metrics
        return cls(
            ratings=status.ratings,
            min_ratings=status.min_ratings,
            trusted=status.trusted,
            problem=status.problem,
            version=model.version if model else None,
            trained_at=model.trained_at if model else None,
            trained_on=model.trained_on if model else None,
            metrics=PredictionMetricsOut(
                n=metrics.n,
                mae=round(metrics.mae, 3),
                rmse=round(metrics.rmse, 3),
                baseline_mae=round(metrics.baseline_mae, 3),
                baseline_rmse=round(metrics.baseline_rmse, 3),
            )
            if metrics
            else None,
        )


class ReasonOut(BaseModel):
    feature: str
    text: str = Field(description="the fact, in plain words")
    effect: float = Field(description="CSAT points it adds to the average conversation's estimate")


class EstimateOut(BaseModel):
    predicted_csat: float = Field(description="1 to 5")
    low: float = Field(description="80% of such estimates had the rating at or above this")
    high: float = Field(description="... and at or below this")
    confidence: float = Field(description="share of such estimates within one point of the rating")
    reasons: list[ReasonOut]
    predicted_at: datetime

    @classmethod
    def of(cls, row: SatisfactionPrediction) -> "EstimateOut":
        return cls(
            predicted_csat=row.predicted_csat,
            low=row.low,
            high=row.high,
            confidence=row.confidence,
            reasons=[ReasonOut.model_validate(reason) for reason in row.reasons],
            predicted_at=row.predicted_at,
        )


class ConversationEstimateOut(BaseModel):
    conversation_id: int
    estimate: EstimateOut | None
    why_none: str | None = Field(description="why there is no estimate, when there is none")

    @classmethod
    def of(cls, view: ConversationEstimate) -> "ConversationEstimateOut":
        return cls(
            conversation_id=view.conversation_id,
            estimate=EstimateOut.of(view.estimate) if view.estimate else None,
            why_none=view.why_none,
        )
