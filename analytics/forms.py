"""GET filter forms of the report pages. The pages and the API both parse query strings with
these, so a URL means the same thing in a browser and in a script."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields

from django import forms

from analytics.selectors import (
    BlockFilters,
    SkyMapFilters,
    TimelineFilters,
    TrendsFilters,
    VisibilityFilters,
)
from analytics.selectors.filters import STATUSES
from analytics.selectors.visibility import DEFAULT_BIN_COUNT
from schedules.mjd import datetime_to_mjd

EXCLUDE, INCLUDE = "exclude", "include"


class FilterForm(forms.Form):
    """A GET form whose missing fields take their initial value; ``filters()`` builds the
    selector's filter dataclass from the cleaned data."""

    filters_class: type = BlockFilters
    impossible_default = EXCLUDE

    status = forms.ChoiceField(
        choices=[(status, status.capitalize()) for status in STATUSES],
        required=False,
        initial="all",
    )
    priority_min = forms.FloatField(required=False, label="Priority from")
    priority_max = forms.FloatField(required=False, label="Priority to")
    impossible = forms.ChoiceField(
        choices=[(EXCLUDE, "Exclude impossible blocks"), (INCLUDE, "Include impossible blocks")],
        required=False,
        label="Impossible blocks",
    )

    def __init__(self, data=None, **kwargs) -> None:
        super().__init__(data if data is not None else {}, **kwargs)
        self.fields["impossible"].initial = self.impossible_default

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if cleaned.get(name) in (None, "") and field.initial is not None:
                cleaned[name] = field.initial
        low, high = cleaned.get("priority_min"), cleaned.get("priority_max")
        if low is not None and high is not None and low > high:
            self.add_error("priority_max", "Must not be below the lower bound.")
        return cleaned

    def filter_values(self) -> dict:
        """Cleaned values mapped onto the filter dataclass's fields."""
        data = dict(self.cleaned_data)
        data["exclude_impossible"] = data.pop("impossible", self.impossible_default) == EXCLUDE
        names = {field.name for field in dataclass_fields(self.filters_class)}
        return {name: value for name, value in data.items() if name in names and value is not None}

    def filters(self):
        return self.filters_class(**self.filter_values())


class BlockFiltersForm(FilterForm):
    pass


class SkyMapForm(FilterForm):
    filters_class = SkyMapFilters

    scheduled_from = forms.DateTimeField(required=False, label="Scheduled from (UTC)")
    scheduled_to = forms.DateTimeField(required=False, label="Scheduled to (UTC)")
    color_by = forms.ChoiceField(
        choices=[("bucket", "Priority bucket"), ("status", "Scheduling status")],
        required=False,
        initial="bucket",
        label="Colour by",
    )
    projection = forms.ChoiceField(
        choices=[("equirectangular", "RA/Dec plane"), ("aitoff", "All-sky (Aitoff)")],
        required=False,
        initial="equirectangular",
    )
    flip_ra = forms.BooleanField(required=False, label="RA increasing to the left")

    def filter_values(self) -> dict:
        values = super().filter_values()
        for source, target in (
            ("scheduled_from", "scheduled_from_mjd"),
            ("scheduled_to", "scheduled_to_mjd"),
        ):
            moment = self.cleaned_data.get(source)
            if moment is not None:
                values[target] = datetime_to_mjd(moment)
        return values


class VisibilityForm(FilterForm):
    filters_class = VisibilityFilters
    impossible_default = INCLUDE

    block_ids = forms.CharField(
        required=False, label="Block ids", help_text="Comma-separated source block ids"
    )
    bin_mode = forms.ChoiceField(
        choices=[("count", "Number of bins"), ("duration", "Bin duration")],
        required=False,
        initial="count",
    )
    bins = forms.IntegerField(
        required=False, min_value=1, max_value=2000, initial=DEFAULT_BIN_COUNT
    )
    bin_minutes = forms.FloatField(required=False, min_value=0.1, max_value=10080 * 4)

    def filter_values(self) -> dict:
        values = super().filter_values()
        text = self.cleaned_data.get("block_ids") or ""
        values["source_block_ids"] = tuple(part.strip() for part in text.split(",") if part.strip())
        values["bin_count"] = self.cleaned_data.get("bins") or DEFAULT_BIN_COUNT
        if self.cleaned_data.get("bin_mode") == "duration":
            values["bin_minutes"] = self.cleaned_data.get("bin_minutes") or 60.0
        else:
            values.pop("bin_minutes", None)
        return values


class TimelineForm(FilterForm):
    filters_class = TimelineFilters

    search = forms.CharField(required=False, max_length=200, label="Search id or name")
    month = forms.RegexField(
        regex=r"^\d{4}-\d{2}$", required=False, help_text="YYYY-MM", label="Month"
    )


class TrendsForm(FilterForm):
    filters_class = TrendsFilters

    visibility_min_hours = forms.FloatField(required=False, label="Visibility from (h)")
    visibility_max_hours = forms.FloatField(required=False, label="Visibility to (h)")
    requested_min_hours = forms.FloatField(required=False, label="Requested from (h)")
    requested_max_hours = forms.FloatField(required=False, label="Requested to (h)")
    bins = forms.IntegerField(required=False, min_value=2, max_value=50, initial=10)
    bandwidth = forms.FloatField(required=False, min_value=0.05, max_value=2.0, initial=0.3)
    points = forms.IntegerField(required=False, min_value=10, max_value=500, initial=100)
    weighting = forms.ChoiceField(
        choices=[("balanced", "Balanced classes"), ("none", "No weighting")],
        required=False,
        initial="balanced",
    )

    def filter_values(self) -> dict:
        values = super().filter_values()
        values["balanced"] = self.cleaned_data.get("weighting", "balanced") == "balanced"
        return values
