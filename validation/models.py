"""Validation findings, one row per (block, rule) that fired, or one ``valid`` row."""

from django.db import models

from schedules.models import Schedule, SchedulingBlock


class Status(models.TextChoices):
    VALID = "valid"
    WARNING = "warning"
    ERROR = "error"
    IMPOSSIBLE = "impossible"


class Criticality(models.TextChoices):
    CRITICAL = "Critical"
    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"


class ValidationResult(models.Model):
    # No index of its own: the (schedule, status) and (schedule, rule) indexes lead with it,
    # and every index is one more write per finding at ingest.
    schedule = models.ForeignKey(
        Schedule, on_delete=models.DB_CASCADE, related_name="+", db_index=False
    )
    block = models.ForeignKey(
        SchedulingBlock, on_delete=models.DB_CASCADE, related_name="validation_results"
    )
    rule = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices)
    criticality = models.CharField(max_length=16, choices=Criticality.choices, blank=True)
    category = models.CharField(max_length=32, blank=True, default="")
    field = models.CharField(max_length=64, blank=True, default="")
    current_value = models.CharField(max_length=255, blank=True, default="")
    expected_value = models.CharField(max_length=255, blank=True, default="")
    message = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["schedule", "block", "id"]
        indexes = [
            models.Index(fields=["schedule", "status"], name="validation_status_idx"),
            models.Index(fields=["schedule", "rule"], name="validation_rule_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} on block {self.block_id}: {self.status}"
