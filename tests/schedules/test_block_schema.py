"""Every list of block columns agrees with ``schedules.block_schema``: the parsed columns, the
derived metrics, the stored rows, the analytics frame, the API, the exports and the examples."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from django.db import models

from analytics.api.examples import EXAMPLE_BLOCKS, frame_example
from analytics.block_frame import BlockFrame, load_block_frame
from analytics.models import BlockAnalytics
from schedules.api.exports import EXPORT_COLUMNS
from schedules.api.serializers import BlockAnalyticsSerializer, BlockSerializer
from schedules.block_metrics import BlockMetrics
from schedules.block_schema import (
    ANALYTICS_COLUMNS,
    DERIVED_COLUMNS,
    FILE_COLUMNS,
    Origin,
    columns_named,
    display_name,
)
from schedules.formats import InputFile, read_schedule
from schedules.models import SchedulingBlock
from schedules.pipeline.load import ANALYTICS_FIELDS, BLOCK_FIELDS
from schedules.schedule_data import FLOAT_COLUMNS, STRING_COLUMNS, ScheduleData

NOT_COLUMNS = {
    "source_format",
    "name",
    "visibility_offsets",
    "visibility_periods",
    "dark_periods",
    "period_start_mjd",
    "period_end_mjd",
    "location",
}
FIELD_KINDS = {
    models.FloatField: "float",
    models.CharField: "str",
    models.BooleanField: "bool",
    models.PositiveIntegerField: "int",
    models.PositiveSmallIntegerField: "int",
}


def field_names(cls) -> list[str]:
    return [field.name for field in dataclasses.fields(cls)]


def test_schedule_data_holds_exactly_the_file_columns():
    columns = [name for name in field_names(ScheduleData) if name not in NOT_COLUMNS]
    assert sorted(columns) == sorted(column.attribute for column in FILE_COLUMNS)
    assert (*STRING_COLUMNS, *FLOAT_COLUMNS) == tuple(
        column.attribute for column in FILE_COLUMNS if column.kind in ("str", "float")
    )


def test_the_parsers_fill_every_file_column(shared_data):
    data = read_schedule(InputFile.from_path(shared_data / "schedule_native_example.json"))
    assert data.block_count > 0
    for column in FILE_COLUMNS:
        values = getattr(data, column.attribute)
        assert len(values) == data.block_count, column.name
        if column.kind == "str":
            assert all(isinstance(value, str) for value in values), column.name
        else:
            assert np.asarray(values).dtype == column.dtype, column.name


def test_block_metrics_are_the_derived_columns_in_order():
    assert tuple(field_names(BlockMetrics)) == columns_named(DERIVED_COLUMNS)


def test_the_block_frame_is_block_id_and_the_analytics_columns():
    assert tuple(field_names(BlockFrame)) == ("block_id", *columns_named(ANALYTICS_COLUMNS))


@pytest.mark.parametrize("column", ANALYTICS_COLUMNS, ids=lambda column: column.name)
def test_block_analytics_stores_each_analytics_column_as_declared(column):
    field = BlockAnalytics._meta.get_field(column.name)
    assert FIELD_KINDS[type(field)] == column.kind
    assert field.null == column.nullable


@pytest.mark.parametrize(
    "column", [c for c in FILE_COLUMNS if c.stored], ids=lambda column: column.name
)
def test_each_stored_file_column_is_a_model_field_as_declared(column):
    model, *path, name = [SchedulingBlock, *column.stored.split("__")]
    for step in path:
        model = model._meta.get_field(step).related_model
    field = model._meta.get_field(name)
    assert FIELD_KINDS[type(field)] == column.kind
    assert field.null == column.nullable


def test_bulk_writes_cover_every_stored_column():
    own = {column.stored for column in FILE_COLUMNS if column.stored and "__" not in column.stored}
    assert own | {"id", "schedule_id", "target_id", "visibility_periods", "scheduled_period"} == (
        set(BLOCK_FIELDS)
    )
    assert set(ANALYTICS_FIELDS) == {
        "id",
        "schedule_id",
        "block_id",
        *columns_named(ANALYTICS_COLUMNS),
    }


def test_the_api_and_the_exports_show_every_column():
    derived = [c.name for c in ANALYTICS_COLUMNS if c.origin != Origin.FILE]
    assert list(BlockAnalyticsSerializer().fields) == derived
    block_fields = BlockSerializer().fields
    for column in FILE_COLUMNS:
        if column.on_target:
            assert column.stored.removeprefix("target__") in block_fields["target"].fields
        elif column.stored:
            assert column.stored in block_fields
    assert list(EXPORT_COLUMNS) == [
        "block_id",
        *(column.name for column in FILE_COLUMNS if column.stored),
        *derived,
    ]


def test_the_openapi_examples_use_the_frame_columns():
    for block in EXAMPLE_BLOCKS:
        assert list(block) == field_names(BlockFrame)
    assert list(frame_example(0)) == field_names(BlockFrame)


def test_one_display_name_rule_everywhere(store_schedule, settings):
    assert display_name("Run 7", "Vega") == "Run 7"
    assert display_name("", "Vega") == "Vega"
    schedule = store_schedule(
        [dict(block_name="Run 7", target_name="Vega"), dict(target_name="Deneb")]
    )
    expected = ["Run 7", "Deneb"]
    assert [block.display_name for block in schedule.blocks.order_by("id")] == expected
    settings.DATA_SOURCE = "etl"
    assert load_block_frame(schedule).display_name.tolist() == expected
    settings.DATA_SOURCE = "legacy"
    assert load_block_frame(schedule).display_name.tolist() == expected
