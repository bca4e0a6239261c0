"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
SHARED_DATA_DIR = REPO_DIR.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real-format samples shipped beside the repository in ``../shared/data``."""
    assert SHARED_DATA_DIR.is_dir(), f"expected the shared samples at {SHARED_DATA_DIR}"
    return SHARED_DATA_DIR


@pytest.fixture
def store_schedule(db):
    """Store a hand-made schedule through the real ETL: ``store_schedule(blocks=[...], ...)``.

    Takes ``make_schedule_data`` arguments plus ``name``; returns the ``Schedule``.
    """
    from schedules.pipeline.ingest import ingest_schedule_data
    from tests.analytics.factories import make_schedule_data

    def store(blocks=None, dark_periods=None, *, name: str = "test schedule", **fields):
        data = make_schedule_data(blocks, dark_periods, **fields)
        return ingest_schedule_data(data, name=name).schedule

    return store


@pytest.fixture(params=["etl", "legacy"])
def data_source(request, settings) -> str:
    """Run the test once reading stored analytics and once recomputing from blocks."""
    settings.DATA_SOURCE = request.param
    return request.param


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty report cache (ids repeat across rolled-back tests)."""
    from django.core.cache import cache

    from analytics.frame_cache import clear_local_cache
    from tsi_site.api.bodies import clear_local_bodies

    cache.clear()
    clear_local_cache()
    clear_local_bodies()
