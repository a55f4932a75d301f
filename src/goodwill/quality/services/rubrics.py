"""Rubric use-cases: the one in use, list, create, change. At most one rubric is active."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from goodwill.core.errors import Conflict, Invalid, NotFound
from goodwill.quality.models import QualityRubric
from goodwill.quality.review_schemas import RubricCreate, RubricUpdate
from goodwill.quality.rubric import DEFAULT_RUBRIC, STEPS, Rubric

DEFAULT_NAME = "Default"


@dataclass(frozen=True, slots=True)
class RubricInUse:
    """The active rubric row (None: nothing saved yet, the built-in default applies) and rules."""

    row: QualityRubric | None
    rules: Rubric

    @property
    def id(self) -> int | None:
        return self.row.id if self.row else None

    @property
    def name(self) -> str:
        return self.row.name if self.row else DEFAULT_NAME


def rubric_rules(row: QualityRubric) -> Rubric:
    """The pure rubric a saved row stands for; failure-mode penalties keep their defaults."""
    return Rubric(
        weights={step: float(row.weights.get(step, 0.0)) for step in STEPS},
        critical=frozenset(step for step in row.critical if step in STEPS),
        penalties=DEFAULT_RUBRIC.penalties,
    )


def rubric_in_use(session: Session) -> RubricInUse:
    row = session.scalar(
        select(QualityRubric).where(QualityRubric.is_active.is_(True)).order_by(QualityRubric.id)
    )
    return RubricInUse(row, rubric_rules(row) if row else DEFAULT_RUBRIC)


def load_active_rubric(session: Session) -> Rubric:
    """The rules every score and review uses now."""
    return rubric_in_use(session).rules


def list_rubrics(session: Session) -> list[QualityRubric]:
    return list(session.scalars(select(QualityRubric).order_by(QualityRubric.id)))


def get_rubric(session: Session, rubric_id: int) -> QualityRubric:
    row = session.get(QualityRubric, rubric_id)
    if row is None:
        raise NotFound(f"rubric {rubric_id} does not exist")
    return row


def create_rubric(session: Session, *, data: RubricCreate, now: datetime) -> QualityRubric:
    _check_name_is_free(session, data.name, exclude_id=None)
    weights = {str(step): weight for step, weight in data.weights.items()}
    row = _insert(session, name=data.name, weights=weights, critical=data.critical, now=now)
    if data.is_active:
        _activate(session, row)
    return row


def _insert(
    session: Session,
    *,
    name: str,
    weights: Mapping[str, float],
    critical: Iterable[str],
    now: datetime,
) -> QualityRubric:
    row = QualityRubric(
        name=name,
        weights=normalise_weights(weights),
        critical=normalise_critical(critical),
        is_active=False,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def update_rubric(
    session: Session, rubric_id: int, *, patch: RubricUpdate, now: datetime
) -> QualityRubric:
    row = get_rubric(session, rubric_id)
    fields = patch.model_fields_set
    if patch.name is not None and patch.name != row.name:
        _check_name_is_free(session, patch.name, exclude_id=row.id)
        row.name = patch.name
    if "weights" in fields and patch.weights is not None:
        row.weights = normalise_weights({str(k): v for k, v in patch.weights.items()})
    if "critical" in fields and patch.critical is not None:
        row.critical = normalise_critical(patch.critical)
    row.updated_at = now
    if patch.is_active is True:
        _activate(session, row)
    elif patch.is_active is False:
        row.is_active = False
    session.flush()
    return row


def save_active_rubric(
    session: Session, *, weights: Mapping[str, float], critical: Iterable[str], now: datetime
) -> QualityRubric:
    """The editor page: change the rubric in use; with none in use, save and use "Default"."""
    row = rubric_in_use(session).row or session.scalar(
        select(QualityRubric).where(QualityRubric.name == DEFAULT_NAME)
    )
    if row is None:
        row = _insert(session, name=DEFAULT_NAME, weights=weights, critical=critical, now=now)
    else:
        row.weights = normalise_weights(weights)
        row.critical = normalise_critical(critical)
        row.updated_at = now
    _activate(session, row)
    return row


def normalise_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """All five steps, unknown ones refused, at least one weight above 0."""
    unknown = sorted(set(weights) - set(STEPS))
    if unknown:
        raise Invalid(f"unknown steps {unknown}; the steps are {', '.join(STEPS)}")
    if any(value < 0 for value in weights.values()):
        raise Invalid("weights cannot be negative; use 0 to leave a step out of the total")
    full = {step: float(weights.get(step, 0.0)) for step in STEPS}
    if not any(full.values()):
        raise Invalid("give at least one step a weight above 0")
    return full


def normalise_critical(critical: Iterable[str]) -> list[str]:
    chosen = set(critical)
    unknown = sorted(chosen - set(STEPS))
    if unknown:
        raise Invalid(f"unknown critical steps {unknown}; the steps are {', '.join(STEPS)}")
    return [step for step in STEPS if step in chosen]


def _activate(session: Session, row: QualityRubric) -> None:
    session.execute(
        update(QualityRubric)
        .where(QualityRubric.id != row.id, QualityRubric.is_active.is_(True))
        .values(is_active=False)
        .execution_options(synchronize_session="fetch")
    )
    row.is_active = True
    session.flush()


def _check_name_is_free(session: Session, name: str, *, exclude_id: int | None) -> None:
    query = select(QualityRubric.id).where(func.lower(QualityRubric.name) == name.lower())
    if exclude_id is not None:
        query = query.where(QualityRubric.id != exclude_id)
    if session.scalar(query) is not None:
        raise Conflict(f"a rubric named {name!r} already exists; choose another name")
