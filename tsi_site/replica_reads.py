"""Read-your-writes over the read replica: a user whose upload is running, or finished less than
``TSI_REPLICA_READ_YOUR_WRITES_SECONDS`` ago, reads the report tables from the primary, so the
schedule they just stored shows its analytics and validation at once however far the replica
lags. Everyone else stays on the replica.

The window starts when the job is marked done, just after its ingest committed, and the job
row lives on the primary: any web process sees it, with no session or cache to share, for
pages and token-authenticated API clients alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from schedules.models import IngestJob
from tsi_site.db_routers import primary_reads_wanted


def has_fresh_upload(user, now: datetime | None = None) -> bool:
    """Whether ``user`` has an upload running or finished within the read-your-writes window."""
    window = settings.TSI_REPLICA_READ_YOUR_WRITES_SECONDS
    if window <= 0:
        return False
    cutoff = (now or timezone.now()) - timedelta(seconds=window)
    running = Q(state=IngestJob.State.RUNNING)
    just_stored = Q(state=IngestJob.State.SUCCEEDED, finished_at__gte=cutoff)
    return IngestJob.objects.filter(running | just_stored, created_by=user).exists()


class OwnUploadCheck:
    """Answers the router for one request, asking the database at most once per user."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.answer: bool | None = None

    def __call__(self) -> bool:
        if self.answer is None:
            # Read late: an API token's user is known only once the view has authenticated it.
            user = getattr(self.request, "user", None)
            if user is None or not user.is_authenticated:
                return False
            self.answer = has_fresh_upload(user)
        return self.answer


class ReadYourWritesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = primary_reads_wanted.set(OwnUploadCheck(request))
        try:
            return self.get_response(request)
        finally:
            primary_reads_wanted.reset(token)
