"""Customer pages of the agent workspace: a searchable list and each customer's history."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodwill.commerce.services.customer_history import customer_history
from goodwill.conversations.access import scope_for
from goodwill.conversations.repository import ConversationFilters, list_conversation_rows
from goodwill.customers.service import get_customer_view, list_customers
from goodwill.web.deps import ClockDep, DatabaseDep, PageAgent, SettingsDep
from goodwill.web.templating import render

router = APIRouter()


@router.get("/customers", response_class=HTMLResponse)
def show_customers(
    request: Request,
    agent: PageAgent,
    database: DatabaseDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200)] = "",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    with database.reader() as session:
        customers, next_cursor = list_customers(
            session, cursor=cursor, limit=settings.page_size, query=q.strip() or None
        )
    return render(
        request,
        "customers/list.html",
        agent=agent,
        q=q,
        customers=customers,
        next_cursor=next_cursor,
        is_first_page=cursor is None,
    )


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def show_customer(
    request: Request,
    customer_id: int,
    agent: PageAgent,
    database: DatabaseDep,
    clock: ClockDep,
    settings: SettingsDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    warning = timedelta(minutes=settings.sla_warning_minutes)
    with database.reader() as session:
        view = get_customer_view(session, customer_id)
        if view.customer.merged_into_id is not None:
            return RedirectResponse(f"/customers/{view.customer.merged_into_id}", status_code=303)
        rows, next_cursor = list_conversation_rows(
            session,
            filters=ConversationFilters(customer_id=customer_id),
            scope=scope_for(session, agent),
            cursor=cursor,
            limit=settings.page_size,
            now=clock.now(),
            warning=warning,
        )
        history = customer_history(session, customer_id, now=clock.now())
    return render(
        request,
        "customers/detail.html",
        history=history,
        agent=agent,
        view=view,
        rows=rows,
        next_cursor=next_cursor,
        is_first_page=cursor is None,
        warning=warning,
    )
