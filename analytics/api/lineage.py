"""Endpoints of the lineage (DESIGN §14): what changed from each version of a schedule's name
to the next, and one block across the versions."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api import examples, schemas
from analytics.selectors.lineage import block_history_of, lineage_report
from schedules.models import SchedulingBlock
from tsi_site.api.access import ScheduleAccess, schedule_or_404
from tsi_site.api.pages import TAGS
from tsi_site.api.rendering import jsonable
from tsi_site.api.schema import READ_ERRORS, error_responses


@extend_schema(
    summary="Lineage",
    description="Every version of the schedule's name, oldest first (`is_current` marks this "
    "one), and one step per pair of consecutive versions, blocks matched on their source id: "
    "blocks added, removed, newly scheduled, newly unscheduled, retimed (scheduled in both, "
    "start or stop moved by more than a second) and given another priority; `blocks` counts "
    "the blocks in either version and `churn_rate` the share of them changed in any of these "
    "ways.",
    tags=list(TAGS),
    responses={
        200: OpenApiResponse(
            schemas.LINEAGE, description="Lineage data.", examples=[examples.LINEAGE]
        ),
        **error_responses(*READ_ERRORS),
    },
)
class LineageView(APIView):
    permission_classes = [ScheduleAccess]

    def get(self, request: Request, schedule_id: int) -> Response:
        return Response(jsonable(lineage_report(schedule_or_404(schedule_id))))


@extend_schema(
    summary="Block history",
    description="The block with this block's source id in every version of the schedule's "
    "name, oldest first: whether the version has it (`block_id` is its id there), whether it "
    "is scheduled and when, its priority, and `changes` from the previous version (`added`, "
    "`removed`, `newly_scheduled`, `newly_unscheduled`, `retimed`, `priority_changed`).",
    tags=list(TAGS),
    responses={
        200: OpenApiResponse(
            schemas.BLOCK_HISTORY,
            description="The block's history.",
            examples=[examples.BLOCK_HISTORY],
        ),
        **error_responses(*READ_ERRORS),
    },
)
class BlockHistoryView(APIView):
    permission_classes = [ScheduleAccess]

    def get(self, request: Request, schedule_id: int, block_id: int) -> Response:
        schedule = schedule_or_404(schedule_id)
        source_block_id = (
            SchedulingBlock.objects.filter(schedule=schedule, pk=block_id)
            .values_list("source_block_id", flat=True)
            .first()
        )
        if source_block_id is None:
            raise NotFound(f"Schedule {schedule_id} has no block with id {block_id}.")
        return Response(jsonable(block_history_of(schedule, source_block_id)))
