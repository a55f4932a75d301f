"""Predicted satisfaction on a small generated demo: it beats the mean and finds the causes."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from goodwill import all_models
from goodwill.core.db import Database
from goodwill.demo.loader import seed_database
from goodwill.satisfaction import prediction
from goodwill.satisfaction.models import SatisfactionPrediction
from goodwill.satisfaction.services.prediction import training_rows

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("prediction") / "demo.db"
    database = Database(f"sqlite:///{path}")
    all_models.metadata.create_all(database.engine)
    seed_database(database, conversations=10_000, seed=7, now=NOW, progress=False)
    database.dispose()
    return path


def test_cross_validated_error_beats_the_mean_with_the_planted_signs(demo: Path) -> None:
    database = Database(f"sqlite:///{demo}")
    with database.reader() as session:
        rows, ratings = training_rows(session)
    database.dispose()
    assert len(rows) > 500
    model = prediction.fit(rows, ratings)
    assert model.metrics.mae < 0.97 * model.metrics.baseline_mae
    assert model.metrics.rmse < 0.95 * model.metrics.baseline_rmse
    coefficient = dict(zip(model.features, model.coefficients, strict=True))
    assert coefficient["reopens"] < -0.1  # PlantedEffects.per_reopen
    assert coefficient["transfers"] < 0  # PlantedEffects.transferred
    assert coefficient["first_reply:8-24"] < coefficient["first_reply:under 1"] - 0.2
    assert coefficient["topic:defect"] < coefficient["topic:how_to"]


def test_the_train_command_prints_its_figures_and_estimates_the_unrated(demo: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOODWILL_")}
    env |= {
        "GOODWILL_SECRET_KEY": "test-secret-key-0123456789abcdef",
        "GOODWILL_DATABASE_URL": f"sqlite:///{demo}",
        "COLUMNS": "200",
        "NO_COLOR": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "goodwill.cli", "satisfaction", "train"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    said = result.stdout + result.stderr  # the console writes to stderr
    assert "5-fold cross-validated error on" in said
    assert "trusted: the model beats the mean rating" in said
    database = Database(f"sqlite:///{demo}")
    with database.reader() as session:
        stored = session.scalar(select(func.count()).select_from(SatisfactionPrediction))
    database.dispose()
    assert stored is not None and stored > 5_000
    assert f"estimated {stored} resolved" in said


def test_too_few_ratings_make_the_command_say_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    database = Database(f"sqlite:///{empty}")
    all_models.metadata.create_all(database.engine)
    database.dispose()
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOODWILL_")}
    env |= {
        "GOODWILL_SECRET_KEY": "test-secret-key-0123456789abcdef",
        "GOODWILL_DATABASE_URL": f"sqlite:///{empty}",
        "COLUMNS": "200",
    }
    result = subprocess.run(
        [sys.executable, "-m", "goodwill.cli", "satisfaction", "train"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "too few ratings (0 of 200)" in result.stdout + result.stderr
