"""The visibility page: how many blocks could be observed in each time bin, per bucket."""

from __future__ import annotations

import plotly.graph_objects as go

from analytics.forms import VisibilityForm
from analytics.pages.legend import BUCKET_COLOURS, BUCKET_LABELS, no_blocks, period_text
from analytics.selectors import VisibilityHistogram, visibility_histogram
from analytics.selectors.visibility import TooManyBinsError
from schedules.mjd import mjd_to_iso
from tsi_site.web.charts import Empty, new_figure, plotly_dates
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage
from tsi_site.web.tables import Column, Table


class VisibilityPage(ReportPage, page="visibility", form=VisibilityForm):
    cache_charts = True

    def content(self, request, schedule, form) -> PageContent | None:
        try:
            data = visibility_histogram(schedule, form.filters())
        except TooManyBinsError as error:
            form.add_error("bin_minutes", str(error))
            return None
        return PageContent(
            {"data": data},
            charts=[
                ChartSpec(
                    "visibility", lambda: visibility_figure(data), lambda: visibility_table(data)
                )
            ],
        )


def visibility_figure(data: VisibilityHistogram) -> go.Figure | Empty:
    if data.total_blocks == 0:
        return no_blocks(0)
    if data.range_start_mjd is None or len(data.bin_start_mjd) == 0:
        return Empty(
            "There is no time range to bin: the schedule has no period and no block has a "
            "visibility period."
        )
    if data.filtered_blocks == 0:
        return no_blocks(data.total_blocks)
    if not data.visible_count.any():
        return Empty("None of the selected blocks is visible at any time in this range.")
    widths_ms = (data.bin_end_mjd - data.bin_start_mjd) * 86_400_000.0
    periods = period_text(data.bin_start_mjd, data.bin_end_mjd)
    figure = new_figure(
        height=440,
        barmode="stack",
        bargap=0,
        legend_title_text="Priority bucket",
    )
    starts = plotly_dates(data.bin_start_mjd)
    for bucket, label in BUCKET_LABELS.items():
        figure.add_trace(
            go.Bar(
                x=starts,
                y=data.visible_by_bucket[bucket - 1],
                width=widths_ms,
                offset=0,
                name=label,
                marker={"color": BUCKET_COLOURS[bucket], "line": {"width": 0}},
                customdata=data.visible_count,
                hovertext=periods,
                hovertemplate=(
                    f"%{{hovertext}}<br>{label} priority: %{{y}} of %{{customdata}} visible "
                    "blocks<extra></extra>"
                ),
            )
        )
    figure.update_xaxes(title_text="Time (UTC)", type="date")
    figure.update_yaxes(title_text="Visible blocks", rangemode="tozero")
    return figure


def visibility_table(data: VisibilityHistogram) -> Table:
    by_bucket = data.visible_by_bucket.tolist()
    return Table(
        (
            Column("Bin start (UTC)", utc=True),
            Column("Bin end (UTC)", utc=True),
            Column("Bin start (MJD)", 5, grouped=False),
            Column("Bin end (MJD)", 5, grouped=False),
            Column("Visible blocks"),
            *(Column(label) for label in BUCKET_LABELS.values()),
        ),
        list(
            zip(
                mjd_to_iso(data.bin_start_mjd),
                mjd_to_iso(data.bin_end_mjd),
                data.bin_start_mjd.tolist(),
                data.bin_end_mjd.tolist(),
                data.visible_count.tolist(),
                *by_bucket,
                strict=True,
            )
        ),
    )
