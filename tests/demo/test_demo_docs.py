"""docs/demo-data.md documents every planted effect with the value the code uses."""

import re
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path

from goodwill.demo.effects import PlantedEffects
from goodwill.demo.habits import ROSTER

DOC = Path(__file__).resolve().parents[2] / "docs" / "demo-data.md"


def documented_values() -> dict[str, str]:
    """`name` -> value from the doc's table rows like | `name` | value | ... |."""
    rows = re.findall(r"^\|\s*`([\w.\-]+)`\s*\|\s*([^|]+?)\s*\|", DOC.read_text(), re.MULTILINE)
    return dict(rows)


def planted() -> dict[str, float]:
    effects = PlantedEffects()
    values: dict[str, float] = {}
    for field in fields(effects):
        value = getattr(effects, field.name)
        if isinstance(value, Mapping):
            values.update({f"{field.name}.{key}": number for key, number in value.items()})
        else:
            values[field.name] = value
    return values


def test_every_planted_effect_is_documented_with_its_value() -> None:
    documented = documented_values()
    for name, value in planted().items():
        assert name in documented, f"{name} is missing from {DOC.name}"
        assert float(documented[name]) == value, f"{name}: doc {documented[name]}, code {value}"


def test_every_agent_habit_is_documented() -> None:
    text = DOC.read_text()
    for agent in ROSTER:
        if agent.role == "admin":
            continue
        habits = agent.habits
        numbers = [f"{habits.first_reply_minutes:g}"] + [
            f"{value:.2f}"
            for value in (
                habits.greets_by_name,
                habits.asks_needs,
                habits.thanks,
                habits.keeps_promises,
                habits.writes_notes,
            )
        ]
        row = next(line for line in text.splitlines() if line.startswith(f"| {agent.name} |"))
        assert [cell.strip() for cell in row.split("|")[4:10]] == numbers, agent.name
