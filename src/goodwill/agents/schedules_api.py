"""JSON routes for business hours and holidays (anyone reads; admins create and replace)."""

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy.orm import Session

from goodwill.agents.schedule_schemas import (
    BusinessHoursIn,
    BusinessHoursOut,
    HolidayDay,
    WorkingInterval,
)
from goodwill.agents.schedules import (
    Schedule,
    create_business_hours,
    get_schedule,
    list_schedules,
    replace_business_hours,
)
from goodwill.web.deps import ClockDep, DatabaseDep, api_admin, api_agent
from goodwill.web.idempotency import Idempotency, create_once
from goodwill.web.schemas import PathId, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(tags=["business hours"], dependencies=[Depends(reject_nul_characters)])
AUTHENTICATED = [Depends(api_agent)]
ADMIN_ONLY = [Depends(api_admin)]
CHANGES_APPLY = (
    "Due times already set on conversations are kept; every due time computed afterwards "
    "(new conversations, next responses, priority changes) counts in the new hours."
)


def business_hours_out(schedule: Schedule) -> BusinessHoursOut:
    hours = schedule.hours
    return BusinessHoursOut(
        id=hours.id,
        name=hours.name,
        timezone=hours.timezone,
        intervals=[
            WorkingInterval.from_minutes(row.weekday, row.start_minute, row.end_minute)
            for row in schedule.intervals
        ],
        holidays=[HolidayDay(day=row.day, name=row.name) for row in schedule.holidays],
        created_at=hours.created_at,
    )


@router.get(
    "/business-hours",
    response_model=list[BusinessHoursOut],
    summary="List business hours with their intervals and holidays",
    dependencies=AUTHENTICATED,
    responses=error_responses(),
)
def get_business_hours_list(database: DatabaseDep) -> list[BusinessHoursOut]:
    with database.reader() as session:
        return [business_hours_out(schedule) for schedule in list_schedules(session)]


@router.post(
    "/business-hours",
    status_code=201,
    response_model=BusinessHoursOut,
    summary="Create business hours (admin)",
    description="Teams count SLA due times in their business hours; see PATCH /teams/{id}.",
    dependencies=ADMIN_ONLY,
    responses=error_responses(400, 403, 409),
)
def post_business_hours(
    data: BusinessHoursIn, database: DatabaseDep, clock: ClockDep, call: Idempotency
) -> Response:
    def create(session: Session) -> BusinessHoursOut:
        return business_hours_out(create_business_hours(session, data=data, now=clock.now()))

    return create_once(database, call, payload=data, create=create, now=clock.now())


@router.get(
    "/business-hours/{business_hours_id}",
    response_model=BusinessHoursOut,
    summary="One schedule with its intervals and holidays",
    dependencies=AUTHENTICATED,
    responses=error_responses(404),
)
def get_one_business_hours(business_hours_id: PathId, database: DatabaseDep) -> BusinessHoursOut:
    with database.reader() as session:
        return business_hours_out(get_schedule(session, business_hours_id))


@router.put(
    "/business-hours/{business_hours_id}",
    response_model=BusinessHoursOut,
    summary="Replace a schedule's name, timezone, intervals and holidays (admin)",
    description=CHANGES_APPLY,
    dependencies=ADMIN_ONLY,
    responses=error_responses(400, 403, 404, 409),
)
def put_business_hours(
    business_hours_id: PathId, data: BusinessHoursIn, database: DatabaseDep
) -> BusinessHoursOut:
    with database.transaction() as session:
        schedule = replace_business_hours(session, business_hours_id, data=data)
        return business_hours_out(schedule)
