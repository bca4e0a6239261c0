"""Broken and hostile files through every door: the ``ingest`` command, the upload form, and the
upload API (multipart files, and the documents inline where they are JSON the API can carry).

Each file is refused with the error that names it, says where (a JSON path or a line and
column) and what is wrong, and the database is left exactly as it was. The files live in
``tests/bad_inputs/`` (its README lists each with its error); the oversized, deeply nested and
huge-string ones are made here. The unit-level variety of errors is in
``tests/schedules/test_formats_errors.py``; this is the end-to-end layer. Last, random bytes
and mutated documents through the command either ingest or fail cleanly, writing nothing.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import orjson
import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from analytics.models import BlockAnalytics, ScheduleSummary
from schedules.models import (
    UPLOAD_NAME_LENGTH,
    IngestJob,
    Schedule,
    SchedulingBlock,
    Target,
)
from tests.schedules.test_formats_fuzz import mutate
from validation.models import ValidationResult

CORPUS = Path(__file__).parent / "bad_inputs"
GOOD = "good_schedule.json"
ROLES = ("schedule", "visibility", "dark_periods")
COUNTED = (Schedule, SchedulingBlock, Target, BlockAnalytics, ScheduleSummary, ValidationResult)
NAME_LENGTH = 10 * 1024 * 1024
DEPTH = 5_000

Files = dict[str, tuple[str, bytes]]
"""The files of one submission: role ("schedule", "visibility", "dark_periods") to name and
bytes."""


def corpus(schedule: str, **companions: str) -> Callable[[], Files]:
    """Files from the corpus, a schedule and optionally its companions by role."""
    names = {"schedule": schedule, **companions}
    return lambda: {role: (name, (CORPUS / name).read_bytes()) for role, name in names.items()}


def made(name: str, content: Callable[[], bytes]) -> Callable[[], Files]:
    """A schedule file made at test time (too big or too deep to commit)."""
    return lambda: {"schedule": (name, _made(content))}


@functools.cache
def _made(content: Callable[[], bytes]) -> bytes:
    return content()


def deeply_nested() -> bytes:
    return b'{"blocks": [], "extra": ' + b"[" * DEPTH + b"]" * DEPTH + b"}"


def huge_block_name() -> bytes:
    document = json.loads((CORPUS / GOOD).read_bytes())
    document["blocks"][0]["block_name"] = "N" * NAME_LENGTH
    return json.dumps(document).encode()


@dataclass(frozen=True)
class Case:
    """One submission and the error it must get: in the file of ``role``, at ``location``,
    saying ``phrase``.

    ``refused`` is what the form and the API answer instead when they refuse the upload itself,
    before any job (the command has no such step). ``inline`` marks content that can also be
    sent inline as JSON, where the API names the files ``<role>.json``.
    """

    files: Callable[[], Files]
    location: str
    phrase: str
    role: str = "schedule"
    refused: str = ""
    inline: bool = False
    max_upload_bytes: int | None = None
    refused_status: int = 200  # what the form answers when it refuses the upload


MJD_RANGE = "is outside MJD -678575 to 2973483 (the years 1 to 9999)"

CASES = {
    "not JSON": Case(corpus("not_json.json"), "line 1, column 5", "invalid JSON"),
    "truncated": Case(corpus("truncated.json"), "line 9, column 7", "unexpected end of file"),
    "two documents": Case(
        corpus("two_documents.json"), "line 35, column 1", "unexpected text after the end"
    ),
    "UTF-16 with byte-order mark": Case(
        corpus("utf16_bom.json"), "", "file is UTF-16 encoded; expected UTF-8"
    ),
    "Latin-1 bytes": Case(corpus("latin1.json"), "line 2, column 19", "invalid UTF-8 byte 0xe9"),
    "gzip-compressed": Case(corpus("gzipped.json"), "line 1, column 2", "invalid UTF-8 byte"),
    "empty": Case(
        corpus("empty.json"), "", "file is empty", refused="The submitted file is empty."
    ),
    "top-level array": Case(
        corpus("top_level_array.json"),
        "",
        "expected a JSON object at the top level, got an array",
        inline=True,
    ),
    "unknown format": Case(
        corpus("unknown_format.json"), "", "unknown schedule format", inline=True
    ),
    "raw blocks not a list": Case(
        corpus("raw_blocks_not_a_list.json"),
        "SchedulingBlock",
        "expected an array, got an object",
        inline=True,
    ),
    "missing field": Case(
        corpus("missing_field.json"),
        "blocks[0]",
        'missing required field "target_dec"',
        inline=True,
    ),
    "mistyped field": Case(
        corpus("mistyped_field.json"),
        "blocks[0].priority",
        "expected a number, got a string",
        inline=True,
    ),
    "NaN": Case(corpus("nan.json"), "line 7, column 19", "NaN and Infinity are not valid JSON"),
    "Infinity": Case(
        corpus("infinity.json"), "line 8, column 20", "NaN and Infinity are not valid JSON"
    ),
    "1e400": Case(corpus("huge_number.json"), "blocks[0].priority", "number is out of range"),
    "absurd priority": Case(
        corpus("huge_priority.json"),
        "blocks[0]",
        "priority is 1e+300; numbers must lie within ±1e+15",
        inline=True,
    ),
    "period in the year 2.7 billion": Case(
        corpus("far_future_period.json"), "blocks[0].scheduled_period", MJD_RANGE, inline=True
    ),
    "start after stop": Case(
        corpus("start_after_stop.json"),
        "blocks[0].visibility_periods[0]",
        "start 60000.4 is not before stop 60000.1",
        inline=True,
    ),
    "period in no style": Case(
        corpus("period_in_no_style.json"),
        "blocks[0].visibility_periods[0]",
        'expected the keys "start" and "stop", "start_mjd" and "end_mjd" (or "stop_mjd"), or '
        '"startTime" and "stopTime"; found only "stop", "start_mjd"',
        inline=True,
    ),
    "duplicate ids": Case(
        corpus("duplicate_ids.json"),
        "blocks[1]",
        'duplicate block id "b1" (first at blocks[0])',
        inline=True,
    ),
    "NUL in a block name": Case(
        corpus("nul_in_block_name.json"),
        "blocks[0].block_name",
        "contains a NUL character",
        inline=True,
    ),
    "nested thousands deep": Case(
        made("deeply_nested.json", deeply_nested),
        "",
        f"JSON is nested {DEPTH + 1} levels deep; the limit is 64 levels (TSI_MAX_JSON_DEPTH)",
    ),
    "10 MB block name": Case(
        made("huge_block_name.json", huge_block_name),
        "blocks[0].block_name",
        f"is {NAME_LENGTH} characters long; the limit is 255",
    ),
    "oversized": Case(
        corpus(GOOD),
        "",
        "file is 658 bytes, more than the 200-byte limit (TSI_MAX_UPLOAD_BYTES)",
        # The upload stops as soon as the file passes the limit, before its size is known.
        refused="the limit is 200 bytes per file",
        max_upload_bytes=200,
        refused_status=413,
    ),
    "bad visibility beside a good schedule": Case(
        corpus(GOOD, visibility="bad_visibility.json"),
        'blocks["b1"][0].start_mjd',
        "expected a number, got a string",
        role="visibility",
        inline=True,
    ),
    "bad dark periods beside a good schedule": Case(
        corpus(GOOD, dark_periods="bad_dark_periods.json"),
        "dark_periods[0]",
        "start 60000.45 is not before stop 60000.05",
        role="dark_periods",
        inline=True,
    ),
    "unreadable time in dark periods beside a good schedule": Case(
        corpus(GOOD, dark_periods="bad_dark_time.json"),
        "darkPeriods[1][1]",
        'expected an ISO-8601 time such as "2028-01-01T19:30:00Z" or an MJD number',
        role="dark_periods",
        inline=True,
    ),
}


# --- The doors ----------------------------------------------------------------------------


@dataclass
class Doors:
    """Each door submits the files, checks its own way of failing (``refused``: the upload
    itself is refused, no job), and returns the error as the person using it reads it."""

    tmp_path: Path
    uploader: User

    def command(self, files: Files, refused: bool, status: int = 200) -> str:
        """``manage.py ingest`` (there is no upload step to refuse: the file itself fails)."""
        paths = {}
        for role, (name, content) in files.items():
            (self.tmp_path / role).mkdir(exist_ok=True)
            paths[role] = self.tmp_path / role / name
            paths[role].write_bytes(content)
        options = [
            f"--{role.replace('_', '-')}={paths[role]}" for role in ROLES[1:] if role in paths
        ]
        with pytest.raises(CommandError) as raised:
            call_command("ingest", str(paths["schedule"]), *options, stdout=StringIO())
        assert raised.value.returncode == 2
        message, _, last_line = str(raised.value).rpartition("\n")
        assert last_line == "Nothing was written to the database."
        return message

    def form(self, files: Files, refused: bool, status: int = 200) -> str:
        """The upload form: a refused file is shown beside its field (or above the form when
        the upload was stopped, with ``status``); otherwise the job page shows the job's
        error."""
        client = Client()
        client.force_login(self.uploader)
        fields = {
            f"{role}_file": SimpleUploadedFile(name, content)
            for role, (name, content) in files.items()
        }
        response = client.post(reverse("schedules:upload"), fields, follow=True)
        assert response.status_code == (status if refused else 200)
        if refused:
            assert not IngestJob.objects.exists()
            assert response.redirect_chain == []
        else:
            job = IngestJob.objects.get()
            assert (job.state, job.schedule) == (IngestJob.State.FAILED, None)
            assert response.redirect_chain == [(reverse("schedules:job", args=[job.pk]), 302)]
        (message,) = shown_errors(response.content.decode())
        return message

    def api(self, files: Files, refused: bool, status: int = 200) -> str:
        """The upload API with multipart files."""
        parts = {role: SimpleUploadedFile(name, content) for role, (name, content) in files.items()}
        return self._upload(parts, "multipart", refused)

    def api_inline(self, files: Files, refused: bool, status: int = 200) -> str:
        """The upload API with the documents inline in a JSON body."""
        documents = {role: orjson.loads(content) for role, (_, content) in files.items()}
        return self._upload(documents, "json", refused)

    def _upload(self, body: dict, body_format: str, refused: bool) -> str:
        client = APIClient()
        client.force_authenticate(self.uploader)
        response = client.post("/api/v1/schedules/", body, format=body_format)
        answer = response.json()
        if refused:
            assert 400 <= response.status_code < 500, answer
            assert not IngestJob.objects.exists()
            details = [str(item) for items in answer["details"].values() for item in items]
            return " ".join([answer["message"], *details])
        assert response.status_code == 202, answer
        assert (answer["state"], answer["schedule"]) == ("failed", None)
        job = client.get(answer["url"]).json()  # as it stays for whoever polls it later
        assert job["error"] == answer["error"]
        return job["error"]


DOOR_NAMES = ("command", "form", "api", "api_inline")


def shown_errors(page: str) -> list[str]:
    """The error texts a page shows: a failed job's error or the form's field errors."""
    found = re.findall(
        r'<pre class="error-text">(.*?)</pre>|<small class="error" role="alert">(.*?)</small>'
        r'|<div class="form-errors" role="alert" id="upload-refused">(.*?)</div>',
        page,
        flags=re.DOTALL,
    )
    return [html.unescape("".join(texts)) for texts in found]


def file_name(case: Case, door: str) -> str:
    """The name the error must give the file: its own, or the API's name for inline content."""
    return f"{case.role}.json" if door == "api_inline" else case.files()[case.role][0]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def uploader(db) -> User:
    user = User.objects.create_user("uploader")
    user.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    return user


@pytest.fixture
def doors(tmp_path, uploader) -> Doors:
    return Doors(tmp_path, uploader)


@pytest.fixture
def stored(store_schedule) -> dict[str, int]:
    """One schedule already stored, so "nothing changed" is checked against real rows."""
    store_schedule(blocks=[dict(priority=7.0), dict(priority=2.0)], name="Already here")
    counts = row_counts()
    assert all(counts.values()), counts
    return counts


DOOR_CASES = [
    pytest.param(name, door, id=f"{name} via {door}")
    for name, case in CASES.items()
    for door in DOOR_NAMES
    if door != "api_inline" or case.inline
]


@pytest.mark.parametrize(("name", "door"), DOOR_CASES)
def test_bad_input_gets_its_located_error_and_writes_nothing(name, door, doors, stored, settings):
    case = CASES[name]
    if case.max_upload_bytes is not None:
        settings.TSI_MAX_UPLOAD_BYTES = case.max_upload_bytes
    refused = bool(case.refused) and door != "command"
    message = getattr(doors, door)(case.files(), refused, case.refused_status)
    if refused:
        assert case.refused in message, message
    else:
        where = f"{case.location}: " if case.location else ""
        assert message.startswith(f"{file_name(case, door)}: {where}"), message
        assert case.phrase in message, message
    assert row_counts() == stored


def test_every_case_file_is_listed_in_the_readme_and_every_committed_file_is_a_case():
    readme = (CORPUS / "README.md").read_text()
    listed = set(re.findall(r"^\| `([^`]+\.json)` \|", readme, flags=re.MULTILINE))
    used = {name for case in CASES.values() for name, _ in case.files().values()}
    used.add("utf8_bom.json")
    assert listed == used
    assert {path.name for path in CORPUS.glob("*.json")} <= used


@pytest.mark.parametrize("door", ["form", "api"])
def test_an_overlong_file_name_is_shortened_in_storage_not_an_error(door, doors, stored):
    """Stored uploads keep the first ``UPLOAD_NAME_LENGTH`` characters of their name, so even
    an extension longer than a stored path may be is still reported as the file's name."""
    name = "schedule." + "json" * 40
    content = (CORPUS / "mistyped_field.json").read_bytes()
    message = getattr(doors, door)({"schedule": (name, content)}, refused=False)
    assert message.startswith(f"{name[:UPLOAD_NAME_LENGTH]}: blocks[0].priority: "), message
    assert row_counts() == stored


@pytest.mark.parametrize("door", DOOR_NAMES[:3])
def test_a_utf8_byte_order_mark_is_accepted(door, doors, stored):
    """Editors on Windows write one; it is dropped, not an error."""
    files = corpus("utf8_bom.json")()
    name, content = files["schedule"]
    if door == "command":
        path = doors.tmp_path / name
        path.write_bytes(content)
        call_command("ingest", str(path), stdout=StringIO())
    elif door == "form":
        client = Client()
        client.force_login(doors.uploader)
        response = client.post(
            reverse("schedules:upload"), {"schedule_file": SimpleUploadedFile(name, content)}
        )
        assert response.status_code == 302
    else:
        client = APIClient()
        client.force_authenticate(doors.uploader)
        response = client.post(
            "/api/v1/schedules/", {"schedule": SimpleUploadedFile(name, content)}, "multipart"
        )
        assert (response.status_code, response.json()["state"]) == (202, "succeeded")
    assert Schedule.objects.filter(name="Corpus night (BOM)", block_count=1).exists()
    assert row_counts()["Schedule"] == stored["Schedule"] + 1


# --- Random input through the command door ----------------------------------------------------

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def ingest_or_refuse(path: Path, role: str) -> None:
    """Ingest the file in ``role`` beside the good schedule: it is stored, or it fails with a
    clean located CommandError and nothing written. Any other exception fails the test."""
    before = row_counts()
    good = str(CORPUS / GOOD)
    arguments = {
        "schedule": [str(path)],
        "visibility": [good, f"--visibility={path}"],
        "dark_periods": [good, f"--dark-periods={path}"],
    }[role]
    try:
        call_command("ingest", *arguments, stdout=StringIO())
    except CommandError as error:
        assert error.returncode == 2
        assert str(error).startswith(f"{path.name}: "), str(error)
        assert row_counts() == before


@FUZZ
@given(content=st.binary(max_size=400), role=st.sampled_from(ROLES))
def test_random_bytes_are_ingested_or_refused_cleanly(content, role, tmp_path, db):
    path = tmp_path / "random.json"
    path.write_bytes(content)
    ingest_or_refuse(path, role)


VALID_DOCUMENTS = {
    "schedule": lambda: json.loads((CORPUS / GOOD).read_bytes()),
    "visibility": lambda: {"blocks": {"b1": [{"start_mjd": 60000.1, "end_mjd": 60000.3}]}},
    "dark_periods": lambda: {"dark_periods": [{"start_mjd": 60000.0, "end_mjd": 60000.5}]},
}


@FUZZ
@given(data=st.data())
def test_mutated_documents_are_ingested_or_refused_cleanly(data, tmp_path, db):
    role = data.draw(st.sampled_from(ROLES))
    document = VALID_DOCUMENTS[role]()
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        document = mutate(document, data)
    path = tmp_path / "mutated.json"
    path.write_text(json.dumps(document))
    ingest_or_refuse(path, role)
