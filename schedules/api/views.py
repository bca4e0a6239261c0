"""Schedules, their blocks and upload jobs over HTTP: parse, call the selector or service,
answer."""

from __future__ import annotations

import uuid

import orjson
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.filtersets import BlockListFilterSet
from analytics.forms import BlockSkyForm
from analytics.selectors.filters import filter_blocks
from schedules.api.exports import CHUNK_WRITERS, MEDIA_TYPES, export_rows
from schedules.api.serializers import (
    BatchSerializer,
    BatchUploadSerializer,
    BlockDetailSerializer,
    BlockSerializer,
    IngestJobSerializer,
    ScheduleChangeSerializer,
    ScheduleDetailSerializer,
    ScheduleDocumentSerializer,
    ScheduleListSerializer,
    ScheduleSearchSerializer,
    ScheduleSerializer,
    ScheduleUploadSerializer,
    batch_body,
)
from schedules.formats import ScheduleInputError
from schedules.models import IngestJob, Schedule, SchedulingBlock
from schedules.pipeline.jobs import UploadNotStored, create_batch, create_ingest_job
from schedules.pipeline.manage import (
    RenameRefused,
    change_site,
    delete_schedules,
    rename_schedule,
)
from schedules.pipeline.refresh import ContentClash
from schedules.selectors import (
    COMPOSITE_ORDERINGS,
    batch_summary,
    by_composite_score,
    schedule_list,
    visible_jobs,
)
from tsi_site.api.access import BatchAccess, ScheduleAccess, schedule_or_404
from tsi_site.api.bodies import cached_json_response, schedule_body_key
from tsi_site.api.errors import form_errors
from tsi_site.api.exceptions import Conflict, PayloadTooLarge, StorageFull
from tsi_site.api.schema import READ_ERRORS, error_responses, form_parameters
from tsi_site.request_checks import too_large_message
from tsi_site.web.downloads import attachment, download_name, native_export_response

UPLOAD_FILES = ("schedule", "visibility", "dark_periods")


class ScheduleOrdering(OrderingFilter):
    """The list's ``ordering`` over its fields, and by the composite score of the diagnostics
    (``composite``, ``-composite``), which lives on the summary."""

    def filter_queryset(self, request: Request, queryset, view):
        ordering = request.query_params.get(self.ordering_param, "")
        if ordering in COMPOSITE_ORDERINGS:
            return by_composite_score(queryset, ordering)
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["description"] = (
                "Field to order by, `-` first for descending: "
                f"{', '.join(view.ordering_fields)}, or `composite` (the diagnostics' "
                "composite score; schedules without one come last)."
            )
        return parameters


@extend_schema_view(
    list=extend_schema(
        summary="List schedules",
        description="Newest first unless `ordering` says otherwise.",
        parameters=[ScheduleSearchSerializer],
        responses={
            200: OpenApiResponse(
                ScheduleListSerializer(many=True), description="A page of schedules."
            ),
            **error_responses(400, *READ_ERRORS),
        },
    ),
    retrieve=extend_schema(
        summary="A schedule with its summary and validation counts",
        responses={
            200: OpenApiResponse(ScheduleDetailSerializer, description="The schedule."),
            **error_responses(*READ_ERRORS),
        },
    ),
    destroy=extend_schema(
        summary="Delete a schedule and everything under it (needs schedules.delete_schedule, "
        "or the schedule to be the user's upload)",
        responses={
            204: OpenApiResponse(description="Deleted."),
            **error_responses(*READ_ERRORS),
        },
    ),
)
class ScheduleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [ScheduleAccess]
    lookup_url_kwarg = "schedule_id"
    lookup_value_converter = "dbid"
    filter_backends = [ScheduleOrdering]
    ordering_fields = ["uploaded_at", "name", "version", "block_count", "id"]
    ordering = ["-uploaded_at", "-id"]
    queryset = Schedule.objects.select_related("uploaded_by")

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset()
        query = ScheduleSearchSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return schedule_list(search=query.validated_data["q"])

    def get_object(self) -> Schedule:
        schedule = schedule_or_404(self.kwargs[self.lookup_url_kwarg])
        self.check_object_permissions(self.request, schedule)
        return schedule

    def perform_destroy(self, schedule: Schedule) -> None:
        delete_schedules(Schedule.objects.filter(pk=schedule.pk))

    @extend_schema(
        summary="Rename a schedule or move it to another site",
        description=(
            "Needs `schedules.change_schedule`, or the schedule to be the user's upload. A new "
            "`name` makes the schedule that name's next version (version 1 for a new name). A "
            "new `site` stores the location; dark periods and visibility that were computed "
            "from the old site are computed again for the new one and the analytics refreshed "
            "(`site_change` says what was computed again and what was kept from the files). "
            "Both changes happen together or not at all."
        ),
        request=ScheduleChangeSerializer,
        examples=[
            OpenApiExample(
                "Rename and move to Paranal",
                request_only=True,
                value={"name": "Semester A, run 2", "site": "paranal"},
            ),
        ],
        responses={
            200: OpenApiResponse(ScheduleDetailSerializer, description="The changed schedule."),
            **error_responses(400, 401, 403, 404, 409, 429),
        },
    )
    def partial_update(self, request: Request, schedule_id: int) -> Response:
        schedule = self.get_object()
        change = ScheduleChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        values = change.validated_data
        try:
            with transaction.atomic():
                if "name" in values:
                    rename_schedule(schedule, values["name"])
                moved = change_site(schedule, values["site"]) if "site" in values else None
        except RenameRefused as error:
            raise ValidationError({"name": [str(error)]}) from None
        except ScheduleInputError as error:
            raise ValidationError({"site": [str(error)]}) from None
        except ContentClash as error:
            raise Conflict(str(error)) from None
        body = ScheduleDetailSerializer(
            schedule_or_404(schedule.pk), context=self.get_serializer_context()
        ).data
        if moved is not None:
            body["site_change"] = moved.message
        return Response(body)

    def get_serializer_class(self):
        if self.action == "list":
            return ScheduleListSerializer
        return ScheduleDetailSerializer if self.action == "retrieve" else ScheduleSerializer

    @extend_schema(
        summary="Upload a schedule",
        description=(
            "Stores the files and queues their ingest; answers **202** with the job, whose URL "
            "is also in `Location`. Poll the job until `state` is `succeeded` (then `schedule` "
            "is set) or `failed` (then `error` says where the content is wrong). Uploading "
            "files identical to an earlier successful upload answers with a job that has "
            "already succeeded and points at the stored schedule.\n\n"
            "Send `multipart/form-data` with the files (large files, companion files), or "
            "`application/json` with the documents inline (bodies up to "
            "`DATA_UPLOAD_MAX_MEMORY_SIZE`)."
        ),
        request={
            "multipart/form-data": ScheduleUploadSerializer,
            "application/json": ScheduleDocumentSerializer,
        },
        examples=[
            OpenApiExample(
                "Inline native schedule",
                request_only=True,
                media_type="application/json",
                value={
                    "name": "Night plan",
                    "schedule": {
                        "blocks": [
                            {
                                "original_block_id": "sb-1",
                                "priority": 8.5,
                                "target_ra": 83.63,
                                "target_dec": 22.01,
                                "constraints": {
                                    "min_alt": 30,
                                    "max_alt": 85,
                                    "min_az": 0,
                                    "max_az": 360,
                                    "fixed_time": None,
                                },
                                "min_observation": 1200,
                                "requested_duration": 3600,
                                "visibility_periods": [{"start_mjd": 60694.1, "end_mjd": 60694.4}],
                                "scheduled_period": None,
                            }
                        ],
                        "dark_periods": [{"start_mjd": 60694.05, "end_mjd": 60694.45}],
                    },
                },
            ),
        ],
        responses={
            202: OpenApiResponse(IngestJobSerializer, description="The ingest job."),
            **error_responses(400, 401, 403, 413, 415, 429, 507),
        },
    )
    def create(self, request: Request) -> Response:
        if request.content_type.startswith("multipart/"):
            data = request.data  # parsing may stop at a file over the limit
            if too_large := getattr(request._request, "upload_too_large", None):
                raise PayloadTooLarge(too_large_message(file_name=too_large))
            upload = ScheduleUploadSerializer(data=data)
            upload.is_valid(raise_exception=True)
            files = {name: upload.validated_data.get(name) for name in UPLOAD_FILES}
        else:
            document = ScheduleDocumentSerializer(data=request.data)
            document.is_valid(raise_exception=True)
            files = {
                name: _document_file(name, document.validated_data.get(name))
                for name in UPLOAD_FILES
            }
            upload = document
        try:
            job = create_ingest_job(
                schedule_file=files["schedule"],
                visibility_file=files["visibility"],
                dark_periods_file=files["dark_periods"],
                name=upload.validated_data.get("name", ""),
                user=request.user,
                drop_invalid_periods=upload.validated_data["drop_invalid_periods"],
                sky=upload.validated_data["sky"],
            )
        except UploadNotStored as error:
            raise StorageFull(str(error)) from None
        body = IngestJobSerializer(job, context=self.get_serializer_context()).data
        # str(): the serializer's URL is a str subclass, which WSGI servers refuse in headers.
        headers = {"Location": str(body["url"])}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers=headers)

    @extend_schema(
        summary="Export in the native format",
        description="The schedule as native-format JSON; ingesting it again gives the same "
        "checksum.",
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="Native-format schedule document."
            ),
            **error_responses(*READ_ERRORS),
        },
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, schedule_id: int) -> HttpResponse:
        return native_export_response(self.get_object())


def _document_file(name: str, document) -> SimpleUploadedFile | None:
    """An inline JSON document as the file the ingest job stores and reads."""
    if document is None:
        return None
    return SimpleUploadedFile(f"{name}.json", orjson.dumps(document), "application/json")


BLOCK_PARAMETERS = form_parameters(BlockListFilterSet)
_BLOCK_EXPORT_DESCRIPTION = (
    "Every block passing the filters with its analytics, one row per block, streamed in chunks "
    "(constant memory on the server). Takes the same filters as the block list."
)


@extend_schema_view(
    list=extend_schema(
        summary="Blocks of a schedule",
        tags=["blocks"],
        parameters=BLOCK_PARAMETERS,
        description="Filtered and paginated; visibility periods are in the block detail.",
        responses={
            200: OpenApiResponse(BlockSerializer(many=True), description="A page of blocks."),
            **error_responses(400, *READ_ERRORS),
        },
    ),
    retrieve=extend_schema(
        summary="One block, with its visibility periods, night context and findings",
        tags=["blocks"],
        description="`sky` is the block page's night context: the nights of the schedule with "
        "their twilights and the Moon, the night the block is shown in and, with "
        "`altitude=true`, its altitude curve; `site` stands in for a missing location.",
        parameters=form_parameters(BlockSkyForm),
        responses={
            200: OpenApiResponse(BlockDetailSerializer, description="The block."),
            **error_responses(400, *READ_ERRORS),
        },
    ),
)
class BlockViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ScheduleAccess]
    lookup_url_kwarg = "block_id"

    @cached_property
    def schedule(self) -> Schedule:
        return schedule_or_404(self.kwargs["schedule_id"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SchedulingBlock.objects.none()
        blocks = SchedulingBlock.objects.filter(schedule=self.schedule).order_by("id")
        if self.action == "retrieve":
            return blocks.select_related("target", "analytics")
        if self.action == "list":
            return blocks.select_related("target", "analytics").defer("visibility_periods")
        return blocks

    def get_serializer_class(self):
        return BlockDetailSerializer if self.action == "retrieve" else BlockSerializer

    def retrieve(self, request: Request, *args, **kwargs) -> HttpResponse:
        """The block written once per schedule version, block and query: its night context
        (an altitude curve through astropy) is most of the answer's time."""
        query = (self.kwargs["block_id"], sorted(request.query_params.lists()))
        key = schedule_body_key("block", self.schedule, (*query, request.build_absolute_uri("/")))
        return cached_json_response(
            request, key, lambda: self.get_serializer(self.get_object()).data
        )

    def filter_queryset(self, queryset):
        """The pages' block filters (``analytics.filtersets``), in the requested order."""
        if self.action == "retrieve":
            return queryset
        form = BlockListFilterSet(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        return filter_blocks(self.schedule, queryset, form.filters()).order_by(form.order_by())

    @extend_schema(
        summary="Export blocks as CSV",
        tags=["blocks"],
        description=_BLOCK_EXPORT_DESCRIPTION,
        parameters=BLOCK_PARAMETERS,
        responses={
            (200, MEDIA_TYPES["csv"]): OpenApiResponse(OpenApiTypes.STR, description="CSV."),
            **error_responses(400, *READ_ERRORS),
        },
    )
    def export_csv(self, request: Request, schedule_id: int) -> StreamingHttpResponse:
        return self._stream("csv")

    @extend_schema(
        summary="Export blocks as JSON Lines",
        tags=["blocks"],
        description=_BLOCK_EXPORT_DESCRIPTION,
        parameters=BLOCK_PARAMETERS,
        responses={
            (200, MEDIA_TYPES["jsonl"]): OpenApiResponse(
                OpenApiTypes.STR, description="One JSON object per line."
            ),
            **error_responses(400, *READ_ERRORS),
        },
    )
    def export_jsonl(self, request: Request, schedule_id: int) -> StreamingHttpResponse:
        return self._stream("jsonl")

    def _stream(self, export_format: str) -> StreamingHttpResponse:
        blocks = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(
            CHUNK_WRITERS[export_format](export_rows(blocks)),
            content_type=f"{MEDIA_TYPES[export_format]}; charset=utf-8",
        )
        return attachment(response, download_name(self.schedule, "blocks", export_format))


@extend_schema_view(
    list=extend_schema(
        summary="Your upload jobs (staff: everyone's)",
        responses={
            200: OpenApiResponse(IngestJobSerializer(many=True), description="A page of jobs."),
            **error_responses(401, 404, 429),
        },
    ),
    retrieve=extend_schema(
        summary="An upload job: state, phase, progress, error and the resulting schedule",
        responses={
            200: OpenApiResponse(IngestJobSerializer, description="The job."),
            **error_responses(401, 404, 429),
        },
    ),
)
class IngestJobViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IngestJobSerializer
    permission_classes = [IsAuthenticated]
    lookup_url_kwarg = "job_id"
    lookup_value_converter = "dbid"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IngestJob.objects.none()
        return visible_jobs(self.request.user)


BATCH_EXAMPLE = OpenApiExample(
    "Two stored, one refused",
    response_only=True,
    value={
        "id": "0f6c3a52-5d1e-4f7e-9a53-2b7d0c1e9a11",
        "url": "https://tsi.example.org/api/v1/batches/0f6c3a52-5d1e-4f7e-9a53-2b7d0c1e9a11/",
        "summary": "2 stored, 0 already stored, 1 refused",
        "finished": True,
        "stored": 2,
        "already_stored": 0,
        "refused": 1,
        "waiting": 0,
        "files": [
            {"file": "run-a.json", "outcome": "stored", "reason": "", "job": {"id": 41}},
            {
                "file": "broken.json",
                "outcome": "refused",
                "reason": "broken.json: line 2, column 11: invalid JSON: expected a value",
                "job": {"id": 42},
            },
            {"file": "run-b.json", "outcome": "stored", "reason": "", "job": {"id": 43}},
        ],
    },
)


@extend_schema_view(
    create=extend_schema(
        summary="Upload several schedules at once",
        description=(
            "`multipart/form-data` with the field `schedules` repeated, one file each, and the "
            "upload options shared by all (no companion files, no name: each schedule is named "
            "after its file). Each file becomes its own upload job; the jobs share the batch "
            "`id`. Answers **202** with the batch, whose URL is also in `Location`: poll it "
            "until `finished`. Needs `schedules.add_schedule`, like a single upload; the size "
            "limits of one upload apply to the whole request."
        ),
        request={"multipart/form-data": BatchUploadSerializer},
        examples=[BATCH_EXAMPLE],
        responses={
            202: OpenApiResponse(BatchSerializer, description="The batch and its jobs."),
            **error_responses(400, 401, 403, 413, 415, 429, 507),
        },
    ),
    retrieve=extend_schema(
        summary="A bulk upload: each file's job and outcome, and the counts",
        examples=[BATCH_EXAMPLE],
        responses={
            200: OpenApiResponse(BatchSerializer, description="The batch."),
            **error_responses(401, 404, 429),
        },
    ),
)
class BatchViewSet(viewsets.ViewSet):
    permission_classes = [BatchAccess]
    lookup_url_kwarg = "batch_id"
    lookup_value_converter = "uuid"

    def create(self, request: Request) -> Response:
        data = request.data  # parsing may stop at a file over the limit
        if too_large := getattr(request._request, "upload_too_large", None):
            raise PayloadTooLarge(too_large_message(file_name=too_large))
        upload = BatchUploadSerializer(data=data)
        upload.is_valid(raise_exception=True)
        try:
            batch = create_batch(
                upload.validated_data["schedules"],
                user=request.user,
                drop_invalid_periods=upload.validated_data["drop_invalid_periods"],
                sky=upload.validated_data["sky"],
            )
        except UploadNotStored as error:
            raise StorageFull(str(error)) from None
        body = batch_body(batch, batch_summary(request.user, batch), request)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})

    def retrieve(self, request: Request, batch_id: uuid.UUID) -> Response:
        summary = batch_summary(request.user, batch_id)
        if summary is None:
            raise NotFound(f"No upload batch with id {batch_id}.")
        return Response(batch_body(batch_id, summary, request))
