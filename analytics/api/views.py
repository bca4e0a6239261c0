"""One endpoint per report page (``tsi_site.api.pages.PageView``), and the overview and
compare endpoints."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api import examples, schemas
from analytics.api.serializers import ScheduleOverviewSerializer
from analytics.forms import (
    BlockFiltersForm,
    CompareForm,
    OverviewForm,
    SkyMapForm,
    TimelineForm,
    TrendsForm,
    VisibilityForm,
)
from analytics.multi_compare import MAX_OTHERS
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
from analytics.selectors.multi_compare import MATRIX_PAGE_SIZE, multi_compare
from analytics.selectors.visibility import TooManyBinsError
from schedules.models import Schedule
from tsi_site.api.access import ScheduleAccess, schedule_or_404
from tsi_site.api.bodies import cached_json_response, schedules_body_key
from tsi_site.api.errors import form_errors
from tsi_site.api.pages import TAGS, PageView, page_schema, parse_filters
from tsi_site.api.schema import READ_ERRORS, error_responses, form_parameters


@page_schema(
    SkyMapForm,
    schemas.SKY_MAP,
    examples.SKY_MAP,
    "Sky map",
    "Target positions of the blocks passing the filters, one array per column in `points`. "
    "`color_by`, `projection` and `flip_ra` only change how the page draws them.",
)
class SkyMapView(PageView):
    form_class = SkyMapForm
    selector = staticmethod(sky_map)


@page_schema(
    BlockFiltersForm,
    schemas.DISTRIBUTIONS,
    examples.DISTRIBUTIONS,
    "Distributions",
    "Histograms of priority, visibility, requested time and elevation range, split into "
    "scheduled and unscheduled blocks, with descriptive statistics.",
)
class DistributionsView(PageView):
    form_class = BlockFiltersForm
    selector = staticmethod(distributions)


@page_schema(
    VisibilityForm,
    schemas.VISIBILITY_HISTOGRAM,
    examples.VISIBILITY_HISTOGRAM,
    "Visibility over time",
    "How many blocks are visible in each time bin (a block counts once per bin), in total and "
    "per priority bucket. Bins by count (`bin_mode=count`, `bins`) or duration "
    "(`bin_mode=duration`, `bin_minutes`).",
)
class VisibilityHistogramView(PageView):
    form_class = VisibilityForm
    selector = staticmethod(visibility_histogram)

    def select(self, schedule: Schedule, filters):
        try:
            return super().select(schedule, filters)
        except TooManyBinsError as error:
            raise ValidationError({"bin_minutes": [str(error)]}) from None


@page_schema(
    TimelineForm,
    schemas.TIMELINE,
    examples.TIMELINE,
    "Scheduled timeline",
    "Scheduled blocks in start order (columns in `observations`), the months available and "
    "the dark periods.",
)
class TimelineView(PageView):
    form_class = TimelineForm
    selector = staticmethod(timeline)


@page_schema(
    BlockFiltersForm,
    schemas.INSIGHTS,
    examples.INSIGHTS,
    "Insights",
    "Headline metrics, findings in words, Spearman correlations, the top blocks by priority "
    "and by visibility, and the pairs of scheduled blocks that overlap.",
)
class InsightsView(PageView):
    form_class = BlockFiltersForm
    selector = staticmethod(insights)


@page_schema(
    TrendsForm,
    schemas.TRENDS,
    examples.TRENDS,
    "Trends",
    "Scheduling rate by priority, visibility and requested time; Gaussian-smoothed curves; a "
    "visibility × requested heatmap; and a logistic model of being scheduled.",
)
class TrendsView(PageView):
    form_class = TrendsForm
    selector = staticmethod(trends)


@extend_schema(
    summary="Overview",
    description="The schedule, its summary (all blocks), the headline figures over the blocks "
    "chosen with `impossible` (all by default; `exclude` for feasible blocks only), and every "
    "stored version of its name.",
    tags=list(TAGS),
    parameters=form_parameters(OverviewForm),
    responses={
        200: OpenApiResponse(
            ScheduleOverviewSerializer, description="Overview data.", examples=[examples.OVERVIEW]
        ),
        **error_responses(*READ_ERRORS),
    },
)
class OverviewView(APIView):
    permission_classes = [ScheduleAccess]

    def get(self, request: Request, schedule_id: int) -> Response:
        schedule = schedule_or_404(schedule_id)
        overview = schedule_overview(schedule, parse_filters(OverviewForm, request))
        return Response(ScheduleOverviewSerializer(overview, context={"request": request}).data)


@extend_schema(
    summary="Compare with another schedule",
    description="Blocks matched on their source block id: what only one side has, what became "
    "scheduled or unscheduled, and what was moved in time (by more than one second).",
    tags=list(TAGS),
    responses={
        200: OpenApiResponse(
            schemas.COMPARE, description="Comparison data.", examples=[examples.COMPARE]
        ),
        **error_responses(*READ_ERRORS),
    },
)
class CompareView(APIView):
    permission_classes = [ScheduleAccess]

    def get(self, request: Request, schedule_id: int, other_id: int) -> HttpResponse:
        pair = [schedule_or_404(schedule_id), schedule_or_404(other_id)]
        key = schedules_body_key("compare", pair, None)
        return cached_json_response(request, key, lambda: compare(*pair))


class MultiCompareView(APIView):
    permission_classes = [ScheduleAccess]

    @extend_schema(
        summary="Compare with up to ten schedules",
        operation_id="schedules_compare_several",
        description="This schedule (the reference) against the schedules named by `other` (repeat "
        "it, at most 10), blocks matched on their source block id: the summary metrics of each "
        "(`best` indexes the schedules holding a row's best value, `deltas` are differences to the "
        "reference), the hours of each fragmentation class, box statistics of the scheduled "
        "priorities, the pair figures of each other against the reference (A = the reference; a "
        "shift is the other's start minus the reference's, in minutes) with the warnings of the "
        "two-schedule compare, and a page of the block × schedule status matrix "
        "(`hide_agreeing`, `page`). The compare page shows the same.",
        tags=list(TAGS),
        parameters=[
            OpenApiParameter(
                "other",
                int,
                many=True,
                required=True,
                explode=True,
                description=f"Ids of the schedules compared with this one, at most {MAX_OTHERS} "
                "(repeat the parameter: `?other=2&other=3`).",
            ),
            OpenApiParameter(
                "hide_agreeing",
                bool,
                description="Status matrix: only the blocks whose status differs between the "
                "schedules.",
            ),
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1, "default": 1},
                description=f"Page of the status matrix, {MATRIX_PAGE_SIZE} blocks each (past the "
                "last: the last).",
            ),
        ],
        responses={
            200: OpenApiResponse(
                schemas.MULTI_COMPARE,
                description="N-way comparison data.",
                examples=[examples.MULTI_COMPARE],
            ),
            **error_responses(400, *READ_ERRORS),
        },
    )
    def get(self, request: Request, schedule_id: int) -> Response:
        schedule = schedule_or_404(schedule_id)
        form = CompareForm(request.query_params, schedule=schedule)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        if not form.cleaned_data["other"]:
            raise ValidationError({"other": ["Name at least one schedule to compare with."]})
        query = form.query()
        key = schedules_body_key(
            "multi-compare", [schedule, *query.others], (query.hide_agreeing, query.page)
        )
        return cached_json_response(request, key, lambda: multi_compare(schedule, query))
