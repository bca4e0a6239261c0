"""Query-count guards: so that no per-row query (N+1) can come back unnoticed.

Every page, download, API endpoint and main admin changelist is requested twice, first with an
empty cache (cold) and then again (warm), under both data sources, on a world of 5-block
schedules and on one of 200-block schedules with more versions and jobs. The counts must match
``EXPECTED`` exactly, for both sizes: a query per row makes the large world cost more and fails.

``EXPECTED`` is the spec. When a count changes on purpose, change its row: that diff is the
review. A failure lists the queries of the request, numbered, to show which one came or went.

What the counts are made of: a browser request reads its session and user (2 queries) and a
page's navigation bar the reader's permissions (2 more); an API request reads its token (1). On
etl every read of a schedule's analytics looks up its version (the summary row's id) and only
the cold one loads the block frame, which the cache then keeps: warm is one query lower per
schedule read. Legacy parses the blocks on every request (only visibility periods are cached).
The diagnostics (their pages and endpoints) are cached per schedule version on both data
sources: cold they load the blocks, and on etl check for and read the stored error findings.
The overview's KPIs and the compare's time use come with the stored summary; a chart or
endpoint body cached per schedule version looks the version up once more (once for all the
schedules of a comparison), and so do the validation counts and findings, which warm requests
then read from the cache instead of aggregating them. The lineage (its
page, the block page's history, their endpoints) reads the versions of the name with their
summaries in one query, and cold the blocks of all of them in one more, however many versions
there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import pytest

from tests.query_counts import (
    Caller,
    Endpoint,
    Size,
    World,
    build_world,
    measure,
    rolled_back,
)

READER, UPLOADER, STAFF = Caller.READER, Caller.UPLOADER, Caller.STAFF
READER_TOKEN, UPLOADER_TOKEN = Caller.READER_TOKEN, Caller.UPLOADER_TOKEN
NO_IDS: tuple[str, ...] = ()

ENDPOINTS: dict[str, Endpoint] = {
    "page/home": Endpoint(READER, "schedules:home", NO_IDS),
    "page/overview": Endpoint(READER, "analytics:overview"),
    "page/validation": Endpoint(READER, "validation:report"),
    "page/sky-map": Endpoint(READER, "analytics:sky-map"),
    "page/distributions": Endpoint(READER, "analytics:distributions"),
    "page/visibility": Endpoint(READER, "analytics:visibility"),
    "page/timeline": Endpoint(READER, "analytics:timeline"),
    "page/hourglass": Endpoint(READER, "analytics:hourglass", query="site=orm"),
    "page/alt-az": Endpoint(READER, "analytics:alt-az", query="site=orm"),
    "page/block": Endpoint(
        READER, "analytics:block", ("schedule_id", "block_id"), query="site=orm"
    ),
    "page/insights": Endpoint(READER, "analytics:insights"),
    "page/trends": Endpoint(READER, "analytics:trends"),
    "page/compare": Endpoint(READER, "analytics:compare"),
    "page/compare?other": Endpoint(READER, "analytics:compare", query="other={other_id}"),
    "page/insights/report.md": Endpoint(READER, "analytics:insights-report-md"),
    "page/insights/report.html": Endpoint(READER, "analytics:insights-report-html"),
    "csv/validation": Endpoint(READER, "validation:report", query="csv=issues"),
    "csv/sky-map": Endpoint(READER, "analytics:sky-map", query="csv=sky-map"),
    "csv/distributions": Endpoint(READER, "analytics:distributions", query="csv=statistics"),
    "csv/visibility": Endpoint(READER, "analytics:visibility", query="csv=visibility"),
    "csv/timeline": Endpoint(READER, "analytics:timeline", query="csv=observations"),
    "csv/hourglass": Endpoint(READER, "analytics:hourglass", query="site=orm&csv=hourglass"),
    "csv/alt-az": Endpoint(READER, "analytics:alt-az", query="site=orm&csv=alt-az"),
    "csv/block": Endpoint(
        READER, "analytics:block", ("schedule_id", "block_id"), query="site=orm&csv=altitude"
    ),
    "csv/insights": Endpoint(READER, "analytics:insights", query="csv=conflicts"),
    "csv/trends": Endpoint(READER, "analytics:trends", query="csv=model"),
    "csv/compare": Endpoint(READER, "analytics:compare", query="other={other_id}&csv=metrics"),
    "page/fragmentation": Endpoint(READER, "analytics:fragmentation"),
    "page/diagnostics": Endpoint(READER, "analytics:diagnostics"),
    "csv/fragmentation": Endpoint(READER, "analytics:fragmentation", query="csv=strip"),
    "csv/diagnostics": Endpoint(READER, "analytics:diagnostics", query="csv=unscheduled"),
    "page/lineage": Endpoint(READER, "analytics:lineage"),
    "csv/lineage": Endpoint(READER, "analytics:lineage", query="csv=steps"),
    "page/job": Endpoint(UPLOADER, "schedules:job", ("job_id",)),
    "page/job-status": Endpoint(UPLOADER, "schedules:job-status", ("job_id",)),
    "page/export": Endpoint(READER, "schedules:export"),
    "api/schedules": Endpoint(READER_TOKEN, "api:schedule-list", NO_IDS),
    "api/schedule": Endpoint(READER_TOKEN, "api:schedule-detail"),
    "api/blocks": Endpoint(READER_TOKEN, "api:schedule-blocks"),
    "api/block": Endpoint(READER_TOKEN, "api:block-detail", ("schedule_id", "block_id")),
    "api/block?altitude": Endpoint(
        READER_TOKEN,
        "api:block-detail",
        ("schedule_id", "block_id"),
        query="site=orm&altitude=true",
    ),
    "api/blocks.csv": Endpoint(READER_TOKEN, "api:schedule-blocks-csv"),
    "api/blocks.jsonl": Endpoint(READER_TOKEN, "api:schedule-blocks-jsonl"),
    "api/overview": Endpoint(READER_TOKEN, "api:schedule-overview"),
    "api/sky-map": Endpoint(READER_TOKEN, "api:schedule-sky-map"),
    "api/distributions": Endpoint(READER_TOKEN, "api:schedule-distributions"),
    "api/visibility-histogram": Endpoint(READER_TOKEN, "api:schedule-visibility-histogram"),
    "api/timeline": Endpoint(READER_TOKEN, "api:schedule-timeline"),
    "api/hourglass": Endpoint(READER_TOKEN, "api:schedule-hourglass", query="site=orm"),
    "api/alt-az": Endpoint(READER_TOKEN, "api:schedule-alt-az", query="site=orm"),
    "api/insights": Endpoint(READER_TOKEN, "api:schedule-insights"),
    "api/trends": Endpoint(READER_TOKEN, "api:schedule-trends"),
    "api/validation-report": Endpoint(READER_TOKEN, "api:schedule-validation-report"),
    "api/compare": Endpoint(READER_TOKEN, "api:schedule-compare", ("schedule_id", "other_id")),
    "api/fragmentation": Endpoint(READER_TOKEN, "api:schedule-fragmentation"),
    "api/diagnostics": Endpoint(READER_TOKEN, "api:schedule-diagnostics"),
    "api/gate": Endpoint(READER_TOKEN, "api:schedule-gate", query="fail_if=kpis.composite%3E%3D0"),
    "api/lineage": Endpoint(READER_TOKEN, "api:schedule-lineage"),
    "api/block-history": Endpoint(READER_TOKEN, "api:block-history", ("schedule_id", "block_id")),
    "api/jobs": Endpoint(UPLOADER_TOKEN, "api:job-list", NO_IDS),
    "api/job": Endpoint(UPLOADER_TOKEN, "api:job-detail", ("job_id",)),
    "api/health": Endpoint(Caller.ANONYMOUS, "api:health", NO_IDS),
    "api/export": Endpoint(READER_TOKEN, "api:schedule-export"),
    "admin/schedules": Endpoint(STAFF, "admin:schedules_schedule_changelist", NO_IDS),
    "admin/blocks": Endpoint(STAFF, "admin:schedules_schedulingblock_changelist", NO_IDS),
    "admin/targets": Endpoint(STAFF, "admin:schedules_target_changelist", NO_IDS),
    "admin/block-analytics": Endpoint(STAFF, "admin:analytics_blockanalytics_changelist", NO_IDS),
    "admin/summaries": Endpoint(STAFF, "admin:analytics_schedulesummary_changelist", NO_IDS),
    "admin/validation-results": Endpoint(
        STAFF, "admin:validation_validationresult_changelist", NO_IDS
    ),
    "admin/jobs": Endpoint(STAFF, "admin:schedules_ingestjob_changelist", NO_IDS),
}


class Counts(NamedTuple):
    etl_cold: int
    etl_warm: int
    legacy_cold: int
    legacy_warm: int

    def of(self, data_source: str) -> tuple[int, int]:
        """(cold, warm) under one data source."""
        return getattr(self, f"{data_source}_cold"), getattr(self, f"{data_source}_warm")


# fmt: off
EXPECTED: dict[str, Counts] = {
    #                                      etl          legacy
    #                                   cold  warm    cold  warm
    "page/home":                  Counts(   6,    6,      6,    6),
    "page/overview":              Counts(  13,   10,     10,   10),
    "page/validation":            Counts(  11,    7,      6,    6),
    "page/sky-map":               Counts(  13,    8,     10,    9),
    "page/distributions":         Counts(   8,    7,      7,    7),
    "page/visibility":            Counts(  11,    9,     10,    9),
    "page/timeline":              Counts(   8,    7,      7,    7),
    "page/hourglass":             Counts(   9,    8,      8,    8),
    "page/alt-az":                Counts(   9,    8,      8,    8),
    "page/block":                 Counts(  17,   12,     14,   12),
    "page/insights":              Counts(  12,    8,      9,    8),
    "page/trends":                Counts(   8,    7,      7,    7),
    "page/compare":               Counts(  19,   10,     14,   11),
    "page/compare?other":         Counts(  20,   11,     20,   17),
    "page/insights/report.md":    Counts(   5,    4,      4,    4),
    "page/insights/report.html":  Counts(   5,    4,      4,    4),
    "csv/validation":             Counts(   9,    5,      4,    4),
    "csv/sky-map":                Counts(  10,    5,      7,    6),
    "csv/distributions":          Counts(   5,    4,      4,    4),
    "csv/visibility":             Counts(   8,    6,      7,    6),
    "csv/timeline":               Counts(   5,    4,      4,    4),
    "csv/hourglass":              Counts(   6,    5,      5,    5),
    "csv/alt-az":                 Counts(   6,    5,      5,    5),
    "csv/block":                  Counts(  14,    9,     11,    9),
    "csv/insights":               Counts(   9,    5,      6,    5),
    "csv/trends":                 Counts(   5,    4,      4,    4),
    "csv/compare":                Counts(  16,    7,     16,   13),
    "page/fragmentation":         Counts(  10,    7,      8,    7),
    "page/diagnostics":           Counts(  10,    7,      8,    7),
    "csv/fragmentation":          Counts(   7,    4,      5,    4),
    "csv/diagnostics":            Counts(   7,    4,      5,    4),
    "page/lineage":               Counts(   7,    6,      7,    6),
    "csv/lineage":                Counts(   5,    4,      5,    4),
    "page/job":                   Counts(   5,    5,      5,    5),
    "page/job-status":            Counts(   5,    5,      5,    5),
    "page/export":                Counts(   4,    4,      4,    4),
    "api/schedules":              Counts(   3,    3,      3,    3),
    "api/schedule":               Counts(   8,    5,      6,    5),
    "api/blocks":                 Counts(   4,    4,      4,    4),
    "api/block":                  Counts(   7,    3,      6,    6),
    "api/block?altitude":         Counts(   8,    3,      7,    7),
    "api/blocks.csv":             Counts(   3,    3,      3,    3),
    "api/blocks.jsonl":           Counts(   3,    3,      3,    3),
    "api/overview":               Counts(   4,    4,      4,    4),
    "api/sky-map":                Counts(   5,    3,      4,    4),
    "api/distributions":          Counts(   5,    3,      4,    4),
    "api/visibility-histogram":   Counts(   8,    3,      7,    6),
    "api/timeline":               Counts(   5,    3,      4,    4),
    "api/hourglass":              Counts(   6,    3,      5,    5),
    "api/alt-az":                 Counts(   6,    3,      5,    5),
    "api/insights":               Counts(   5,    3,      4,    4),
    "api/trends":                 Counts(   5,    3,      4,    4),
    "api/validation-report":      Counts(   9,    3,      4,    4),
    "api/compare":                Counts(   9,    4,      6,    6),
    "api/fragmentation":          Counts(   7,    3,      5,    4),
    "api/diagnostics":            Counts(   7,    3,      5,    4),
    "api/gate":                   Counts(  13,    3,      8,    4),
    "api/lineage":                Counts(   4,    3,      4,    3),
    "api/block-history":          Counts(   5,    4,      5,    4),
    "api/jobs":                   Counts(   3,    3,      3,    3),
    "api/job":                    Counts(   2,    2,      2,    2),
    "api/health":                 Counts(   1,    1,      1,    1),
    "api/export":                 Counts(   3,    3,      3,    3),
    "admin/schedules":            Counts(   6,    6,      6,    6),
    "admin/blocks":               Counts(   5,    5,      5,    5),
    "admin/targets":              Counts(   4,    4,      4,    4),
    "admin/block-analytics":      Counts(   5,    5,      5,    5),
    "admin/summaries":            Counts(   4,    4,      4,    4),
    "admin/validation-results":   Counts(   7,    7,      7,    7),
    "admin/jobs":                 Counts(   4,    4,      4,    4),
}
# fmt: on

SIZES = [Size(blocks=5, versions=2, jobs=1), Size(blocks=200, versions=4, jobs=4)]


@pytest.fixture(scope="module", params=SIZES, ids=lambda size: f"{size.blocks}-blocks")
def world(request, django_db_setup, django_db_blocker) -> Iterator[World]:
    """One world per size for the whole module, rolled back after it: the requests only read,
    and storing 200-block schedules for each of the hundreds of cases would dominate the run."""
    with django_db_blocker.unblock(), rolled_back():
        yield build_world(request.param)


def test_every_endpoint_has_its_expected_counts():
    assert list(EXPECTED) == list(ENDPOINTS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ENDPOINTS)
def test_query_count(world: World, data_source: str, name: str):
    measured = measure(world, ENDPOINTS[name])
    cold, warm = EXPECTED[name].of(data_source)
    assert measured.counts == (cold, warm), (
        f"{name} on {data_source}: expected {cold} cold and {warm} warm queries\n"
        f"{measured.listing()}"
    )
