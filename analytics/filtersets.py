"""The one block filter set: every report page, its CSVs, its API endpoint and the blocks API
read these parameters, with the same words and the same meaning.

| parameter | values | older words still read (for one release) |
|---|---|---|
| ``q`` | part of the block id, block name or target name | ``search`` |
| ``status`` | ``all``, ``scheduled``, ``unscheduled`` | ``scheduled=true|false`` |
| ``impossible`` | ``exclude``, ``include``, ``only`` | ``true`` (only), ``false`` (exclude) |
| ``priority_min``, ``priority_max`` | numbers, inclusive | |
| ``bucket`` | 1 Low … 4 High, repeatable | |
| ``source_id`` | source block ids, comma-separated | ``block_ids`` |
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields

from django import forms

from analytics.models import PriorityBucket
from analytics.selectors.filters import ALL, SCHEDULED, STATUSES, UNSCHEDULED, BlockFilters
from tsi_site.web.forms import Alias, QueryForm, search_field

EXCLUDE, INCLUDE, ONLY = "exclude", "include", "only"
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")


class BlockFilterSet(QueryForm):
    """Parses the block filters; ``filters()`` gives the selector's filter dataclass."""

    filters_class: type = BlockFilters
    impossible_default = EXCLUDE
    aliases = {
        "search": Alias("q"),
        "block_ids": Alias("source_id"),
        "scheduled": Alias(
            "status", {**dict.fromkeys(_TRUE, SCHEDULED), **dict.fromkeys(_FALSE, UNSCHEDULED)}
        ),
        "impossible": Alias(
            "impossible", {**dict.fromkeys(_TRUE, ONLY), **dict.fromkeys(_FALSE, EXCLUDE)}
        ),
    }

    q = search_field("Part of the block id, block name or target name")
    status = forms.ChoiceField(
        choices=[(status, status.capitalize()) for status in STATUSES],
        required=False,
        initial=ALL,
    )
    impossible = forms.ChoiceField(
        choices=[
            (EXCLUDE, "Feasible blocks (impossible left out)"),
            (INCLUDE, "All blocks"),
            (ONLY, "Impossible blocks only"),
        ],
        required=False,
        label="Blocks",
        help_text="Which blocks every figure of the page covers",
    )
    priority_min = forms.FloatField(required=False, label="Priority from")
    priority_max = forms.FloatField(required=False, label="Priority to")
    bucket = forms.TypedMultipleChoiceField(
        choices=PriorityBucket.choices,
        coerce=int,
        required=False,
        label="Priority buckets",
        widget=forms.CheckboxSelectMultiple,
    )
    source_id = forms.CharField(
        required=False, label="Block ids", help_text="Comma-separated source block ids"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["impossible"].initial = self.impossible_default

    def defaults(self) -> dict:
        return super().defaults() | {"impossible": self.impossible_default}

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("priority_min"), cleaned.get("priority_max")
        if low is not None and high is not None and low > high:
            self.add_error("priority_max", "Must not be below the lower bound.")
        return cleaned

    def filter_values(self) -> dict:
        """Cleaned values mapped onto the filter dataclass's fields."""
        data = dict(self.cleaned_data)
        impossible = data.pop("impossible", self.impossible_default)
        data["exclude_impossible"] = impossible == EXCLUDE
        data["only_impossible"] = impossible == ONLY
        data["search"] = data.pop("q", "") or ""
        text = data.pop("source_id", "") or ""
        data["source_block_ids"] = tuple(part.strip() for part in text.split(",") if part.strip())
        data["buckets"] = tuple(data.pop("bucket", None) or ())
        names = {field.name for field in dataclass_fields(self.filters_class)}
        return {name: value for name, value in data.items() if name in names and value is not None}

    def filters(self):
        return self.filters_class(**self.filter_values())


# The blocks API's sort keys: parameter value → ORM path (prefix "-" for descending).
BLOCK_ORDERING = {
    "id": "id",
    "source_id": "source_block_id",
    "priority": "priority",
    "visibility_hours": "analytics__total_visibility_hours",
    "requested_hours": "analytics__requested_hours",
    "scheduled_start": "analytics__scheduled_start_mjd",
}


class BlockListFilterSet(BlockFilterSet):
    """The blocks API: every block by default (impossible ones included), in a chosen order."""

    impossible_default = INCLUDE

    ordering = forms.ChoiceField(
        choices=[
            (f"{sign}{key}", f"{key} ({direction})")
            for key in BLOCK_ORDERING
            for sign, direction in (("", "ascending"), ("-", "descending"))
        ],
        required=False,
        initial="id",
        label="Sort key",
        help_text="Prefix with - for descending",
    )

    def order_by(self) -> str:
        key = self.cleaned_data.get("ordering") or "id"
        sign = "-" if key.startswith("-") else ""
        return sign + BLOCK_ORDERING[key.removeprefix("-")]
