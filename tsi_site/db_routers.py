"""Send report reads to a read replica when one is configured (``DATABASE_REPLICA_URL``).

Only the ETL's analytics and validation tables are read from the replica: they are written
once per ingest and read by every page. Schedules and blocks stay on the primary, so a page
opened right after an upload always finds its schedule, and reads inside a write transaction
(refresh, admin edits) always see that transaction's own writes. A request whose user has just
uploaded reads the report tables from the primary too (``tsi_site.replica_reads``), so the
schedule they stored shows its analytics even while the replica lags.
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"
REPORT_APPS = frozenset({"analytics", "validation"})

# Set for each request by tsi_site.replica_reads; asked only when a report read would otherwise
# go to the replica, so requests that read no report table pay nothing.
primary_reads_wanted: ContextVar[Callable[[], bool] | None] = ContextVar(
    "primary_reads_wanted", default=None
)


class ReportReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if REPLICA_DB_ALIAS not in settings.DATABASES:
            return None
        if model._meta.app_label not in REPORT_APPS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        wanted = primary_reads_wanted.get()
        if wanted is not None and wanted():
            return DEFAULT_DB_ALIAS
        return REPLICA_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first, second, **hints) -> bool:
        return True  # both aliases hold the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
