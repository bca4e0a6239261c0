"""The report pages' GET forms: the block filter set plus each page's own controls. The pages
and their API endpoints both parse query strings with these, so a URL means the same thing in a
browser and in a script."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join

from analytics.diagnostics.reasons import REASONS
from analytics.filtersets import INCLUDE, BlockFilterSet
from analytics.gate import Condition, MalformedCondition, parse_condition
from analytics.multi_compare import MAX_OTHERS
from analytics.selectors import (
    SkyMapFilters,
    TimelineFilters,
    TrendsFilters,
    VisibilityFilters,
)
from analytics.selectors.altaz import (
    DEFAULT_STEP_MINUTES,
    MAX_SHOWN_NIGHTS,
    MAX_TARGETS,
    AltAzQuery,
    TargetOption,
)
from analytics.selectors.block import BlockQuery
from analytics.selectors.diagnostics import DiagnosticsFilters
from analytics.selectors.hourglass import LOCAL, UTC, HourglassFilters
from analytics.selectors.multi_compare import MATRIX_PAGE_SIZE, CompareQuery
from analytics.selectors.visibility import DEFAULT_BIN_COUNT
from schedules.mjd import datetime_to_mjd
from schedules.models import Schedule
from schedules.sky.sites import PRESETS, Site, parse_site
from tsi_site.web.forms import Alias, QueryForm, search_field

SITE_HELP = "A preset (orm, paranal, mauna-kea, la-silla, cerro-pachon) or lon,lat,height"


class SiteInput(forms.TextInput):
    """A text box suggesting the preset sites (a datalist: free text stays possible)."""

    def __init__(self) -> None:
        super().__init__(attrs={"list": "site-presets", "placeholder": "the schedule's site"})

    def render(self, name, value, attrs=None, renderer=None) -> str:
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((key, site.name) for key, site in PRESETS.items()),
        )
        presets = format_html('<datalist id="site-presets">{}</datalist>', options)
        return super().render(name, value, attrs, renderer) + presets


class SiteField(forms.CharField):
    """The ``site`` parameter: a ``Site`` from ``parse_site``, None when left empty."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", SITE_HELP)
        super().__init__(required=False, max_length=100, label="Site", widget=SiteInput(), **kwargs)

    def clean(self, value) -> Site | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_site(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


def _utc_picker() -> forms.DateTimeInput:
    """The browser's date-time picker, for UTC date-time fields."""
    return forms.DateTimeInput(
        attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"
    )


class BlockFiltersForm(BlockFilterSet):
    """Pages that take only the block filters (distributions, insights)."""


class OverviewForm(BlockFilterSet):
    """The overview's one choice: which blocks its headline covers (all by default, as the
    stored summary does)."""

    impossible_default = INCLUDE
    q = status = priority_min = priority_max = bucket = source_id = None


class SkyMapForm(BlockFilterSet):
    filters_class = SkyMapFilters
    aliases = {
        **BlockFilterSet.aliases,
        # The checkbox this field used to be sent "on".
        "flip_ra": Alias("flip_ra", {"on": "true", "1": "true", "0": "false", "off": "false"}),
    }

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
        choices=[
            ("aitoff", "All-sky (Aitoff)"),
            ("mollweide", "All-sky (Mollweide)"),
            ("equirectangular", "RA/Dec plane"),
        ],
        required=False,
        initial="aitoff",
    )
    # A choice rather than a checkbox: left is the default, and an unticked box sends nothing.
    flip_ra = forms.TypedChoiceField(
        choices=[
            ("true", "Increasing to the left (as seen)"),
            ("false", "Increasing to the right"),
        ],
        coerce=lambda value: value == "true",
        required=False,
        initial="true",
        label="Right ascension",
    )
    display = forms.ChoiceField(
        choices=[
            ("auto", "Markers, or density above 2,000 targets"),
            ("markers", "Markers (WebGL above 2,000 targets)"),
            ("density", "Density of blocks"),
        ],
        required=False,
        initial="auto",
        label="Show",
    )
    site = SiteField(help_text=SITE_HELP + "; draws the declinations that never rise high enough")

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


# What the compare reads of the schedules it is given (name, version, and what keys its cache).
COMPARED_FIELDS = ("id", "name", "version", "checksum", "block_count", "uploaded_at")


class OthersField(forms.ModelMultipleChoiceField):
    """Schedule ids to compare with, in the order given (a repeated parameter); at most
    ``MAX_OTHERS``."""

    default_error_messages = {
        "invalid_choice": "No schedule #%(value)s to compare with: the id is unknown, or it is "
        "the schedule compared with.",
        "invalid_pk_value": "“%(pk)s” is not a schedule id.",
    }

    def clean(self, value):
        chosen = list(dict.fromkeys(str(item) for item in value or ()))
        if len(chosen) > MAX_OTHERS:
            raise forms.ValidationError(
                f"At most {MAX_OTHERS} schedules can be compared with this one; "
                f"{len(chosen)} were chosen.",
                code="too_many",
            )
        schedules = {str(schedule.pk): schedule for schedule in super().clean(chosen)}
        return [schedules[item] for item in chosen]


class CompareForm(forms.Form):
    """The schedules compared with this one (by default the previous version of its name),
    and the status matrix's controls. The compare page and its endpoint read the same."""

    other = OthersField(
        queryset=Schedule.objects.none(),
        required=False,
        label="Compare with",
        help_text=f"Schedule ids, up to {MAX_OTHERS} (repeat the parameter)",
    )
    hide_agreeing = forms.BooleanField(
        required=False,
        label="Hide rows that agree",
        help_text="Status matrix: only the blocks whose status differs between the schedules",
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=1_000_000,
        widget=forms.HiddenInput,  # set by the page links under the status matrix
        label="Matrix page",
        help_text=f"Page of the status matrix, {MATRIX_PAGE_SIZE} blocks each",
    )
    fractions = forms.BooleanField(
        required=False, label="Distributions as fractions of each side's scheduled blocks"
    )

    def __init__(
        self, data=None, *, schedule: Schedule | None = None, initial_other: Schedule | None = None
    ) -> None:
        super().__init__(data, initial={"other": [initial_other] if initial_other else []})
        field = self.fields["other"]
        # Not schedule_list(): a choice needs no summary, nor the schedules' JSON period lists.
        field.queryset = Schedule.objects.only(*COMPARED_FIELDS)
        if schedule is not None:
            field.queryset = field.queryset.exclude(pk=schedule.pk)
        field.label_from_instance = lambda other: f"{other} (#{other.pk})"

    def query(self) -> CompareQuery:
        return CompareQuery(
            others=self.cleaned_data["other"],
            hide_agreeing=self.cleaned_data["hide_agreeing"],
            page=self.cleaned_data["page"] or 1,
        )


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


class DiagnosticsListForm(DiagnosticsForm):
    """The diagnostics endpoint answers its long lists (a 25,000-block schedule can have
    hundreds of thousands of inversion pairs) a slice at a time."""

    offset = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=1_000_000_000,
        initial=0,
        help_text="Rows of each list (unscheduled blocks, blocker pairs, inversion pairs) to skip",
    )
    limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100_000,
        initial=1000,
        help_text="Rows of each list to answer at most",
    )

    def filters(self) -> DiagnosticsFilters:
        return DiagnosticsFilters(
            reason=self.cleaned_data.get("reason") or "",
            offset=self.cleaned_data["offset"],
            limit=self.cleaned_data["limit"],
        )


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


class BlockPageForm(QueryForm):
    """The block page (and the block API): the site its night is computed for."""

    site = SiteField()

    def filters(self) -> BlockQuery:
        return BlockQuery(site=self.cleaned_data.get("site"))


class BlockSkyForm(BlockPageForm):
    """The block API: the sampled altitude curve only when asked for (it costs astropy)."""

    altitude = forms.BooleanField(
        required=False,
        label="Altitude samples",
        help_text="Add the altitude, azimuth and airmass of the target and the Moon's altitude "
        "over the block's night, every 5 minutes",
    )

    def filters(self) -> BlockQuery:
        return BlockQuery(
            site=self.cleaned_data.get("site"), altitude=bool(self.cleaned_data.get("altitude"))
        )


class HourglassForm(BlockFilterSet):
    """Scheduled blocks only, so the status control is hidden, as on the timeline."""

    filters_class = HourglassFilters

    axis = forms.ChoiceField(
        choices=[(LOCAL, "Local mean time at the site"), (UTC, "UTC")],
        required=False,
        initial=LOCAL,
        label="Hours in",
    )
    site = SiteField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].widget = forms.HiddenInput()

    def filter_values(self) -> dict:
        values = super().filter_values()
        values["utc"] = self.cleaned_data.get("axis") == UTC
        return values


class TargetsField(forms.Field):
    """Block ids standing for their targets: the parameter repeated or comma-separated."""

    widget = forms.SelectMultiple

    def to_python(self, value) -> tuple[int, ...]:
        texts = value if isinstance(value, list | tuple) else [value] if value else []
        parts = [part.strip() for text in texts for part in str(text).split(",") if part.strip()]
        wrong = [part for part in parts if not part.isdigit()]
        if wrong:
            raise forms.ValidationError(f"Not a block id: {', '.join(wrong[:3])}.")
        ids = tuple(dict.fromkeys(int(part) for part in parts))
        if len(ids) > MAX_TARGETS:
            raise forms.ValidationError(
                f"Pick at most {MAX_TARGETS} targets; {len(ids)} were given."
            )
        return ids


class AltAzForm(QueryForm):
    q = search_field("Lists the targets whose block id, block name or target name contains this")
    target = TargetsField(
        required=False,
        label="Targets",
        help_text=f"Up to {MAX_TARGETS}; by default the ones scheduled first that night",
    )
    site = SiteField()
    date = forms.DateField(
        required=False,
        label="Night of",
        help_text="Local date of the evening; the schedule's first night by default",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    nights = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_SHOWN_NIGHTS, initial=1, label="Nights"
    )
    y_axis = forms.ChoiceField(
        choices=[("altitude", "Altitude"), ("airmass", "Airmass")],
        required=False,
        initial="altitude",
        label="Show",
    )
    step = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=30,
        initial=DEFAULT_STEP_MINUTES,
        label="Every (min)",
    )

    def show_night(self, date: str) -> None:
        """Fill the date control with the night drawn when the query left it out."""
        if date and not self.data.get("date"):
            self.data["date"] = date

    def offer_targets(self, options: list[TargetOption]) -> None:
        """The multi-select lists these targets (and keeps the chosen ones selectable)."""
        self.fields["target"].widget.choices = [
            (
                option.block_id,
                f"{option.label} · {option.blocks} block{'s' if option.blocks != 1 else ''}",
            )
            for option in options
        ]

    def filters(self) -> AltAzQuery:
        data = self.cleaned_data
        return AltAzQuery(
            site=data.get("site"),
            search=data.get("q") or "",
            targets=data.get("target") or (),
            date=data.get("date"),
            nights=data.get("nights") or 1,
            step_minutes=data.get("step") or DEFAULT_STEP_MINUTES,
        )


class EnvironmentListForm(QueryForm):
    q = search_field("an environment's or one of its schedules' name")


class EnvironmentForm(QueryForm):
    """The schedule the others are measured against, for this view only."""

    baseline = forms.IntegerField(
        required=False,
        min_value=1,
        label="Baseline",
        help_text="Schedule id; the environment's chosen baseline, else its first upload.",
    )


class EnvironmentRenameForm(forms.Form):
    name = forms.CharField(max_length=255, strip=True, label="Name")


class EnvironmentBaselineForm(forms.Form):
    """Keep a baseline for everyone: one of the environment's schedules, or none (the first)."""

    baseline = forms.ModelChoiceField(
        queryset=Schedule.objects.none(),
        required=False,
        label="Baseline",
        empty_label="The first uploaded",
    )

    def __init__(self, data=None, *, environment, **kwargs) -> None:
        super().__init__(data, initial={"baseline": environment.baseline_id}, **kwargs)
        field = self.fields["baseline"]
        field.queryset = environment.schedules.order_by("uploaded_at", "id")
        field.label_from_instance = lambda schedule: f"{schedule} (#{schedule.pk})"
