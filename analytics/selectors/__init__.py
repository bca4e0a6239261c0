"""One function per page; pages and the API both call these, so they cannot disagree."""

from analytics.selectors.compare import CompareData, compare
from analytics.selectors.distributions import DistributionsData, distributions
from analytics.selectors.filters import BlockFilters
from analytics.selectors.insights import InsightsData, insights
from analytics.selectors.overview import ScheduleOverview, schedule_overview, schedule_summary
from analytics.selectors.sky_map import SkyMapData, SkyMapFilters, sky_map
from analytics.selectors.timeline import TimelineData, TimelineFilters, timeline
from analytics.selectors.trends import TrendsData, TrendsFilters, trends
from analytics.selectors.visibility import (
    VisibilityFilters,
    VisibilityHistogram,
    visibility_histogram,
)

__all__ = [
    "BlockFilters",
    "CompareData",
    "DistributionsData",
    "InsightsData",
    "ScheduleOverview",
    "SkyMapData",
    "SkyMapFilters",
    "TimelineData",
    "TimelineFilters",
    "TrendsData",
    "TrendsFilters",
    "VisibilityFilters",
    "VisibilityHistogram",
    "compare",
    "distributions",
    "insights",
    "schedule_overview",
    "schedule_summary",
    "sky_map",
    "timeline",
    "trends",
    "visibility_histogram",
]
