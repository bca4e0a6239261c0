"""Report reads go to the replica only when one is configured, and never mid-transaction."""

import pytest
from django.db import transaction

from analytics.models import BlockAnalytics, ScheduleSummary
from schedules.models import Schedule, SchedulingBlock
from tsi_site.db_routers import ReportReplicaRouter
from validation.models import ValidationResult

router = ReportReplicaRouter()


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}


def test_without_a_replica_every_read_uses_the_default_routing(settings):
    assert "replica" not in settings.DATABASES
    assert router.db_for_read(BlockAnalytics) is None
    assert router.db_for_read(Schedule) is None


def test_report_tables_are_read_from_the_replica(with_replica):
    for model in (BlockAnalytics, ScheduleSummary, ValidationResult):
        assert router.db_for_read(model) == "replica"
    for model in (Schedule, SchedulingBlock):
        assert router.db_for_read(model) is None
    assert router.db_for_write(BlockAnalytics) == "default"


@pytest.mark.django_db
def test_reads_inside_a_write_transaction_stay_on_the_primary(with_replica):
    with transaction.atomic():
        assert router.db_for_read(BlockAnalytics) == "default"


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "analytics")
    assert not router.allow_migrate("replica", "analytics")
