"""The schedules the report page tests read, and a logged-in reader."""

from __future__ import annotations

import pytest

from tests.analytics.pages.sample import BLOCKS, DARK, MODEL_BLOCKS


@pytest.fixture
def schedule(store_schedule):
    return store_schedule(BLOCKS, DARK, name="charts")


@pytest.fixture
def empty_schedule(store_schedule):
    return store_schedule([], name="empty")


@pytest.fixture
def schedules(store_schedule) -> dict:
    return {
        "normal": store_schedule(BLOCKS + MODEL_BLOCKS, DARK, name="normal"),
        "empty": store_schedule([], name="empty"),
        "unscheduled": store_schedule(
            [dict(source_id=str(i), priority=float(i)) for i in range(3)], DARK, name="idle"
        ),
    }


@pytest.fixture
def normal(schedules):
    return schedules["normal"]


@pytest.fixture
def reader(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="x")
    client.force_login(user)
    return client
