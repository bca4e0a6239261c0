"""The validation report page: cards, rule counts, the filtered and paginated issues, CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from validation.selectors import ValidationFilters, validation_report

T0 = 60000.0
BLOCKS = [
    dict(source_id="ok", priority=5.0),
    dict(source_id="<b>blind</b>", priority=5.0, visibility=[]),  # impossible
    dict(source_id="short", priority=5.0, requested_duration_s=86400.0),  # error
    dict(source_id="narrow", priority=5.0, min_alt_deg=40.0, max_alt_deg=42.0),  # warning
]


@pytest.fixture
def schedule(store_schedule):
    return store_schedule(BLOCKS, name="checked")


@pytest.fixture
def reader(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    return client


def url(schedule) -> str:
    return reverse("validation:report", args=[schedule.pk])


def card(content: str, key: str) -> str:
    match = re.search(rf'id="card-{key}">.*?<span class="card-value">(.*?)</span>', content, re.S)
    assert match, key
    return match.group(1).strip()


def test_cards_and_rules_are_the_report(reader, schedule):
    report = validation_report(schedule, ValidationFilters())
    content = reader.get(url(schedule)).content.decode()
    assert card(content, "total-blocks") == str(report.total_blocks)
    assert card(content, "valid-blocks") == str(report.valid_blocks)
    for status in ("impossible", "error", "warning"):
        assert card(content, f"{status}-blocks") == str(report.blocks_by_status[status])
    for level, count in report.issues_by_criticality.items():
        assert card(content, f"criticality-{level.lower()}") == str(count)
    for rule in report.rule_counts:
        assert f"<td>{rule.rule}</td>" in content
    assert "&lt;b&gt;blind&lt;/b&gt;" in content and "<b>blind</b>" not in content


def test_issue_filters_and_csv(reader, schedule):
    response = reader.get(url(schedule), {"status": "impossible"})
    table = response.content.decode().split('id="table-issues"')[1]
    assert table.count("<tr>") == 1 + 1  # header and the impossible block
    rows = list(csv.DictReader(io.StringIO(reader.get(url(schedule), {"csv": "issues"}).text)))
    report = validation_report(schedule, ValidationFilters())
    assert [row["Block ID"] for row in rows] == [i.source_block_id for i in report.issues]
    assert rows[0]["Criticality"] == "Critical" and rows[0]["Block ID"] == "<b>blind</b>"
    filtered = reader.get(url(schedule), {"csv": "issues", "search": "narrow"})
    assert [row["Block ID"] for row in csv.DictReader(io.StringIO(filtered.text))] == ["narrow"]
    rules = list(csv.DictReader(io.StringIO(reader.get(url(schedule), {"csv": "rules"}).text)))
    assert [row["Rule"] for row in rules] == [r.rule for r in report.rule_counts]


def test_large_issue_tables_are_paginated(reader, store_schedule):
    blind = store_schedule(
        [dict(source_id=f"b{i:03d}", priority=1.0, visibility=[]) for i in range(130)],
        name="blind",
    )
    first = reader.get(url(blind)).content.decode()
    assert "Rows 1–50 of 130" in first and "Page 1 of 3" in first
    last = reader.get(url(blind), {"page": "3"}).content.decode()
    assert "Rows 101–130 of 130" in last
    # The block id links to the block's page.
    assert f'<td><a href="/schedules/{blind.pk}/blocks/?source_id=b129">b129</a></td>' in last


def test_a_clean_schedule_says_so(reader, store_schedule):
    clean = store_schedule([dict(source_id="ok", priority=1.0)], name="clean")
    content = reader.get(url(clean)).content.decode()
    assert 'id="no-issues"' in content


def test_invalid_filter_shows_the_error(reader, schedule):
    response = reader.get(url(schedule), {"criticality": "Severe"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
