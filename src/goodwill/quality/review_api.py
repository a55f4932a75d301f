"""JSON routes for rubrics, reviewer scores and calibration (rubric edits and reviews: manager)."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from goodwill.conversations.access import scope_for
from goodwill.core.errors import Conflict, Invalid
from goodwill.quality.calibration import Agreement
from goodwill.quality.models import QualityReview, QualityRubric
from goodwill.quality.review_schemas import (
    CalibrationOut,
    ConfusionCell,
    ReviewIn,
    ReviewOut,
    RubricCreate,
    RubricOut,
    RubricUpdate,
    StepAgreementOut,
)
from goodwill.quality.services.calibration import calibration_report
from goodwill.quality.services.reviews import CONCURRENT_SAVE, list_reviews, save_review
from goodwill.quality.services.rubrics import (
    RubricInUse,
    create_rubric,
    list_rubrics,
    rubric_in_use,
    update_rubric,
)
from goodwill.web.deps import ApiManager, ClockDep, DatabaseDep, api_agent, api_manager
from goodwill.web.idempotency import Idempotency, create_once
from goodwill.web.schemas import MAX_ID, PathId, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(tags=["Quality reviews"], dependencies=[Depends(reject_nul_characters)])
AUTHENTICATED = [Depends(api_agent)]
MANAGERS = [Depends(api_manager)]
DEFAULT_PERIOD = timedelta(days=30)
TOTAL_RULE = (
    "The total is 0-100: the weight of the steps done over the weight of the steps that apply "
    "(na steps count for neither), less the rubric's penalties for the failure modes marked; "
    "a missed critical step makes it 0."
)


def rubric_out(row: QualityRubric) -> RubricOut:
    return RubricOut(
        id=row.id,
        name=row.name,
        weights=dict(row.weights),
        critical=list(row.critical),
        is_active=row.is_active,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def in_use_out(rubric: RubricInUse) -> RubricOut:
    if rubric.row is not None:
        return rubric_out(rubric.row)
    return RubricOut(
        id=None,
        name=rubric.name,
        weights={step: rubric.rules.weight(step) for step in rubric.rules.weights},
        critical=sorted(rubric.rules.critical),
        is_active=True,
        created_at=None,
        updated_at=None,
    )


def review_out(review: QualityReview, reviewer_name: str) -> ReviewOut:
    return ReviewOut.model_validate(
        {
            **{
                column: getattr(review, column)
                for column in ReviewOut.model_fields
                if column != "reviewer_name"
            },
            "reviewer_name": reviewer_name,
        }
    )


@router.get(
    "/quality/rubrics/active",
    response_model=RubricOut,
    summary="The rubric in use (the built-in default, id null, until one is saved)",
    description=TOTAL_RULE,
    dependencies=AUTHENTICATED,
    responses=error_responses(),
)
def get_active_rubric(database: DatabaseDep) -> RubricOut:
    with database.reader() as session:
        return in_use_out(rubric_in_use(session))


@router.get(
    "/quality/rubrics",
    response_model=list[RubricOut],
    summary="Every saved rubric, in use or not (manager)",
    dependencies=MANAGERS,
    responses=error_responses(403),
)
def get_rubrics(database: DatabaseDep) -> list[RubricOut]:
    with database.reader() as session:
        return [rubric_out(row) for row in list_rubrics(session)]


@router.post(
    "/quality/rubrics",
    status_code=201,
    response_model=RubricOut,
    summary="Save a rubric; is_active: true puts it in use (manager)",
    description=TOTAL_RULE,
    dependencies=MANAGERS,
    responses=error_responses(400, 403, 409),
)
def post_rubric(
    data: RubricCreate, database: DatabaseDep, clock: ClockDep, call: Idempotency
) -> JSONResponse:
    def create(session: Session) -> RubricOut:
        return rubric_out(create_rubric(session, data=data, now=clock.now()))

    return create_once(database, call, payload=data, create=create, now=clock.now())


@router.patch(
    "/quality/rubrics/{rubric_id}",
    response_model=RubricOut,
    summary="Change a rubric's name, weights or critical steps, or put it in use (manager)",
    description="Reviews and scores saved before keep their totals; later ones use the change.",
    dependencies=MANAGERS,
    responses=error_responses(400, 403, 404, 409),
)
def patch_rubric(
    rubric_id: PathId, data: RubricUpdate, database: DatabaseDep, clock: ClockDep
) -> RubricOut:
    with database.transaction() as session:
        return rubric_out(update_rubric(session, rubric_id, patch=data, now=clock.now()))


@router.get(
    "/conversations/{conversation_id}/reviews",
    response_model=list[ReviewOut],
    summary="Reviewers' scores of a conversation, oldest first (manager)",
    dependencies=MANAGERS,
    responses=error_responses(403, 404),
)
def get_reviews(
    conversation_id: PathId, agent: ApiManager, database: DatabaseDep
) -> list[ReviewOut]:
    with database.reader() as session:
        rows = list_reviews(session, conversation_id, scope=scope_for(session, agent))
        return [review_out(review, name) for review, name in rows]


@router.put(
    "/conversations/{conversation_id}/reviews/mine",
    response_model=ReviewOut,
    summary="Score a conversation on the rubric in use, or replace your score (manager)",
    description=f"One review per reviewer and conversation: 201 when created, 200 when "
    f"replaced. {TOTAL_RULE}",
    dependencies=MANAGERS,
    responses={**error_responses(403, 404, 409), 201: {"model": ReviewOut}},
)
def put_my_review(
    conversation_id: PathId,
    data: ReviewIn,
    agent: ApiManager,
    database: DatabaseDep,
    clock: ClockDep,
) -> JSONResponse:
    try:
        with database.transaction() as session:
            review, created = save_review(
                session,
                conversation_id,
                data=data,
                reviewer=agent,
                scope=scope_for(session, agent),
                now=clock.now(),
            )
            body = review_out(review, agent.name).model_dump(mode="json")
    except IntegrityError as error:  # the same reviewer's first save, twice at once
        raise Conflict(CONCURRENT_SAVE) from error
    return JSONResponse(body, status_code=201 if created else 200)


@router.get(
    "/quality/calibration",
    response_model=CalibrationOut,
    summary="Agreement per step: reviewer vs reviewer and reviewer vs automatic (manager)",
    description="Reviews created in [start, end) (default: the last 30 days). Between "
    "reviewers, each pair of reviews of one conversation counts once (rater a: the lower "
    "reviewer id, or `reviewer_id` when given). Against the automatic score, rater a is the "
    "reviewer. Cohen's kappa is null when undefined: no pairs, or one same label throughout.",
    dependencies=MANAGERS,
    responses=error_responses(403),
)
def get_calibration(
    database: DatabaseDep,
    clock: ClockDep,
    start: Annotated[datetime | None, Query(description="default: end - 30 days")] = None,
    end: Annotated[datetime | None, Query(description="default: now")] = None,
    reviewer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> CalibrationOut:
    period_start, period_end = calibration_period(start, end, now=clock.now())
    with database.reader() as session:
        report = calibration_report(
            session, start=period_start, end=period_end, reviewer_id=reviewer_id
        )
    return CalibrationOut(
        start=report.start,
        end=report.end,
        reviewer_id=report.reviewer_id,
        between_reviewers=steps_out(report.between_reviewers),
        against_automatic=steps_out(report.against_automatic),
    )


def steps_out(results: dict[str, Agreement]) -> list[StepAgreementOut]:
    return [step_out(step, result) for step, result in results.items()]


def step_out(step: str, result: Agreement) -> StepAgreementOut:
    return StepAgreementOut(
        step=step,
        n=result.n,
        agreed=result.agreed,
        percent_agreement=_percent(result.percent),
        expected_agreement=_percent(result.expected),
        kappa=None if result.kappa is None else round(result.kappa, 4),
        guidance=result.guidance,
        confusion=[ConfusionCell(a=a, b=b, n=n) for (a, b), n in sorted(result.confusion.items())],
    )


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def calibration_period(
    start: datetime | None, end: datetime | None, *, now: datetime
) -> tuple[datetime, datetime]:
    """[start, end) in UTC; naive times are UTC; end defaults to now, start to 30 days before."""
    try:
        period_end = _utc(end) if end else now
        period_start = _utc(start) if start else period_end - DEFAULT_PERIOD
    except OverflowError:
        raise Invalid("start and end must be dates between the years 1 and 9999") from None
    if period_start >= period_end:
        raise Invalid("start must be before end")
    return period_start, period_end


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
