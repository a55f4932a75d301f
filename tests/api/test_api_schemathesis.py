"""Property-based checks from the OpenAPI document: read endpoints and customer creation never 5xx.

schemathesis' pytest loader (`schemathesis.pytest.from_fixture`) fails on pytest 9 (it sets
`Node._nodeid`), so each operation's Hypothesis strategy is driven here directly.
"""

from typing import Any

import pytest
import schemathesis
from api_support import Caller
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from factories import Factories
from goodwill.agents.roles import Role

EXAMPLES_PER_OPERATION = 20
Operation = schemathesis.APIOperation[Any, Any, Any, Any]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


@pytest.fixture
def api_caller(make: Factories) -> Caller:
    """An admin (sees everything) and a little data, so ids in generated requests can exist."""
    admin = make.agent(role=Role.ADMIN)
    team = make.team(members=(admin,))
    for number in range(3):
        make.conversation(team=team, tags=("demo",), subject=f"Order {number} is late")
    return Caller(admin, {"Authorization": f"Bearer {make.token(admin)}"})


def checked_operations(app: FastAPI) -> list[Operation]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    included = schema.include(method="GET").include(method="POST", path="/api/v1/customers")
    operations = []
    for result in included.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI document has an invalid operation: {result}"
        operations.append(result.ok())
    return operations


def check_operation(
    operation: Operation, mode: schemathesis.GenerationMode, caller: Caller
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
        ],
    )
    def run(case: schemathesis.Case[Operation]) -> None:
        case.call_and_validate(headers=dict(caller.headers), checks=[not_a_server_error])

    run()


def modes_for(operation: Operation) -> tuple[schemathesis.GenerationMode, ...]:
    """Negative data needs something to get wrong: a path or query parameter, or a body."""
    has_inputs = any(len(part) for part in (operation.path_parameters, operation.query))
    return MODES if has_inputs or len(operation.body) else MODES[:1]


def test_api_never_answers_with_a_server_error(app: FastAPI, api_caller: Caller) -> None:
    operations = checked_operations(app)
    labels = {operation.label for operation in operations}
    assert {"GET /api/v1/conversations", "POST /api/v1/customers"} <= labels
    for operation in operations:
        for mode in modes_for(operation):
            try:
                check_operation(operation, mode, api_caller)
            except Exception as error:
                error.add_note(f"while checking {operation.label} with {mode.value} data")
                raise
