"""The validation report page: counts by status, criticality and rule, and the issues."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from analytics import tables
from analytics.views import filter_form, invalid_filters, paginate, preview, report_page
from schedules.models import Schedule
from schedules.views import read_required
from validation.forms import ValidationFilterForm
from validation.selectors import validation_report

TEMPLATE = "validation/report.html"


@require_GET
@read_required
def report(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = get_object_or_404(Schedule, pk=schedule_id)
    form = filter_form(ValidationFilterForm, request.GET)
    context = {"schedule": schedule, "page": "validation", "form": form}
    if not form.is_valid():
        return invalid_filters(request, TEMPLATE, context)
    data = validation_report(schedule, form.filters())
    issues = tables.validation_issues_table(data)
    rules = tables.validation_rules_table(data)
    context |= {"report": data, "issues": paginate(request, issues), "rules": preview(rules)}
    return report_page(
        request, TEMPLATE, context, tables_={"issues": lambda: issues, "rules": lambda: rules}
    )
