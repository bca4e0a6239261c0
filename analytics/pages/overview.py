"""The overview page: the schedule's headline summary, validation counts and versions."""

from __future__ import annotations

from analytics.forms import OverviewForm
from analytics.selectors import schedule_overview
from analytics.selectors.diagnostics import schedule_kpis
from analytics.selectors.environments import environment_place
from tsi_site.web.pages import PageContent, ReportPage
from validation.selectors import validation_counts


class OverviewPage(ReportPage, page="overview", form=OverviewForm):
    def content(self, request, schedule, form) -> PageContent:
        data = schedule_overview(schedule, form.filters())
        return PageContent(
            {
                "overview": data,
                "summary": data.summary,
                "headline": data.headline,
                "validation": validation_counts(schedule),
                "kpis": schedule_kpis(schedule, data.summary.kpi_comparison),
                "environment_place": environment_place(schedule),
            }
        )
