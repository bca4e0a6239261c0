"""The validation report of a schedule: counts by status and criticality, and the issues."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields

from django.db.models import Count

from analytics.block_frame import computed_block_frame_and_result
from analytics.data_source import ETL, current_data_source
from analytics.frame_cache import cached_per_schedule
from schedules.block_schema import display_name
from schedules.models import Schedule
from validation.models import Criticality, Status, ValidationResult
from validation.rules import FINDING_COLUMNS, RULES

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
class ValidationCounts:
    total_blocks: int
    valid_blocks: int
    blocks_by_status: dict[str, int]  # blocks with at least one finding of each status
    issues_by_criticality: dict[str, int]
    rule_counts: list[RuleCount]
    issue_count: int


@dataclass(frozen=True)
class ValidationReport(ValidationCounts):
    issues: list[ValidationIssue]  # after filtering, most critical first


def validation_counts(schedule: Schedule) -> ValidationCounts:
    """The report's numbers without its issue rows (overview pages, summaries)."""
    if current_data_source() == ETL and (stored := _cached_counts(schedule)) is not None:
        return stored
    return _counts_from(schedule, _computed_rows(schedule))


def validation_report(schedule: Schedule, filters: ValidationFilters) -> ValidationReport:
    if current_data_source() == ETL and (counts := _cached_counts(schedule)) is not None:
        issues = cached_per_schedule(
            "validation-issues",
            schedule,
            lambda: sorted(_stored_issues(schedule), key=_severity_order),
        )
    else:
        rows = _computed_rows(schedule)
        counts = _counts_from(schedule, rows)
        issues = sorted(
            (issue for _, issue in rows if issue.status != Status.VALID), key=_severity_order
        )
    return ValidationReport(
        **{field.name: getattr(counts, field.name) for field in fields(ValidationCounts)},
        issues=[issue for issue in issues if _matches(issue, filters)],
    )


def block_issues(schedule: Schedule, block_id: int) -> list[ValidationIssue]:
    """The findings of one block (not its "valid" row), most critical first."""
    if current_data_source() == ETL:
        # The block's "valid" row comes too: it tells a clean block from unstored findings.
        stored = _stored_issues(schedule, block_id)
        if stored:
            found = [issue for issue in stored if issue.status != Status.VALID]
            return sorted(found, key=_severity_order)
    rows = _computed_rows(schedule)
    found = [issue for key, issue in rows if key == block_id and issue.status != Status.VALID]
    return sorted(found, key=_severity_order)


def _severity_order(issue: ValidationIssue) -> tuple:
    return (
        CRITICALITY_ORDER.get(issue.criticality, len(CRITICALITY_ORDER)),
        STATUS_ORDER.get(issue.status, len(STATUS_ORDER)),
        issue.source_block_id,
        issue.rule,
    )


def _assemble_counts(
    schedule: Schedule,
    blocks_by_status: dict[str, int],
    by_criticality: Counter,
    per_rule: Counter,
) -> ValidationCounts:
    return ValidationCounts(
        total_blocks=schedule.block_count,
        valid_blocks=blocks_by_status.get(Status.VALID, 0),
        blocks_by_status={status: blocks_by_status.get(status, 0) for status in Status.values},
        issues_by_criticality={level: by_criticality.get(level, 0) for level in Criticality.values},
        rule_counts=[
            RuleCount(slug, rule.title, rule.status, rule.criticality, per_rule[slug])
            for slug, rule in RULES.items()
            if per_rule[slug]
        ],
        issue_count=sum(per_rule.values()),
    )


def _counts_from(schedule: Schedule, rows: list[tuple[int, ValidationIssue]]) -> ValidationCounts:
    blocks_by_status: dict[str, set] = {status: set() for status in Status.values}
    per_rule: Counter = Counter()
    by_criticality: Counter = Counter()
    for block_key, issue in rows:
        blocks_by_status[issue.status].add(block_key)
        if issue.status != Status.VALID:
            per_rule[issue.rule] += 1
            by_criticality[issue.criticality] += 1
    return _assemble_counts(
        schedule,
        {status: len(blocks) for status, blocks in blocks_by_status.items()},
        by_criticality,
        per_rule,
    )


def _cached_counts(schedule: Schedule) -> ValidationCounts | None:
    """The stored counts once per schedule version: aggregating 25,000 findings on every
    overview was most of its time."""
    return cached_per_schedule("validation-counts", schedule, lambda: _stored_counts(schedule))


def _stored_counts(schedule: Schedule) -> ValidationCounts | None:
    """Counts aggregated in the database; ``None`` when the schedule has no stored findings."""
    results = ValidationResult.objects.filter(schedule=schedule)
    by_status = dict(
        results.values("status")
        .annotate(blocks=Count("block_id", distinct=True))
        .values_list("status", "blocks")
    )
    if not by_status and schedule.block_count:
        return None
    issues = results.exclude(status=Status.VALID)
    by_criticality = Counter(
        dict(issues.values("criticality").annotate(n=Count("id")).values_list("criticality", "n"))
    )
    per_rule = Counter(dict(issues.values("rule").annotate(n=Count("id")).values_list("rule", "n")))
    return _assemble_counts(schedule, by_status, by_criticality, per_rule)


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


def _stored_issues(schedule: Schedule, block_id: int | None = None) -> list[ValidationIssue]:
    """Every stored finding but "valid" rows; one block's findings, "valid" row included."""
    results = ValidationResult.objects.filter(schedule=schedule)
    results = (
        results.exclude(status=Status.VALID)
        if block_id is None
        else results.filter(block_id=block_id)
    )
    rows = results.values_list(
        "block__source_block_id",
        "block__block_name",
        "block__target__name",
        *FINDING_COLUMNS,
    )
    return [_issue(row[0], display_name(row[1], row[2]), *row[3:]) for row in rows]


def _computed_rows(schedule: Schedule) -> list[tuple[int, ValidationIssue]]:
    """(block id, issue) for every finding recomputed from the blocks (the legacy path)."""
    frame, result = computed_block_frame_and_result(schedule)
    findings = result.findings
    ids = frame.block_id[findings.block_index].tolist()
    source_ids = frame.source_block_id[findings.block_index].tolist()
    names = frame.display_name[findings.block_index].tolist()
    columns = zip(
        ids,
        source_ids,
        names,
        *(getattr(findings, name) for name in FINDING_COLUMNS),
        strict=True,
    )
    return [(block_id, _issue(*values)) for block_id, *values in columns]
