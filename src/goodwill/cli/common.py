"""Shared CLI plumbing: settings with a readable error, the database, the console."""

import sys
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from pydantic import ValidationError
from rich.console import Console

from goodwill.core.db import Database
from goodwill.core.errors import DomainError
from goodwill.settings import Settings

console = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"GOODWILL_{'_'.join(str(p) for p in item['loc']).upper()}: {item['msg']}"
            for item in error.errors()
        )
        console.print(
            f"[red]Configuration error:[/red] {problems}. "
            "Set it in the environment or in .env (run `make env` to create one)."
        )
        sys.exit(2)


def open_database(settings: Settings) -> Database:
    return Database(settings.database_url)


def friendly_errors(function: Callable[P, R]) -> Callable[P, R]:
    """Turn domain errors into one sentence and exit code 1 instead of a traceback."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except DomainError as error:
            console.print(f"[red]Error:[/red] {error.message}")
            sys.exit(1)

    return wrapper
