"""Counting the SQL queries of one request, on a stored world of schedules whose size is a
parameter: a count that grows with the world is a per-row query."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from schedules.models import IngestJob, SchedulingBlock
from schedules.pipeline.ingest import ingest_schedule_data
from tests.analytics.factories import BASE_MJD, make_schedule_data

LISTED_QUERIES = 30  # enough to show a repeated query; a per-row one repeats by the hundred
_LONG_COLUMNS = re.compile(r"^SELECT (DISTINCT )?.{60,}? FROM ")


@dataclass(frozen=True)
class Size:
    """How big a world is; every list a request reads grows with it."""

    blocks: int  # per schedule version
    versions: int  # of one schedule name; the pages show the newest
    jobs: int  # upload jobs of the uploader


class Caller(StrEnum):
    """Who sends a request, and how they authenticate."""

    ANONYMOUS = "anonymous"
    READER = "reader"  # browser session
    UPLOADER = "uploader"  # browser session, with the upload permission
    STAFF = "staff"  # browser session, superuser: the admin
    READER_TOKEN = "reader-token"  # API token
    UPLOADER_TOKEN = "uploader-token"  # API token, with the upload permission


def plan_blocks(count: int, version: int) -> list[dict]:
    """Blocks reaching every branch the pages draw: scheduled or not, overlapping, impossible
    (never visible, or asking for more than they see), named, in every priority bucket. Each
    version shifts priorities and start times, so versions differ and the comparison has
    changes to list."""
    blocks = []
    for i in range(count):
        start = BASE_MJD + i * 0.02
        block: dict = {
            "source_id": f"sb-{i}",
            "priority": 1.0 + (i * 7 + version) % 10,
            "visibility": [(start, start + 0.3), (start + 1.0, start + 1.2)],
        }
        if i % 3 == 0:
            block["scheduled"] = (start + 0.01 * version, start + 0.06 + 0.01 * version)
        if i % 7 == 4:
            block["visibility"] = []
        if i % 11 == 5:
            block["requested_duration_s"] = 86400.0
        if i % 5 == 2:
            block["block_name"] = f"Field {i}"
        blocks.append(block)
    return blocks


@dataclass(frozen=True)
class World:
    """The users, the versions of one schedule and the uploader's jobs, stored through the ETL.

    ``ids`` names what URLs point at: the newest version (``schedule_id``), the oldest
    (``other_id``), a block of the newest (``block_id``) and a job (``job_id``).
    """

    users: dict[Caller, User]
    tokens: dict[Caller, str]
    ids: dict[str, int]

    def client(self, caller: Caller) -> Client:
        if caller in self.tokens:
            return Client(headers={"authorization": f"Token {self.tokens[caller]}"})
        client = Client()
        if caller in self.users:
            client.force_login(self.users[caller])
        return client


def build_world(size: Size) -> World:
    reader = User.objects.create_user("reader")
    uploader = User.objects.create_user("uploader")
    uploader.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    staff = User.objects.create_superuser("staff")
    dark_periods = [(BASE_MJD + day, BASE_MJD + day + 0.4) for day in range(3)]
    versions = [
        ingest_schedule_data(
            make_schedule_data(plan_blocks(size.blocks, version), dark_periods),
            name="plan",
            uploaded_by=uploader,
        ).schedule
        for version in range(1, size.versions + 1)
    ]
    jobs = [
        IngestJob.objects.create(
            schedule_file=f"uploads/plan-{index}.json",
            requested_name="plan",
            created_by=uploader,
            state=IngestJob.State.SUCCEEDED,
            phase="done",
            progress=1.0,
            schedule=versions[index % len(versions)],
        )
        for index in range(size.jobs)
    ]
    newest = versions[-1]
    return World(
        users={Caller.READER: reader, Caller.UPLOADER: uploader, Caller.STAFF: staff},
        tokens={
            Caller.READER_TOKEN: Token.objects.create(user=reader).key,
            Caller.UPLOADER_TOKEN: Token.objects.create(user=uploader).key,
        },
        ids={
            "schedule_id": newest.pk,
            "other_id": versions[0].pk,
            "block_id": SchedulingBlock.objects.filter(schedule=newest).order_by("id")[0].pk,
            "job_id": jobs[0].pk,
        },
    )


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction that is always rolled back: data shared by many tests, then gone."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass(frozen=True)
class Endpoint:
    """A GET request: who sends it, the URL name, which world ids fill the URL, and a query
    string that may name them too (``"other={other_id}"``)."""

    caller: Caller
    url_name: str
    ids: tuple[str, ...] = ("schedule_id",)
    query: str = ""

    def url(self, world: World) -> str:
        path = reverse(self.url_name, kwargs={name: world.ids[name] for name in self.ids})
        return f"{path}?{self.query.format(**world.ids)}" if self.query else path


@dataclass(frozen=True)
class Measured:
    """The SQL of a request with an empty cache, then of the same request again."""

    cold: list[str]
    warm: list[str]

    @property
    def counts(self) -> tuple[int, int]:
        return len(self.cold), len(self.warm)

    def listing(self) -> str:
        """The queries, numbered and without their column lists, to see which came or went."""
        lines = []
        for label, queries in (("cold", self.cold), ("warm", self.warm)):
            lines.append(f"{label} ({len(queries)} queries):")
            lines += [
                f"  {number:>2}. {_LONG_COLUMNS.sub(r'SELECT \1… FROM ', sql, count=1)[:200]}"
                for number, sql in enumerate(queries[:LISTED_QUERIES], 1)
            ]
            if len(queries) > LISTED_QUERIES:
                lines.append(f"  … and {len(queries) - LISTED_QUERIES} more")
        return "\n".join(lines)


def measure(world: World, endpoint: Endpoint) -> Measured:
    client = world.client(endpoint.caller)
    url = endpoint.url(world)
    cache.clear()
    return Measured(cold=_queries(client, url), warm=_queries(client, url))


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        # A streamed body runs its queries while it is read.
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, f"GET {url}: {response.status_code} {body[:300]!r}"
    return [query["sql"] for query in captured.captured_queries]
