"""Stored schedule contents, page names and helpers shared by the report page tests.

``decode`` turns plotly's JSON (typed arrays are base64 ``bdata``) back into plain lists, so
figure data can be compared with selector output and with the CSV tables.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re

import numpy as np
import plotly.graph_objects as go
from django.urls import reverse

from tsi_site.web.charts import figure_json

T0 = 60000.0  # 2023-02-25 00:00 UTC
MARCH_FIRST = 60004.0  # 2023-03-01 00:00 UTC
HTML_NAME = "<b>bold</b> & co"
HTML_ID = "<i>A</i>"
BLOCKS = [
    dict(source_id=HTML_ID, block_name=HTML_NAME, priority=2.0, requested_duration_s=5400.0,
         visibility=[(T0, T0 + 0.5)], scheduled=(T0 + 0.125, T0 + 0.1875)),
    dict(source_id="B", priority=4.0, visibility=[(T0, T0 + 0.25)]),
    dict(source_id="C", priority=6.0, visibility=[]),
    dict(source_id="D", priority=10.0, requested_duration_s=5400.0,
         visibility=[(T0 + 0.25, T0 + 0.75)], scheduled=(T0 + 0.375, T0 + 0.4375)),
    dict(source_id="E", priority=7.0, visibility=[(MARCH_FIRST - 0.5, MARCH_FIRST + 0.5)],
         scheduled=(MARCH_FIRST - 0.0625, MARCH_FIRST + 0.0625)),
]  # fmt: skip
DARK = [(T0 - 0.125, T0 + 0.875), (MARCH_FIRST - 0.25, MARCH_FIRST + 0.25)]

# 24 extra blocks so the logistic model has enough rows; higher priority ⇒ scheduled more often.
MODEL_BLOCKS = [
    dict(
        source_id=f"m{i:02d}",
        priority=1.0 + (i * 7 % 24) * 0.375,
        requested_duration_s=1800.0 + 600.0 * (i % 5),
        visibility=[(60010.0 + i, 60010.2 + i + 0.05 * (i % 3))],
        scheduled=(60010.05 + i, 60010.1 + i) if (i * 7 % 24) > 9 or i % 6 == 0 else None,
    )
    for i in range(24)
]

PAGES = [
    "analytics:overview",
    "analytics:sky-map",
    "analytics:distributions",
    "analytics:visibility",
    "analytics:timeline",
    "analytics:hourglass",
    "analytics:alt-az",
    "analytics:insights",
    "analytics:trends",
    "analytics:compare",
    "validation:report",
]
FIGURE = re.compile(
    r'<script type="application/json" class="plotly-figure" data-target="plot-([\w-]+)">'
    r"(.*?)</script>",
    re.S,
)
CARD = re.compile(
    r'id="card-([\w-]+)">\s*<span class="card-label">.*?</span>\s*'
    r'<span class="card-value">(.*?)</span>\s*(?:<span class="card-note">|</div>)',
    re.S,
)


def decode(value):
    """Plotly figure JSON with every typed array (``{"dtype", "bdata"[, "shape"]}``) as lists."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            if "shape" in value:
                array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
            return array.tolist()
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


def figure_dict(figure: go.Figure) -> dict:
    """The figure exactly as the page embeds it, parsed back the way the browser does."""
    return decode(json.loads(str(figure_json(figure))))


def page_url(name: str, schedule) -> str:
    return reverse(name, args=[schedule.pk])


def figures(response) -> dict[str, dict]:
    return {
        name: decode(json.loads(text)) for name, text in FIGURE.findall(response.content.decode())
    }


def cards(response) -> dict[str, str]:
    def text(fragment: str) -> str:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())

    return {key: text(value) for key, value in CARD.findall(response.content.decode())}


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def floats(values) -> list[float | None]:
    return [None if value == "" else float(value) for value in values]


def sky_markers(figure: dict) -> list[dict]:
    """The sky map's marker traces (not its grid, lines and labels)."""
    return [trace for trace in figure["data"] if trace.get("mode") == "markers" and "text" in trace]


def marker_count(label: str) -> int:
    """How many blocks a sky map marker stands for: its label says "<b>N blocks</b>" if many."""
    found = re.match(r"<b>(\d+) blocks</b>", label)
    return int(found.group(1)) if found else 1


def chart_arrays(figure: dict, chart: str) -> dict[str, list]:
    """The arrays each chart draws, keyed like the CSV columns they must equal."""
    data = figure["data"]
    if chart == "sky-map":  # one marker per target and legend class, with its block count
        return {
            "Priority bucket|x|y|count": sorted(
                (trace["name"].split(" priority")[0], x, y, marker_count(label))
                for trace in sky_markers(figure)
                for x, y, label in zip(trace["x"], trace["y"], trace["text"], strict=True)
            )
        }
    if chart.endswith("-histogram"):
        return {"Scheduled": data[0]["y"], "Unscheduled": data[1]["y"]}
    if chart == "priority-by-status":
        return {"Priority": [value for trace in data for value in trace["y"]]}
    if chart == "visibility":
        return {trace["name"]: trace["y"] for trace in data}
    if chart == "timeline":  # compared as a set: rectangles are drawn grouped by colour
        months = figure["layout"]["yaxis"]["ticktext"]
        return {
            "Month|From day": sorted(
                (months[round(trace["y"][i])], trace["x"][i])  # a row's bars sit about its tick
                for trace in data
                if trace.get("fill") == "toself"  # not the hover points, swatch or colour bar
                for i in range(0, len(trace["x"]), 5)  # four corners and a gap each
            )
        }
    if chart == "correlations":
        return {
            title: [row[k] for row in data[0]["z"]]
            for k, title in enumerate(["Priority", "Total visibility (h)"])
        }
    if chart.startswith("rate-by-"):
        return {"Scheduling rate": data[0]["y"]}
    if chart.startswith("smoothed-"):
        return {"Smoothed scheduling rate": data[0]["y"]}
    if chart == "rate-heatmap":
        return {"Scheduling rate": [value for row in data[0]["z"] for value in row]}
    if chart == "scheduled-priority":
        return {"Priority": data[0]["x"] + data[1]["x"]}
    if chart == "scheduled-requested":
        return {"Requested (h)": data[0]["y"] + data[1]["y"]}
    if chart == "time-use":
        return {f"{trace['name']} (h)": trace["y"] for trace in data}
    if chart == "priority-boxes":
        return {
            title: data[0][key]
            for title, key in (("Q1", "q1"), ("Median", "median"), ("Q3", "q3"), ("Mean", "mean"))
        }
    raise AssertionError(f"no expectation for {chart}")
