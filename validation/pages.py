"""The validation report page: counts by status, criticality and rule, and the issues."""

from __future__ import annotations

from tsi_site.web.links import block_link
from tsi_site.web.pages import PageContent, ReportPage, paginate, preview
from tsi_site.web.tables import CellLink, Column, Table
from validation.forms import ValidationFilterForm
from validation.selectors import ValidationReport, validation_report


class ValidationReportPage(
    ReportPage, page="validation", form=ValidationFilterForm, template="validation/report.html"
):
    def content(self, request, schedule, form) -> PageContent:
        data = validation_report(schedule, form.filters())
        issues = validation_issues_table(data, block_link(schedule.pk))
        rules = validation_rules_table(data)
        return PageContent(
            {"report": data, "issues": paginate(request, issues), "rules": preview(rules)},
            tables={"issues": lambda: issues, "rules": lambda: rules},
        )


def validation_issues_table(report: ValidationReport, link: CellLink | None = None) -> Table:
    return Table(
        (
            Column("Criticality", width="w-criticality"),
            Column("Status", width="w-status"),
            Column("Block ID", width="w-id", link=link),
            Column("Name", wrap=True, width="w-name"),
            Column("Issue", wrap=True, width="w-issue", detail="Field"),
            Column("Category", page=False),  # the issue names it; a filter above selects it
            Column("Field", page=False),  # on a page, under the issue
            Column("Current value", width="w-value"),
            Column("Expected", width="w-value"),
            Column("Description", wrap=True),
        ),
        [
            (
                i.criticality,
                i.status,
                i.source_block_id,
                i.display_name,
                i.title,
                i.category.replace("_", " "),
                i.field,
                i.current_value,
                i.expected_value,
                i.message,
            )
            for i in report.issues
        ],
    )


def validation_rules_table(report: ValidationReport) -> Table:
    return Table(
        (
            Column("Rule"),
            Column("Issue", wrap=True),
            Column("Status"),
            Column("Criticality"),
            Column("Blocks"),
        ),
        [(r.rule, r.title, r.status, r.criticality, r.blocks) for r in report.rule_counts],
    )
