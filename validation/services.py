"""Writes for validation: store the findings of the ETL's rules."""

import numpy as np
from django.utils import timezone

from schedules.bulk_writes import insert_rows, reserve_ids
from schedules.models import Schedule
from validation.models import ValidationResult
from validation.rules import Findings

RESULT_FIELDS = (
    "id",
    "schedule_id",
    "block_id",
    "rule",
    "status",
    "criticality",
    "category",
    "field",
    "current_value",
    "expected_value",
    "message",
    "created_at",
)


def store_findings(schedule: Schedule, block_ids: np.ndarray, findings: Findings) -> None:
    """Insert one ValidationResult row per finding (valid rows included)."""
    count = len(findings)
    now = timezone.now()
    rows = zip(
        reserve_ids(ValidationResult, count).tolist(),
        [schedule.pk] * count,
        block_ids[findings.block_index].tolist(),
        findings.rule,
        findings.status,
        findings.criticality,
        findings.category,
        findings.field,
        findings.current_value,
        findings.expected_value,
        findings.message,
        [now] * count,
        strict=True,
    )
    insert_rows(ValidationResult, RESULT_FIELDS, rows)
