"""The default question, labels, reasons and rules of each survey kind. Pure data."""

from typing import Any

# Reasons offered for low ratings: the service is kept apart from the product, price and policy.
REASONS: list[dict[str, str]] = [
    {"key": "slow", "label": "It was slow", "group": "service"},
    {"key": "didnt_listen", "label": "They didn't listen", "group": "service"},
    {"key": "not_resolved", "label": "My issue was not resolved", "group": "service"},
    {"key": "rude", "label": "Someone was rude", "group": "service"},
    {"key": "defect", "label": "The product is defective", "group": "product"},
    {"key": "quality", "label": "The product's quality", "group": "product"},
    {"key": "delivery", "label": "The delivery", "group": "product"},
    {"key": "price", "label": "The price", "group": "price"},
    {"key": "policy", "label": "A policy (returns, refunds, warranty)", "group": "policy"},
]
REASON_GROUPS = ("service", "product", "price", "policy")
TRIGGERS = ("resolved", "closed", "relationship")

CSAT_LABELS = {
    "1": "Very dissatisfied",
    "2": "Dissatisfied",
    "3": "Neither satisfied nor dissatisfied",
    "4": "Satisfied",
    "5": "Very satisfied",
}
NPS_LABELS = {"0": "Not at all likely", "10": "Extremely likely"}
CES_LABELS = {
    "1": "Very difficult",
    "2": "Difficult",
    "3": "Somewhat difficult",
    "4": "Neither easy nor difficult",
    "5": "Somewhat easy",
    "6": "Easy",
    "7": "Very easy",
}

DEFAULT_TEMPLATES: dict[str, dict[str, Any]] = {
    "csat": {
        "question": "How satisfied are you with the help you received?",
        "labels": CSAT_LABELS,
        "comment_prompt": "Anything you would like to tell us?",
        "is_enabled": True,
        "trigger": "resolved",
        "delay_minutes": 120,
        "expiry_days": 7,
        "sampling_rate": 1.0,
        "cooldown_days": 14,
        "relationship_months": 6,
    },
    "nps": {
        "question": "How likely are you to recommend us to a friend or colleague?",
        "labels": NPS_LABELS,
        "comment_prompt": "What is the main reason for your score?",
        "is_enabled": True,
        "trigger": "relationship",
        "delay_minutes": 0,
        "expiry_days": 14,
        "sampling_rate": 1.0,
        "cooldown_days": 90,
        "relationship_months": 6,
    },
    "ces": {
        "question": "How easy was it to get your issue resolved?",
        "labels": CES_LABELS,
        "comment_prompt": "What could we have made easier?",
        "is_enabled": False,
        "trigger": "resolved",
        "delay_minutes": 120,
        "expiry_days": 7,
        "sampling_rate": 1.0,
        "cooldown_days": 14,
        "relationship_months": 6,
    },
}


def default_template(kind: str) -> dict[str, Any]:
    """A fresh copy of the defaults of `kind`, reasons included."""
    values = dict(DEFAULT_TEMPLATES[kind])
    values["labels"] = dict(values["labels"])
    values["reasons"] = [dict(reason) for reason in REASONS]
    return values
