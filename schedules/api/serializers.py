"""Representations of schedules, blocks and upload jobs, and the two shapes of an upload."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from analytics.models import BlockAnalytics
from analytics.selectors import schedule_summary
from analytics.selectors.diagnostics import KpiComparison, schedule_kpis
from analytics.transform import SummaryValues
from schedules.api.sky import (
    BLOCK_SKY_SCHEMA,
    FINDINGS_SCHEMA,
    BlockDetail,
    block_detail_for,
)
from schedules.block_schema import ANALYTICS_COLUMNS, BLOCK_OWN_COLUMNS, TARGET_COLUMNS, Origin
from schedules.mjd import TIME_FORMS, checked_period, parse_time
from schedules.models import IngestJob, Schedule, SchedulingBlock, Target
from schedules.pipeline.sky import SkyOptions
from schedules.selectors import ALREADY_STORED, REFUSED, STORED, WAITING
from schedules.sky.sites import ACCEPTED as ACCEPTED_SITES
from schedules.sky.sites import Site, parse_site
from tsi_site.api.exceptions import PayloadTooLarge
from tsi_site.api.rendering import jsonable
from tsi_site.api.schema import dataclass_schema
from validation.selectors import validation_counts

PERIODS_SCHEMA = {
    "type": "array",
    "items": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    "description": "[[start, stop], …] in MJD (UTC).",
}
CORRELATIONS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "x": {"type": "string"},
            "y": {"type": "string"},
            "rho": {"type": "number", "nullable": True},
        },
        "required": ["x", "y", "rho"],
    },
    "description": "Spearman ρ for each pair of block variables (null when undefined).",
}
KPIS_SCHEMA = dataclass_schema(KpiComparison)
SUMMARY_SCHEMA = dataclass_schema(
    SummaryValues,
    {
        "SummaryValues.correlations": CORRELATIONS_SCHEMA,
        "SummaryValues.time_use_hours": {
            "type": "object",
            "additionalProperties": {"type": "number"},
            "description": "Hours of each fragmentation class (empty for older summaries).",
        },
        "SummaryValues.kpi_comparison": {
            **KPIS_SCHEMA,
            "description": "The KPIs beside a greedy baseline's, as the overview's `kpis` "
            "(empty for older summaries).",
        },
    },
)
LOCATION_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {
        "lat_deg": {"type": "number"},
        "lon_deg": {"type": "number"},
        "height_m": {"type": "number", "nullable": True},
    },
    "required": ["lat_deg", "lon_deg", "height_m"],
}
VALIDATION_COUNTS_SCHEMA = {
    "type": "object",
    "properties": {
        "valid_blocks": {"type": "integer"},
        "blocks_by_status": {
            "type": "object",
            "additionalProperties": {"type": "integer"},
            "description": "Blocks with at least one finding of each status.",
        },
        "issues_by_criticality": {"type": "object", "additionalProperties": {"type": "integer"}},
        "issue_count": {"type": "integer"},
    },
    "required": ["valid_blocks", "blocks_by_status", "issues_by_criticality", "issue_count"],
}


@extend_schema_field(PERIODS_SCHEMA)
class PeriodsField(serializers.JSONField):
    pass


SKY_MODEL_SCHEMA = {
    "type": "object",
    "description": "Where the site, period, dark periods and visibility came from; `moon`, "
    "`span_mjd` and `method` are there when dark periods or visibility were computed.",
    "properties": {
        "site_source": {"type": "string", "enum": ["file", "chosen", "none"]},
        "period_source": {"type": "string", "enum": ["file", "chosen", "span", "none"]},
        "dark_periods": {"type": "string", "enum": ["file", "computed", "none"]},
        "visibility": {"type": "string", "enum": ["file", "computed", "none"]},
        "moon": {
            "type": "boolean",
            "description": "Computed dark periods needed the Moon below the horizon.",
        },
        "span_mjd": {
            "type": "array",
            "items": {"type": "number"},
            "minItems": 2,
            "maxItems": 2,
            "description": "The [start, end] MJD the sky was computed over.",
        },
        "method": {"type": "string"},
    },
}


@extend_schema_field(SKY_MODEL_SCHEMA)
class SkyModelField(serializers.JSONField):
    pass


class ScheduleSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:schedule-detail", lookup_url_kwarg="schedule_id"
    )
    uploaded_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of the uploader; null for command-line ingests.",
    )
    location = serializers.SerializerMethodField()
    sky = SkyModelField(source="sky_model", read_only=True)

    class Meta:
        model = Schedule
        fields = [
            "id",
            "url",
            "name",
            "version",
            "checksum",
            "uploaded_at",
            "uploaded_by",
            "source_format",
            "block_count",
            "period_start_mjd",
            "period_end_mjd",
            "location",
            "site_name",
            "visibility_source",
            "sky",
        ]
        read_only_fields = fields

    @extend_schema_field(LOCATION_SCHEMA)
    def get_location(self, schedule: Schedule) -> dict | None:
        if schedule.location_lat_deg is None or schedule.location_lon_deg is None:
            return None
        return {
            "lat_deg": schedule.location_lat_deg,
            "lon_deg": schedule.location_lon_deg,
            "height_m": schedule.location_height_m,
        }


class ScheduleListSerializer(ScheduleSerializer):
    """A schedule in the list, with the score the list can be ordered by."""

    composite_score = serializers.FloatField(
        source="summary.composite_score",
        read_only=True,
        allow_null=True,
        help_text="Mean of the diagnostics' five KPIs (0 to 1); null until its analytics are "
        "refreshed. `ordering=-composite` lists the best first.",
    )

    class Meta(ScheduleSerializer.Meta):
        fields = [*ScheduleSerializer.Meta.fields, "composite_score"]
        read_only_fields = fields


SCHEDULE_LINKS = (
    "export",
    "blocks",
    "overview",
    "sky-map",
    "distributions",
    "visibility-histogram",
    "timeline",
    "insights",
    "trends",
    "validation-report",
    "fragmentation",
    "diagnostics",
)


class ScheduleDetailSerializer(ScheduleSerializer):
    """A schedule with its headline summary and validation counts (the overview's numbers)."""

    dark_periods = PeriodsField(read_only=True)
    summary = serializers.SerializerMethodField()
    validation = serializers.SerializerMethodField()
    kpis = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta(ScheduleSerializer.Meta):
        fields = [
            *ScheduleSerializer.Meta.fields,
            "dark_periods",
            "notes",
            "summary",
            "validation",
            "kpis",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(SUMMARY_SCHEMA)
    def get_summary(self, schedule: Schedule) -> dict:
        return jsonable(schedule_summary(schedule))

    @extend_schema_field(VALIDATION_COUNTS_SCHEMA)
    def get_validation(self, schedule: Schedule) -> dict:
        report = validation_counts(schedule)
        return {
            "valid_blocks": report.valid_blocks,
            "blocks_by_status": report.blocks_by_status,
            "issues_by_criticality": report.issues_by_criticality,
            "issue_count": report.issue_count,
        }

    @extend_schema_field(KPIS_SCHEMA)
    def get_kpis(self, schedule: Schedule) -> dict:
        return jsonable(schedule_kpis(schedule))

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {"type": "string", "format": "uri"},
            "description": "URLs of the schedule's export, blocks and page endpoints.",
        }
    )
    def get_links(self, schedule: Schedule) -> dict[str, str]:
        request = self.context["request"]
        return {
            name: request.build_absolute_uri(
                reverse(f"api:schedule-{name}", kwargs={"schedule_id": schedule.pk})
            )
            for name in SCHEDULE_LINKS
        }


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = [column.stored.removeprefix("target__") for column in TARGET_COLUMNS]


class BlockAnalyticsSerializer(serializers.ModelSerializer):
    class Meta:
        model = BlockAnalytics
        fields = [column.name for column in ANALYTICS_COLUMNS if column.origin != Origin.FILE]


class BlockSerializer(serializers.ModelSerializer):
    target = TargetSerializer(read_only=True)
    scheduled_period = PeriodsField(read_only=True)
    analytics = BlockAnalyticsSerializer(
        read_only=True, allow_null=True, help_text="null until the schedule's analytics exist."
    )

    class Meta:
        model = SchedulingBlock
        fields = [
            "id",
            *(column.stored for column in BLOCK_OWN_COLUMNS),
            "target",
            "scheduled_period",
            "analytics",
        ]


class BlockDetailSerializer(BlockSerializer):
    """One block, with its visibility periods (left out of lists: hundreds per block), its
    night context (the block page's) and its validation findings."""

    visibility_periods = PeriodsField(read_only=True)
    sky = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()

    class Meta(BlockSerializer.Meta):
        fields = [*BlockSerializer.Meta.fields, "visibility_periods", "sky", "findings"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._details: dict[int, BlockDetail] = {}

    def _detail(self, block: SchedulingBlock) -> BlockDetail:
        schedule = self.context["view"].schedule
        return block_detail_for(self.context["request"], schedule, block, self._details)

    @extend_schema_field(BLOCK_SKY_SCHEMA)
    def get_sky(self, block: SchedulingBlock) -> dict:
        return jsonable(self._detail(block).sky)

    @extend_schema_field(FINDINGS_SCHEMA)
    def get_findings(self, block: SchedulingBlock) -> list:
        return jsonable(self._detail(block).findings)


class IngestJobSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:job-detail", lookup_url_kwarg="job_id"
    )
    name = serializers.CharField(source="requested_name", read_only=True)
    schedule_url = serializers.SerializerMethodField()
    dropped_period_locations = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Where the first dropped periods were, as `file: JSON path`.",
    )

    class Meta:
        model = IngestJob
        fields = [
            "id",
            "url",
            "state",
            "phase",
            "progress",
            "error",
            "name",
            "schedule",
            "schedule_url",
            "created_at",
            "started_at",
            "finished_at",
            "drop_invalid_periods",
            "dropped_periods",
            "dropped_period_locations",
            "site",
            "period_start_mjd",
            "period_end_mjd",
            "dark_moon",
            "compute_visibility",
            "batch",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "error": {"help_text": "Why the ingest failed, located (file, JSON path or line)."},
            "batch": {"help_text": "The bulk upload the job belongs to (`batches/{id}/`), if any."},
            "schedule": {"help_text": "The stored schedule once the job has succeeded."},
            "dropped_periods": {
                "help_text": "Invalid periods left out because of `drop_invalid_periods`."
            },
        }

    def to_representation(self, job: IngestJob) -> dict:
        return super().to_representation(job.as_seen())

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_schedule_url(self, job: IngestJob) -> str | None:
        if job.schedule_id is None:
            return None
        url = reverse("api:schedule-detail", kwargs={"schedule_id": job.schedule_id})
        return self.context["request"].build_absolute_uri(url)


DROP_INVALID_PERIODS_HELP = (
    "Leave out periods whose start is not before their stop (or outside the years 1 to 9999) "
    "instead of failing; the job says how many and where."
)


class SkyOptionsSerializer(serializers.Serializer):
    """The site, period and sky computations of an upload, shared by both shapes."""

    site = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=f"Site replacing the location in the files: {ACCEPTED_SITES}. Blank or "
        "absent: the files' location.",
    )
    period_start = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text=f"Schedule period replacing the files' (with `period_end`): {TIME_FORMS}.",
    )
    period_end = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="End of `period_start`'s period."
    )
    dark_moon = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Dark periods computed when the files bring none need the Moon below the "
        "horizon (false: the Sun below −18° only).",
    )
    compute_visibility = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Compute visibility from the sky even when the files bring it (it is computed "
        "anyway when they do not and a site is known).",
    )

    def validate_site(self, value: str) -> Site | None:
        if not value.strip():
            return None
        try:
            return parse_site(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None

    def validate_period_start(self, value: str) -> float | None:
        return _time(value)

    def validate_period_end(self, value: str) -> float | None:
        return _time(value)

    def validate(self, attrs: dict) -> dict:
        start, end = attrs.get("period_start"), attrs.get("period_end")
        if (start is None) != (end is None):
            missing = "period_end" if end is None else "period_start"
            raise serializers.ValidationError(
                {missing: "Give both ends of the period, or neither."}
            )
        period = None
        if start is not None:
            try:
                period = checked_period(start, end)
            except ValueError as error:
                raise serializers.ValidationError({"period_end": str(error)}) from None
        attrs["sky"] = SkyOptions(
            site=attrs.get("site"),
            period=period,
            moon=attrs["dark_moon"],
            compute_visibility=attrs["compute_visibility"],
        )
        return attrs


def _time(value: str) -> float | None:
    if not value.strip():
        return None
    try:
        return parse_time(value)
    except ValueError as error:
        raise serializers.ValidationError(str(error)) from None


def _check_size(upload) -> None:
    limit = settings.TSI_MAX_UPLOAD_BYTES
    if upload is not None and upload.size > limit:
        raise PayloadTooLarge(
            f"{upload.name}: the file is {upload.size:,} bytes; the limit is {limit:,} bytes "
            "(TSI_MAX_UPLOAD_BYTES)."
        )


class ScheduleUploadSerializer(SkyOptionsSerializer):
    """multipart/form-data: the schedule file and its optional companion files."""

    schedule = serializers.FileField(
        help_text="The schedule, in any supported format (raw telescope, snake-case, native)."
    )
    visibility = serializers.FileField(
        required=False, help_text="Possible (visibility) periods per block, when separate."
    )
    dark_periods = serializers.FileField(required=False, help_text="Dark periods, when separate.")
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="Name to store it under; defaults to the name inside the file.",
    )
    drop_invalid_periods = serializers.BooleanField(
        required=False, default=False, help_text=DROP_INVALID_PERIODS_HELP
    )

    def validate(self, attrs: dict) -> dict:
        for field in ("schedule", "visibility", "dark_periods"):
            _check_size(attrs.get(field))
        return super().validate(attrs)


@extend_schema_field({"type": "object", "additionalProperties": True})
class DocumentField(serializers.JSONField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict | list):
            raise serializers.ValidationError("Expected a JSON object or array (a file's content).")
        return value


class ScheduleDocumentSerializer(SkyOptionsSerializer):
    """application/json: the documents inline, as they would appear in the files."""

    schedule = DocumentField(help_text="The schedule document, in any supported format.")
    visibility = DocumentField(
        required=False, allow_null=True, help_text="Possible-periods document, when separate."
    )
    dark_periods = DocumentField(
        required=False, allow_null=True, help_text="Dark-periods document, when separate."
    )
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="Name to store it under; defaults to the name inside the document.",
    )
    drop_invalid_periods = serializers.BooleanField(
        required=False, default=False, help_text=DROP_INVALID_PERIODS_HELP
    )


class ScheduleSearchSerializer(serializers.Serializer):
    """Query parameters of the schedule list (``q``, as on the home page; ``search`` is its
    older name)."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Part of the name (any case), or the start of the checksum.",
    )
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Older name of `q`."
    )

    def validate(self, attrs: dict) -> dict:
        return {"q": attrs.get("q") or attrs.get("search") or ""}


class BatchUploadSerializer(SkyOptionsSerializer):
    """multipart/form-data: several schedule files sharing the options (no companions, no
    name: each schedule is named after its file)."""

    schedules = serializers.ListField(
        child=serializers.FileField(),
        min_length=1,
        help_text="The schedule files (repeat the field), any supported format; each becomes "
        "its own upload job and schedule.",
    )
    drop_invalid_periods = serializers.BooleanField(
        required=False, default=False, help_text=DROP_INVALID_PERIODS_HELP
    )

    def validate_schedules(self, files: list) -> list:
        limit = settings.TSI_MAX_BATCH_FILES
        if len(files) > limit:
            raise serializers.ValidationError(
                f"{len(files)} files were sent; one bulk upload takes at most {limit}."
            )
        for upload in files:
            _check_size(upload)
        return files


class BatchEntrySerializer(serializers.Serializer):
    file = serializers.CharField(help_text="The uploaded file's name.")
    outcome = serializers.ChoiceField(
        choices=["stored", "already_stored", "refused", "waiting"],
        help_text="What became of the file (`waiting` while its job has not run).",
    )
    reason = serializers.CharField(help_text="Why it was refused (blank otherwise).")
    job = IngestJobSerializer(help_text="The file's upload job.")


class BatchSerializer(serializers.Serializer):
    """A bulk upload: each file's job and outcome, and the counts."""

    id = serializers.UUIDField(help_text="The batch id shared by its jobs.")
    url = serializers.URLField(help_text="This summary.")
    summary = serializers.CharField(help_text="“N stored, M already stored, K refused”.")
    finished = serializers.BooleanField(help_text="Every job has run.")
    stored = serializers.IntegerField()
    already_stored = serializers.IntegerField()
    refused = serializers.IntegerField()
    waiting = serializers.IntegerField()
    files = BatchEntrySerializer(many=True)


def batch_body(batch, summary, request) -> dict:
    """The representation ``BatchSerializer`` documents."""
    url = request.build_absolute_uri(reverse("api:batch-detail", kwargs={"batch_id": batch}))
    context = {"request": request}
    return {
        "id": str(batch),
        "url": url,
        "summary": summary.line,
        "finished": summary.finished,
        **{
            outcome.replace(" ", "_"): summary.count(outcome)
            for outcome in (STORED, ALREADY_STORED, REFUSED, WAITING)
        },
        "files": [
            {
                "file": entry.file,
                "outcome": entry.outcome.replace(" ", "_"),
                "reason": entry.reason,
                "job": IngestJobSerializer(entry.job, context=context).data,
            }
            for entry in summary.entries
        ],
    }


class ScheduleChangeSerializer(serializers.Serializer):
    """PATCH of a schedule: a new name, a new site, or both."""

    name = serializers.CharField(
        required=False,
        max_length=255,
        help_text="New name; the schedule becomes that name's next version (1 for a new name).",
    )
    site = serializers.CharField(
        required=False,
        max_length=100,
        help_text=f"New site: {ACCEPTED_SITES}. Dark periods and visibility computed from the "
        "old site are computed again; those from the files are kept.",
    )

    def validate_site(self, value: str) -> Site:
        try:
            return parse_site(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None

    def validate(self, attrs: dict) -> dict:
        if not attrs:
            raise serializers.ValidationError("Give a `name`, a `site`, or both.")
        return attrs
