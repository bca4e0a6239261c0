"""Report reads go to the replica only when one is configured, never mid-transaction, and never
for a user whose upload has just been stored (read-your-writes)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from analytics.models import BlockAnalytics, ScheduleSummary
from schedules.models import IngestJob, Schedule, SchedulingBlock
from tsi_site.db_routers import ReportReplicaRouter, primary_reads_wanted
from tsi_site.replica_reads import ReadYourWritesMiddleware
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


# Test transactions would route every read to the primary.
outside_a_transaction = pytest.mark.django_db(transaction=True)


def test_a_request_that_wants_the_primary_reads_report_tables_there(with_replica):
    for wanted, alias in ((True, "default"), (False, "replica")):
        token = primary_reads_wanted.set(lambda wanted=wanted: wanted)
        try:
            assert router.db_for_read(BlockAnalytics) == alias
        finally:
            primary_reads_wanted.reset(token)


def routed_alias(user, authenticated_by_view=None) -> str:
    """Where a request of ``user`` reads a report table; the view may authenticate it late."""

    def view(request):
        if authenticated_by_view is not None:
            request.user = authenticated_by_view  # as an API token authentication does
        first = router.db_for_read(BlockAnalytics)
        assert router.db_for_read(ValidationResult) == first
        return HttpResponse(first)

    request = RequestFactory().get("/")
    request.user = user
    return ReadYourWritesMiddleware(view)(request).content.decode()


def job(user, state: str, finished_seconds_ago: float | None = None) -> IngestJob:
    finished = None
    if finished_seconds_ago is not None:
        finished = timezone.now() - timedelta(seconds=finished_seconds_ago)
    return IngestJob.objects.create(
        schedule_file="upload.json", created_by=user, state=state, finished_at=finished
    )


@pytest.fixture
def uploader(django_user_model):
    return django_user_model.objects.create_user("uploader")


@outside_a_transaction
def test_an_uploader_reads_from_the_primary_while_their_upload_is_fresh(
    with_replica, settings, uploader, django_user_model, django_assert_num_queries
):
    settings.TSI_REPLICA_READ_YOUR_WRITES_SECONDS = 60
    other = django_user_model.objects.create_user("other")
    job(uploader, IngestJob.State.SUCCEEDED, finished_seconds_ago=5)
    with django_assert_num_queries(1):  # one look at the jobs, however many report reads
        assert routed_alias(uploader) == "default"
    assert routed_alias(other) == "replica"
    assert routed_alias(AnonymousUser()) == "replica"
    assert routed_alias(AnonymousUser(), authenticated_by_view=uploader) == "default"


@outside_a_transaction
@pytest.mark.parametrize(
    ("state", "finished_seconds_ago", "alias"),
    [
        (IngestJob.State.RUNNING, None, "default"),  # its ingest may already have committed
        (IngestJob.State.SUCCEEDED, 61, "replica"),
        (IngestJob.State.FAILED, 5, "replica"),  # stored nothing
        (IngestJob.State.QUEUED, None, "replica"),
    ],
)
def test_the_window_covers_a_running_upload_and_the_seconds_after_it_succeeded(
    with_replica, settings, uploader, state, finished_seconds_ago, alias
):
    settings.TSI_REPLICA_READ_YOUR_WRITES_SECONDS = 60
    job(uploader, state, finished_seconds_ago)
    assert routed_alias(uploader) == alias


@outside_a_transaction
def test_a_zero_window_turns_read_your_writes_off(with_replica, settings, uploader):
    settings.TSI_REPLICA_READ_YOUR_WRITES_SECONDS = 0
    job(uploader, IngestJob.State.SUCCEEDED, finished_seconds_ago=0)
    assert routed_alias(uploader) == "replica"
