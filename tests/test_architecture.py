"""House rules: pure modules stay pure, files stay small, services never commit."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "goodwill"

PURE_MODULES = [
    "insights/facts_rules.py",
    "insights/charts.py",
    "insights/drill.py",
    "insights/drivers_rules.py",
    "insights/drivers_words.py",
    "insights/filters.py",
    "insights/tables.py",
    "insights/satisfaction_rules.py",
    "insights/report_rules.py",
    "insights/cause_rules.py",
    "insights/cause_lexicon.py",
    "insights/cause_aspects.py",
    "agents/business_hours.py",
    "agents/roles.py",
    "agents/tokens.py",
    "commerce/csv_rows.py",
    "commerce/loyalty.py",
    "conversations/attachments.py",
    "conversations/status.py",
    "conversations/sla.py",
    "conversations/assignment_rules.py",
    "conversations/placeholders.py",
    "conversations/references.py",
    "customers/identities.py",
    "core/jobs/backoff.py",
    "core/pagination.py",
    "quality/calibration.py",
    "quality/coaching_rules.py",
    "quality/checklist.py",
    "quality/failures.py",
    "quality/gated.py",
    "quality/lexicon.py",
    "quality/lexicon_solution.py",
    "quality/promises_text.py",
    "quality/rubric.py",
    "quality/scoring.py",
    "quality/steps.py",
    "quality/transcript.py",
    "satisfaction/prediction.py",
    "satisfaction/sentiment.py",
    "conversations/replay.py",
    "demo/arrivals.py",
    "demo/catalog.py",
    "demo/dispatch.py",
    "demo/draw.py",
    "demo/effects.py",
    "demo/generator.py",
    "demo/habits.py",
    "demo/names.py",
    "demo/outcomes.py",
    "demo/people.py",
    "demo/replies.py",
    "demo/rows.py",
    "demo/scenarios.py",
    "demo/simulation.py",
    "demo/story.py",
    "demo/texts.py",
    "demo/wording.py",
    "demo/worktime.py",
    "demo/world.py",
    "mail/compose.py",
    "mail/message_ids.py",
    "mail/thread_index.py",
    "mail/bodies.py",
    "mail/classify.py",
    "mail/decoding.py",
    "mail/html_text.py",
    "mail/parse.py",
    "mail/quoting.py",
    "mail/import_threads.py",
    "mail/history_rules.py",
    "surveys/answer_rules.py",
    "surveys/defaults.py",
    "surveys/rules.py",
]
FORBIDDEN_IN_PURE = (
    "sqlalchemy",
    "fastapi",
    "starlette",
    "httpx",
    "jinja2",
    "smtplib",
    "imaplib",
    "sqlite3",
    "socket",
    "requests",
)
MAX_LINES = 500


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_does_no_io(module: str) -> None:
    path = SRC / module
    bad = {name for name in imported_modules(path) if name.split(".")[0] in FORBIDDEN_IN_PURE}
    assert bad == set()
    assert "datetime.now(" not in path.read_text()


def test_no_source_file_exceeds_the_size_budget() -> None:
    too_big = [
        f"{path.relative_to(SRC)} ({count} lines)"
        for path in SRC.rglob("*.py")
        if "migrations/versions" not in str(path)
        and (count := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert too_big == []


def test_services_never_commit() -> None:
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if ("service" in path.name or "/services/" in str(path)) and ".commit()" in path.read_text()
    ]
    assert offenders == []
