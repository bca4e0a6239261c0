"""The distributions page: stacked histograms and violins of the selector's counts."""

from __future__ import annotations

from analytics.pages.distributions import histogram_figure, histogram_table, priority_violin_figure
from analytics.selectors import BlockFilters, distributions
from analytics.templatetags.tsi_format import num
from tests.analytics.pages.sample import cards, figure_dict, figures, page_url


def test_histograms_stack_the_selector_counts(schedule):
    data = distributions(schedule, BlockFilters())
    histogram = data.histograms["priority"]
    figure = figure_dict(histogram_figure(histogram, "priority", data))
    scheduled, unscheduled = figure["data"]
    assert scheduled["y"] == histogram.scheduled.tolist()
    assert unscheduled["y"] == histogram.unscheduled.tolist()
    assert figure["layout"]["barmode"] == "stack"
    table = histogram_table(histogram, "priority")
    assert table.column("Scheduled") == scheduled["y"]
    assert table.column("Priority from") == histogram.edges[:-1].tolist()


def test_single_values_and_empty_groups(store_schedule):
    flat = store_schedule([dict(source_id=str(i), priority=5.0) for i in range(4)], name="flat")
    data = distributions(flat, BlockFilters())
    histogram = figure_dict(histogram_figure(data.histograms["priority"], "priority", data))
    assert [trace["name"] for trace in histogram["data"]] == ["Unscheduled"]
    assert histogram["layout"]["showlegend"] is True
    assert "same value, 5" in histogram["layout"]["annotations"][0]["text"]
    violin = figure_dict(priority_violin_figure(data))
    assert [trace["name"] for trace in violin["data"]] == ["Unscheduled"]
    assert violin["data"][0]["points"] == "all"
    assert violin["layout"]["annotations"][0]["text"] == "All unscheduled blocks have priority 5."


def test_distribution_page_matches_the_selector(reader, normal):
    response = reader.get(page_url("analytics:distributions", normal))
    data = distributions(normal, BlockFilters())
    drawn = figures(response)
    for variable, histogram in data.histograms.items():
        scheduled, unscheduled = drawn[f"{variable.replace('_', '-')}-histogram"]["data"]
        assert scheduled["y"] == histogram.scheduled.tolist()
        assert unscheduled["y"] == histogram.unscheduled.tolist()
    assert cards(response)["unscheduled-blocks"] == num(data.unscheduled_blocks)
    content = response.content.decode()
    assert f"<td>{num(data.priority_stats.mean)}</td>" in content
