"""JSON routes for customers: create, read, list and search, merge."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from goodwill.customers.schemas import (
    CustomerCreate,
    CustomerMerge,
    CustomerOut,
    CustomerPage,
    IdentityOut,
)
from goodwill.customers.service import (
    CustomerView,
    create_customer,
    get_customer_view,
    list_customers,
    load_customer_views,
    merge_customers,
)
from goodwill.web.deps import ClockDep, DatabaseDep, api_agent, api_manager
from goodwill.web.idempotency import Idempotency, create_once
from goodwill.web.schemas import PageCursor, PageLimit, PathId, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(
    prefix="/customers", tags=["customers"], dependencies=[Depends(reject_nul_characters)]
)
AUTHENTICATED = [Depends(api_agent)]
MANAGERS_ONLY = [Depends(api_manager)]


def customer_out(view: CustomerView) -> CustomerOut:
    customer = view.customer
    return CustomerOut(
        id=customer.id,
        name=customer.name,
        company=view.company,
        notes=customer.notes,
        tags=view.tags,
        identities=[IdentityOut.model_validate(identity) for identity in view.identities],
        created_at=customer.created_at,
        merged_into_id=customer.merged_into_id,
    )


@router.post(
    "",
    status_code=201,
    response_model=CustomerOut,
    summary="Create a customer",
    responses=error_responses(400, 409),
)
def post_customer(
    data: CustomerCreate, database: DatabaseDep, clock: ClockDep, call: Idempotency
) -> Response:
    def create(session: Session) -> CustomerOut:
        customer = create_customer(session, data=data, now=clock.now())
        return customer_out(load_customer_views(session, [customer])[0])

    return create_once(database, call, payload=data, create=create, now=clock.now())


@router.get(
    "",
    response_model=CustomerPage,
    dependencies=AUTHENTICATED,
    summary="List customers, newest first; `q` searches name and identity prefixes",
    responses=error_responses(),
)
def get_customers(
    database: DatabaseDep,
    q: Annotated[str | None, Query(max_length=200, description="name or identity prefix")] = None,
    cursor: PageCursor = None,
    limit: PageLimit = 25,
) -> CustomerPage:
    with database.reader() as session:
        views, next_cursor = list_customers(session, cursor=cursor, limit=limit, query=q)
        return CustomerPage(items=[customer_out(view) for view in views], next_cursor=next_cursor)


@router.get(
    "/{customer_id}",
    response_model=CustomerOut,
    dependencies=AUTHENTICATED,
    summary="One customer, with identities, company and tags",
    responses=error_responses(404),
)
def get_customer(customer_id: PathId, database: DatabaseDep) -> CustomerOut:
    with database.reader() as session:
        return customer_out(get_customer_view(session, customer_id))


@router.post(
    "/{customer_id}/merge",
    response_model=CustomerOut,
    dependencies=MANAGERS_ONLY,
    summary="Merge another customer (source_id) into this one; managers and admins",
    responses=error_responses(400, 403, 404, 409),
)
def post_customer_merge(
    customer_id: PathId, data: CustomerMerge, database: DatabaseDep, clock: ClockDep
) -> CustomerOut:
    with database.transaction() as session:
        merge_customers(session, target_id=customer_id, source_id=data.source_id, now=clock.now())
        return customer_out(get_customer_view(session, customer_id))
