"""The lineage selector on three stored versions, worked out by hand (see lineage_schedule),
under both data sources; one block's history; a single version has no steps."""

from __future__ import annotations

import pytest

from analytics.lineage import LineageStep
from analytics.selectors.lineage import block_history_of, lineage_report
from schedules.models import SchedulingBlock
from tests.analytics.factories import BASE_MJD
from tests.analytics.lineage_schedule import NAME, store_lineage


@pytest.fixture
def versions(store_schedule):
    return store_lineage(store_schedule)


def test_the_steps_worked_by_hand(versions, data_source):
    data = lineage_report(versions[1])
    assert (data.name, data.current_version) == (NAME, 2)
    assert data.steps == [
        LineageStep(1, 2, added=1, removed=1, newly_scheduled=1, newly_unscheduled=0,
                    retimed=1, priority_changed=1, blocks=5, churn_rate=0.8),
        LineageStep(2, 3, added=1, removed=0, newly_scheduled=0, newly_unscheduled=1,
                    retimed=0, priority_changed=0, blocks=5, churn_rate=0.4),
    ]  # fmt: skip


def test_the_versions_in_order_with_the_shown_one_marked(versions, data_source):
    data = lineage_report(versions[2])
    assert [(v.version, v.schedule_id) for v in data.versions] == [
        (1, versions[0].pk),
        (2, versions[1].pk),
        (3, versions[2].pk),
    ]
    assert [(v.blocks, v.scheduled_blocks) for v in data.versions] == [(4, 3), (4, 3), (5, 2)]
    assert [v.is_current for v in data.versions] == [False, False, True]
    assert data.versions[0].uploaded_at.endswith("Z")


def test_every_version_answers_the_same_steps(versions):
    assert lineage_report(versions[0]).steps == lineage_report(versions[2]).steps


def test_a_new_version_is_a_new_answer(versions, store_schedule):
    assert len(lineage_report(versions[0]).steps) == 2  # cached…
    store_schedule([dict(source_id="sb-a", priority=9.0)], name=NAME)
    steps = lineage_report(versions[0]).steps  # …until the name has another version
    assert len(steps) == 3
    assert (steps[2].removed, steps[2].priority_changed, steps[2].churn_rate) == (4, 1, 1.0)


def test_one_version_has_no_steps(store_schedule, data_source):
    only = store_schedule([dict(priority=1.0)], name="alone")
    data = lineage_report(only)
    assert data.steps == []
    assert [(v.version, v.blocks, v.is_current) for v in data.versions] == [(1, 1, True)]


def test_a_block_that_left_and_came_back(versions, data_source):
    history = block_history_of(versions[2], "sb-d")
    d1 = SchedulingBlock.objects.get(schedule=versions[0], source_block_id="sb-d").pk
    d3 = SchedulingBlock.objects.get(schedule=versions[2], source_block_id="sb-d").pk
    rows = [
        (v.version, v.schedule_id, v.block_id, v.present, v.scheduled, v.priority, v.changes)
        for v in history.versions
    ]
    assert rows == [
        (1, versions[0].pk, d1, True, True, 2.0, []),
        (2, versions[1].pk, None, False, False, None, ["removed"]),
        (3, versions[2].pk, d3, True, False, 2.0, ["added"]),
    ]
    assert history.versions[0].start_mjd == pytest.approx(BASE_MJD + 0.40)
    assert history.versions[0].stop_mjd == pytest.approx(BASE_MJD + 0.45)
    assert history.versions[2].start_mjd is None
    assert [v.is_current for v in history.versions] == [False, False, True]


def test_what_changed_for_each_block(versions, data_source):
    def changes(source_id: str) -> list[list[str]]:
        return [v.changes for v in block_history_of(versions[0], source_id).versions]

    assert changes("sb-a") == [[], [], ["newly_unscheduled"]]
    assert changes("sb-b") == [[], ["newly_scheduled"], []]
    assert changes("sb-c") == [[], ["retimed", "priority_changed"], []]
    assert changes("sb-e") == [[], ["added"], []]
    assert changes("nowhere") == [[], [], []]


def test_a_version_without_stored_analytics_is_read_from_its_blocks(versions, settings, caplog):
    from analytics.models import BlockAnalytics

    settings.DATA_SOURCE = "etl"
    BlockAnalytics.objects.filter(schedule=versions[0]).delete()
    assert lineage_report(versions[2]).steps[0].churn_rate == 0.8
    assert "have no stored analytics" in caplog.text


def test_each_version_is_the_shown_one_on_its_own_page(versions):
    for shown in versions:
        data = lineage_report(shown)
        assert data.current_version == shown.version
        assert [v.schedule_id for v in data.versions if v.is_current] == [shown.pk]
