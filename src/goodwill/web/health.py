"""Liveness and readiness: GET /healthz checks the database answers."""

from fastapi import APIRouter
from sqlalchemy import text

from goodwill.web.deps import DatabaseDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(database: DatabaseDep) -> dict[str, str]:
    with database.reader() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "database": database.dialect}
