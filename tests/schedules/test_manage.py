"""The schedule management page and its API twin: search and pages, rename (the next free
version of the new name), site change (computed periods computed again, file periods kept),
delete and bulk delete with counts, and who may do each."""

from __future__ import annotations

import numpy as np
import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from analytics.models import BlockAnalytics, ScheduleSummary
from schedules.models import Environment, Schedule, SchedulingBlock
from schedules.pipeline.ingest import ingest_schedule_data
from schedules.pipeline.sky import SkyOptions, complete_sky
from schedules.sky.sites import ORM, PARANAL
from tests.analytics.factories import BASE_MJD, make_schedule_data

pytestmark = pytest.mark.django_db


def make_user(username: str, *perms: str, staff: bool = False) -> User:
    user = User.objects.create_user(username, is_staff=staff)
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def users() -> dict[str, User | None]:
    return {
        "anonymous": None,
        "reader": make_user("reader"),
        "owner": make_user("owner", "add_schedule"),
        "staff without perms": make_user("bare staff", staff=True),
        "staff with perms": make_user(
            "staff", "add_schedule", "change_schedule", "delete_schedule", staff=True
        ),
    }


def signed_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def stored(store_schedule, users):
    """The owner's schedule (two blocks) and someone else's (three)."""
    own = store_schedule(blocks=[dict(priority=1.0), dict(priority=2.0)], name="Own night")
    Schedule.objects.filter(pk=own.pk).update(uploaded_by=users["owner"])
    others = store_schedule(blocks=[dict(priority=p) for p in (3.0, 4.0, 5.0)], name="Other night")
    return Schedule.objects.get(pk=own.pk), others


# --- the page ----------------------------------------------------------------------------------


def rows(response) -> list[str]:
    return [str(schedule) for schedule, _, _ in response.context["rows"]]


def test_staff_with_perms_see_every_schedule_with_search_and_pages(
    stored, users, store_schedule, monkeypatch
):
    monkeypatch.setattr("schedules.views.SCHEDULES_PER_PAGE", 2)
    store_schedule(blocks=[dict(priority=6.0)], name="Own night, again")
    client = signed_in(users["staff with perms"])
    first = client.get(reverse("schedules:manage"))
    assert rows(first) == ["Own night, again v1", "Other night v1"]
    assert rows(client.get(reverse("schedules:manage"), {"page": 2})) == ["Own night v1"]
    searched = client.get(reverse("schedules:manage"), {"q": "OWN"})
    assert rows(searched) == ["Own night, again v1", "Own night v1"]
    content = first.content.decode()
    assert 'id="bulk-delete-button"' in content
    assert content.count("Download JSON") == 2


def test_an_owner_sees_and_may_act_on_their_own_schedules_only(stored, users):
    own, _ = stored
    response = signed_in(users["owner"]).get(reverse("schedules:manage"))
    assert [(str(s), change, delete) for s, change, delete in response.context["rows"]] == [
        (str(own), True, True)
    ]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("reader", 403), ("staff without perms", 403), ("owner", 200)],
)
def test_who_may_open_the_page(stored, users, role, expected):
    response = signed_in(users[role]).get(reverse("schedules:manage"))
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith("/login/?next=")


def test_buttons_a_user_cannot_use_are_hidden(stored, users):
    """Only ``change_schedule``: every row can be renamed, none deleted."""
    assert len(stored) == 2
    changer = make_user("changer", "change_schedule")
    content = signed_in(changer).get(reverse("schedules:manage")).content.decode()
    assert content.count("<summary>Rename</summary>") == 2
    assert 'name="ids"' not in content and "bulk-delete-button" not in content
    assert 'class="manage-delete"' not in content


# --- rename ------------------------------------------------------------------------------------


def rename(client: Client, schedule: Schedule, name: str):
    return client.post(reverse("schedules:rename", args=[schedule.pk]), {"name": name}, follow=True)


def test_rename_to_a_new_name_is_its_version_1(stored, users):
    own, _ = stored
    response = rename(signed_in(users["owner"]), own, "  Renamed night ")
    own.refresh_from_db()
    assert (own.name, own.version) == ("Renamed night", 1)
    assert "“Own night v1” is now “Renamed night v1”." in response.content.decode()


def test_rename_to_a_name_with_versions_takes_the_next_free_one(stored, users, store_schedule):
    own, _others = stored
    store_schedule(blocks=[dict(priority=7.0)], name="Other night")  # Other night v2
    rename(signed_in(users["staff with perms"]), own, "Other night")
    own.refresh_from_db()
    assert (own.name, own.version) == ("Other night", 3)
    assert sorted(Schedule.objects.values_list("name", "version")) == [
        ("Other night", 1),
        ("Other night", 2),
        ("Other night", 3),
    ]


def test_rename_to_its_own_name_changes_nothing_and_a_blank_name_is_refused(stored, users):
    own, _ = stored
    client = signed_in(users["owner"])
    rename(client, own, "Own night")
    response = rename(client, own, "   ")
    own.refresh_from_db()
    assert (own.name, own.version) == ("Own night", 1)
    assert "was not renamed: This field is required." in response.content.decode()


def test_rename_needs_the_permission_or_ownership(stored, users):
    own, others = stored
    for role in ("reader", "staff without perms"):
        assert rename(signed_in(users[role]), own, "x").status_code == 403
    assert rename(signed_in(users["owner"]), others, "x").status_code == 403
    assert (
        rename(signed_in(make_user("changer", "change_schedule")), others, "y").status_code == 200
    )
    assert sorted(Schedule.objects.values_list("name", flat=True)) == ["Own night", "y"]


def test_an_owner_who_may_no_longer_upload_may_no_longer_rename(stored, users):
    own, _ = stored
    users["owner"].user_permissions.clear()
    assert rename(signed_in(users["owner"]), own, "x").status_code == 403


# --- site change -------------------------------------------------------------------------------

SKY_BLOCKS = [dict(visibility=[], ra_deg=150.0, dec_deg=-20.0), dict(visibility=[], dec_deg=30.0)]
SKY_PERIOD = dict(period_start_mjd=BASE_MJD, period_end_mjd=BASE_MJD + 2)


def computed_at(site) -> Schedule:
    data = make_schedule_data(SKY_BLOCKS, **SKY_PERIOD)
    return ingest_schedule_data(data, name="Sky night", sky=SkyOptions(site=site)).schedule


def test_site_change_computes_dark_periods_and_visibility_again(users):
    schedule = computed_at(ORM)
    assert schedule.visibility_source == "computed"
    response = signed_in(users["staff with perms"]).post(
        reverse("schedules:change-site", args=[schedule.pk]), {"site": "paranal"}, follow=True
    )

    # The schedule now holds exactly what ingesting it at Paranal would have given.
    expected = make_schedule_data(SKY_BLOCKS, **SKY_PERIOD)
    complete_sky(expected, SkyOptions(site=PARANAL))
    schedule.refresh_from_db()
    assert schedule.checksum == expected.checksum()
    assert (schedule.location_lon_deg, schedule.location_lat_deg) == (-70.4041, -24.6272)
    assert schedule.site_name == "Paranal"
    assert schedule.sky_model["site_source"] == "chosen"
    assert (schedule.sky_model["dark_periods"], schedule.sky_model["visibility"]) == (
        "computed",
        "computed",
    )
    np.testing.assert_array_equal(np.array(schedule.dark_periods), expected.dark_periods)
    stored = [
        block.visibility_periods for block in SchedulingBlock.objects.filter(schedule=schedule)
    ]
    assert stored == [expected.visibility_of(i).tolist() for i in range(2)]
    # Analytics refreshed for the new periods, in step with the blocks.
    summary = ScheduleSummary.objects.get(schedule=schedule)
    visible = [bool(periods) for periods in stored]
    assert summary.impossible_blocks == visible.count(False)
    assert BlockAnalytics.objects.filter(schedule=schedule).count() == 2
    assert "Dark periods and visibility computed for the new site." in (response.content.decode())


def test_site_change_keeps_periods_that_came_with_the_files(store_schedule, users):
    schedule = store_schedule(
        blocks=[dict(priority=2.0)], dark_periods=[(BASE_MJD, BASE_MJD + 0.4)], name="Given"
    )
    before = schedule.checksum
    response = signed_in(users["staff with perms"]).post(
        reverse("schedules:change-site", args=[schedule.pk]),
        {"site": "custom", "custom_site": "10.5,45,300"},
        follow=True,
    )
    schedule.refresh_from_db()
    assert (schedule.location_lon_deg, schedule.location_lat_deg, schedule.location_height_m) == (
        10.5,
        45.0,
        300.0,
    )
    assert schedule.site_name == "10.5,45,300"
    assert schedule.dark_periods == [[BASE_MJD, BASE_MJD + 0.4]]
    block = SchedulingBlock.objects.get(schedule=schedule)
    assert block.visibility_periods == [[BASE_MJD, BASE_MJD + 0.5]]
    assert schedule.checksum != before  # the location is content
    assert "Dark periods and visibility kept as the files gave them." in response.content.decode()


def test_a_bad_custom_site_changes_nothing(stored, users):
    own, _ = stored
    response = signed_in(users["owner"]).post(
        reverse("schedules:change-site", args=[own.pk]),
        {"site": "custom", "custom_site": "10,95,0"},
        follow=True,
    )
    assert "latitude 95 is outside -90..90 degrees" in response.content.decode()
    own.refresh_from_db()
    assert own.location_lat_deg is None


def test_site_change_needs_the_permission_or_ownership(stored, users):
    _own, others = stored
    url = reverse("schedules:change-site", args=[others.pk])
    for role in ("reader", "staff without perms", "owner"):
        assert signed_in(users[role]).post(url, {"site": "orm"}).status_code == 403
    others.refresh_from_db()
    assert others.site_name == ""


# --- delete ------------------------------------------------------------------------------------


def test_bulk_delete_confirms_with_counts_then_deletes(stored, users):
    own, others = stored
    client = signed_in(users["staff with perms"])
    confirm = client.get(reverse("schedules:delete"), {"ids": [own.pk, others.pk]})
    content = confirm.content.decode()
    assert "This deletes 2 schedules with 5 blocks" in content
    assert Schedule.objects.count() == 2  # nothing deleted by looking

    done = client.post(reverse("schedules:delete"), {"ids": [own.pk, others.pk]}, follow=True)
    assert "Deleted 2 schedules." in done.content.decode()
    assert not Schedule.objects.exists() and not SchedulingBlock.objects.exists()
    assert not BlockAnalytics.objects.exists()
    assert not Environment.objects.exists()  # none is left empty


def test_a_delete_keeps_an_environment_other_schedules_are_in(store_schedule, users):
    """Two runs of one problem (only the outcome differs) share an environment."""
    first = store_schedule(blocks=[dict(scheduled=(BASE_MJD, BASE_MJD + 0.1))], name="Run 1")
    second = store_schedule(blocks=[dict(scheduled=None)], name="Run 2")
    assert first.environment_id == second.environment_id
    signed_in(users["staff with perms"]).post(reverse("schedules:delete"), {"ids": first.pk})
    assert list(Environment.objects.values_list("schedules", flat=True)) == [second.pk]


def test_one_delete_counts_its_blocks(stored, users):
    own, _ = stored
    confirm = signed_in(users["owner"]).get(reverse("schedules:delete"), {"ids": own.pk})
    assert "This deletes 1 schedule with 2 blocks" in confirm.content.decode()


def test_a_delete_including_a_schedule_not_yours_deletes_nothing(stored, users):
    own, others = stored
    client = signed_in(users["owner"])
    ids = {"ids": [own.pk, others.pk]}
    assert client.get(reverse("schedules:delete"), ids).status_code == 403
    assert client.post(reverse("schedules:delete"), ids).status_code == 403
    assert Schedule.objects.count() == 2
    assert client.post(reverse("schedules:delete"), {"ids": own.pk}).status_code == 302
    assert list(Schedule.objects.all()) == [others]


@pytest.mark.parametrize("role", ["reader", "staff without perms"])
def test_delete_needs_the_permission_or_ownership(stored, users, role):
    own, _ = stored
    response = signed_in(users[role]).post(reverse("schedules:delete"), {"ids": own.pk})
    assert response.status_code == 403
    assert Schedule.objects.count() == 2


def test_choosing_nothing_to_delete_goes_back_with_a_message(stored, users):
    response = signed_in(users["owner"]).get(reverse("schedules:delete"), follow=True)
    assert "Choose the schedules to delete." in response.content.decode()


# --- the API -----------------------------------------------------------------------------------


def api(user: User) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def patch(client: Client, schedule: Schedule, body: dict):
    return client.patch(f"/api/v1/schedules/{schedule.pk}/", body, content_type="application/json")


def test_the_api_renames_and_moves_with_the_same_rules(stored, users):
    own, _others = stored
    response = patch(api(users["owner"]), own, {"name": "Other night", "site": "paranal"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["version"], body["site_name"]) == ("Other night", 2, "Paranal")
    assert body["location"] == {"lat_deg": -24.6272, "lon_deg": -70.4041, "height_m": 2635.0}
    # The files brought no dark periods: now that there is a site, they are computed.
    assert body["site_change"] == (
        "Dark periods computed for the new site; visibility kept as the files gave them."
    )


def test_the_api_refuses_what_the_page_refuses(stored, users):
    own, others = stored
    assert patch(api(users["owner"]), others, {"name": "x"}).status_code == 403
    assert patch(api(users["reader"]), own, {"name": "x"}).status_code == 403
    assert patch(Client(), own, {"name": "x"}).status_code == 401
    bad = patch(api(users["owner"]), own, {"site": "atlantis"})
    assert bad.status_code == 400 and "unknown site" in bad.json()["details"]["site"][0]
    assert patch(api(users["owner"]), own, {}).status_code == 400
    own.refresh_from_db()
    assert (own.name, own.site_name) == ("Own night", "")


def test_a_site_change_that_makes_a_copy_of_another_schedule_is_refused(store_schedule, users):
    blocks = [dict(priority=2.0)]
    at_orm = store_schedule(blocks=blocks, name="A", location=ORM.to_location())
    plain = store_schedule(blocks=blocks, name="B")
    response = patch(api(users["staff with perms"]), plain, {"site": "orm"})
    assert response.status_code == 409
    assert f"(#{at_orm.pk})" in response.json()["message"]
    plain.refresh_from_db()
    assert plain.location_lat_deg is None and plain.site_name == ""


def test_the_api_deletes_an_owners_schedule(stored, users):
    own, others = stored
    client = api(users["owner"])
    assert client.delete(f"/api/v1/schedules/{others.pk}/").status_code == 403
    assert client.delete(f"/api/v1/schedules/{own.pk}/").status_code == 204
    assert list(Schedule.objects.all()) == [others]
