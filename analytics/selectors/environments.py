"""Environments (DESIGN §14): comparable runs of one problem, ranked by the composite KPI with
each KPI's delta against a baseline, and each KPI's evolution in upload order.

Every figure is read from the stored summaries (written at ingest), so a ranking of fifty
schedules is one query, never a recomputation of their diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from analytics.diagnostics.kpis import KPI_NAMES
from analytics.models import ScheduleSummary
from schedules.models import Environment, Schedule

COMPOSITE = "composite"
RANKED_FIGURES = (COMPOSITE, *KPI_NAMES)
# The summary column of each figure: the KPIs keep their names, the mean is composite_score.
SUMMARY_FIELD = {COMPOSITE: "composite_score"} | {name: name for name in KPI_NAMES}
FIGURE_TITLES = {
    COMPOSITE: "Composite",
    "scheduling_rate": "Scheduling rate",
    "scheduled_fraction_of_operable": "Operable time used",
    "visibility_use": "Visibility use",
    "priority_alignment": "Priority alignment",
    "gap_compactness": "Gap compactness",
}


# A schedule's period arrays can hold thousands of periods; a ranking never reads them.
PERIOD_ARRAYS = ("dark_periods", "possible_periods")


class NotAMember(ValueError):
    """A baseline was asked for that is not a schedule of the environment."""


@dataclass(frozen=True)
class RankedSchedule:
    """One schedule of an environment: its place by composite KPI and by upload."""

    schedule: Schedule
    rank: int | None  # 1 for the best composite; equal composites share a rank; None: no KPIs
    upload_order: int  # 1 for the first uploaded
    figures: dict[str, float | None]  # RANKED_FIGURES → value (None: not stored)
    deltas: dict[str, float | None]  # value − the baseline's value
    is_baseline: bool


@dataclass(frozen=True)
class EnvironmentRanking:
    environment: Environment
    baseline: Schedule | None
    ranked: list[RankedSchedule]  # best composite first, schedules without KPIs last
    missing_kpis: int  # schedules whose summary predates stored KPIs

    @property
    def in_upload_order(self) -> list[RankedSchedule]:
        return sorted(self.ranked, key=lambda member: member.upload_order)


def environment_list(search: str = "") -> QuerySet[Environment]:
    """Environments, newest first, with their schedule count, best composite and last upload;
    ``search`` matches the environment's name or a member schedule's name."""
    environments = Environment.objects.annotate(
        schedule_count=Count("schedules", distinct=True),
        best_composite=Max("schedules__summary__composite_score"),
        latest_upload=Max("schedules__uploaded_at"),
    ).filter(schedule_count__gt=0)
    if search:
        environments = environments.filter(
            Q(name__icontains=search) | Q(schedules__name__icontains=search)
        ).distinct()
    return environments.order_by("-latest_upload", "-id")


def environment_ranking(
    environment: Environment, baseline_id: int | None = None
) -> EnvironmentRanking:
    """The environment's schedules ranked by composite KPI, with deltas against the baseline:
    ``baseline_id`` when given, else the environment's chosen baseline, else the first
    uploaded. Raises ``NotAMember`` when ``baseline_id`` is not one of its schedules."""
    schedules = list(
        Schedule.objects.filter(environment=environment)
        .select_related("uploaded_by")
        .defer(*PERIOD_ARRAYS)
        .order_by("uploaded_at", "id")
    )
    values = _stored_figures([schedule.pk for schedule in schedules])
    baseline = _baseline(environment, schedules, baseline_id)
    base = values.get(baseline.pk, {}) if baseline else {}
    composite = {schedule.pk: values.get(schedule.pk, {}).get(COMPOSITE) for schedule in schedules}
    ranks = _competition_ranks(composite)
    ranked = []
    for order, schedule in enumerate(schedules, start=1):
        figures = {name: values.get(schedule.pk, {}).get(name) for name in RANKED_FIGURES}
        deltas = {
            name: None
            if figures[name] is None or base.get(name) is None
            else figures[name] - base[name]
            for name in RANKED_FIGURES
        }
        is_baseline = baseline is not None and schedule.pk == baseline.pk
        ranked.append(
            RankedSchedule(schedule, ranks.get(schedule.pk), order, figures, deltas, is_baseline)
        )
    ranked.sort(key=lambda member: (member.rank is None, member.rank or 0, member.upload_order))
    missing = sum(1 for member in ranked if member.figures[COMPOSITE] is None)
    return EnvironmentRanking(environment, baseline, ranked, missing)


def _stored_figures(schedule_ids: list[int]) -> dict[int, dict[str, float | None]]:
    columns = ["schedule_id", *SUMMARY_FIELD.values()]
    rows = ScheduleSummary.objects.filter(schedule_id__in=schedule_ids).values_list(*columns)
    return {row[0]: dict(zip(SUMMARY_FIELD, row[1:], strict=True)) for row in rows}


def _baseline(
    environment: Environment, schedules: list[Schedule], baseline_id: int | None
) -> Schedule | None:
    by_id = {schedule.pk: schedule for schedule in schedules}
    if baseline_id is not None:
        if baseline_id not in by_id:
            raise NotAMember(
                f"Schedule {baseline_id} is not in the environment “{environment.name}”."
            )
        return by_id[baseline_id]
    if environment.baseline_id in by_id:
        return by_id[environment.baseline_id]
    return schedules[0] if schedules else None


def _competition_ranks(composite: dict[int, float | None]) -> dict[int, int]:
    """1, 2, 2, 4 …: equal composites share the better rank; schedules without one get none."""
    scored = sorted(value for value in composite.values() if value is not None)[::-1]
    first_place = {}
    for place, value in enumerate(scored, start=1):
        first_place.setdefault(value, place)
    return {pk: first_place[value] for pk, value in composite.items() if value is not None}


@dataclass(frozen=True)
class EnvironmentPlace:
    """Where a schedule stands among the runs of its problem, for its overview."""

    environment: Environment
    schedule_count: int
    rank: int | None


def environment_place(schedule: Schedule) -> EnvironmentPlace | None:
    """The schedule's environment, how many runs it holds and this one's rank; None when the
    schedule has no environment yet (stored before environments existed)."""
    if schedule.environment_id is None:
        return None
    members = list(
        Schedule.objects.filter(environment_id=schedule.environment_id).values_list(
            "pk", "summary__composite_score", "environment__name"
        )
    )
    ranks = _competition_ranks({pk: composite for pk, composite, _ in members})
    environment = Environment(pk=schedule.environment_id, name=members[0][2])
    return EnvironmentPlace(environment, len(members), ranks.get(schedule.pk))
