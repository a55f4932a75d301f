"""Saved-reply placeholders like {{ customer.first_name }}, filled without Jinja. Pure."""

import re
from collections.abc import Mapping

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")

KNOWN_PLACEHOLDERS = (
    "customer.first_name",
    "customer.name",
    "agent.first_name",
    "agent.name",
    "conversation.reference",
    "conversation.subject",
)


def unknown_placeholders(template: str) -> list[str]:
    return sorted(
        {name for name in PLACEHOLDER.findall(template) if name not in KNOWN_PLACEHOLDERS}
    )


def fill_placeholders(template: str, values: Mapping[str, str]) -> str:
    """Replace known placeholders; a missing value becomes an empty string, tidily."""
    filled = PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), template)
    return re.sub(r"[ \t]+([,.!?])", r"\1", filled)
