"""Report pages of one schedule. Each view parses its GET form, calls one selector, and hands the
selector's data to the figure and table builders; ``?csv=<name>`` on any page returns the data
of the chart or table of that name, with the page's filters applied."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
from django import forms
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from analytics import charts, reports, tables
from analytics.forms import BlockFiltersForm, SkyMapForm, TimelineForm, TrendsForm, VisibilityForm
from analytics.selectors import (
    compare,
    distributions,
    insights,
    schedule_overview,
    sky_map,
    timeline,
    trends,
    visibility_histogram,
)
from analytics.selectors.visibility import TooManyBinsError
from analytics.tables import Table
from schedules.models import Schedule
from schedules.selectors import schedule_list, schedule_versions
from schedules.views import read_required
from validation.selectors import validation_counts

ROWS_PER_PAGE = 50
PREVIEW_ROWS = 100  # long secondary tables show this many rows; the CSV has them all


@dataclass(frozen=True)
class ChartSpec:
    """A chart of a page: its figure and, for the CSV download, the table it draws."""

    name: str
    figure: Callable[[], go.Figure | charts.Empty]
    table: Callable[[], Table]


@dataclass(frozen=True)
class RenderedChart:
    name: str
    figure: SafeString | None
    message: str


def _render_chart(spec: ChartSpec) -> RenderedChart:
    figure = spec.figure()
    if isinstance(figure, charts.Empty):
        return RenderedChart(spec.name, None, figure.message)
    return RenderedChart(spec.name, charts.figure_json(figure), "")


def table_csv_response(table: Table, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    table.write_csv(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download_name(schedule: Schedule, name: str, extension: str) -> str:
    return f"{slugify(schedule.name) or 'schedule'}-v{schedule.version}-{name}.{extension}"


def report_page(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    charts_: Sequence[ChartSpec] = (),
    tables_: Mapping[str, Callable[[], Table]] | None = None,
) -> HttpResponse:
    """Render a report page, or the CSV of one of its charts or tables (``?csv=<name>``)."""
    schedule: Schedule = context["schedule"]
    downloads = {spec.name: spec.table for spec in charts_} | dict(tables_ or {})
    wanted = request.GET.get("csv")
    if wanted:
        if wanted not in downloads:
            raise Http404(f"This page has no data named {wanted!r}.")
        return table_csv_response(downloads[wanted](), download_name(schedule, wanted, "csv"))
    context["charts"] = {spec.name.replace("-", "_"): _render_chart(spec) for spec in charts_}
    return render(request, template, context)


def form_errors_text(form: Form) -> HttpResponse:
    """A download requested with invalid filters: the errors as plain text."""
    lines = [f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()]
    return HttpResponse(
        "Invalid filters\n" + "\n".join(lines), status=400, content_type="text/plain"
    )


def invalid_filters(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The page with its form errors (a CSV request gets them as text)."""
    if request.GET.get("csv"):
        return form_errors_text(context["form"])
    return render(request, template, context, status=400)


def paginate(request: HttpRequest, table: Table, per_page: int = ROWS_PER_PAGE) -> dict:
    """One page of a long table, formatted for display, with its paginator."""
    page = Paginator(table.rows, per_page).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "header": table.page_header,
        "rows": table.display_rows(page, page_columns=True),
    }


def preview(table: Table, rows: int = PREVIEW_ROWS) -> dict:
    """The first rows of a table for display; the page links to the full CSV."""
    return {
        "header": table.page_header,
        "rows": table.display_rows(table.rows[:rows], page_columns=True),
        "total": len(table),
        "truncated": len(table) > rows,
    }


def _schedule(schedule_id: int) -> Schedule:
    return get_object_or_404(Schedule, pk=schedule_id)


def filter_form(form_class: type[Form], query: QueryDict) -> Form:
    """Bind a shared filter form to the query string, each absent field at its initial value,
    so the controls show the values the page actually uses."""
    data = query.copy()
    for name, field in form_class().fields.items():
        if name not in data and field.initial not in (None, ""):
            data[name] = field.initial
    return form_class(data)


def _hide(form: Form, *names: str) -> None:
    """Hide fields of a shared filter form that mean nothing on this page."""
    for name in names:
        form.fields[name].widget = forms.HiddenInput()


def _pick_datetimes(form: Form, *names: str) -> None:
    """Offer the browser's date-time picker for UTC date-time fields."""
    for name in names:
        form.fields[name].widget = forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"
        )


# --- Overview --------------------------------------------------------------------------------


@require_GET
@read_required
def overview(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = _schedule(schedule_id)
    data = schedule_overview(schedule)
    report = validation_counts(schedule)
    return render(
        request,
        "analytics/overview.html",
        {
            "schedule": schedule,
            "page": "overview",
            "overview": data,
            "summary": data.summary,
            "validation": report,
        },
    )


# --- Sky map ---------------------------------------------------------------------------------


@require_GET
@read_required
def sky_map_view(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = _schedule(schedule_id)
    form = filter_form(SkyMapForm, request.GET)
    _pick_datetimes(form, "scheduled_from", "scheduled_to")
    context = {"schedule": schedule, "page": "sky-map", "form": form}
    if not form.is_valid():
        return invalid_filters(request, "analytics/sky_map.html", context)
    data = sky_map(schedule, form.filters())
    options = form.cleaned_data
    context["data"] = data
    return report_page(
        request,
        "analytics/sky_map.html",
        context,
        charts_=[
            ChartSpec(
                "sky-map",
                lambda: charts.sky_map_figure(
                    data,
                    color_by=options["color_by"],
                    projection=options["projection"],
                    flip_ra=options["flip_ra"],
                ),
                lambda: tables.sky_map_table(data),
            )
        ],
    )


# --- Distributions ---------------------------------------------------------------------------


@require_GET
@read_required
def distributions_view(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = _schedule(schedule_id)
    form = filter_form(BlockFiltersForm, request.GET)
    context = {"schedule": schedule, "page": "distributions", "form": form}
    if not form.is_valid():
        return invalid_filters(request, "analytics/distributions.html", context)
    data = distributions(schedule, form.filters())
    statistics = tables.statistics_table(data)
    context |= {"data": data, "statistics": preview(statistics)}

    def histogram(variable: str) -> ChartSpec:
        histogram = data.histograms[variable]
        return ChartSpec(
            f"{variable.replace('_', '-')}-histogram",
            lambda: charts.histogram_figure(histogram, variable, data),
            lambda: tables.histogram_table(histogram, variable),
        )

    return report_page(
        request,
        "analytics/distributions.html",
        context,
        charts_=[
            *(histogram(variable) for variable in data.histograms),
            ChartSpec(
                "priority-by-status",
                lambda: charts.priority_violin_figure(data),
                lambda: tables.priority_by_status_table(data),
            ),
        ],
        tables_={"statistics": lambda: statistics},
    )


# --- Visibility over time --------------------------------------------------------------------


@require_GET
@read_required
def visibility_view(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = _schedule(schedule_id)
    form = filter_form(VisibilityForm, request.GET)
    context = {"schedule": schedule, "page": "visibility", "form": form}
    if not form.is_valid():
        return invalid_filters(request, "analytics/visibility.html", context)
    try:
        data = visibility_histogram(schedule, form.filters())
    except TooManyBinsError as error:
        form.add_error("bin_minutes", str(error))
        return invalid_filters(request, "analytics/visibility.html", context)
    context["data"] = data
    return report_page(
        request,
        "analytics/visibility.html",
        context,
        charts_=[
            ChartSpec(
                "visibility",
                lambda: charts.visibility_figure(data),
                lambda: tables.visibility_table(data),
            )
        ],
    )


# --- Timeline --------------------------------------------------------------------------------


@require_GET
@read_required
def timeline_view(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = _schedule(schedule_id)
    form = filter_form(TimelineForm, request.GET)
    _hide(form, "status")
    form.fields["month"].widget.attrs["placeholder"] = "YYYY-MM"
    context = {"schedule": schedule, "page": "timeline", "form": form}
    if not form.is_valid():
        return invalid_filters(request, "analytics/timeline.html", context)
    data = timeline(schedule, form.filters())
    _choose_month(form, data.months)
    observations = tables.observations_table(data.observations)
    dark_periods = tables.dark_periods_table(data)
    context |= {
        "data": data,
        "observations": paginate(request, observations),
        "dark_periods": preview(dark_periods),
    }
    return report_page(
        request,
        "analytics/timeline.html",
        context,
        charts_=[
            ChartSpec(
                "timeline",
                lambda: charts.timeline_figure(data),
                lambda: tables.timeline_table(data),
            )
        ],
        tables_={"observations": lambda: observations, "dark-periods": lambda: dark_periods},
    )


def _choose_month(form: Form, months: list[str]) -> None:
    """Offer the schedule's months as a list instead of a free-text YYYY-MM field."""
    chosen = form.cleaned_data.get("month") or ""
    listed = sorted({*months, chosen} - {""})
    field = form.fields["month"]
    field.widget = forms.Select(choices=[("", "All months"), *((m, m) for m in listed)])
    field.help_text = form["month"].help_text = ""  # the bound field keeps its own copy


# --- Insights --------------------------------------------------------------------------------


@require_GET
@read_required
def insights_view(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = _schedule(schedule_id)
    form = filter_form(BlockFiltersForm, request.GET)
    context = {"schedule": schedule, "page": "insights", "form": form}
    if not form.is_valid():
        return invalid_filters(request, "analytics/insights.html", context)
    data = insights(schedule, form.filters())
    top_priority = tables.top_blocks_table(data.top_by_priority)
    top_visibility = tables.top_blocks_table(data.top_by_visibility)
    conflicts = tables.conflicts_table(data)
    context |= {
        "data": data,
        "metrics": data.metrics,
        "top_priority": preview(top_priority),
        "top_visibility": preview(top_visibility),
        "conflicts": preview(conflicts),
    }
    return report_page(
        request,
        "analytics/insights.html",
        context,
        charts_=[
            ChartSpec(
                "correlations",
                lambda: charts.correlation_figure(data),
                lambda: tables.correlation_table(data),
            )
        ],
        tables_={
            "top-priority": lambda: top_priority,
            "top-visibility": lambda: top_visibility,
            "conflicts": lambda: conflicts,
        },
    )


REPORT_FORMATS = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8"}


@require_GET
@read_required
def insights_report(request: HttpRequest, schedule_id: int, extension: str) -> HttpResponse:
    """The insights as a Markdown or standalone HTML document, for the current filters."""
    schedule = _schedule(schedule_id)
    form = filter_form(BlockFiltersForm, request.GET)
    if not form.is_valid():
        return form_errors_text(form)
    data = insights(schedule, form.filters())
    body = (
        reports.insights_markdown(schedule, data)
        if extension == "md"
        else reports.insights_html(schedule, data)
    )
    response = HttpResponse(body, content_type=REPORT_FORMATS[extension])
    filename = download_name(schedule, "insights-report", extension)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Trends ----------------------------------------------------------------------------------


@require_GET
@read_required
def trends_view(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = _schedule(schedule_id)
    form = filter_form(TrendsForm, request.GET)
    context = {"schedule": schedule, "page": "trends", "form": form}
    if not form.is_valid():
        return invalid_filters(request, "analytics/trends.html", context)
    data = trends(schedule, form.filters())
    by_priority = tables.rate_bins_table(data.by_priority, "Priority")
    by_visibility = tables.rate_bins_table(data.by_visibility, "Mean visibility (h)")
    by_requested = tables.rate_bins_table(data.by_requested, "Mean requested (h)")
    model = tables.model_table(data)
    context |= {
        "data": data,
        "by_priority": preview(by_priority),
        "by_visibility": preview(by_visibility),
        "by_requested": preview(by_requested),
        "model": preview(model),
    }
    return report_page(
        request,
        "analytics/trends.html",
        context,
        charts_=[
            ChartSpec(
                "rate-by-priority",
                lambda: charts.rate_by_priority_figure(data),
                lambda: by_priority,
            ),
            ChartSpec(
                "rate-by-visibility",
                lambda: charts.rate_by_bins_figure(
                    data.by_visibility, "total_visibility_hours", data
                ),
                lambda: by_visibility,
            ),
            ChartSpec(
                "rate-by-requested",
                lambda: charts.rate_by_bins_figure(data.by_requested, "requested_hours", data),
                lambda: by_requested,
            ),
            ChartSpec(
                "smoothed-visibility",
                lambda: charts.smoothed_figure(
                    data.smoothed_visibility, "total_visibility_hours", data
                ),
                lambda: tables.smoothed_table(data.smoothed_visibility, "Visibility (h)"),
            ),
            ChartSpec(
                "smoothed-requested",
                lambda: charts.smoothed_figure(data.smoothed_requested, "requested_hours", data),
                lambda: tables.smoothed_table(data.smoothed_requested, "Requested (h)"),
            ),
            ChartSpec(
                "rate-heatmap",
                lambda: charts.rate_heatmap_figure(data),
                lambda: tables.heatmap_table(data),
            ),
        ],
        tables_={"model": lambda: model},
    )


# --- Compare ---------------------------------------------------------------------------------


class CompareForm(forms.Form):
    other = forms.ModelChoiceField(
        queryset=Schedule.objects.none(),
        required=False,
        label="Compare with",
        empty_label="Choose a schedule…",
    )

    def __init__(self, data, *, schedule: Schedule, initial_other: Schedule | None) -> None:
        super().__init__(data or None, initial={"other": initial_other})
        field = self.fields["other"]
        field.queryset = schedule_list().exclude(pk=schedule.pk)
        field.label_from_instance = lambda other: f"{other} (#{other.pk})"


@require_GET
@read_required
def compare_view(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = _schedule(schedule_id)
    # Not schedule_overview(): it would also read the summary (legacy: transform every block).
    previous = schedule_versions(schedule).filter(version__lt=schedule.version).first()
    form = CompareForm(
        request.GET if "other" in request.GET else None,
        schedule=schedule,
        initial_other=previous,
    )
    context = {"schedule": schedule, "page": "compare", "form": form, "previous": previous}
    if form.is_bound and not form.is_valid():
        return invalid_filters(request, "analytics/compare.html", context)
    other = form.cleaned_data["other"] if form.is_bound else previous
    if other is None:
        return report_page(request, "analytics/compare.html", context)
    data = compare(other, schedule)
    metrics = tables.compare_metrics_table(data)
    only_a, only_b = tables.block_ids_table(data.only_in_a), tables.block_ids_table(data.only_in_b)
    newly_scheduled = tables.block_changes_table(data.newly_scheduled, sides="B")
    newly_unscheduled = tables.block_changes_table(data.newly_unscheduled, sides="A")
    retimed = tables.block_changes_table(data.retimed)
    context |= {
        "other": other,
        "data": data,
        "metrics": preview(metrics),
        "only_in_a": preview(only_a),
        "only_in_b": preview(only_b),
        "newly_scheduled": preview(newly_scheduled),
        "newly_unscheduled": preview(newly_unscheduled),
        "retimed": preview(retimed),
    }
    return report_page(
        request,
        "analytics/compare.html",
        context,
        charts_=[
            ChartSpec(
                "scheduled-priority",
                lambda: charts.compare_priority_figure(data),
                lambda: tables.compare_values_table(data, "scheduled_priorities", "Priority", 2),
            ),
            ChartSpec(
                "scheduled-requested",
                lambda: charts.compare_requested_figure(data),
                lambda: tables.compare_values_table(
                    data, "scheduled_requested_hours", "Requested (h)", 2
                ),
            ),
        ],
        tables_={
            "metrics": lambda: metrics,
            "only-in-a": lambda: only_a,
            "only-in-b": lambda: only_b,
            "newly-scheduled": lambda: newly_scheduled,
            "newly-unscheduled": lambda: newly_unscheduled,
            "retimed": lambda: retimed,
        },
    )
