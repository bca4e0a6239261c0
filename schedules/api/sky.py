"""The night context of a block in the API: the block page's selector, answered as JSON, and
the schema of what it answers (shared with the sky page endpoints)."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from analytics.forms import BlockSkyForm
from analytics.selectors.block import BlockDetail, BlockSky, describe_block
from schedules.models import Schedule, SchedulingBlock
from tsi_site.api.errors import form_errors
from tsi_site.api.schema import array_of, dataclass_schema
from validation.selectors import ValidationIssue

PERIODS = array_of(array_of({"type": "number"}), "[[start, stop], …] MJD (UTC).")
NUMBER_ROWS = array_of(array_of({"type": "number", "nullable": True}))
# What the type hints of the sky dataclasses cannot say: 2-D arrays.
SKY_OVERRIDES = {
    "SkyNights.moon_up": PERIODS,
    "BlockSky.dark_periods": PERIODS,
    "BlockInfo.visibility_periods": PERIODS,
}
BLOCK_SKY_SCHEMA = dataclass_schema(BlockSky, SKY_OVERRIDES)
FINDINGS_SCHEMA = array_of(dataclass_schema(ValidationIssue))


def block_detail_for(
    request: Request, schedule: Schedule, block: SchedulingBlock, cache: dict
) -> BlockDetail:
    """The block page's data for a block of the API, its query parsed by the page's form;
    kept in ``cache`` so the serializer's fields share one computation."""
    if block.pk not in cache:
        form = BlockSkyForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        cache[block.pk] = describe_block(schedule, block, form.filters())
    return cache[block.pk]
