"""The application factory: routers, error handlers, static files and the in-process worker."""

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import goodwill.jobs_index  # noqa: F401  (registers job handlers)
from goodwill.agents import admin_api as agents_admin_api
from goodwill.agents import api as agents_api
from goodwill.agents import pages as agents_pages
from goodwill.agents import schedules_api as business_hours_api
from goodwill.commerce import api as commerce_api
from goodwill.commerce import pages as commerce_pages
from goodwill.conversations import api as conversations_api
from goodwill.conversations import import_api as conversations_import_api
from goodwill.conversations import pages as conversations_pages
from goodwill.conversations import sla_api as sla_policies_api
from goodwill.core.clock import Clock, SystemClock
from goodwill.core.db import Database
from goodwill.core.jobs.worker import Worker
from goodwill.customers import api as customers_api
from goodwill.customers import pages as customers_pages
from goodwill.insights import api as insights_api
from goodwill.insights import causes_api as insights_causes_api
from goodwill.insights import causes_pages as insights_causes_pages
from goodwill.insights import drivers_api as insights_drivers_api
from goodwill.insights import drivers_pages as insights_drivers_pages
from goodwill.insights import export_api as insights_export_api
from goodwill.insights import export_pages as insights_export_pages
from goodwill.insights import pages as insights_pages
from goodwill.insights import quality_api as insights_quality_api
from goodwill.insights import quality_pages as insights_quality_pages
from goodwill.insights import satisfaction_api as insights_satisfaction_api
from goodwill.insights import satisfaction_pages as insights_satisfaction_pages
from goodwill.mail import api as mail_api
from goodwill.mail import mailbox_api
from goodwill.mail import pages as mail_pages
from goodwill.quality import api as quality_api
from goodwill.quality import pages as quality_pages
from goodwill.quality import review_api as quality_review_api
from goodwill.quality import review_pages as quality_review_pages
from goodwill.satisfaction import api as satisfaction_api
from goodwill.satisfaction import pages as satisfaction_pages
from goodwill.settings import Settings
from goodwill.surveys import answer_pages as survey_answer_pages
from goodwill.surveys import api as surveys_api
from goodwill.surveys import loop_api as survey_loop_api
from goodwill.surveys import loop_pages as survey_loop_pages
from goodwill.surveys import pages as surveys_pages
from goodwill.web import health
from goodwill.web.body_limit import BodyLimitMiddleware
from goodwill.web.errors import install_error_handlers
from goodwill.web.sessions import SessionSigner

STATIC_DIR = Path(__file__).resolve().parent / "web" / "static"
API_ROUTERS = (
    agents_api.router,
    agents_admin_api.router,
    business_hours_api.router,
    customers_api.router,
    commerce_api.router,
    conversations_api.router,
    conversations_import_api.router,
    sla_policies_api.router,
    quality_review_api.router,
    quality_api.router,
    mailbox_api.router,
    mail_api.router,
    survey_loop_api.router,
    surveys_api.router,
    satisfaction_api.router,
    insights_export_api.router,
    insights_api.router,
    insights_drivers_api.router,
    insights_causes_api.router,
    insights_satisfaction_api.router,
    insights_quality_api.router,
)
PAGE_ROUTERS = (
    agents_pages.router,
    conversations_pages.router,
    customers_pages.router,
    commerce_pages.router,
    mail_pages.router,
    quality_review_pages.router,
    quality_pages.router,
    survey_answer_pages.router,
    survey_loop_pages.router,
    surveys_pages.router,
    satisfaction_pages.router,
    insights_export_pages.router,
    insights_pages.router,
    insights_drivers_pages.router,
    insights_causes_pages.router,
    insights_satisfaction_pages.router,
    insights_quality_pages.router,
)

log = logging.getLogger("goodwill")


def _lifespan(settings: Settings):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        thread = None
        if settings.run_worker_in_process:
            worker = Worker(app.state.database, clock=app.state.clock, settings=settings)
            thread = threading.Thread(
                target=worker.run_forever,
                args=(stop,),
                kwargs={"poll_seconds": settings.worker_poll_seconds},
                name="goodwill-worker",
                daemon=True,
            )
            thread.start()
        try:
            yield
        finally:
            stop.set()
            if thread is not None:
                thread.join(timeout=10)

    return lifespan


def create_app(
    settings: Settings, *, database: Database | None = None, clock: Clock | None = None
) -> FastAPI:
    app = FastAPI(
        title="Goodwill",
        version="0.1.0",
        description="Customer service that measures the satisfaction it produces.",
        lifespan=_lifespan(settings),
    )
    app.state.settings = settings
    app.state.database = database or Database(settings.database_url)
    app.state.clock = clock or SystemClock()
    app.state.session_signer = SessionSigner(
        settings.secret_key, max_age_seconds=settings.session_max_age_hours * 3600
    )
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_body_bytes)
    app.include_router(health.router)
    for router in API_ROUTERS:
        app.include_router(router, prefix="/api/v1")
    for router in PAGE_ROUTERS:
        app.include_router(router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def create_app_from_environment() -> FastAPI:
    """Factory for `uvicorn --factory` and multi-process serving: settings from GOODWILL_*."""
    return create_app(Settings())
