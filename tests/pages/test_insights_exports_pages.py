"""The Exports & reports tab: download links with the filter, the page twins of the export API
(checked against the session), the weekly reports and the admins' "send now" button."""

import csv
import io
import sys
import types
from datetime import date, datetime

import pyarrow.parquet as pq
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from workspace_client import PASSWORD, SignIn

from factories import Factories
from goodwill.agents import passwords
from goodwill.agents.models import Agent
from goodwill.agents.roles import Role
from goodwill.core.jobs.models import Job
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import WeeklyReport
from goodwill.insights.registry import DASHBOARDS
from goodwill.insights.services.send_report import SEND_REPORT_JOB
from goodwill.insights.tables import Table
from support.export_facts import add_fact


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at production cost takes ~0.4 s per agent; these tests are not about hashing."""
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.fixture
def manager(make: Factories) -> Agent:
    return make.agent(name="Mona Manager", role=Role.MANAGER, password=PASSWORD)


@pytest.fixture
def admin(make: Factories) -> Agent:
    return make.agent(name="Ada Admin", role=Role.ADMIN, password=PASSWORD)


def test_the_tab_links_the_downloads_with_the_current_filter(
    client: TestClient, sign_in: SignIn, manager: Agent
) -> None:
    sign_in(manager)
    page = client.get("/insights/exports?start=2026-02-01&end=2026-02-28&channel=chat")
    assert page.status_code == 200
    html = page.text
    assert 'aria-current="page">Exports &amp; reports' in html
    query = "start=2026-02-01&amp;end=2026-02-28&amp;channel=chat"
    assert f'href="/insights/export.csv?{query}"' in html
    assert f'href="/insights/export.parquet?{query}"' in html
    assert "No weekly report yet." in html
    assert "Send this week's report now" not in html  # managers do not send


def test_signed_in_managers_download_csv_and_parquet(
    client: TestClient, sign_in: SignIn, manager: Agent, make: Factories
) -> None:
    kept = add_fact(make, day=date(2026, 3, 1), csat=4)
    add_fact(make, day=date(2026, 3, 1), channel="chat")
    sign_in(manager)
    response = client.get("/insights/export.csv?channel=email")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(row["conversation_id"]) for row in rows] == [kept.conversation_id]
    parquet = client.get("/insights/export.parquet?channel=email")
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.column("csat").to_pylist() == [4]


def test_any_table_downloads_from_the_pages(
    client: TestClient, sign_in: SignIn, manager: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dashboard_tables(
        session: Session, insight_filter: InsightFilter, now: datetime
    ) -> tuple[Table, ...]:
        return (Table("days", "Days", ("day", "n"), ((insight_filter.start.isoformat(), 1),)),)

    module = types.ModuleType("goodwill_test_page_dashboard")
    module.dashboard_tables = dashboard_tables  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(DASHBOARDS, "pagefake", module.__name__)
    sign_in(manager)
    response = client.get("/insights/tables/pagefake/days.csv?start=2026-02-10&end=2026-02-11")
    assert response.status_code == 200
    assert response.text == "day,n\n2026-02-10,1\n"
    assert client.get("/insights/tables/pagefake/nope.csv").status_code == 404


def test_agents_are_refused_and_strangers_sent_to_sign_in(
    client: TestClient, sign_in: SignIn, make: Factories
) -> None:
    for path in ("/insights/exports", "/insights/export.csv", "/insights/export.parquet"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and "/login" in response.headers["location"]
    sign_in(make.agent(role=Role.AGENT, password=PASSWORD))
    for path in ("/insights/exports", "/insights/export.csv", "/insights/reports/1.pdf"):
        assert client.get(path).status_code == 403


def test_an_admin_sends_this_weeks_report_once(
    client: TestClient,
    sign_in: SignIn,
    admin: Agent,
    manager: Agent,
    session: Session,
    make: Factories,
) -> None:
    add_fact(make, day=date(2026, 2, 25), csat=5)
    csrf = sign_in(admin)
    page = client.get("/insights/exports")
    assert "Send this week's report now" in page.text
    assert "The latest week is 2026-02-23 to 2026-03-01" in page.text
    sent = client.post(
        "/insights/exports/send-report", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert sent.status_code == 303
    after = client.get(sent.headers["location"])
    assert "its mails are queued" in after.text
    [report] = session.scalars(select(WeeklyReport)).all()
    assert report.week_start == date(2026, 2, 23)
    queued = session.scalars(select(Job).where(Job.name == SEND_REPORT_JOB)).all()
    assert sorted(job.payload["agent_id"] for job in queued) == sorted([admin.id, manager.id])
    assert f'href="/insights/reports/{report.id}.pdf"' in after.text
    again = client.post("/insights/exports/send-report", data={"csrf_token": csrf})
    assert "already built" in again.text
    assert len(session.scalars(select(Job).where(Job.name == SEND_REPORT_JOB)).all()) == 2
    pdf = client.get(f"/insights/reports/{report.id}.pdf")
    assert pdf.content.startswith(b"%PDF")
    html = client.get(f"/insights/reports/{report.id}.html")
    assert "<svg" in html.text and "Weekly report: 2026-02-23 to 2026-03-01" in html.text


def test_sending_needs_an_admin_and_the_csrf_token(
    client: TestClient, sign_in: SignIn, admin: Agent, manager: Agent, session: Session
) -> None:
    sign_in(admin)
    assert client.post("/insights/exports/send-report", data={}).status_code == 403
    csrf = sign_in(manager)
    assert (
        client.post("/insights/exports/send-report", data={"csrf_token": csrf}).status_code == 403
    )
    assert session.scalars(select(WeeklyReport)).all() == []
