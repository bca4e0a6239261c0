"""The report pages' GET forms: the block filter set plus each page's own controls. The pages
and their API endpoints both parse query strings with these, so a URL means the same thing in a
browser and in a script."""

from __future__ import annotations

from django import forms

from analytics.diagnostics.reasons import REASONS
from analytics.filtersets import INCLUDE, BlockFilterSet
from analytics.gate import Condition, MalformedCondition, parse_condition
from analytics.selectors import (
    SkyMapFilters,
    TimelineFilters,
    TrendsFilters,
    VisibilityFilters,
)
from analytics.selectors.diagnostics import DiagnosticsFilters
from analytics.selectors.visibility import DEFAULT_BIN_COUNT
from schedules.mjd import datetime_to_mjd
from schedules.models import Schedule
from schedules.selectors import schedule_list
from tsi_site.web.forms import QueryForm


def _utc_picker() -> forms.DateTimeInput:
    """The browser's date-time picker, for UTC date-time fields."""
    return forms.DateTimeInput(
        attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"
    )


class BlockFiltersForm(BlockFilterSet):
    """Pages that take only the block filters (distributions, insights)."""


class SkyMapForm(BlockFilterSet):
    filters_class = SkyMapFilters

    scheduled_from = forms.DateTimeField(
        required=False, label="Scheduled from (UTC)", widget=_utc_picker()
    )
    scheduled_to = forms.DateTimeField(
        required=False, label="Scheduled to (UTC)", widget=_utc_picker()
    )
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


class VisibilityForm(BlockFilterSet):
    filters_class = VisibilityFilters
    impossible_default = INCLUDE

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
        values["bin_count"] = self.cleaned_data.get("bins") or DEFAULT_BIN_COUNT
        if self.cleaned_data.get("bin_mode") == "duration":
            values["bin_minutes"] = self.cleaned_data.get("bin_minutes") or 60.0
        else:
            values.pop("bin_minutes", None)
        return values


class TimelineForm(BlockFilterSet):
    """The timeline lists scheduled blocks only, so its status control is hidden."""

    filters_class = TimelineFilters

    month = forms.RegexField(
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": "Enter a month as YYYY-MM (01 to 12)."},
        required=False,
        help_text="YYYY-MM",
        label="Month",
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].widget = forms.HiddenInput()

    def offer_months(self, months: list[str]) -> None:
        """Offer the schedule's months as a list instead of a free-text YYYY-MM field."""
        chosen = self.cleaned_data.get("month") or ""
        listed = sorted({*months, chosen} - {""})
        field = self.fields["month"]
        field.widget = forms.Select(choices=[("", "All months"), *((m, m) for m in listed)])
        field.help_text = self["month"].help_text = ""  # the bound field keeps its own copy


class TrendsForm(BlockFilterSet):
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


class CompareForm(forms.Form):
    """The other schedule of a comparison; the previous version of the name by default."""

    other = forms.ModelChoiceField(
        queryset=Schedule.objects.none(),
        required=False,
        label="Compare with",
        empty_label="Choose a schedule…",
    )
    fractions = forms.BooleanField(
        required=False, label="Distributions as fractions of each side's scheduled blocks"
    )

    def __init__(self, data, *, schedule: Schedule, initial_other: Schedule | None) -> None:
        super().__init__(data or None, initial={"other": initial_other})
        field = self.fields["other"]
        field.queryset = schedule_list().exclude(pk=schedule.pk)
        field.label_from_instance = lambda other: f"{other} (#{other.pk})"


class DiagnosticsForm(QueryForm):
    """The diagnostics page lists the unscheduled blocks of one reason, or of all."""

    reason = forms.ChoiceField(
        choices=[("", "All reasons"), *((reason, reason) for reason in REASONS)],
        required=False,
        label="Reason",
        help_text="Unscheduled blocks with this reason only",
    )

    def filters(self) -> DiagnosticsFilters:
        return DiagnosticsFilters(reason=self.cleaned_data.get("reason") or "")


class ConditionsField(forms.Field):
    """Repeatable ``METRIC OP VALUE`` conditions, read by the release gate's parser."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[Condition]:
        texts = [text for text in (value or []) if str(text).strip()]
        conditions, errors = [], []
        for text in texts:
            try:
                conditions.append(parse_condition(str(text)))
            except MalformedCondition as error:
                errors.append(str(error))
        if errors:
            raise forms.ValidationError(errors)
        return conditions


class GateForm(QueryForm):
    fail_if = ConditionsField(
        label="Fail if",
        help_text="A condition METRIC OP VALUE the schedule must meet, on a figure of "
        "`summarize --json` (e.g. `kpis.composite >= 0.5`); repeat the parameter for more. "
        "The gate fails when any of them does not hold",
    )

    def filters(self) -> list[Condition]:
        return self.cleaned_data["fail_if"]
