"""Figure JSON is safe to embed in the page's script element."""

from __future__ import annotations

import json

import plotly.graph_objects as go

from tsi_site.web.charts import figure_json


def test_figure_json_cannot_close_its_script_element():
    figure = go.Figure(go.Scatter(x=[1], y=[2], text=["</script><script>alert(1)</script>&"]))
    text = str(figure_json(figure))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["data"][0]["text"] == ["</script><script>alert(1)</script>&"]
