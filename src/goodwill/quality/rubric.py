"""The five steps, the failure modes and the rubric that weighs them. Pure: no I/O."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

STEPS: tuple[str, ...] = ("acknowledgement", "rapport", "needs", "solution", "gratitude")
FAILURE_MODES: tuple[str, ...] = (
    "not_listening",
    "ignored",
    "promise_broken",
    "lacking_knowledge",
    "no_follow_up",
)

DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"acknowledgement": 1.0, "rapport": 1.0, "needs": 1.0, "solution": 2.0, "gratitude": 1.0}
)
DEFAULT_PENALTIES: Mapping[str, int] = MappingProxyType(
    {
        "not_listening": 10,
        "ignored": 15,
        "promise_broken": 15,
        "lacking_knowledge": 10,
        "no_follow_up": 10,
    }
)


@dataclass(frozen=True, slots=True)
class Rubric:
    """Weights of the steps, the critical steps (missed -> total 0) and failure-mode penalties.

    Steps absent from `weights` weigh 0; failure modes absent from `penalties` cost nothing."""

    weights: Mapping[str, float]
    critical: frozenset[str] = frozenset()
    penalties: Mapping[str, int] = field(default_factory=lambda: DEFAULT_PENALTIES)

    def weight(self, step: str) -> float:
        return max(0.0, float(self.weights.get(step, 0.0)))

    def penalty(self, failure_mode: str) -> int:
        return max(0, int(self.penalties.get(failure_mode, 0)))


DEFAULT_RUBRIC = Rubric(weights=DEFAULT_WEIGHTS, critical=frozenset())
