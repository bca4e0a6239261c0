"""The overview page: the schedule's headline summary, validation counts and versions."""

from __future__ import annotations

from analytics.selectors import schedule_overview
from tsi_site.web.pages import PageContent, ReportPage
from validation.selectors import validation_counts


class OverviewPage(ReportPage, page="overview"):
    def content(self, request, schedule, form) -> PageContent:
        data = schedule_overview(schedule)
        return PageContent(
            {
                "overview": data,
                "summary": data.summary,
                "validation": validation_counts(schedule),
            }
        )
