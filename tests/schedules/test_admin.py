"""The admin stays fast on large schedules and keeps analytics in step with edits."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.models import BlockAnalytics, ScheduleSummary
from schedules.models import SchedulingBlock

pytestmark = pytest.mark.django_db
T0 = 60000.0


def many_blocks(count: int) -> list[dict]:
    return [
        dict(source_id=f"sb-{i}", priority=float(i % 10), visibility=[(T0, T0 + 0.5)])
        for i in range(count)
    ]


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:schedules_schedulingblock_changelist",
        "admin:schedules_schedule_changelist",
        "admin:schedules_target_changelist",
        "admin:analytics_blockanalytics_changelist",
        "admin:validation_validationresult_changelist",
    ],
)
def test_changelists_make_no_per_row_queries(admin_client, store_schedule, url_name):
    store_schedule(many_blocks(20), name="small")
    small = queries_for(admin_client, reverse(url_name))
    store_schedule(many_blocks(150), name="large")
    assert queries_for(admin_client, reverse(url_name)) == small


def test_block_search_by_source_id(admin_client, store_schedule):
    store_schedule(many_blocks(5))
    response = admin_client.get(
        reverse("admin:schedules_schedulingblock_changelist"), {"q": "sb-3"}
    )
    assert b"sb-3" in response.content and b"sb-4" not in response.content


def test_editing_a_block_refreshes_its_schedules_analytics(admin_client, store_schedule):
    schedule = store_schedule([dict(source_id="a", priority=1.0), dict(source_id="b")])
    block = SchedulingBlock.objects.get(schedule=schedule, source_block_id="a")
    url = reverse("admin:schedules_schedulingblock_change", args=[block.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update(priority=9.0, visibility_periods="[]", scheduled_period="[]",
                fixed_start_mjd="", fixed_stop_mjd="")  # fmt: skip
    data = {key: "" if value is None else value for key, value in data.items()}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    analytics = BlockAnalytics.objects.get(block=block)
    assert analytics.priority == 9.0 and analytics.is_impossible
    assert ScheduleSummary.objects.get(schedule=schedule).priority_max == 9.0


def test_deleting_a_block_refreshes_the_summary(admin_client, store_schedule):
    schedule = store_schedule([dict(source_id="a"), dict(source_id="b")])
    block = SchedulingBlock.objects.get(schedule=schedule, source_block_id="a")
    url = reverse("admin:schedules_schedulingblock_delete", args=[block.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert ScheduleSummary.objects.get(schedule=schedule).total_blocks == 1


def test_schedule_delete_confirmation_counts_instead_of_listing(admin_client, store_schedule):
    schedule = store_schedule(many_blocks(40))
    url = reverse("admin:schedules_schedule_delete", args=[schedule.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b"sb-39" not in response.content
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not SchedulingBlock.objects.exists()


def test_refresh_action(admin_client, store_schedule):
    schedule = store_schedule(many_blocks(3))
    BlockAnalytics.objects.filter(schedule=schedule).delete()
    response = admin_client.post(
        reverse("admin:schedules_schedule_changelist"),
        {"action": "refresh_selected", "_selected_action": [schedule.pk]},
    )
    assert response.status_code == 302
    assert BlockAnalytics.objects.filter(schedule=schedule).count() == 3


def admin_post(client, url: str, **changes) -> object:
    """Submit the admin change form of ``url`` as shown, with ``changes`` applied."""
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields} | changes
    return client.post(url, {key: "" if value is None else value for key, value in data.items()})


def test_editing_a_target_refreshes_every_schedule_observing_it(admin_client, store_schedule):
    """Pages and CSVs read the analytics, the blocks API the target: they agree after an edit."""
    first = store_schedule([dict(source_id="a", target_name="Vega", ra_deg=279.2)], name="one")
    second = store_schedule([dict(source_id="b", target_name="Vega", ra_deg=279.2)], name="two")
    target = SchedulingBlock.objects.get(schedule=first).target
    assert SchedulingBlock.objects.get(schedule=second).target == target
    url = reverse("admin:schedules_target_change", args=[target.pk])
    assert admin_post(admin_client, url, ra_deg=10.5).status_code == 302
    for schedule, block in ((first, "a"), (second, "b")):
        assert BlockAnalytics.objects.get(schedule=schedule).source_block_id == block
        assert BlockAnalytics.objects.get(schedule=schedule).ra_deg == 10.5
        sky_map = admin_client.get(f"/schedules/{schedule.pk}/sky-map/?csv=sky-map")
        assert "10.5" in sky_map.content.decode().splitlines()[1]
        api = admin_client.get(f"/api/v1/schedules/{schedule.pk}/blocks/").json()
        assert api["results"][0]["target"]["ra_deg"] == 10.5


def test_after_an_edit_the_checksum_identifies_the_stored_content(admin_client, store_schedule):
    from schedules.formats import InputFile, read_schedule
    from schedules.pipeline.ingest import ingest_schedule_data
    from schedules.selectors import export_schedule_native

    schedule = store_schedule([dict(source_id="a", priority=1.0), dict(source_id="b")])
    before = schedule.checksum
    block = SchedulingBlock.objects.get(schedule=schedule, source_block_id="a")
    url = reverse("admin:schedules_schedulingblock_change", args=[block.pk])
    assert admin_post(admin_client, url, priority=7.0).status_code == 302
    schedule.refresh_from_db()
    assert schedule.checksum != before
    again = read_schedule(InputFile("export.json", export_schedule_native(schedule)))
    outcome = ingest_schedule_data(again, name="re-ingested")
    assert (outcome.created, outcome.schedule.pk) == (False, schedule.pk)


def test_an_edit_that_would_copy_another_schedule_is_refused(admin_client, store_schedule):
    store_schedule([dict(source_id="a", priority=7.0)], name="original")
    copy = store_schedule([dict(source_id="a", priority=1.0)], name="copy")
    block = SchedulingBlock.objects.get(schedule=copy)
    url = reverse("admin:schedules_schedulingblock_change", args=[block.pk])
    response = admin_post(admin_client, url, priority=7.0)
    assert response.status_code == 302
    messages = [str(m) for m in admin_client.get(response["Location"]).context["messages"]]
    assert any("already stored" in message for message in messages), messages
    block.refresh_from_db()
    assert block.priority == 1.0
    assert BlockAnalytics.objects.get(block=block).priority == 1.0


def test_change_lists_round_numbers_for_reading_and_scroll_when_wide(admin_client, store_schedule):
    store_schedule([dict(source_id="a", priority=1 / 3, ra_deg=279.23456789)])
    blocks = admin_client.get(reverse("admin:schedules_schedulingblock_changelist"))
    assert "0.333" in blocks.content.decode() and "0.33333" not in blocks.content.decode()
    targets = admin_client.get(reverse("admin:schedules_target_changelist")).content.decode()
    assert "279.235" in targets and "279.2345" not in targets
    assert "tsi/admin.css" in targets
    css = (Path(__file__).resolve().parents[2] / "static" / "tsi" / "admin.css").read_text()
    assert "overflow-x: auto" in css
