"""Charts as inline SVG, drawn on the server: no JavaScript, no CDN, readable in mail. Pure.

Every chart carries a <title> and an aria-label; pages show a table with the same numbers beside
it, so nothing is only in the picture."""

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH = 640
HEIGHT = 220
MARGIN_LEFT = 48
MARGIN_BOTTOM = 36
MARGIN_TOP = 12
PALETTE = ("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#64748b")


def bar_chart(
    labels: Sequence[str], values: Sequence[float | None], *, title: str, unit: str = ""
) -> Markup:
    """Vertical bars, one per label; a missing value draws no bar."""
    top = _nice_top([v for v in values if v is not None])
    slot = (WIDTH - MARGIN_LEFT) / max(1, len(labels))
    parts = [_open(title), *_axis(top, unit)]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = MARGIN_LEFT + index * slot + slot * 0.15
        if value is not None:
            height = _y_span(value, top)
            y = HEIGHT - MARGIN_BOTTOM - height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" '
                f'fill="{PALETTE[0]}"><title>{escape(label)}: {_fmt(value)}{escape(unit)}'
                "</title></rect>"
            )
        parts.append(_x_label(label, x + slot * 0.35, len(labels)))
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    title: str,
    unit: str = "",
) -> Markup:
    """One line per series over the labels (days, weeks); gaps where a value is missing."""
    points = [v for values in series.values() for v in values if v is not None]
    top = _nice_top(points)
    step = (WIDTH - MARGIN_LEFT - 8) / max(1, len(labels) - 1)
    parts = [_open(title), *_axis(top, unit)]
    for colour, (name, values) in zip(PALETTE, series.items(), strict=False):
        for run in _runs(values):
            coords = " ".join(
                f"{MARGIN_LEFT + i * step:.1f},{HEIGHT - MARGIN_BOTTOM - _y_span(v, top):.1f}"
                for i, v in run
            )
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2">'
                f"<title>{escape(name)}</title></polyline>"
            )
    parts.extend(_legend(list(series)))
    every = max(1, len(labels) // 8)
    for index, label in enumerate(labels):
        if index % every == 0:
            parts.append(_x_label(label, MARGIN_LEFT + index * step, 8))
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(title: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    )


def _axis(top: float, unit: str) -> list[str]:
    base = HEIGHT - MARGIN_BOTTOM
    parts = [
        f'<line x1="{MARGIN_LEFT}" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#94a3b8"/>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = base - fraction * (base - MARGIN_TOP)
        parts.append(
            f'<text x="{MARGIN_LEFT - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="#475569">{_fmt(top * fraction)}{escape(unit)}</text>'
        )
    return parts


def _legend(names: list[str]) -> list[str]:
    parts = []
    for index, (colour, name) in enumerate(zip(PALETTE, names, strict=False)):
        x = MARGIN_LEFT + 8 + index * 120
        parts.append(
            f'<rect x="{x}" y="2" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="11" font-size="10" fill="#334155">{escape(name)}</text>'
        )
    return parts


def _x_label(label: str, x: float, count: int) -> str:
    return (
        f'<text x="{x:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 14}" font-size="10" '
        f'text-anchor="middle" fill="#475569">{escape(_short(label, count))}</text>'
    )


def _short(label: str, count: int) -> str:
    """What fits under a bar: a day as MM-DD, else the label's start (its sign, its name)."""
    if count <= 12:
        return label[:14]
    if len(label) == 10 and label[4] == "-" and label[7] == "-":
        return label[5:]
    return label[:7]


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    runs: list[list[tuple[int, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((index, value))
    return [run for run in runs if run]


def _y_span(value: float, top: float) -> float:
    usable = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    return max(0.0, min(value, top)) / top * usable if top > 0 else 0.0


def _nice_top(values: Sequence[float]) -> float:
    """A round axis maximum at or above the largest value (1, 2, 2.5 or 5 times a power of 10)."""
    largest = max(values, default=0.0)
    if largest <= 0:
        return 1.0
    magnitude = 10 ** len(str(int(largest))) / 10 if largest >= 1 else 0.1
    for factor in (1, 2, 2.5, 5, 10):
        if largest <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.2g}"
