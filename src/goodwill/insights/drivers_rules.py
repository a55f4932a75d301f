"""The estimators behind the drivers: interval regression and logistic regression. Pure.

A satisfaction score is a rounded, capped reading of a latent satisfaction S; CSAT = k means
S in [k - 0.5, k + 0.5) (1: below 1.5, 5: 4.5 and above) and S = Xβ + N(0, sigma²). Fitting that
interval (censored) regression by maximum likelihood gives β in points of the latent scale;
least squares on the score itself would shrink every effect by the rounding and the ceiling.
Repeat business is a logistic regression; its effects are odds ratios and average marginal
effects in percentage points. Functions of arrays only: no database, no clock."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy import special  # type: ignore[import-untyped]

Matrix = NDArray[np.float64]
Z95 = 1.959963984540054
MAX_ITERATIONS = 60
TOLERANCE = 1e-9
RANK_TOLERANCE = 1e-7


@dataclass(frozen=True, slots=True)
class Coefficient:
    """One estimate with its standard error, 95% interval and two-sided p-value."""

    estimate: float
    std_error: float

    @property
    def low(self) -> float:
        return self.estimate - Z95 * self.std_error

    @property
    def high(self) -> float:
        return self.estimate + Z95 * self.std_error

    @property
    def p_value(self) -> float:
        if self.std_error <= 0 or not math.isfinite(self.std_error):
            return float("nan")
        return float(2.0 * special.ndtr(-abs(self.estimate / self.std_error)))


@dataclass(frozen=True, slots=True)
class LinearFit:
    """β and its covariance (on the latent scale), sigma, and whether Newton converged."""

    beta: Matrix
    covariance: Matrix
    sigma: float
    converged: bool

    def coefficient(self, column: int) -> Coefficient:
        return Coefficient(float(self.beta[column]), _se(self.covariance, column))


@dataclass(frozen=True, slots=True)
class LogisticFit:
    """Log-odds β and covariance; average marginal effects are asked of it per column."""

    beta: Matrix
    covariance: Matrix
    converged: bool

    def coefficient(self, column: int) -> Coefficient:
        return Coefficient(float(self.beta[column]), _se(self.covariance, column))


def score_bounds(scores: NDArray[np.int64], lowest: int, highest: int) -> tuple[Matrix, Matrix]:
    """The latent interval each score stands for: [k - 0.5, k + 0.5), open at both ends."""
    values = scores.astype(np.float64)
    lower = np.where(scores <= lowest, -np.inf, values - 0.5)
    upper = np.where(scores >= highest, np.inf, values + 0.5)
    return lower, upper


def independent_columns(x: Matrix) -> list[int]:
    """Columns kept, in order, dropping any that is (nearly) a combination of earlier ones: an
    incremental Cholesky factorisation of the scaled cross-product matrix."""
    scale = np.sqrt((x * x).sum(axis=0))
    scaled = x / np.where(scale > 0, scale, 1.0)
    gram = scaled.T @ scaled
    kept: list[int] = []
    factor = np.zeros((x.shape[1], x.shape[1]))
    for j in range(x.shape[1]):
        if scale[j] <= 0:
            continue
        size = len(kept)
        row = np.linalg.solve(factor[:size, :size], gram[kept, j]) if size else np.zeros(0)
        remainder = float(gram[j, j] - row @ row)
        if remainder > RANK_TOLERANCE:
            factor[size, :size] = row
            factor[size, size] = math.sqrt(remainder)
            kept.append(j)
    return kept


def ordinary_least_squares(x: Matrix, y: Matrix) -> LinearFit:
    """OLS with the classical covariance (the comparison the docs show)."""
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    residual = y - x @ beta
    dof = max(1, x.shape[0] - x.shape[1])
    variance = float(residual @ residual) / dof
    return LinearFit(beta, xtx_inv * variance, math.sqrt(variance), True)


def interval_regression(x: Matrix, lower: Matrix, upper: Matrix) -> LinearFit:
    """Maximum likelihood of S = xβ + N(0, sigma²) observed only as lower <= S < upper.

    Newton's method in (gamma, δ) = (β/sigma, 1/sigma), where the log-likelihood is concave; the
    covariance of (β, sigma) comes from the observed information by the delta method."""
    midpoint = np.where(
        np.isfinite(lower),
        np.where(np.isfinite(upper), (lower + upper) / 2, lower + 0.5),
        upper - 0.5,
    )
    start = ordinary_least_squares(x, midpoint)
    theta = np.append(start.beta, 1.0) / max(start.sigma, 1e-3)
    theta, information, converged = _newton(lambda t: _interval_terms(x, lower, upper, t), theta)
    gamma, delta = theta[:-1], float(theta[-1])
    jacobian = np.zeros((len(theta), len(theta)))
    jacobian[:-1, :-1] = np.eye(len(gamma)) / delta
    jacobian[:-1, -1] = -gamma / delta**2
    jacobian[-1, -1] = -1.0 / delta**2
    covariance = jacobian @ _inverse(information) @ jacobian.T
    return LinearFit(gamma / delta, covariance[:-1, :-1], 1.0 / delta, converged)


def logistic_regression(x: Matrix, y: Matrix) -> LogisticFit:
    """Maximum likelihood logistic regression by Newton's method (y is 0/1)."""
    theta, information, converged = _newton(
        lambda t: _logistic_terms(x, y, t), np.zeros(x.shape[1])
    )
    return LogisticFit(theta, _inverse(information), converged)


def average_marginal_effect(
    fit: LogisticFit, x: Matrix, column: int, *, count: bool
) -> Coefficient:
    """The mean change in probability when the factor is present rather than absent (or, for a
    count such as reopens, one more), with its delta-method standard error."""
    eta = x @ fit.beta
    old = x[:, column]
    new = old + 1.0 if count else np.ones(len(old))
    if not count:
        old = np.zeros(len(old))
    beta_j = fit.beta[column]
    p0 = special.expit(eta + (old - x[:, column]) * beta_j)
    p1 = special.expit(eta + (new - x[:, column]) * beta_j)
    w0, w1 = p0 * (1 - p0), p1 * (1 - p1)
    effect = float(np.mean(p1 - p0))
    gradient = ((w1 - w0) @ x) / len(old)
    gradient[column] = float(w1 @ new - w0 @ old) / len(old)
    variance = float(gradient @ fit.covariance @ gradient)
    return Coefficient(effect, math.sqrt(max(variance, 0.0)))


def _newton(terms, theta: Matrix) -> tuple[Matrix, Matrix, bool]:  # type: ignore[no-untyped-def]
    """Maximise a concave log-likelihood; `terms(θ)` returns (value, gradient, -Hessian)."""
    value, gradient, information = terms(theta)
    for _ in range(MAX_ITERATIONS):
        step = _solve(information, gradient)
        size = 1.0
        while size > 1e-6:
            candidate = theta + size * step
            new_value, new_gradient, new_information = terms(candidate)
            if math.isfinite(new_value) and new_value >= value - 1e-12:
                break
            size /= 2
        else:
            return theta, information, False
        improvement = new_value - value
        theta, value, gradient, information = candidate, new_value, new_gradient, new_information
        if (
            abs(improvement) < TOLERANCE * max(1.0, abs(value))
            and float(np.max(np.abs(size * step))) < 1e-6
        ):
            return theta, information, True
    return theta, information, False


def _inverse(information: Matrix) -> Matrix:
    try:
        return np.asarray(np.linalg.inv(information), dtype=np.float64)
    except np.linalg.LinAlgError:
        return np.asarray(np.linalg.pinv(information), dtype=np.float64)


def _solve(information: Matrix, gradient: Matrix) -> Matrix:
    try:
        return np.asarray(np.linalg.solve(information, gradient), dtype=np.float64)
    except np.linalg.LinAlgError:
        solution = np.linalg.lstsq(information, gradient, rcond=None)[0]
        return np.asarray(solution, dtype=np.float64)


def _interval_terms(
    x: Matrix, lower: Matrix, upper: Matrix, theta: Matrix
) -> tuple[float, Matrix, Matrix]:
    """Log-likelihood, gradient and observed information in θ = (gamma, δ).

    Each row's probability is Φ(u) - Φ(l) with u = δ·upper - xgamma and l = δ·lower - xgamma, both
    linear in θ: u = U·θ with U = (-x, upper), l = L·θ with L = (-x, lower), so the Hessian is
    Σ -u·a·UU' + l·b·LL' - gg' with a = φ(u)/P, b = φ(l)/P and g the row's gradient."""
    gamma, delta = theta[:-1], theta[-1]
    if delta <= 0:
        return -math.inf, theta * 0, np.eye(len(theta))
    eta = x @ gamma
    has_upper, has_lower = np.isfinite(upper), np.isfinite(lower)
    u = np.where(has_upper, delta * np.where(has_upper, upper, 0.0) - eta, np.inf)
    l_ = np.where(has_lower, delta * np.where(has_lower, lower, 0.0) - eta, -np.inf)
    log_p = _log_interval_probability(l_, u)
    a = np.where(has_upper, np.exp(_log_pdf(u) - log_p), 0.0)
    b = np.where(has_lower, np.exp(_log_pdf(l_) - log_p), 0.0)
    up, lo = np.where(has_upper, upper, 0.0), np.where(has_lower, lower, 0.0)
    ua, lb = np.where(has_upper, u, 0.0) * a, np.where(has_lower, l_, 0.0) * b
    slope, spread = a - b, a * up - b * lo  # the gradient per row: (-slope·x, spread)
    weights = -ua + lb - slope * slope
    hessian = np.empty((len(theta), len(theta)))
    hessian[:-1, :-1] = x.T @ (x * weights[:, None])
    hessian[:-1, -1] = hessian[-1, :-1] = x.T @ (ua * up - lb * lo + slope * spread)
    hessian[-1, -1] = float(np.sum(-ua * up * up + lb * lo * lo - spread * spread))
    gradient = np.append(-(x.T @ slope), spread.sum())
    return float(log_p.sum()), gradient, -hessian


def _log_interval_probability(lower: Matrix, upper: Matrix) -> Matrix:
    """log(Φ(upper) - Φ(lower)), accurate in both tails."""
    upper_tail = lower > 0
    high = np.where(upper_tail, special.ndtr(-lower), special.ndtr(upper))
    low = np.where(upper_tail, special.ndtr(-upper), special.ndtr(lower))
    difference = high - low
    one_sided = np.where(np.isinf(lower), special.log_ndtr(upper), special.log_ndtr(-lower))
    exact = np.log(np.maximum(difference, 1e-300))
    return np.where(np.isinf(lower) | np.isinf(upper), one_sided, exact)  # type: ignore[no-any-return]


def _log_pdf(z: Matrix) -> Matrix:
    finite = np.where(np.isfinite(z), z, 0.0)
    density = -0.5 * finite * finite - 0.5 * math.log(2 * math.pi)
    return np.where(np.isfinite(z), density, -np.inf)


def _logistic_terms(x: Matrix, y: Matrix, theta: Matrix) -> tuple[float, Matrix, Matrix]:
    eta = x @ theta
    p = special.expit(eta)
    value = float(np.sum(y * eta - np.logaddexp(0.0, eta)))
    gradient = x.T @ (y - p)
    information = (x * (p * (1 - p))[:, None]).T @ x
    return value, gradient, information


def _se(covariance: Matrix, column: int) -> float:
    return math.sqrt(max(float(covariance[column, column]), 0.0))


# The design: which factors, which controls -------------------------------------------------

SLOW_FIRST_REPLY_SECONDS = 4 * 3600  # "slow" = a first reply after more than 4 business hours
MIN_ROWS = 100  # fewer answered (or decided) conversations than this: no estimate
MIN_FACTOR_ROWS = 10  # a factor needs this many conversations with it, and without it
NOT_SETTLED = (
    "The model did not settle on these answers (some factor predicts them perfectly, or there "
    "are too few of some kind). Choose a longer period or fewer filters."
)
MIN_LEVEL_ROWS = 20  # a control level (topic, product-month) with fewer joins the reference
STEPS = ("acknowledgement", "rapport", "needs", "solution", "gratitude")
SCALES = {"csat": (1, 5), "nps": (0, 10)}
OUTCOMES = ("csat", "nps", "repeat")
SERVICE_FACTORS = ("slow_first_reply", "reopens", "transferred", "broken_promise", "kept_promise")
BEHAVIOUR_FACTORS = ("greeted_by_name", "asked_needs", "thanked")
STEP_FACTORS = tuple(f"missed_{step}" for step in STEPS)
COUNT_FACTORS = frozenset({"reopens"})
NUMERIC_FIELDS = ("outcome", *SERVICE_FACTORS, *BEHAVIOUR_FACTORS, *STEP_FACTORS, "month")
TEXT_FIELDS = ("channel", "topic", "product")
FIELDS = (*NUMERIC_FIELDS, *TEXT_FIELDS)
REFERENCE_CHANNEL = "email"


class Effect(NamedTuple):
    """One factor's effect on an outcome, other things (the controls) equal.

    `coefficient` is in outcome points on the latent scale (CSAT, NPS) or in log-odds (repeat);
    `marginal` is the average marginal effect in probability (repeat only)."""

    key: str  # slow_first_reply, reopens, ..., missed_rapport, channel:chat
    kind: str  # service | behaviour | step | channel
    n_with: int  # conversations with the factor (with at least one, for a count)
    coefficient: Coefficient
    marginal: Coefficient | None = None


@dataclass(frozen=True, slots=True)
class DriverResult:
    """The effects on one outcome; `refusal` says why there are none."""

    outcome: str
    n: int
    effects: tuple[Effect, ...] = ()
    notes: tuple[str, ...] = ()
    refusal: str | None = None
    sigma: float | None = None  # the latent noise (CSAT, NPS)


Columns = dict[str, NDArray[np.generic]]


def columns_from_rows(rows: Sequence[Sequence[object]]) -> Columns:
    """Rows in FIELDS order (as the facts query returns them) as one array per field."""
    transposed = list(zip(*rows, strict=True)) if rows else [() for _ in FIELDS]
    columns: Columns = {}
    for name, values in zip(FIELDS, transposed, strict=True):
        dtype = np.float64 if name in NUMERIC_FIELDS else np.str_
        columns[name] = np.asarray(values, dtype=dtype)
    return columns


def split_outcomes(transposed: Sequence[Sequence[object]]) -> dict[str, Columns]:
    """Columns of every outcome (csat, nps, repeat as 0/1, each possibly None) and then of the
    FIELDS after "outcome", as the columns of each outcome's answered rows."""
    shared: Columns = {}
    for name, column in zip(FIELDS[1:], transposed[len(OUTCOMES) :], strict=True):
        dtype = np.float64 if name in NUMERIC_FIELDS else np.str_
        shared[name] = np.asarray(column, dtype=dtype)
    split: dict[str, Columns] = {}
    for index, outcome in enumerate(OUTCOMES):
        scores = np.asarray(transposed[index], dtype=np.float64)  # None becomes NaN
        answered = ~np.isnan(scores)
        split[outcome] = {"outcome": scores[answered]} | {
            name: column[answered] for name, column in shared.items()
        }
    return split


def fit_drivers(columns: Columns, outcome: str, *, min_rows: int = MIN_ROWS) -> DriverResult:
    """Every factor's effect on `outcome`, controlling for product by month, topic and channel.

    The five steps are estimated in a second model (in place of the text-detected behaviours
    they overlap with) on the conversations whose steps were scored."""
    n = len(columns["outcome"])
    if n < min_rows:
        return DriverResult(outcome, n, refusal=_too_few(outcome, n, min_rows))
    if _constant(columns["outcome"].astype(np.float64)):
        return DriverResult(outcome, n, refusal=_no_variation(outcome, n))
    main = _fit(columns, outcome, (*SERVICE_FACTORS, *BEHAVIOUR_FACTORS))
    effects, notes = main.effects, main.notes
    scored = columns["missed_acknowledgement"].astype(np.float64) >= 0
    scored_count = int(scored.sum())
    if scored_count >= min_rows:
        subset = {name: values[scored] for name, values in columns.items()}
        steps = _fit(subset, outcome, (*SERVICE_FACTORS, *STEP_FACTORS))
        if steps.converged:
            effects += [effect for effect in steps.effects if effect.kind == "step"]
        notes += steps.notes
    else:
        notes.append(
            f"The five steps are scored for {scored_count} of these {n} conversations (fewer "
            f"than {min_rows}), so they are left out."
        )
    if not main.converged:
        return DriverResult(outcome, n, refusal=NOT_SETTLED)
    return DriverResult(outcome, n, tuple(effects), tuple(dict.fromkeys(notes)), None, main.sigma)


class _Fitted(NamedTuple):
    effects: list[Effect]
    notes: list[str]
    sigma: float | None
    converged: bool


def _fit(columns: Columns, outcome: str, factors: tuple[str, ...]) -> _Fitted:
    notes: list[str] = []
    factor_columns: list[tuple[str, str, Matrix]] = []
    for key in factors:
        values = columns[key].astype(np.float64)
        with_it = int((values > 0).sum())
        if min(with_it, len(values) - with_it) < MIN_FACTOR_ROWS:
            notes.append(f"{_describe(key)}: too few conversations with and without it.")
            continue
        factor_columns.append((key, _kind(key), values))
    factor_columns += _dummies(columns["channel"], "channel", REFERENCE_CHANNEL)
    y = columns["outcome"].astype(np.float64)
    controls = _dummies(columns["topic"], "topic", outcome=y) + _dummies(
        _product_month(columns), "cell", outcome=y
    )
    names = ["intercept"] + [key for key, _, _ in factor_columns]
    kinds = ["control"] + [kind for _, kind, _ in factor_columns]
    blocks = [np.ones(len(columns["outcome"]))] + [values for _, _, values in factor_columns]
    x_all = np.column_stack(blocks + [values for _, _, values in controls])
    kept = independent_columns(x_all)
    dropped = [names[j] for j in range(len(names)) if j not in kept]
    notes += [f"{_describe(key)}: cannot be told apart from the controls." for key in dropped]
    x = x_all[:, kept]
    estimates, sigma, converged = _estimate(x, y, outcome)
    effects = []
    for position, j in enumerate(kept):
        if j == 0 or j >= len(names):
            continue
        coefficient, marginal = estimates(position, names[j] in COUNT_FACTORS)
        n_with = int((x_all[:, j] > 0).sum())
        effects.append(Effect(names[j], kinds[j], n_with, coefficient, marginal))
    return _Fitted(effects, notes, sigma, converged)


Estimates = Callable[[int, bool], tuple[Coefficient, Coefficient | None]]


def _estimate(x: Matrix, y: Matrix, outcome: str) -> tuple[Estimates, float | None, bool]:
    """A function (column, is_count) -> (coefficient, marginal effect or None), sigma, and
    whether the fit converged."""
    if outcome == "repeat":
        fit = logistic_regression(x, y)
        return (
            (
                lambda column, count: (
                    fit.coefficient(column),
                    average_marginal_effect(fit, x, column, count=count),
                )
            ),
            None,
            fit.converged,
        )
    lowest, highest = SCALES[outcome]
    lower, upper = score_bounds(y.astype(np.int64), lowest, highest)
    linear = interval_regression(x, lower, upper)
    return (
        (lambda column, _count: (linear.coefficient(column), None)),
        linear.sigma,
        linear.converged,
    )


def _dummies(
    values: NDArray[np.generic],
    prefix: str,
    reference: str | None = None,
    *,
    outcome: Matrix | None = None,
) -> list[tuple[str, str, Matrix]]:
    """One 0/1 column per level but the reference (the given one if present, else the most
    common). A control level with fewer than MIN_LEVEL_ROWS rows, or (given `outcome`) whose
    outcome never varies, joins the reference: it could not be estimated anyway."""
    levels, counts = np.unique(values, return_counts=True)
    if len(levels) < 2:
        return []
    present = [str(level) for level in levels]
    if reference not in present:
        reference = present[int(np.argmax(counts))]
    columns = []
    for level, count in zip(present, counts, strict=True):
        column = (values == level).astype(np.float64)
        if level == reference:
            continue
        if outcome is not None and (count < MIN_LEVEL_ROWS or _constant(outcome[column > 0])):
            continue
        columns.append((f"{prefix}:{level}", prefix, column))
    return columns


def _constant(values: Matrix) -> bool:
    return bool(len(values) == 0 or values.min() == values.max())


def _product_month(columns: Columns) -> NDArray[np.generic]:
    months = columns["month"].astype(np.int64).astype(np.str_)
    return np.char.add(np.char.add(columns["product"].astype(np.str_), "@"), months)


def _kind(key: str) -> str:
    if key in BEHAVIOUR_FACTORS:
        return "behaviour"
    return "step" if key in STEP_FACTORS else "service"


def _describe(key: str) -> str:
    return key.replace("_", " ").replace(":", " ").capitalize()


def _no_variation(outcome: str, n: int) -> str:
    what = "repeat purchases" if outcome == "repeat" else f"{outcome.upper()} answers"
    return (
        f"All {n} {what} in this selection are the same, so nothing can be said about what "
        "moves them. Choose a longer period or fewer filters."
    )


def _too_few(outcome: str, n: int, min_rows: int) -> str:
    what = "decided repeat purchases" if outcome == "repeat" else f"{outcome.upper()} answers"
    return (
        f"Only {n} conversations with {what} in this selection; at least {min_rows} are needed "
        "to estimate the drivers. Choose a longer period or fewer filters."
    )
