"""The environments pages and endpoints: the ranking's numbers on the page, in its CSVs and in
the API are the selector's (three hand-computed runs), and only users who may change
environments rename them or keep a baseline."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from analytics.selectors.environments import FIGURE_TITLES
from schedules.models import Environment
from tests.analytics.environment_runs import EXPECTED, NIGHT, run_blocks, store_runs
from tests.analytics.pages.sample import cards, csv_rows, figures, floats


@pytest.fixture
def runs(store_schedule) -> dict:
    return store_runs(store_schedule)


@pytest.fixture
def environment(runs) -> Environment:
    return runs["none"].environment


@pytest.fixture
def changer(client, django_user_model):
    user = django_user_model.objects.create_user("changer", password="x")
    user.user_permissions.add(Permission.objects.get(codename="change_environment"))
    client.force_login(user)
    return client


def detail(environment, **query) -> str:
    url = reverse("environments:detail", args=[environment.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_list_shows_each_environment_with_its_best_composite(reader, runs, store_schedule):
    store_schedule(run_blocks(0, min_alt_deg=40.0), NIGHT, name="lonely")
    page = reader.get(reverse("environments:list")).content.decode()
    assert page.count('<td class="wrap"><a href="/environments/') == 2
    assert ">run none</a></td>\n        <td>3</td>\n        <td>0.400</td>" in page
    found = reader.get(reverse("environments:list") + "?q=lone").content.decode()
    assert "lonely" in found and "run none" not in found
    none = reader.get(reverse("environments:list") + "?q=nothing-like-it").content.decode()
    assert "No environment matches “nothing-like-it”." in none


def test_the_ranking_table_and_its_csv(reader, environment, runs):
    response = reader.get(detail(environment))
    assert response.status_code == 200
    assert cards(response) == {"schedule-count": "3", "baseline": "run none v1", "best": "0.400"}
    page = response.content.decode()
    assert '<span class="card-note">first uploaded</span>' in page
    assert '<span class="card-note">run two v1</span>' in page
    assert (
        page.index(">run two v1</a>")
        < page.index(">run one v1</a>")
        < page.index(">run none v1</a>")
    )
    assert "+0.300" in page and "±0" in page  # deltas of run one and of the baseline
    rows = csv_rows(reader.get(detail(environment, csv="ranking")))
    assert [row["Schedule"] for row in rows] == ["run two v1", "run one v1", "run none v1"]
    assert [row["Rank"] for row in rows] == ["1", "2", "3"]
    assert [row["Baseline"] for row in rows] == ["", "", "baseline"]
    for row, run in zip(rows, ("two", "one", "none"), strict=True):
        for name, title in FIGURE_TITLES.items():
            assert float(row[title]) == pytest.approx(EXPECTED[run][name])
            assert float(row[f"{title} Δ"]) == pytest.approx(EXPECTED[run][name])


def test_the_evolution_chart_follows_upload_order(reader, environment):
    chart = figures(reader.get(detail(environment)))["evolution"]
    by_name = {trace["name"]: trace for trace in chart["data"]}
    assert set(by_name) == set(FIGURE_TITLES.values())
    composite = by_name["Composite"]
    assert composite["x"] == ["1. run none v1", "2. run one v1", "3. run two v1"]
    assert composite["y"] == pytest.approx([0.0, 0.3, 0.4])
    rows = csv_rows(reader.get(detail(environment, csv="evolution")))
    assert floats(row["Composite"] for row in rows) == pytest.approx([0.0, 0.3, 0.4])


def test_another_baseline_for_one_view(reader, environment, runs):
    rows = csv_rows(reader.get(detail(environment, csv="ranking", baseline=runs["two"].pk)))
    assert [row["Baseline"] for row in rows] == ["baseline", "", ""]
    assert floats(row["Composite Δ"] for row in rows) == pytest.approx([0.0, -0.1, -0.4])


def test_a_baseline_from_elsewhere_is_a_clear_error(reader, environment, store_schedule):
    other = store_schedule(run_blocks(0, min_alt_deg=40.0), NIGHT, name="other")
    response = reader.get(detail(environment, baseline=other.pk))
    assert response.status_code == 400
    assert f"Schedule {other.pk} is not in the environment “run none”." in (
        response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    )
    text = reader.get(detail(environment, baseline="x", csv="ranking"))
    assert text.status_code == 400
    assert text.content.decode().startswith("Invalid filters\nbaseline: Enter a whole number.")


def test_the_compare_link_takes_the_baseline_and_the_best_others(reader, environment, runs):
    page = reader.get(detail(environment)).content.decode()
    compare = reverse("analytics:compare", args=[runs["none"].pk])
    assert f'href="{compare}?other={runs["two"].pk}&amp;other={runs["one"].pk}"' in page


def test_readers_see_no_controls_and_may_not_change(reader, environment):
    assert 'id="rename-form"' not in reader.get(detail(environment)).content.decode()
    assert reader.post(detail(environment), {"name": "mine"}).status_code == 403
    assert Environment.objects.get(pk=environment.pk).name == "run none"


def test_renaming_and_keeping_a_baseline(changer, environment, runs):
    assert 'id="rename-form"' in changer.get(detail(environment)).content.decode()
    response = changer.post(detail(environment), {"name": "  Semester A runs "}, follow=True)
    assert "Renamed the environment to “Semester A runs”." in response.content.decode()
    changer.post(detail(environment), {"baseline": runs["one"].pk})
    environment.refresh_from_db()
    assert (environment.name, environment.baseline) == ("Semester A runs", runs["one"])
    refused = changer.post(detail(environment), {"baseline": 999_999}, follow=True)
    assert "baseline: Select a valid choice." in refused.content.decode()
    assert Environment.objects.get(pk=environment.pk).baseline == runs["one"]


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_api_ranking_is_the_pages(django_user_model, environment, runs):
    reader = django_user_model.objects.create_user("api-reader")
    listed = api(reader).get("/api/v1/environments/").json()
    assert [(e["name"], e["schedule_count"]) for e in listed["results"]] == [("run none", 3)]
    answer = api(reader).get(f"/api/v1/environments/{environment.pk}/").json()
    assert answer["baseline"] == runs["none"].pk
    assert answer["missing_kpis"] == 0
    assert [(r["name"], r["rank"], r["upload_order"]) for r in answer["ranked"]] == [
        ("run two", 1, 3),
        ("run one", 2, 2),
        ("run none", 3, 1),
    ]
    assert answer["ranked"][1]["figures"] == pytest.approx(EXPECTED["one"])
    moved = (
        api(reader).get(f"/api/v1/environments/{environment.pk}/?baseline={runs['two'].pk}").json()
    )
    assert moved["ranked"][1]["deltas"]["composite"] == pytest.approx(-0.1)
    bad = api(reader).get(f"/api/v1/environments/{environment.pk}/?baseline=999999")
    assert bad.status_code == 400
    assert "is not in the environment" in bad.json()["details"]["baseline"][0]


def test_the_api_renames_with_the_permission_only(django_user_model, environment, runs):
    reader = django_user_model.objects.create_user("api-reader")
    url = f"/api/v1/environments/{environment.pk}/"
    assert api(reader).patch(url, {"name": "x"}, format="json").status_code == 403
    assert api(reader).put(url, {"name": "x"}, format="json").status_code in (403, 405)
    changer = django_user_model.objects.create_user("api-changer")
    changer.user_permissions.add(Permission.objects.get(codename="change_environment"))
    done = api(changer).patch(url, {"name": "Runs", "baseline": runs["two"].pk}, format="json")
    assert done.status_code == 200
    assert (done.json()["name"], done.json()["baseline"]) == ("Runs", runs["two"].pk)
    stranger = runs["two"].pk + 100
    refused = api(changer).patch(url, {"baseline": stranger}, format="json")
    assert refused.status_code == 400
    assert Environment.objects.get(pk=environment.pk).baseline == runs["two"]


def test_the_overview_names_the_environment_and_the_rank(reader, environment, runs):
    page = reader.get(reverse("analytics:overview", args=[runs["one"].pk])).content.decode()
    assert (
        "One of 3 runs of the same problem in the environment "
        f'<a href="/environments/{environment.pk}/">run none</a>, ranked 2 of 3 by composite KPI.'
    ) in page
