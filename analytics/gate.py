"""The release gate (DESIGN §13): conditions such as ``kpis.composite >= 0.5`` checked against a
schedule's figures, so a scheduler's CI can stop a release that schedules worse.

Conditions are read by a small scanner, never evaluated as code: ``METRIC OP VALUE`` where
METRIC is a dotted name (``summary.scheduling_rate``; list items by position,
``correlations.0.rho``), OP is one of ``<  <=  >  >=  ==  !=`` and VALUE a number, or a
percentage (``80%`` is 0.8). ``==`` and ``!=`` compare with a relative tolerance of 1e-9, so
figures that went through arithmetic still equal the number a person wrote.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

OPERATORS = ("<=", ">=", "==", "!=", "<", ">")  # two-character operators first
EQUAL_TOLERANCE = 1e-9
SUGGESTIONS = 3
LISTED_METRICS = 40


class GateError(ValueError):
    """A condition that cannot be checked."""


class MalformedCondition(GateError):
    pass


class UnknownMetric(GateError):
    def __init__(self, metric: str, known: Iterable[str]) -> None:
        known = sorted(known)
        close = difflib.get_close_matches(metric, known, n=SUGGESTIONS, cutoff=0.6)
        if close:
            hint = f"did you mean {', '.join(close)}?"
        else:
            shown = ", ".join(known[:LISTED_METRICS])
            more = f" and {len(known) - LISTED_METRICS} more" if len(known) > LISTED_METRICS else ""
            hint = f"known metrics: {shown}{more}" if known else "there are no metrics"
        super().__init__(f"unknown metric {metric!r}; {hint}")
        self.metric = metric
        self.suggestions = close


@dataclass(frozen=True)
class Condition:
    metric: str
    operator: str
    value: float
    value_text: str

    def __str__(self) -> str:
        return f"{self.metric} {self.operator} {self.value_text}"

    def holds(self, actual: float) -> bool:
        if self.operator in ("==", "!="):
            equal = math.isclose(actual, self.value, rel_tol=EQUAL_TOLERANCE, abs_tol=0.0)
            return equal if self.operator == "==" else not equal
        return {
            "<": actual < self.value,
            "<=": actual <= self.value,
            ">": actual > self.value,
            ">=": actual >= self.value,
        }[self.operator]


@dataclass(frozen=True)
class Failure:
    condition: Condition
    actual: float
    message: str


def parse_condition(text: str) -> Condition:
    """``"METRIC OP VALUE"`` → ``Condition``; spaces around OP are optional."""
    stripped = text.strip()
    name_end = 0
    while name_end < len(stripped) and (stripped[name_end].isalnum() or stripped[name_end] in "._"):
        name_end += 1
    metric = stripped[:name_end]
    rest = stripped[name_end:].lstrip()
    operator = next((op for op in OPERATORS if rest.startswith(op)), None)
    if not _is_metric_name(metric) or operator is None:
        raise MalformedCondition(
            f"cannot read condition {text!r}: expected METRIC OP VALUE, e.g. "
            f"'kpis.composite >= 0.5', with OP one of {' '.join(sorted(OPERATORS, key=len))}"
        )
    value_text = rest[len(operator) :].strip()
    return Condition(metric, operator, _number(value_text, text), value_text)


def _is_metric_name(name: str) -> bool:
    parts = name.split(".")
    return bool(name) and not name[0].isdigit() and all(parts)


def _number(text: str, condition: str) -> float:
    scale, digits = (0.01, text[:-1].rstrip()) if text.endswith("%") else (1.0, text)
    allowed = set("0123456789+-.eE")
    try:
        if not digits or not set(digits) <= allowed:
            raise ValueError(digits)
        value = float(digits) * scale
    except ValueError:
        raise MalformedCondition(
            f"cannot read the value of {condition!r}: expected a number such as 0.5, 12 or "
            f"80%, got {text!r}"
        ) from None
    return value


def flatten_figures(figures: Mapping, prefix: str = "") -> dict[str, float]:
    """Nested figures → ``{"kpis.composite": 0.61, ...}``: numbers and booleans (as 1/0);
    text and empty values are left out, lists are indexed by position."""
    flat: dict[str, float] = {}
    items = figures.items() if isinstance(figures, Mapping) else enumerate(figures)
    for key, value in items:
        name = f"{prefix}{key}"
        if isinstance(value, Mapping | list | tuple):
            flat.update(flatten_figures(value, f"{name}."))
        elif isinstance(value, bool | np.bool_):
            flat[name] = 1.0 if value else 0.0
        elif isinstance(value, numbers.Real):
            flat[name] = float(value)
    return flat


def check_conditions(conditions: Iterable[str | Condition], figures: Mapping) -> list[Failure]:
    """The conditions that fail, each with a one-line message. Every condition is parsed and
    its metric looked up before any is judged, so a typo is never hidden by a pass."""
    flat = flatten_figures(figures)
    parsed = [c if isinstance(c, Condition) else parse_condition(c) for c in conditions]
    for condition in parsed:
        if condition.metric not in flat:
            raise UnknownMetric(condition.metric, flat)
    failures = []
    for condition in parsed:
        actual = flat[condition.metric]
        if not condition.holds(actual):
            message = (
                f"{condition.metric} = {_figure(actual)}, expected {condition.operator} "
                f"{condition.value_text}"
            )
            failures.append(Failure(condition, actual, message))
    return failures


def _figure(value: float) -> str:
    return f"{value:.6g}"
