from django.urls import path

from analytics.pages.altaz import AltAzPage
from analytics.pages.block import BlockLookup, BlockPage
from analytics.pages.compare import ComparePage
from analytics.pages.diagnostics import DiagnosticsPage
from analytics.pages.distributions import DistributionsPage
from analytics.pages.fragmentation import FragmentationPage
from analytics.pages.hourglass import HourglassPage
from analytics.pages.insights import InsightsPage, InsightsReport
from analytics.pages.lineage import LineagePage
from analytics.pages.overview import OverviewPage
from analytics.pages.sky_map import SkyMapPage
from analytics.pages.timeline import TimelinePage
from analytics.pages.trends import TrendsPage
from analytics.pages.visibility import VisibilityPage

app_name = "analytics"
urlpatterns = [
    path("", OverviewPage.as_view(), name="overview"),
    path("sky-map/", SkyMapPage.as_view(), name="sky-map"),
    path("blocks/", BlockLookup.as_view(), name="block-lookup"),
    path("blocks/<int:block_id>/", BlockPage.as_view(), name="block"),
    path("alt-az/", AltAzPage.as_view(), name="alt-az"),
    path("hourglass/", HourglassPage.as_view(), name="hourglass"),
    path("distributions/", DistributionsPage.as_view(), name="distributions"),
    path("visibility/", VisibilityPage.as_view(), name="visibility"),
    path("timeline/", TimelinePage.as_view(), name="timeline"),
    path("insights/", InsightsPage.as_view(), name="insights"),
    path(
        "insights/report.md",
        InsightsReport.as_view(extension="md"),
        name="insights-report-md",
    ),
    path(
        "insights/report.html",
        InsightsReport.as_view(extension="html"),
        name="insights-report-html",
    ),
    path("trends/", TrendsPage.as_view(), name="trends"),
    path("compare/", ComparePage.as_view(), name="compare"),
    path("fragmentation/", FragmentationPage.as_view(), name="fragmentation"),
    path("diagnostics/", DiagnosticsPage.as_view(), name="diagnostics"),
    path("lineage/", LineagePage.as_view(), name="lineage"),
]
