"""JSON routes for orders, reviews and the managers' loyalty overview."""

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from goodwill.commerce.schemas import CohortOut, LoyaltyOut, OrderIn, OrderOut, ReviewIn, ReviewOut
from goodwill.commerce.services.loyalty_report import loyalty_overview
from goodwill.commerce.services.records import (
    customer_orders,
    customer_reviews,
    existing_customer,
    orders_out,
    record_order,
    record_review,
    reviews_out,
)
from goodwill.core.errors import Invalid
from goodwill.web.deps import ClockDep, DatabaseDep, api_agent, api_manager
from goodwill.web.schemas import PathId, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(
    tags=["orders and reviews"],
    dependencies=[Depends(reject_nul_characters), Depends(api_agent)],
)
DEFAULT_PERIOD = timedelta(days=365)


@router.post(
    "/orders",
    status_code=201,
    response_model=OrderOut,
    summary="Record an order; the same external_id again returns the stored one (200)",
    responses=error_responses(400, 404, 409),
)
def post_order(data: OrderIn, database: DatabaseDep, clock: ClockDep) -> JSONResponse:
    try:
        with database.transaction() as session:
            order, created = record_order(session, data, now=clock.now())
            out = orders_out(session, [order])[0]
    except IntegrityError:  # the same order posted twice at once: return the winner's
        with database.transaction() as session:
            order, created = record_order(session, data, now=clock.now())
            out = orders_out(session, [order])[0]
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if created else 200)


@router.post(
    "/reviews",
    status_code=201,
    response_model=ReviewOut,
    summary="Record a review; the same external_id (or content) again returns the stored one",
    responses=error_responses(400, 404),
)
def post_review(data: ReviewIn, database: DatabaseDep, clock: ClockDep) -> JSONResponse:
    try:
        with database.transaction() as session:
            review, created = record_review(session, data, now=clock.now())
            out = reviews_out(session, [review])[0]
    except IntegrityError:  # the same review posted twice at once: return the winner's
        with database.transaction() as session:
            review, created = record_review(session, data, now=clock.now())
            out = reviews_out(session, [review])[0]
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if created else 200)


@router.get(
    "/customers/{customer_id}/orders",
    response_model=list[OrderOut],
    summary="A customer's latest 200 orders, newest first",
    responses=error_responses(404),
)
def get_customer_orders(customer_id: PathId, database: DatabaseDep) -> list[OrderOut]:
    with database.reader() as session:
        found = existing_customer(session, customer_id)
        return orders_out(session, customer_orders(session, found))


@router.get(
    "/customers/{customer_id}/reviews",
    response_model=list[ReviewOut],
    summary="A customer's latest 200 reviews, newest first",
    responses=error_responses(404),
)
def get_customer_reviews(customer_id: PathId, database: DatabaseDep) -> list[ReviewOut]:
    with database.reader() as session:
        found = existing_customer(session, customer_id)
        return reviews_out(session, customer_reviews(session, found))


@router.get(
    "/loyalty",
    response_model=LoyaltyOut,
    dependencies=[Depends(api_manager)],
    summary="Repeat purchases, retention cohorts and segments; managers and admins",
    responses=error_responses(400, 403),
)
def get_loyalty(
    database: DatabaseDep,
    clock: ClockDep,
    start: Annotated[
        datetime | None, Query(description="period start (default: end - 365 days)")
    ] = None,
    end: Annotated[
        datetime | None, Query(description="period end, exclusive (default: now)")
    ] = None,
) -> LoyaltyOut:
    period_end = end or clock.now()
    try:
        period_start = start or period_end - DEFAULT_PERIOD
        period_end - timedelta(microseconds=1)
    except OverflowError:
        raise Invalid("end is too early; give a date after the year 1") from None
    if period_start.tzinfo is None or period_end.tzinfo is None:
        raise Invalid("start and end need a time zone, e.g. 2026-01-01T00:00:00Z")
    if period_start >= period_end:
        raise Invalid("start must be before end")
    with database.reader() as session:
        overview = loyalty_overview(session, start=period_start, end=period_end)
    return LoyaltyOut(
        start=overview.start,
        end=overview.end,
        buyers=overview.repeat.buyers,
        repeat_buyers=overview.repeat.repeaters,
        repeat_purchase_rate=overview.repeat.rate,
        median_days_to_next_purchase=overview.median_days_to_next_purchase,
        cohorts=[CohortOut(month=c.month, size=c.size, shares=c.shares) for c in overview.cohorts],
        nps_groups=overview.nps_groups,
        segments=overview.segments,
    )
