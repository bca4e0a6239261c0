"""Schedules as uploaded: the schedule, its scheduling blocks, the targets they observe,
and the jobs that ingest uploaded files. Times are MJD (UTC); durations are seconds."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone

from schedules.block_schema import display_name
from schedules.formats import DroppedPeriods
from schedules.json_checks import JSONTypeOf
from schedules.schedule_data import SourceFormat


def json_array_check(field_name: str, name: str) -> models.CheckConstraint:
    """A CHECK that ``field_name`` holds a JSON array (periods are always arrays)."""
    return models.CheckConstraint(condition=Exact(JSONTypeOf(field_name), "array"), name=name)


class Target(models.Model):
    """A sky position, shared by every block (in any schedule) that observes it."""

    name = models.CharField(max_length=255, blank=True, default="")
    ra_deg = models.FloatField("RA (deg)")
    dec_deg = models.FloatField("Dec (deg)")
    pm_ra_mas_per_year = models.FloatField("RA proper motion (mas/yr)", default=0.0)
    pm_dec_mas_per_year = models.FloatField("Dec proper motion (mas/yr)", default=0.0)
    equinox = models.FloatField(default=2000.0)

    class Meta:
        ordering = ["name", "ra_deg", "dec_deg"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "name",
                    "ra_deg",
                    "dec_deg",
                    "pm_ra_mas_per_year",
                    "pm_dec_mas_per_year",
                    "equinox",
                ],
                name="target_unique_identity",
            ),
        ]
        indexes = [models.Index(fields=["ra_deg", "dec_deg"], name="target_position_idx")]

    def __str__(self) -> str:
        label = self.name or "unnamed"
        return f"{label} ({self.ra_deg:.4f}, {self.dec_deg:+.4f})"


class Environment(models.Model):
    """Schedules answering one problem (equal structure fingerprints, DESIGN §14): comparable
    runs of different algorithms, weights or seeds. Made at ingest, never edited by hand except
    its name and baseline."""

    fingerprint = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    baseline = models.ForeignKey(
        "Schedule",
        null=True,
        blank=True,
        on_delete=models.DB_SET_NULL,
        related_name="+",
        help_text="The schedule the others' KPIs are measured against (blank: the first uploaded).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("environments:detail", args=[self.pk])


class Schedule(models.Model):
    """One uploaded schedule; same name, new content ⇒ next version."""

    class VisibilitySource(models.TextChoices):
        FILE = "file", "From the uploaded files"
        COMPUTED = "computed", "Computed from the sky at the site"
        NONE = "none", "None given (every block impossible)"

    name = models.CharField(max_length=255, db_index=True)
    version = models.PositiveIntegerField(default=1)
    checksum = models.CharField(max_length=64, unique=True)
    uploaded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DB_SET_NULL
    )
    source_format = models.CharField(max_length=16, choices=SourceFormat.CHOICES)
    block_count = models.PositiveIntegerField(default=0)
    period_start_mjd = models.FloatField(null=True, blank=True)
    period_end_mjd = models.FloatField(null=True, blank=True)
    location_lat_deg = models.FloatField(null=True, blank=True)
    location_lon_deg = models.FloatField(null=True, blank=True)
    location_height_m = models.FloatField(null=True, blank=True)
    site_name = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="The site chosen at ingest (a preset's name or lon,lat,height); blank when the "
        "location came from the files.",
    )
    dark_periods = models.JSONField(default=list, blank=True, help_text="[[start, stop], …] MJD")
    possible_periods = models.JSONField(
        default=list, blank=True, help_text="Merged union of every block's visibility, MJD"
    )
    visibility_source = models.CharField(
        max_length=16,
        choices=VisibilitySource.choices,
        default=VisibilitySource.FILE,
        help_text="Where the blocks' visibility periods came from.",
    )
    sky_model = models.JSONField(
        default=dict,
        blank=True,
        help_text="Where the site, period, dark periods and visibility came from (file, chosen, "
        "computed or none), the Moon option and the method of computed ones.",
    )
    notes = models.TextField(blank=True, default="")
    structure_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_index=True,
        help_text="SHA-256 of the site, period, block ids and constraints (DESIGN §14).",
    )
    environment = models.ForeignKey(
        Environment,
        null=True,
        blank=True,
        on_delete=models.DB_SET_NULL,
        related_name="schedules",
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="schedule_unique_version"),
            models.CheckConstraint(
                condition=Q(period_start_mjd__isnull=True)
                | Q(period_end_mjd__isnull=True)
                | Q(period_start_mjd__lt=F("period_end_mjd")),
                name="schedule_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(location_lat_deg__isnull=True)
                | Q(location_lat_deg__gte=-90, location_lat_deg__lte=90),
                name="schedule_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(location_lon_deg__isnull=True)
                | Q(location_lon_deg__gte=-180, location_lon_deg__lte=360),
                name="schedule_longitude_range",
            ),
            json_array_check("dark_periods", "schedule_dark_periods_is_array"),
            json_array_check("possible_periods", "schedule_possible_periods_is_array"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("analytics:overview", args=[self.pk])


class SchedulingBlock(models.Model):
    """A request to observe one target, as it appeared in the uploaded schedule."""

    # No index of its own: block_unique_source_id (schedule, source_block_id) leads with it,
    # and every index is one more write per block at ingest.
    schedule = models.ForeignKey(
        Schedule, on_delete=models.DB_CASCADE, related_name="blocks", db_index=False
    )
    source_block_id = models.CharField(max_length=128)
    block_name = models.CharField(max_length=255, blank=True, default="")
    target = models.ForeignKey(Target, on_delete=models.DO_NOTHING, related_name="blocks")
    priority = models.FloatField()
    requested_duration_s = models.FloatField("requested duration (s)")
    min_observation_s = models.FloatField("minimum observation (s)")
    min_alt_deg = models.FloatField("minimum altitude (deg)")
    max_alt_deg = models.FloatField("maximum altitude (deg)")
    min_az_deg = models.FloatField("minimum azimuth (deg)")
    max_az_deg = models.FloatField("maximum azimuth (deg)")
    fixed_start_mjd = models.FloatField(null=True, blank=True)
    fixed_stop_mjd = models.FloatField(null=True, blank=True)
    visibility_periods = models.JSONField(default=list, blank=True, help_text="[[start, stop], …]")
    scheduled_period = models.JSONField(
        default=list, blank=True, help_text="[] or [[start, stop]] MJD"
    )

    class Meta:
        ordering = ["schedule", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "source_block_id"], name="block_unique_source_id"
            ),
            models.CheckConstraint(
                condition=Q(requested_duration_s__gte=0), name="block_requested_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(min_observation_s__gte=0), name="block_min_observation_non_negative"
            ),
            json_array_check("visibility_periods", "block_visibility_is_array"),
            json_array_check("scheduled_period", "block_scheduled_is_array"),
        ]

    def __str__(self) -> str:
        return f"{self.source_block_id} ({self.schedule_id})"

    @property
    def display_name(self) -> str:
        return display_name(self.block_name, self.target.name)


UPLOAD_NAME_LENGTH = 60  # keeps the whole path within FileField's 100 characters


def upload_path(job: IngestJob, filename: str) -> str:
    """A folder of its own for each uploaded file, so the file keeps the name it was uploaded
    under: error messages quote it, and storage would add a random suffix to a repeated name."""
    return (
        f"uploads/{timezone.now():%Y/%m/%d}/{secrets.token_hex(8)}/{filename[:UPLOAD_NAME_LENGTH]}"
    )


class IngestJob(models.Model):
    """An upload waiting for, running in, or finished by a task worker.

    While a job runs, its worker writes ``heartbeat_at`` every few seconds; a running job
    whose heartbeat is older than ``STALE_AFTER`` has lost its worker.
    """

    STALE_AFTER = timedelta(minutes=1)
    WORKER_LOST = (
        "The worker stopped while running this job (it was killed or crashed); "
        "nothing was stored. Upload the files again to retry."
    )

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    schedule_file = models.FileField(upload_to=upload_path)
    visibility_file = models.FileField(upload_to=upload_path, blank=True)
    dark_periods_file = models.FileField(upload_to=upload_path, blank=True)
    requested_name = models.CharField(max_length=255, blank=True, default="")
    drop_invalid_periods = models.BooleanField(
        default=False,
        help_text="Leave out periods whose start is not before their stop (or outside the years "
        "1 to 9999) instead of refusing the files.",
    )
    site = models.CharField(
        max_length=100,
        blank=True,
        default="",
        help_text="Site replacing the files' location: a preset or lon,lat,height (blank: from "
        "the files).",
    )
    period_start_mjd = models.FloatField(
        null=True, blank=True, help_text="Schedule period replacing the files' (with its end)."
    )
    period_end_mjd = models.FloatField(null=True, blank=True)
    dark_moon = models.BooleanField(
        default=True, help_text="Computed dark periods need the Moon below the horizon."
    )
    compute_visibility = models.BooleanField(
        default=False, help_text="Compute visibility even when the files bring it."
    )
    upload_digest = models.CharField(
        max_length=64, blank=True, default="", db_index=True, help_text="SHA-256 of the files"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DB_SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    phase = models.CharField(max_length=32, blank=True, default="")
    progress = models.FloatField(default=0.0)
    error = models.TextField(blank=True, default="")
    task_id = models.CharField(max_length=64, blank=True, default="")
    schedule = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.DB_SET_NULL, related_name="ingest_jobs"
    )
    dropped_periods = models.PositiveIntegerField(
        default=0, help_text="Invalid periods left out (with drop_invalid_periods)."
    )
    dropped_period_locations = models.JSONField(
        default=list, blank=True, help_text="Where the first dropped periods were (file: path)."
    )
    batch = models.UUIDField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Jobs of one bulk upload share it; their summary reads them together.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="ingestjob_state_idx")]

    def __str__(self) -> str:
        return f"Ingest job {self.pk} ({self.state})"

    @property
    def dropped_periods_summary(self) -> str:
        """The line the ingest command prints about the periods it dropped ("" for none)."""
        return DroppedPeriods(self.dropped_periods, list(self.dropped_period_locations)).summary()

    def lost_worker(self, now: datetime | None = None) -> bool:
        """Running, but its worker has not written a heartbeat for ``STALE_AFTER``."""
        cutoff = (now or timezone.now()) - self.STALE_AFTER
        return (
            self.state == self.State.RUNNING
            and self.heartbeat_at is not None
            and self.heartbeat_at < cutoff
        )

    def as_seen(self, now: datetime | None = None) -> IngestJob:
        """The job as its readers should see it: failed once its worker is lost, even before
        a sweep (``fail_stale_jobs``) records that; nothing is written."""
        if self.lost_worker(now):
            self.state, self.phase, self.error = self.State.FAILED, "failed", self.WORKER_LOST
            self.finished_at = self.heartbeat_at
        return self
