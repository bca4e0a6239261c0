"""The validation report of a schedule: counts by status and criticality, and the issues."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from analytics.block_frame import computed_block_frame_and_result
from analytics.data_source import ETL, current_data_source
from schedules.models import Schedule
from validation.models import Criticality, Status, ValidationResult
from validation.rules import RULES

CRITICALITY_ORDER = {level: rank for rank, level in enumerate(Criticality.values)}
STATUS_ORDER = {status: rank for rank, status in enumerate(("impossible", "error", "warning"))}


@dataclass(frozen=True)
class ValidationFilters:
    status: str = ""
    criticality: str = ""
    category: str = ""
    rule: str = ""
    search: str = ""  # substring of block id, name or message


@dataclass(frozen=True)
class ValidationIssue:
    source_block_id: str
    display_name: str
    rule: str
    title: str
    status: str
    criticality: str
    category: str
    field: str
    current_value: str
    expected_value: str
    message: str


@dataclass(frozen=True)
class RuleCount:
    rule: str
    title: str
    status: str
    criticality: str
    blocks: int


@dataclass(frozen=True)
class ValidationReport:
    total_blocks: int
    valid_blocks: int
    blocks_by_status: dict[str, int]  # blocks with at least one finding of each status
    issues_by_criticality: dict[str, int]
    rule_counts: list[RuleCount]
    issue_count: int  # before filtering
    issues: list[ValidationIssue]  # after filtering, most critical first


def validation_report(schedule: Schedule, filters: ValidationFilters) -> ValidationReport:
    rows = _finding_rows(schedule)
    blocks_by_status = {status: set() for status in Status.values}
    per_rule: Counter = Counter()
    issues = []
    for block_key, issue in rows:
        blocks_by_status[issue.status].add(block_key)
        if issue.status != Status.VALID:
            per_rule[issue.rule] += 1
            issues.append(issue)
    issues.sort(
        key=lambda issue: (
            CRITICALITY_ORDER.get(issue.criticality, len(CRITICALITY_ORDER)),
            STATUS_ORDER.get(issue.status, len(STATUS_ORDER)),
            issue.source_block_id,
        )
    )
    by_criticality = Counter(issue.criticality for issue in issues)
    return ValidationReport(
        total_blocks=schedule.block_count,
        valid_blocks=len(blocks_by_status[Status.VALID]),
        blocks_by_status={status: len(blocks) for status, blocks in blocks_by_status.items()},
        issues_by_criticality={level: by_criticality.get(level, 0) for level in Criticality.values},
        rule_counts=[
            RuleCount(slug, rule.title, rule.status, rule.criticality, per_rule[slug])
            for slug, rule in RULES.items()
            if per_rule[slug]
        ],
        issue_count=len(issues),
        issues=[issue for issue in issues if _matches(issue, filters)],
    )


def _matches(issue: ValidationIssue, filters: ValidationFilters) -> bool:
    if filters.status and issue.status != filters.status:
        return False
    if filters.criticality and issue.criticality != filters.criticality:
        return False
    if filters.category and issue.category != filters.category:
        return False
    if filters.rule and issue.rule != filters.rule:
        return False
    if filters.search:
        needle = filters.search.lower()
        haystack = f"{issue.source_block_id}\n{issue.display_name}\n{issue.message}".lower()
        return needle in haystack
    return True


def _issue(block_id, name, rule, status, criticality, category, field, current, expected, message):
    return ValidationIssue(
        source_block_id=block_id,
        display_name=name,
        rule=rule,
        title=RULES[rule].title if rule in RULES else "No issues",
        status=status,
        criticality=criticality,
        category=category,
        field=field,
        current_value=current,
        expected_value=expected,
        message=message,
    )


def _finding_rows(schedule: Schedule) -> list[tuple[object, ValidationIssue]]:
    """(block key, issue) for every stored finding, or every recomputed one (legacy path)."""
    if current_data_source() == ETL:
        stored = list(
            ValidationResult.objects.filter(schedule=schedule)
            .order_by("block_id", "id")
            .values_list(
                "block_id",
                "block__source_block_id",
                "block__block_name",
                "block__target__name",
                "rule",
                "status",
                "criticality",
                "category",
                "field",
                "current_value",
                "expected_value",
                "message",
            )
        )
        if stored or schedule.block_count == 0:
            return [(row[0], _issue(row[1], row[2] or row[3], *row[4:])) for row in stored]
    frame, result = computed_block_frame_and_result(schedule)
    findings = result.findings
    ids = frame.block_id[findings.block_index].tolist()
    source_ids = frame.source_block_id[findings.block_index].tolist()
    names = frame.display_name[findings.block_index].tolist()
    columns = zip(
        ids,
        source_ids,
        names,
        findings.rule,
        findings.status,
        findings.criticality,
        findings.category,
        findings.field,
        findings.current_value,
        findings.expected_value,
        findings.message,
        strict=True,
    )
    return [(block_id, _issue(*values)) for block_id, *values in columns]
