"""Who may do what (DESIGN §10), as one table: every page and API endpoint, each role's exact
answer, with ``TSI_PUBLIC_READ`` off and on. Then CSRF on the forms and on session-
authenticated API writes.

Roles: anonymous; a plain user (logged in, no permissions); an uploader (``add_schedule``);
staff (``is_staff`` plus ``add_schedule``, as the people who run the site are set up).
Pages authenticate by session, the API by token (as API clients do). ``LOGIN`` is a 302 to the
login page. Turning ``TSI_PUBLIC_READ`` on only changes what anonymous visitors may read, so
the table's last column is the anonymous answer with it on.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from schedules.formats import export_native
from schedules.models import IngestJob, Schedule, SchedulingBlock
from tests.analytics.factories import make_schedule_data

LOGIN = "302 to login"
ADMIN_LOGIN = "302 to the admin login"
ROLES = ("anonymous", "plain", "uploader", "staff")


@dataclass(frozen=True)
class World:
    """What the URLs point at: two schedules, a block, the uploader's job, another user's job."""

    schedule: int
    other: int
    block: int
    job: int
    others_job: int
    batch: uuid.UUID
    environment: int
    missing: int = 999_999


@dataclass(frozen=True)
class Row:
    """One line of the spec: a request and the expected status for anonymous, plain, uploader,
    staff, and anonymous again with ``TSI_PUBLIC_READ`` on."""

    method: str
    path: str  # a str.format template over World's fields
    expected: tuple[int | str, int | str, int | str, int | str, int | str]
    body: Callable[[], dict] | None = None

    def url(self, world: World) -> str:
        return self.path.format(**vars(world))

    def body_for(self, world: World) -> dict:
        """The body, its text values formatted over World's fields like the path."""
        return {
            key: value.format(**vars(world)) if isinstance(value, str) else value
            for key, value in self.body().items()
        }


def batch_body(field: str) -> Callable[[], dict]:
    """A bulk upload of two small valid schedules under the form's or the API's field name."""

    def body() -> dict:
        files = [
            SimpleUploadedFile(
                f"bulk-{priority}.json",
                export_native(make_schedule_data([dict(priority=priority)]), "bulk"),
                "application/json",
            )
            for priority in (6.0, 7.0)
        ]
        return {field: files}

    return body


def upload_body(field: str) -> Callable[[], dict]:
    """A fresh upload of one small valid schedule under the form's or the API's field name."""

    def body() -> dict:
        content = export_native(make_schedule_data([dict(priority=3.0)]), "uploaded")
        return {field: SimpleUploadedFile("upload.json", content, "application/json")}

    return body


READ_PAGE = (LOGIN, 200, 200, 200, 200)
UPLOAD_PAGE = (LOGIN, 403, 200, 200, LOGIN)
READ_API = (401, 200, 200, 200, 200)
# Path prefixes of the first schedule's pages (S) and API endpoints (A).
S = "/schedules/{schedule}"
A = "/api/v1/schedules/{schedule}"

PAGES = {
    "home": Row("GET", "/", READ_PAGE),
    "upload form": Row("GET", "/upload/", UPLOAD_PAGE),
    "upload": Row("POST", "/upload/", (LOGIN, 403, 302, 302, LOGIN), upload_body("schedule_file")),
    "job page": Row("GET", "/jobs/{job}/", UPLOAD_PAGE),
    "job status": Row("GET", "/jobs/{job}/status/", UPLOAD_PAGE),
    "bulk upload": Row(
        "POST", "/upload/", (LOGIN, 403, 302, 302, LOGIN), batch_body("schedule_file")
    ),
    "batch page": Row("GET", "/batches/{batch}/", UPLOAD_PAGE),
    "manage": Row("GET", "/schedules/manage/", UPLOAD_PAGE),
    "rename": Row(
        "POST",
        "/schedules/manage/{schedule}/rename/",
        (LOGIN, 403, 403, 302, LOGIN),
        lambda: {"name": "Renamed"},
    ),
    "change site": Row(
        "POST",
        "/schedules/manage/{schedule}/site/",
        (LOGIN, 403, 403, 302, LOGIN),
        lambda: {"site": "orm"},
    ),
    "delete confirmation": Row(
        "GET", "/schedules/manage/delete/?ids={other}", (LOGIN, 403, 403, 200, LOGIN)
    ),
    "delete": Row(
        "POST",
        "/schedules/manage/delete/",
        (LOGIN, 403, 403, 302, LOGIN),
        lambda: {"ids": "{other}"},
    ),
    "missing job": Row("GET", "/jobs/{missing}/", (LOGIN, 403, 404, 404, LOGIN)),
    "overview": Row("GET", f"{S}/", READ_PAGE),
    "sky map": Row("GET", f"{S}/sky-map/", READ_PAGE),
    "sky map CSV": Row("GET", f"{S}/sky-map/?csv=sky-map", READ_PAGE),
    "distributions": Row("GET", f"{S}/distributions/", READ_PAGE),
    "distributions CSV": Row("GET", f"{S}/distributions/?csv=statistics", READ_PAGE),
    "visibility": Row("GET", f"{S}/visibility/", READ_PAGE),
    "visibility CSV": Row("GET", f"{S}/visibility/?csv=visibility", READ_PAGE),
    "timeline": Row("GET", f"{S}/timeline/", READ_PAGE),
    "timeline CSV": Row("GET", f"{S}/timeline/?csv=observations", READ_PAGE),
    "hourglass": Row("GET", f"{S}/hourglass/?site=orm", READ_PAGE),
    "hourglass CSV": Row("GET", f"{S}/hourglass/?site=orm&csv=hourglass", READ_PAGE),
    "alt-az": Row("GET", f"{S}/alt-az/?site=orm", READ_PAGE),
    "alt-az CSV": Row("GET", f"{S}/alt-az/?site=orm&csv=alt-az", READ_PAGE),
    "block": Row("GET", f"{S}/blocks/{{block}}/?site=orm", READ_PAGE),
    "block CSV": Row("GET", f"{S}/blocks/{{block}}/?site=orm&csv=altitude", READ_PAGE),
    "block by source id": Row("GET", f"{S}/blocks/?source_id=sb-0", (LOGIN, 302, 302, 302, 302)),
    "missing block": Row("GET", f"{S}/blocks/{{missing}}/", (LOGIN, 404, 404, 404, 404)),
    "insights": Row("GET", f"{S}/insights/", READ_PAGE),
    "insights CSV": Row("GET", f"{S}/insights/?csv=conflicts", READ_PAGE),
    "insights report (Markdown)": Row("GET", f"{S}/insights/report.md", READ_PAGE),
    "insights report (HTML)": Row("GET", f"{S}/insights/report.html", READ_PAGE),
    "trends": Row("GET", f"{S}/trends/", READ_PAGE),
    "trends CSV": Row("GET", f"{S}/trends/?csv=model", READ_PAGE),
    "compare": Row("GET", f"{S}/compare/?other={{other}}", READ_PAGE),
    "compare CSV": Row("GET", f"{S}/compare/?other={{other}}&csv=metrics", READ_PAGE),
    "compare metrics CSV": Row("GET", f"{S}/compare/?other={{other}}&csv=multi-metrics", READ_PAGE),
    "compare status matrix CSV": Row(
        "GET", f"{S}/compare/?other={{other}}&hide_agreeing=on&csv=status-matrix", READ_PAGE
    ),
    "fragmentation": Row("GET", f"{S}/fragmentation/", READ_PAGE),
    "fragmentation CSV": Row("GET", f"{S}/fragmentation/?csv=strip", READ_PAGE),
    "diagnostics": Row("GET", f"{S}/diagnostics/", READ_PAGE),
    "diagnostics CSV": Row("GET", f"{S}/diagnostics/?csv=unscheduled", READ_PAGE),
    "lineage": Row("GET", f"{S}/lineage/", READ_PAGE),
    "lineage CSV": Row("GET", f"{S}/lineage/?csv=steps", READ_PAGE),
    "block history CSV": Row("GET", f"{S}/blocks/{{block}}/?csv=history", READ_PAGE),
    "validation": Row("GET", f"{S}/validation/", READ_PAGE),
    "validation CSV": Row("GET", f"{S}/validation/?csv=issues", READ_PAGE),
    "native export": Row("GET", f"{S}/export/", READ_PAGE),
    "missing schedule": Row("GET", "/schedules/{missing}/", (LOGIN, 404, 404, 404, 404)),
    "environments": Row("GET", "/environments/", READ_PAGE),
    "environment": Row("GET", "/environments/{environment}/", READ_PAGE),
    "environment CSV": Row("GET", "/environments/{environment}/?csv=ranking", READ_PAGE),
    "environment rename": Row(
        "POST", "/environments/{environment}/", (LOGIN, 403, 403, 403, 403), lambda: {"name": "x"}
    ),
    "admin": Row("GET", "/admin/", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, ADMIN_LOGIN)),
}

API = {
    "list": Row("GET", "/api/v1/schedules/", READ_API),
    "create": Row("POST", "/api/v1/schedules/", (401, 403, 202, 202, 401), upload_body("schedule")),
    "detail": Row("GET", f"{A}/", READ_API),
    "missing detail": Row("GET", "/api/v1/schedules/{missing}/", (401, 404, 404, 404, 404)),
    "delete": Row("DELETE", f"{A}/", (401, 403, 403, 204, 401)),
    "change": Row("PATCH", f"{A}/", (401, 403, 403, 200, 401), lambda: {"name": "Renamed"}),
    "bulk upload": Row(
        "POST", "/api/v1/batches/", (401, 403, 202, 202, 401), batch_body("schedules")
    ),
    "batch": Row("GET", "/api/v1/batches/{batch}/", (401, 404, 200, 200, 401)),
    "export": Row("GET", f"{A}/export/", READ_API),
    "blocks": Row("GET", f"{A}/blocks/", READ_API),
    "block": Row("GET", f"{A}/blocks/{{block}}/", READ_API),
    "blocks CSV": Row("GET", f"{A}/blocks/export.csv", READ_API),
    "blocks JSON Lines": Row("GET", f"{A}/blocks/export.jsonl", READ_API),
    "overview": Row("GET", f"{A}/overview/", READ_API),
    "sky map": Row("GET", f"{A}/sky-map/", READ_API),
    "distributions": Row("GET", f"{A}/distributions/", READ_API),
    "visibility histogram": Row("GET", f"{A}/visibility-histogram/", READ_API),
    "timeline": Row("GET", f"{A}/timeline/", READ_API),
    "hourglass": Row("GET", f"{A}/hourglass/?site=orm", READ_API),
    "alt-az": Row("GET", f"{A}/alt-az/?site=orm", READ_API),
    "block, altitude": Row("GET", f"{A}/blocks/{{block}}/?altitude=true&site=orm", READ_API),
    "insights": Row("GET", f"{A}/insights/", READ_API),
    "trends": Row("GET", f"{A}/trends/", READ_API),
    "compare": Row("GET", f"{A}/compare/{{other}}/", READ_API),
    "compare with several": Row("GET", f"{A}/compare/?other={{other}}&page=2", READ_API),
    "validation report": Row("GET", f"{A}/validation-report/", READ_API),
    "fragmentation": Row("GET", f"{A}/fragmentation/", READ_API),
    "diagnostics": Row("GET", f"{A}/diagnostics/", READ_API),
    "gate": Row("GET", f"{A}/gate/?fail_if=kpis.composite%3E%3D0", READ_API),
    "lineage": Row("GET", f"{A}/lineage/", READ_API),
    "block history": Row("GET", f"{A}/blocks/{{block}}/history/", READ_API),
    "environments": Row("GET", "/api/v1/environments/", READ_API),
    "environment": Row("GET", "/api/v1/environments/{environment}/", READ_API),
    "jobs": Row("GET", "/api/v1/jobs/", (401, 200, 200, 200, 401)),
    "own job": Row("GET", "/api/v1/jobs/{job}/", (401, 404, 200, 200, 401)),
    "another user's job": Row("GET", "/api/v1/jobs/{others_job}/", (401, 404, 404, 200, 401)),
    "health": Row("GET", "/api/v1/health/", (200, 200, 200, 200, 200)),
    "schema": Row("GET", "/api/schema/", (401, 200, 200, 200, 200)),
    "docs": Row("GET", "/api/docs/", (401, 200, 200, 200, 200)),
    "unknown endpoint": Row("GET", "/api/v1/nothing-here/", (404, 404, 404, 404, 404)),
}


def make_user(
    username: str,
    *,
    upload: bool = False,
    staff: bool = False,
    delete: bool = False,
    change: bool = False,
) -> User:
    user = User.objects.create_user(username, is_staff=staff)
    if upload:
        user.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    if delete:
        user.user_permissions.add(Permission.objects.get(codename="delete_schedule"))
    if change:
        user.user_permissions.add(Permission.objects.get(codename="change_schedule"))
    return user


@pytest.fixture
def users(db) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "plain": make_user("plain"),
        "uploader": make_user("uploader", upload=True),
        "staff": make_user("staff", upload=True, staff=True, delete=True, change=True),
    }


@pytest.fixture
def world(users, store_schedule) -> World:
    schedule = store_schedule(blocks=[dict(priority=9.0), dict(priority=2.0)], name="Night A")
    other = store_schedule(blocks=[dict(priority=4.0)], name="Night B")

    def job(user: User) -> int:
        return IngestJob.objects.create(
            schedule_file="uploads/night-a.json",
            created_by=user,
            state=IngestJob.State.SUCCEEDED,
            schedule=schedule,
        ).pk

    def batch(user: User) -> uuid.UUID:
        """A bulk upload of the user's: one job in it."""
        batch_id = uuid.uuid4()
        IngestJob.objects.filter(pk=job(user)).update(batch=batch_id)
        return batch_id

    return World(
        schedule=schedule.pk,
        other=other.pk,
        block=SchedulingBlock.objects.filter(schedule=schedule).earliest("id").pk,
        job=job(users["uploader"]),
        others_job=job(make_user("someone else", upload=True)),
        batch=batch(users["uploader"]),
        environment=schedule.environment_id,
    )


def page_client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_client(user: User | None) -> Client:
    if user is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def outcome(response: HttpResponse) -> int | str:
    """The status, with a redirect to the site's login page (and back) written as ``LOGIN`` and
    one to the admin's (staff-only) login as ``ADMIN_LOGIN``."""
    if response.status_code != 302:
        return response.status_code
    for page, name in (
        (resolve_url(settings.LOGIN_URL), LOGIN),
        (reverse("admin:login"), ADMIN_LOGIN),
    ):
        if response["Location"].startswith(f"{page}?next="):
            return name
    return response.status_code


def answers(row: Row, world: World, users: dict, client_for: Callable) -> dict[str, int | str]:
    """Each role's answer to the row's request (writes succeed for the last roles only, so
    one role's success never changes another's answer)."""
    results = {}
    for role in ROLES:
        client = client_for(users[role])
        if row.body is None:
            response = client.generic(row.method, row.url(world))
        elif row.method == "PATCH":
            response = client.patch(row.url(world), row.body(), content_type="application/json")
        else:
            response = client.post(row.url(world), row.body_for(world))
        results[role] = outcome(response)
        if row.path.startswith("/api/") and response.status_code >= 400:
            assert response["Content-Type"] == "application/json", (role, response.content)
    return results


MATRIX = [
    pytest.param(door, row, public, id=f"{door}: {name}, {'public' if public else 'private'}")
    for door, table in (("page", PAGES), ("api", API))
    for name, row in table.items()
    for public in (False, True)
]


@pytest.mark.parametrize(("door", "row", "public"), MATRIX)
def test_permission_matrix(door, row, public, world, users, settings):
    settings.TSI_PUBLIC_READ = public
    expected = dict(zip(ROLES, row.expected[:4], strict=True))
    if public:
        expected["anonymous"] = row.expected[4]
    client_for = page_client if door == "page" else api_client
    assert answers(row, world, users, client_for) == expected


def test_anonymous_api_answers_401_with_the_token_scheme(world):
    response = Client().get(f"/api/v1/schedules/{world.schedule}/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_login_redirects_carry_the_page_to_return_to(world):
    path = f"/schedules/{world.schedule}/sky-map/?csv=sky-map"
    response = Client().get(path)
    assert response["Location"] == f"/login/?next={quote(path, safe='/')}"


def test_a_login_without_a_next_page_lands_on_the_home_page(db):
    User.objects.create_user("staff", password="pw-for-tests-only", is_staff=True)
    response = Client().post(
        reverse("admin:login"), {"username": "staff", "password": "pw-for-tests-only"}
    )
    assert (response.status_code, response["Location"]) == (302, reverse("schedules:home"))


# --- CSRF -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsrfCase:
    """A write by a logged-in browser (session) or an API client (token), with or without the
    CSRF token, and the status it must get."""

    method: str
    path: str
    role: str
    auth: str  # "session" or "token"
    with_csrf_token: bool
    expected: int
    body: Callable[[], dict] | None = None


CSRF_CASES = {
    "upload form, no CSRF token": CsrfCase(
        "POST", "/upload/", "uploader", "session", False, 403, upload_body("schedule_file")
    ),
    "upload form, CSRF token": CsrfCase(
        "POST", "/upload/", "uploader", "session", True, 302, upload_body("schedule_file")
    ),
    "login form, no CSRF token": CsrfCase(
        "POST", "/admin/login/", "anonymous", "session", False, 403, lambda: {"username": "x"}
    ),
    "API upload by session, no CSRF token": CsrfCase(
        "POST", "/api/v1/schedules/", "uploader", "session", False, 403, upload_body("schedule")
    ),
    "API upload by session, CSRF token": CsrfCase(
        "POST", "/api/v1/schedules/", "uploader", "session", True, 202, upload_body("schedule")
    ),
    "API upload by token, no CSRF token": CsrfCase(
        "POST", "/api/v1/schedules/", "uploader", "token", False, 202, upload_body("schedule")
    ),
    "API delete by session, no CSRF token": CsrfCase(
        "DELETE", "/api/v1/schedules/{schedule}/", "staff", "session", False, 403
    ),
    "API delete by session, CSRF token": CsrfCase(
        "DELETE", "/api/v1/schedules/{schedule}/", "staff", "session", True, 204
    ),
    "API delete by token, no CSRF token": CsrfCase(
        "DELETE", "/api/v1/schedules/{schedule}/", "staff", "token", False, 204
    ),
}


def csrf_cookie(client: Client, user: User | None) -> str:
    """Load a form page (both session roles here may upload) and return the cookie's token."""
    client.get(reverse("admin:login") if user is None else reverse("schedules:upload"))
    return client.cookies["csrftoken"].value


def stored() -> tuple[int, int]:
    return IngestJob.objects.count(), Schedule.objects.count()


@pytest.mark.parametrize("case", CSRF_CASES.values(), ids=CSRF_CASES.keys())
def test_csrf(case, world, users):
    user = users[case.role]
    headers = {}
    if case.auth == "token":
        headers["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=user).key}"
    client = Client(enforce_csrf_checks=True, **headers)
    if case.auth == "session" and user is not None:
        client.force_login(user)
    # A browser holds the CSRF cookie from an earlier form page; an API client has none.
    token = csrf_cookie(client, user) if case.auth == "session" else ""
    before = stored()
    path = case.path.format(**vars(world))
    if case.body is None:
        csrf = {"HTTP_X_CSRFTOKEN": token} if case.with_csrf_token else {}
        response = client.generic(case.method, path, **csrf)
    else:
        data = case.body() | ({"csrfmiddlewaretoken": token} if case.with_csrf_token else {})
        response = client.post(path, data)
    assert response.status_code == case.expected, response.content[:300]
    assert (stored() != before) == (case.expected != 403), "only an accepted write changes data"


@pytest.mark.parametrize(
    ("staff", "may_delete", "api", "admin"),
    [(True, False, 403, 403), (True, True, 204, 302), (False, True, 204, 302)],
)
def test_deleting_follows_the_model_permission_everywhere(world, staff, may_delete, api, admin):
    """Staff status alone does not delete; ``schedules.delete_schedule`` does, in the API as in
    the admin (where only staff can sign in at all)."""
    user = make_user("deleter", staff=staff, delete=may_delete)
    response = api_client(user).delete(f"/api/v1/schedules/{world.other}/")
    assert response.status_code == api
    client = Client()
    client.force_login(user)
    url = reverse("admin:schedules_schedule_delete", args=[world.schedule])
    response = client.post(url, {"post": "yes"})
    if staff:
        assert response.status_code == admin
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Schedule.objects.filter(pk=world.schedule).exists() is (not (staff and may_delete))
