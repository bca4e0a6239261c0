"""The forms of the web UI: the upload (one schedule file with its optional companions and a
name, or several schedule files at once, with the site, period and sky computations to ingest
them with) and the management page's rename and site change."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from schedules.mjd import TIME_FORMS, checked_period, parse_time
from schedules.models import Schedule
from schedules.pipeline.sky import SkyOptions
from schedules.sky.sites import PRESETS, Site, parse_site
from tsi_site.request_checks import request_limit_bytes

CUSTOM_SITE = "custom"
SITE_CHOICES = [
    ("", "From the files"),
    *((key, site.name) for key, site in PRESETS.items()),
    (CUSTOM_SITE, "Custom coordinates (below)"),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files under one name (Django's "Uploading multiple files"); cleans to a
    list, each file checked as a single file would be."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list[UploadedFile]:
        files = list(data) if isinstance(data, list | tuple) else [data]
        # No file at all is cleaned as one missing file: "This field is required."
        return [super(MultipleFileField, self).clean(one, initial) for one in files or [None]]


def _limits_text() -> str:
    return (
        f"up to {settings.TSI_MAX_BATCH_FILES} files of at most "
        f"{settings.TSI_MAX_UPLOAD_BYTES:,} bytes each, {request_limit_bytes():,} bytes in all"
    )


CUSTOM_SITE_HELP = (
    "lon,lat,height in degrees east, degrees north and metres, e.g. -17.8892,28.7624,2396 "
    "(with “Custom coordinates” above)."
)


class ChosenSite:
    """The site of a form's ``site`` (a preset, or custom) and ``custom_site`` fields."""

    def _chosen_site(self, cleaned: dict) -> Site | None:
        choice, custom = cleaned.get("site", ""), cleaned.get("custom_site", "").strip()
        if choice and choice != CUSTOM_SITE:
            if custom:
                self.add_error(
                    "custom_site", "Choose “Custom coordinates” to use these, or leave them empty."
                )
            return PRESETS[choice]
        if not custom:
            if choice == CUSTOM_SITE:
                self.add_error("custom_site", "Give the custom site as lon,lat,height.")
            return None
        try:
            return parse_site(custom)
        except ValueError as error:
            self.add_error("custom_site", str(error))
            return None


class UploadForm(ChosenSite, forms.Form):
    schedule_file = MultipleFileField(
        label="Schedule files",
        help_text="JSON in any supported format (raw telescope, snake-case or native). Choose "
        "several to upload them at once: each becomes its own schedule, named after its file, "
        "with the options below (no companion files, no name); ",
        widget=MultipleFileInput(attrs={"accept": ".json,application/json"}),
    )
    visibility_file = forms.FileField(
        label="Visibility (possible periods) file",
        required=False,
        help_text="The blocks' visibility periods, when the schedule file lacks them. Raw "
        "schedules keep them in this separate possible-periods file: without it visibility is "
        "computed from the sky at the site (from the files or chosen below), and without a "
        "site every block counts as impossible.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    dark_periods_file = forms.FileField(
        label="Dark periods file",
        required=False,
        help_text="Optional: the observable night-time windows, with the site location.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    name = forms.CharField(
        max_length=255,
        required=False,
        help_text="Optional: defaults to the name in the file, else the file name. "
        "New content under an existing name becomes its next version.",
    )
    drop_invalid_periods = forms.BooleanField(
        label="Drop invalid periods",
        required=False,
        help_text="Leave out periods whose start is not before their stop (or outside the years "
        "1 to 9999) instead of refusing the files; the job and the schedule say how many and "
        "where.",
    )
    site = forms.ChoiceField(
        label="Site",
        choices=SITE_CHOICES,
        required=False,
        help_text="Where the telescope stands, for computed dark periods and visibility and the "
        "altitude check; a choice replaces the location in the files.",
    )
    custom_site = forms.CharField(
        label="Custom site", max_length=100, required=False, help_text=CUSTOM_SITE_HELP
    )
    period_start = forms.CharField(
        label="Period start",
        max_length=40,
        required=False,
        help_text=f"Optional, with its end: replaces the schedule period in the files; "
        f"{TIME_FORMS}.",
    )
    period_end = forms.CharField(label="Period end", max_length=40, required=False)
    dark_moon = forms.TypedChoiceField(
        label="Computed dark periods",
        choices=[
            ("yes", "Sun below −18° and the Moon below the horizon"),
            ("no", "Sun below −18° only (ignore the Moon)"),
        ],
        coerce=lambda value: value == "yes",
        empty_value=True,
        required=False,
        initial="yes",
        widget=forms.RadioSelect,
        help_text="Used when the files bring no dark periods.",
    )
    compute_visibility = forms.BooleanField(
        label="Compute visibility",
        required=False,
        help_text="Compute the blocks' visibility from the sky even when the files bring it "
        "(it is computed anyway when they do not).",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["schedule_file"].help_text += _limits_text() + "."

    def clean(self):
        cleaned = super().clean()
        cleaned["sky"] = SkyOptions(
            site=self._chosen_site(cleaned),
            period=self._chosen_period(cleaned),
            moon=cleaned.get("dark_moon", True),
            compute_visibility=bool(cleaned.get("compute_visibility")),
        )
        limit = settings.TSI_MAX_UPLOAD_BYTES
        files: list[UploadedFile] = cleaned.get("schedule_file") or []
        for upload in files:
            if upload.size > limit:
                self.add_error(
                    "schedule_file",
                    f"{upload.name} is {upload.size:,} bytes; the limit is {limit:,} bytes.",
                )
        for field in ("visibility_file", "dark_periods_file"):
            upload: UploadedFile | None = cleaned.get(field)
            if upload is not None and upload.size > limit:
                self.add_error(
                    field, f"The file is {upload.size:,} bytes; the limit is {limit:,} bytes."
                )
        if len(files) > 1:
            self._check_batch(cleaned, files)
        return cleaned

    def _check_batch(self, cleaned: dict, files: list[UploadedFile]) -> None:
        """Several schedule files share the options but not companions or a name: those
        belong to one schedule."""
        if len(files) > settings.TSI_MAX_BATCH_FILES:
            self.add_error(
                "schedule_file",
                f"{len(files)} files were chosen; one upload takes {_limits_text()}.",
            )
        for field in ("visibility_file", "dark_periods_file"):
            if cleaned.get(field) is not None:
                self.add_error(
                    field,
                    "A companion file belongs to one schedule: upload a schedule with its "
                    "companions on its own, or leave this empty to upload several.",
                )
        if cleaned.get("name", "").strip():
            self.add_error(
                "name",
                "A name names one schedule; with several files each is named after its file. "
                "Leave the name empty, or upload the files one at a time.",
            )

    def _chosen_period(self, cleaned: dict) -> tuple[float, float] | None:
        texts = {name: cleaned.get(name, "").strip() for name in ("period_start", "period_end")}
        if not any(texts.values()):
            return None
        times = {}
        for name, text in texts.items():
            if not text:
                self.add_error(name, "Give both ends of the period, or neither.")
                continue
            try:
                times[name] = parse_time(text)
            except ValueError as error:
                self.add_error(name, str(error))
        if len(times) < 2:
            return None
        try:
            return checked_period(times["period_start"], times["period_end"])
        except ValueError as error:
            self.add_error("period_end", str(error))
            return None


class RenameForm(forms.Form):
    name = forms.CharField(label="New name", max_length=255)


class SiteForm(ChosenSite, forms.Form):
    """The management page's site change: a preset or custom coordinates, one of them."""

    site = forms.ChoiceField(
        label="Site",
        choices=[(key, site.name) for key, site in PRESETS.items()]
        + [(CUSTOM_SITE, "Custom coordinates")],
    )
    custom_site = forms.CharField(
        label="Custom site", max_length=100, required=False, help_text=CUSTOM_SITE_HELP
    )

    def clean(self):
        cleaned = super().clean()
        cleaned["chosen"] = self._chosen_site(cleaned)
        return cleaned


class DeleteForm(forms.Form):
    ids = forms.ModelMultipleChoiceField(queryset=Schedule.objects.order_by("name", "version"))
