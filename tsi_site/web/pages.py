"""The report page, written once: every page about one schedule is a subclass that names its
template and form and builds its content.

The prologue (read permission, the schedule, the GET form and its errors) and the epilogue
(render the template, or answer ``?csv=<name>`` with the data of that chart or table, filters
applied) are here; a page class only says what it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import plotly.graph_objects as go
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.safestring import SafeString
from django.views import View

from schedules.models import Schedule
from tsi_site.api.bodies import accepts_gzip, cached_rendering, schedules_body_key
from tsi_site.web.access import read_required
from tsi_site.web.charts import Empty, figure_json
from tsi_site.web.downloads import download_name, table_csv_response
from tsi_site.web.plotly_static import plotly_bundle
from tsi_site.web.spliced_gzip import deflate_piece, gzip_spliced
from tsi_site.web.tables import Table, shown_rows

ROWS_PER_PAGE = 50
PREVIEW_ROWS = 100  # long secondary tables show this many rows; the CSV has them all


@dataclass(frozen=True)
class ChartSpec:
    """A chart of a page: its figure and, for the CSV download, the table it draws."""

    name: str
    figure: Callable[[], go.Figure | Empty]
    table: Callable[[], Table]


@dataclass(frozen=True)
class RenderedChart:
    name: str
    figure: SafeString | None
    message: str
    trace_types: frozenset[str] = frozenset()
    deflated: bytes = b""  # the figure compressed once, for the page's gzip (cached charts)


@dataclass
class PageContent:
    """What a page shows: template context, its charts, and its other downloadable tables."""

    context: dict = field(default_factory=dict)
    charts: Sequence[ChartSpec] = ()
    tables: Mapping[str, Callable[[], Table]] = field(default_factory=dict)


def render_chart(spec: ChartSpec) -> RenderedChart:
    figure = spec.figure()
    if isinstance(figure, Empty):
        return RenderedChart(spec.name, None, figure.message)
    types = frozenset(trace.type for trace in figure.data)
    return RenderedChart(spec.name, figure_json(figure), "", types)


def _rendered_size(charts: dict[str, RenderedChart]) -> int:
    return sum(len(chart.figure or "") + len(chart.deflated) for chart in charts.values())


def _with_deflated(chart: RenderedChart) -> RenderedChart:
    if chart.figure is None:
        return chart
    return replace(chart, deflated=deflate_piece(chart.figure.encode()))


def gzipped_page(
    request: HttpRequest, response: HttpResponse, charts: Iterable[RenderedChart]
) -> HttpResponse:
    """The page gzipped around its charts' pieces compressed once (``spliced_gzip``) when the
    client accepts gzip and the charts have them; otherwise as rendered (GZipMiddleware)."""
    pieces = [(chart.figure.encode(), chart.deflated) for chart in charts if chart.deflated]
    if not pieces or not accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        return response
    response.content = gzip_spliced(response.content, pieces)
    response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _table_size(table: Table) -> int:
    return 64 * len(table) * len(table.columns)  # about a Python object per cell


def paginate(request: HttpRequest, table: Table, per_page: int = ROWS_PER_PAGE) -> dict:
    """One page of a long table, formatted for display, with its paginator."""
    page = Paginator(table.rows, per_page).get_page(request.GET.get("page"))
    return {"page_obj": page, **shown_rows(table, page)}


def preview(table: Table, rows: int = PREVIEW_ROWS) -> dict:
    """The first rows of a table for display; the page links to the full CSV."""
    return {
        **shown_rows(table, table.rows[:rows]),
        "total": len(table),
        "truncated": len(table) > rows,
    }


def form_errors_text(form: Form) -> HttpResponse:
    """A download requested with invalid filters: the errors, one line per parameter."""
    lines = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
    body = "Invalid filters\n" + "\n".join(lines)
    return HttpResponse(body, status=400, content_type="text/plain")


@method_decorator(read_required, name="dispatch")
class ScheduleView(View):
    """GET (and HEAD) a view of one schedule, with its query form bound and checked."""

    http_method_names = ["get", "head", "options"]
    form_class: type[Form] | None = None

    def get(self, request: HttpRequest, schedule_id: int) -> HttpResponse:
        schedule = get_object_or_404(Schedule, pk=schedule_id)
        form = self.get_form(request, schedule)
        if form is not None and form.is_bound and not form.is_valid():
            return self.invalid(request, schedule, form)
        return self.respond(request, schedule, form)

    def get_form(self, request: HttpRequest, schedule: Schedule):
        return self.form_class(request.GET) if self.form_class else None

    def invalid(self, request: HttpRequest, schedule: Schedule, form) -> HttpResponse:
        return form_errors_text(form)

    def respond(self, request: HttpRequest, schedule: Schedule, form) -> HttpResponse:
        raise NotImplementedError


class ReportPage(ScheduleView):
    """A report page: ``content()`` builds what the page shows from the valid form; the page
    renders it, or answers ``?csv=<name>`` with one of its charts' or tables' data.

    A page declares itself in its class statement::

        class SkyMapPage(ReportPage, page="sky-map", form=SkyMapForm): ...

    ``page`` names its navigation entry and, unless ``template`` is given, its template
    (``<app>/<page with underscores>.html``).
    """

    template_name: str
    page: str
    # True where the charts depend only on this schedule's version, the URL and its query.
    cache_charts = False

    def __init_subclass__(
        cls, *, page: str, form: type[Form] | None = None, template: str = "", **kwargs
    ) -> None:
        super().__init_subclass__(**kwargs)
        cls.page, cls.form_class = page, form
        app = cls.__module__.split(".")[0]
        cls.template_name = template or f"{app}/{page.replace('-', '_')}.html"

    def content(self, request: HttpRequest, schedule: Schedule, form) -> PageContent | None:
        """What the page shows; ``None`` after adding an error to ``form``."""
        return PageContent()

    def charts(
        self, request: HttpRequest, schedule: Schedule, specs: Sequence[ChartSpec]
    ) -> dict[str, RenderedChart]:
        """The page's charts rendered; with ``cache_charts``, once per schedule version, URL and
        query (building the figures is most of a page's time at 25,000 blocks)."""

        def render() -> dict[str, RenderedChart]:
            return {spec.name.replace("-", "_"): render_chart(spec) for spec in specs}

        if not self.cache_charts or not specs:
            return render()
        query = (request.path, sorted(request.GET.lists()))
        key = schedules_body_key(f"charts:{self.page}", self.charted(schedule), query)

        def render_deflated() -> dict[str, RenderedChart]:
            return {name: _with_deflated(chart) for name, chart in render().items()}

        return cached_rendering(key, render_deflated, _rendered_size)

    def table(self, schedule: Schedule, filters: object, build: Callable[[], Table]) -> Table:
        """A long table of the page built once per schedule version and filters, as the charts
        are (with ``cache_charts``): each request shows a page of its rows, or its CSV."""
        if not self.cache_charts:
            return build()
        key = schedules_body_key(f"table:{self.page}", self.charted(schedule), filters)
        return cached_rendering(key, build, _table_size)

    def charted(self, schedule: Schedule) -> Sequence[Schedule]:
        """The schedules the charts are drawn from: a cached chart is kept per their versions."""
        return [schedule]

    def context(self, schedule: Schedule, form) -> dict:
        return {"schedule": schedule, "page": self.page, "form": form}

    def invalid(self, request: HttpRequest, schedule: Schedule, form) -> HttpResponse:
        if request.GET.get("csv"):
            return form_errors_text(form)
        return render(request, self.template_name, self.context(schedule, form), status=400)

    def respond(self, request: HttpRequest, schedule: Schedule, form) -> HttpResponse:
        content = self.content(request, schedule, form)
        if content is None:
            return self.invalid(request, schedule, form)
        downloads = {spec.name: spec.table for spec in content.charts} | dict(content.tables)
        wanted = request.GET.get("csv")
        if wanted:
            if wanted not in downloads:
                raise Http404(f"This page has no data named {wanted!r}.")
            filename = download_name(schedule, wanted, "csv")
            return table_csv_response(downloads[wanted](), filename)
        context = self.context(schedule, form) | content.context
        context["charts"] = self.charts(request, schedule, content.charts)
        context["plotly_js"] = plotly_bundle(
            kind for chart in context["charts"].values() for kind in chart.trace_types
        )
        response = render(request, self.template_name, context)
        return gzipped_page(request, response, context["charts"].values())
