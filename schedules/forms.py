"""The upload form of the web UI: a schedule file, its optional companions and a name."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile


class UploadForm(forms.Form):
    schedule_file = forms.FileField(
        label="Schedule file",
        help_text="JSON in any supported format (raw telescope, snake-case or native).",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    visibility_file = forms.FileField(
        label="Visibility (possible periods) file",
        required=False,
        help_text="The blocks' visibility periods, when the schedule file lacks them. Raw "
        "schedules keep them in this separate possible-periods file: without it every block "
        "counts as impossible.",
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

    def clean(self):
        cleaned = super().clean()
        limit = settings.TSI_MAX_UPLOAD_BYTES
        for field in ("schedule_file", "visibility_file", "dark_periods_file"):
            upload: UploadedFile | None = cleaned.get(field)
            if upload is not None and upload.size > limit:
                self.add_error(
                    field, f"The file is {upload.size:,} bytes; the limit is {limit:,} bytes."
                )
        return cleaned
