"""GET /api/v1/insights/export.csv|.parquet, /insights/tables/{dashboard}/{key}.csv and the
weekly reports: managers and admins only, the filter in the query string, streamed bodies."""

import csv
import io
import sys
import types
from datetime import UTC, date, datetime

import pyarrow.parquet as pq
import pytest
from api_support import Caller
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact, WeeklyReport
from goodwill.insights.registry import DASHBOARDS, tables_builder
from goodwill.insights.services.export import HEADER
from goodwill.insights.tables import Table
from support.export_facts import add_fact

API = "/api/v1/insights"


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def facts(make: Factories) -> list[ConversationFact]:
    team = make.team(name="Billing")
    return [
        add_fact(make, day=date(2026, 3, 1), team_id=team.id, csat=5, tags=("vip",)),
        add_fact(make, day=date(2026, 3, 2), channel="chat", csat=1),
        add_fact(make, day=date(2026, 1, 10)),  # outside the default 30 days
    ]


def test_a_manager_downloads_the_csv_of_the_last_30_days(
    client: TestClient, manager: Caller, facts: list[ConversationFact]
) -> None:
    response = client.get(f"{API}/export.csv", headers=manager.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert (
        'filename="goodwill-conversations-2026-02-01-to-2026-03-02.csv"'
        in (response.headers["content-disposition"])
    )
    rows = rows_of(response.text)
    assert list(rows[0]) == list(HEADER)
    assert [int(r["conversation_id"]) for r in rows] == [f.conversation_id for f in facts[:2]]
    assert (rows[0]["team_name"], rows[0]["tags"], rows[0]["csat"]) == ("Billing", "vip", "5")


def test_the_filter_in_the_query_applies(
    client: TestClient, admin: Caller, facts: list[ConversationFact]
) -> None:
    chat = client.get(f"{API}/export.csv?channel=chat", headers=admin.headers)
    assert [int(r["conversation_id"]) for r in rows_of(chat.text)] == [facts[1].conversation_id]
    january = client.get(f"{API}/export.csv?start=2026-01-01&end=2026-01-31", headers=admin.headers)
    assert [int(r["conversation_id"]) for r in rows_of(january.text)] == [facts[2].conversation_id]
    team = client.get(f"{API}/export.csv?team_id={facts[0].team_id}", headers=admin.headers)
    assert len(rows_of(team.text)) == 1
    bad = client.get(f"{API}/export.csv?start=yesterday", headers=admin.headers)
    assert bad.status_code == 422
    assert "YYYY-MM-DD" in bad.text


def test_the_parquet_export_reads_back_with_the_same_rows(
    client: TestClient, manager: Caller, facts: list[ConversationFact]
) -> None:
    response = client.get(f"{API}/export.parquet", headers=manager.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(response.content))
    assert table.column("conversation_id").to_pylist() == [f.conversation_id for f in facts[:2]]
    assert table.column("opened_at").to_pylist()[0] == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert table.column("csat").to_pylist() == [5, 1]


@pytest.mark.parametrize(
    "path",
    ["export.csv", "export.parquet", "tables/quality/summary.csv", "reports", "reports/1.pdf"],
)
def test_agents_are_refused(client: TestClient, agent: Caller, path: str) -> None:
    response = client.get(f"{API}/{path}", headers=agent.headers)
    assert response.status_code == 403
    assert "manager" in response.text


def test_without_a_token_it_is_401(client: TestClient) -> None:
    assert client.get(f"{API}/export.csv").status_code == 401


@pytest.fixture
def fake_dashboard(monkeypatch: pytest.MonkeyPatch) -> list[InsightFilter]:
    """A dashboard module registered for the test; it records the filters it was given."""
    seen: list[InsightFilter] = []

    def dashboard_tables(
        session: Session, insight_filter: InsightFilter, now: datetime
    ) -> tuple[Table, ...]:
        seen.append(insight_filter)
        return (
            Table(
                "volume",
                "Volume",
                ("day", "conversations"),
                (("2026-03-01", 3), ("2026-03-02", None)),
            ),
            Table("other", "Other", ("a",), ()),
        )

    module = types.ModuleType("goodwill_test_fake_dashboard")
    module.dashboard_tables = dashboard_tables  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(DASHBOARDS, "fake", module.__name__)
    return seen


def test_any_dashboard_table_downloads_as_csv(
    client: TestClient, manager: Caller, fake_dashboard: list[InsightFilter]
) -> None:
    response = client.get(
        f"{API}/tables/fake/volume.csv?start=2026-02-01&end=2026-02-28&channel=chat",
        headers=manager.headers,
    )
    assert response.status_code == 200
    assert response.text == "day,conversations\n2026-03-01,3\n2026-03-02,\n"
    assert fake_dashboard == [
        InsightFilter(start=date(2026, 2, 1), end=date(2026, 2, 28), channel="chat")
    ]
    assert (
        "goodwill-fake-volume-2026-02-01-to-2026-02-28.csv"
        in response.headers["content-disposition"]
    )


def test_unknown_dashboards_and_tables_are_404_with_the_choices(
    client: TestClient, manager: Caller, fake_dashboard: list[InsightFilter]
) -> None:
    unknown = client.get(f"{API}/tables/nope/volume.csv", headers=manager.headers)
    assert unknown.status_code == 404
    assert "choose one of" in unknown.text and "service" in unknown.text
    missing = client.get(f"{API}/tables/fake/nope.csv", headers=manager.headers)
    assert missing.status_code == 404
    assert "its tables are: volume, other" in missing.text


def test_a_real_dashboard_table_downloads(
    client: TestClient, manager: Caller, facts: list[ConversationFact]
) -> None:
    response = client.get(f"{API}/tables/service/volume.csv", headers=manager.headers)
    assert response.status_code == 200, response.text
    assert len(rows_of(response.text)) >= 1


def test_weekly_reports_are_listed_and_their_pdf_served(
    client: TestClient, manager: Caller, session: Session, make: Factories
) -> None:
    report = WeeklyReport(
        week_start=date(2026, 2, 23),
        html="<p>hi</p>",
        pdf=b"%PDF-1.4 test",
        recipients=["a@x", "b@x"],
        created_at=make.clock.now(),
        sent_at=None,
    )
    session.add(report)
    session.flush()
    listed = client.get(f"{API}/reports", headers=manager.headers)
    assert listed.status_code == 200
    [item] = listed.json()
    assert item["week_start"] == "2026-02-23" and item["week_end"] == "2026-03-01"
    assert item["recipients"] == 2 and item["sent_at"] is None
    pdf = client.get(item["pdf_url"], headers=manager.headers)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == b"%PDF-1.4 test"
    assert (
        client.get(f"{API}/reports/{report.id + 1}.pdf", headers=manager.headers).status_code == 404
    )


@pytest.mark.parametrize("dashboard", sorted(DASHBOARDS))
def test_every_real_dashboard_serves_each_of_its_tables_as_csv(
    client: TestClient, manager: Caller, facts: list[ConversationFact], dashboard: str
) -> None:
    """The registry names real modules, and every table they build downloads with its rows."""
    with client.app.state.database.reader() as session:  # type: ignore[attr-defined]
        now = client.app.state.clock.now()  # type: ignore[attr-defined]
        tables = tables_builder(dashboard)(
            session, InsightFilter(date(2026, 2, 1), date(2026, 3, 2)), now
        )
    assert tables, f"{dashboard} builds no tables"
    for table in tables:
        response = client.get(
            f"{API}/tables/{dashboard}/{table.key}.csv?start=2026-02-01&end=2026-03-02",
            headers=manager.headers,
        )
        assert response.status_code == 200, (table.key, response.text)
        header = next(csv.reader(io.StringIO(response.text)))
        assert tuple(header) == table.columns
        assert len(rows_of(response.text)) == len(table.rows)
