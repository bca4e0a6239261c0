"""The N-way compare selector: the same answer from either data source, computed once per set
of schedule versions, and read from the seven stored columns it needs."""

from __future__ import annotations

import numpy as np

from analytics import multi_compare as computations
from analytics.block_frame import load_block_frame
from analytics.frame_cache import clear_local_cache
from analytics.selectors import multi_compare as selector
from analytics.selectors.multi_compare import (
    BLOCK_COLUMNS,
    CompareQuery,
    comparison,
    multi_compare,
    schedule_blocks,
)
from schedules.pipeline.refresh import refresh_analytics
from tests.analytics.factories import BASE_MJD
from tsi_site.api.rendering import dumps, jsonable

HOUR = 1.0 / 24.0


def three_runs(store_schedule):
    def run(starts):
        return [
            dict(
                source_id=f"sb-{i}",
                priority=float(i + 1),
                scheduled=start and (start, start + HOUR),
            )
            for i, start in enumerate(starts)
        ]

    day = BASE_MJD
    return (
        store_schedule(run([day + 0.1, None, day + 0.3]), name="runs"),
        store_schedule(run([day + 0.1, day + 0.2, None]), name="runs"),
        store_schedule(run([None, day + 0.2, day + 0.3]), name="runs"),
    )


def test_both_data_sources_give_the_same_comparison(store_schedule, settings):
    reference, *others = three_runs(store_schedule)
    answers = []
    for source in ("etl", "legacy"):
        settings.DATA_SOURCE = source
        clear_local_cache()
        answers.append(dumps(jsonable(multi_compare(reference, CompareQuery(others=others)))))
    assert answers[0] == answers[1]


def test_the_stored_columns_are_the_frames(store_schedule):
    reference, _, _ = three_runs(store_schedule)
    blocks, frame = schedule_blocks(reference), load_block_frame(reference)
    for name in BLOCK_COLUMNS:
        np.testing.assert_array_equal(getattr(blocks, name), getattr(frame, name))
    assert blocks.scheduled_start_mjd.dtype == np.float64
    assert np.isnan(blocks.scheduled_start_mjd[1])  # unscheduled: NaN, not None


def test_computed_once_per_set_of_versions(store_schedule, monkeypatch, db):
    reference, first, second = three_runs(store_schedule)
    calls = []
    original = computations.status_matrix
    monkeypatch.setattr(
        selector, "status_matrix", lambda blocks: calls.append(1) or original(blocks)
    )
    comparison(reference, [first, second])
    comparison(reference, [first, second])
    assert len(calls) == 1
    comparison(reference, [second, first])  # another order is another comparison
    assert len(calls) == 2
    refresh_analytics(first)  # a new summary row: a new version of that schedule
    comparison(reference, [first, second])
    assert len(calls) == 3
