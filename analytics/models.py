"""Precomputed analytics written by the ETL in the same transaction as the blocks.

Nothing here is edited by hand; ``refresh_analytics`` rebuilds it from the stored blocks.
Histogram products are never stored: selectors bin on demand.
"""

from django.db import models
from django.db.models import Q

from schedules.models import Schedule, SchedulingBlock


class PriorityBucket(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM_LOW = 2, "Medium-Low"
    MEDIUM_HIGH = 3, "Medium-High"
    HIGH = 4, "High"


class BlockAnalytics(models.Model):
    """One row per block: the denormalised numbers every page reads."""

    # No index of its own: analytics_bucket_idx and the other (schedule, …) indexes lead with
    # it, and every index is one more write per block at ingest.
    schedule = models.ForeignKey(
        Schedule, on_delete=models.DB_CASCADE, related_name="+", db_index=False
    )
    block = models.OneToOneField(
        SchedulingBlock, on_delete=models.DB_CASCADE, related_name="analytics"
    )
    source_block_id = models.CharField(max_length=128)
    display_name = models.CharField(max_length=255, blank=True, default="")
    ra_deg = models.FloatField()
    dec_deg = models.FloatField()
    priority = models.FloatField()
    priority_bucket = models.PositiveSmallIntegerField(choices=PriorityBucket.choices)
    requested_hours = models.FloatField()
    min_observation_hours = models.FloatField()
    total_visibility_hours = models.FloatField()
    visibility_period_count = models.PositiveIntegerField()
    max_visibility_period_hours = models.FloatField()
    elevation_range_deg = models.FloatField()
    is_scheduled = models.BooleanField()
    scheduled_start_mjd = models.FloatField(null=True, blank=True)
    scheduled_stop_mjd = models.FloatField(null=True, blank=True)
    scheduled_hours = models.FloatField(null=True, blank=True)
    has_zero_visibility = models.BooleanField()
    is_impossible = models.BooleanField()

    class Meta:
        verbose_name_plural = "block analytics"
        ordering = ["schedule", "block"]
        constraints = [
            models.CheckConstraint(
                condition=Q(priority_bucket__gte=1, priority_bucket__lte=4),
                name="analytics_bucket_range",
            ),
        ]
        indexes = [
            models.Index(fields=["schedule", "priority_bucket"], name="analytics_bucket_idx"),
            models.Index(fields=["schedule", "is_impossible"], name="analytics_impossible_idx"),
            models.Index(
                fields=["schedule", "scheduled_start_mjd"],
                condition=Q(is_scheduled=True),
                name="analytics_scheduled_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"analytics of {self.source_block_id}"


class ScheduleSummary(models.Model):
    """One row per schedule: the headline numbers, computed with the blocks' analytics."""

    schedule = models.OneToOneField(Schedule, on_delete=models.DB_CASCADE, related_name="summary")
    total_blocks = models.PositiveIntegerField()
    scheduled_blocks = models.PositiveIntegerField()
    unscheduled_blocks = models.PositiveIntegerField()
    impossible_blocks = models.PositiveIntegerField()
    scheduling_rate = models.FloatField()
    priority_min = models.FloatField(null=True)
    priority_max = models.FloatField(null=True)
    priority_mean = models.FloatField(null=True)
    priority_median = models.FloatField(null=True)
    priority_mean_scheduled = models.FloatField(null=True)
    priority_mean_unscheduled = models.FloatField(null=True)
    visibility_total_hours = models.FloatField()
    visibility_mean_hours = models.FloatField(null=True)
    visibility_min_hours = models.FloatField(null=True)
    visibility_max_hours = models.FloatField(null=True)
    requested_total_hours = models.FloatField()
    requested_mean_hours = models.FloatField(null=True)
    scheduled_hours = models.FloatField()
    correlations = models.JSONField(
        default=list, help_text="Spearman ρ: [{x, y, rho}] over the four block variables"
    )
    conflict_count = models.PositiveIntegerField()
    gap_count = models.PositiveIntegerField()
    gap_mean_hours = models.FloatField(null=True)
    gap_median_hours = models.FloatField(null=True)
    priority_capture_ratio = models.FloatField()
    scheduled_fraction_of_operable = models.FloatField(
        null=True, help_text="KPI: scheduled time inside operable time ÷ operable hours"
    )
    visibility_use = models.FloatField(
        null=True, help_text="KPI: min(1, scheduled operable time ÷ union of usable windows)"
    )
    priority_alignment = models.FloatField(
        null=True, help_text="KPI: min(1, mean priority of scheduled ÷ mean priority)"
    )
    gap_compactness = models.FloatField(
        null=True, help_text="KPI: clamp(1 − p90 idle gap ÷ operable hours)"
    )
    composite_score = models.FloatField(
        null=True, help_text="Mean of the five diagnostic KPIs (DESIGN §13), in [0, 1]"
    )
    time_use_hours = models.JSONField(
        default=dict,
        blank=True,
        help_text="Hours of each fragmentation class (DESIGN §13): {class: hours}",
    )
    kpi_comparison = models.JSONField(
        default=dict,
        blank=True,
        help_text="The KPIs beside a greedy baseline's (DESIGN §13), as the overview shows them",
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "schedule summaries"

    def __str__(self) -> str:
        return f"summary of schedule {self.schedule_id}"
