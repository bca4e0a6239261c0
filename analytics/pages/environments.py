"""The environments pages (DESIGN §14): every group of comparable runs, and one group ranked by
composite KPI with deltas against its baseline and each KPI's evolution in upload order."""

from __future__ import annotations

from datetime import UTC

import plotly.graph_objects as go
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.views import View

from analytics.forms import (
    EnvironmentBaselineForm,
    EnvironmentForm,
    EnvironmentListForm,
    EnvironmentRenameForm,
)
from analytics.selectors.environments import (
    FIGURE_TITLES,
    RANKED_FIGURES,
    EnvironmentRanking,
    NotAMember,
    environment_list,
    environment_ranking,
)
from schedules.models import Environment
from schedules.permissions import can_change_environment
from schedules.pipeline.environments import choose_baseline, rename_environment
from tsi_site.web.access import read_required
from tsi_site.web.charts import Empty, new_figure
from tsi_site.web.downloads import table_csv_response
from tsi_site.web.pages import ChartSpec, form_errors_text, render_chart
from tsi_site.web.tables import Column, Table, shown_rows

ENVIRONMENTS_PER_PAGE = 25
COMPARED_AT_MOST = 10  # the compare page takes a reference and up to ten others


@method_decorator(read_required, name="dispatch")
class EnvironmentListPage(View):
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest) -> HttpResponse:
        form = EnvironmentListForm(request.GET)
        search = form.cleaned_data["q"].strip() if form.is_valid() else ""
        page = Paginator(environment_list(search), ENVIRONMENTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "analytics/environments.html",
            {"form": form, "search": search, "page_obj": page},
        )


@method_decorator(read_required, name="dispatch")
class EnvironmentPage(View):
    """GET the ranking (``?csv=ranking`` or ``?csv=evolution`` for its data); POST renames the
    environment or keeps a baseline, for users who may change environments."""

    http_method_names = ["get", "head", "post", "options"]

    def get(self, request: HttpRequest, environment_id: int) -> HttpResponse:
        environment = get_object_or_404(Environment, pk=environment_id)
        form = EnvironmentForm(request.GET)
        if not form.is_valid():
            return self._invalid(request, environment, form)
        try:
            ranking = environment_ranking(environment, form.cleaned_data["baseline"])
        except NotAMember as error:
            form.add_error("baseline", str(error))
            return self._invalid(request, environment, form)
        charts = [
            ChartSpec(
                "evolution", lambda: evolution_figure(ranking), lambda: evolution_table(ranking)
            )
        ]
        downloads = {"ranking": lambda: ranking_table(ranking)} | {
            spec.name: spec.table for spec in charts
        }
        wanted = request.GET.get("csv")
        if wanted:
            if wanted not in downloads:
                raise Http404(f"This page has no data named {wanted!r}.")
            filename = f"{slugify(environment.name) or 'environment'}-{wanted}.csv"
            return table_csv_response(downloads[wanted](), filename)
        table = ranking_table(ranking)
        context = self._context(request, environment, form) | {
            "ranking": ranking,
            "table": shown_rows(table),
            "charts": {spec.name: render_chart(spec) for spec in charts},
            "compare_url": compare_url(ranking),
        }
        return render(request, "analytics/environment.html", context)

    def post(self, request: HttpRequest, environment_id: int) -> HttpResponse:
        environment = get_object_or_404(Environment, pk=environment_id)
        if not can_change_environment(request.user):
            raise PermissionDenied("You do not have permission to change environments.")
        if "name" in request.POST:
            form = EnvironmentRenameForm(request.POST)
            if form.is_valid():
                rename_environment(environment, form.cleaned_data["name"])
                messages.success(request, f"Renamed the environment to “{environment.name}”.")
        else:
            form = EnvironmentBaselineForm(request.POST, environment=environment)
            if form.is_valid():
                choose_baseline(environment, form.cleaned_data["baseline"])
                messages.success(request, "Kept the new baseline for everyone.")
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{field}: {' '.join(errors)}")
        return redirect(environment.get_absolute_url())

    def _context(self, request: HttpRequest, environment: Environment, form) -> dict:
        context = {"environment": environment, "form": form, "may_change": False}
        if can_change_environment(request.user):
            context |= {
                "may_change": True,
                "rename_form": EnvironmentRenameForm(initial={"name": environment.name}),
                "baseline_form": EnvironmentBaselineForm(environment=environment),
            }
        return context

    def _invalid(self, request: HttpRequest, environment: Environment, form) -> HttpResponse:
        if request.GET.get("csv"):
            return form_errors_text(form)
        context = self._context(request, environment, form)
        return render(request, "analytics/environment.html", context, status=400)


def compare_url(ranking: EnvironmentRanking) -> str:
    """The compare page of the baseline against the best-ranked others."""
    if ranking.baseline is None or len(ranking.ranked) < 2:
        return ""
    others = [m.schedule.pk for m in ranking.ranked if not m.is_baseline][:COMPARED_AT_MOST]
    query = "&".join(f"other={pk}" for pk in others)
    return f"{reverse('analytics:compare', args=[ranking.baseline.pk])}?{query}"


def ranking_table(ranking: EnvironmentRanking) -> Table:
    """Rank, schedule and each figure with its delta to the baseline (a CSV column of its own;
    a page shows it under the figure)."""
    urls = {str(m.schedule): m.schedule.get_absolute_url() for m in ranking.ranked}
    columns = [
        Column("Rank"),
        Column("Schedule", wrap=True, link=urls.get),
        Column("Schedule id", page=False),
        Column("Uploaded (UTC)", utc=True),
        Column("Baseline"),
    ]
    for name in RANKED_FIGURES:
        title = FIGURE_TITLES[name]
        columns += [
            Column(title, 3, detail=f"{title} Δ"),
            Column(f"{title} Δ", 3, page=False),
        ]
    rows = []
    for member in ranking.ranked:
        row = [
            member.rank,
            str(member.schedule),
            member.schedule.pk,
            _utc(member.schedule.uploaded_at),
            "baseline" if member.is_baseline else "",
        ]
        for name in RANKED_FIGURES:
            row += [member.figures[name], member.deltas[name]]
        rows.append(row)
    deltas = {index for index, column in enumerate(columns) if column.title.endswith(" Δ")}

    def signed_deltas(row, index: int) -> str | None:
        """Deltas read as changes on a page: +0.012, −0.300, ±0."""
        value = row[index]
        if index not in deltas or not isinstance(value, float):
            return None
        return "±0" if value == 0 else f"{value:+.3f}".replace("-", "−")

    return Table(tuple(columns), rows, cell_format=signed_deltas)


def evolution_figure(ranking: EnvironmentRanking) -> go.Figure | Empty:
    members = ranking.in_upload_order
    if not any(member.figures["composite"] is not None for member in members):
        return Empty("No schedule of this environment has stored KPIs.")
    labels = [f"{member.upload_order}. {member.schedule}" for member in members]
    figure = new_figure(height=380, hovermode="x unified")
    for name in RANKED_FIGURES:
        figure.add_trace(
            go.Scatter(
                x=labels,
                y=[member.figures[name] for member in members],
                mode="lines+markers",
                name=FIGURE_TITLES[name],
                line={"width": 3 if name == "composite" else 1.5},
                hovertemplate="%{y:.3f}",
            )
        )
    figure.update_xaxes(title_text="Upload order", type="category")
    figure.update_yaxes(title_text="KPI (0 to 1)", range=[0, 1.02])
    return figure


def evolution_table(ranking: EnvironmentRanking) -> Table:
    columns = (
        Column("Upload order"),
        Column("Schedule"),
        Column("Schedule id"),
        Column("Uploaded (UTC)", utc=True),
        *(Column(FIGURE_TITLES[name], 3) for name in RANKED_FIGURES),
    )
    rows = [
        [
            member.upload_order,
            str(member.schedule),
            member.schedule.pk,
            _utc(member.schedule.uploaded_at),
            *(member.figures[name] for name in RANKED_FIGURES),
        ]
        for member in ranking.in_upload_order
    ]
    return Table(columns, rows)


def _utc(moment) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%S}Z"
