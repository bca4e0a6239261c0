"""Routes of the page endpoints; included by ``tsi_site.api_urls`` in the ``api`` namespace."""

from django.urls import path

from analytics.api import diagnostics, environments, lineage, sky, views

SCHEDULE = "schedules/<dbid:schedule_id>/"
ENVIRONMENT = "environments/<dbid:environment_id>/"

urlpatterns = [
    path(
        "environments/",
        environments.EnvironmentViewSet.as_view({"get": "list"}),
        name="environment-list",
    ),
    path(
        ENVIRONMENT,
        environments.EnvironmentViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="environment-detail",
    ),
    path(f"{SCHEDULE}overview/", views.OverviewView.as_view(), name="schedule-overview"),
    path(f"{SCHEDULE}sky-map/", views.SkyMapView.as_view(), name="schedule-sky-map"),
    path(
        f"{SCHEDULE}distributions/",
        views.DistributionsView.as_view(),
        name="schedule-distributions",
    ),
    path(
        f"{SCHEDULE}visibility-histogram/",
        views.VisibilityHistogramView.as_view(),
        name="schedule-visibility-histogram",
    ),
    path(f"{SCHEDULE}timeline/", views.TimelineView.as_view(), name="schedule-timeline"),
    path(f"{SCHEDULE}hourglass/", sky.HourglassView.as_view(), name="schedule-hourglass"),
    path(f"{SCHEDULE}alt-az/", sky.AltAzView.as_view(), name="schedule-alt-az"),
    path(f"{SCHEDULE}insights/", views.InsightsView.as_view(), name="schedule-insights"),
    path(f"{SCHEDULE}trends/", views.TrendsView.as_view(), name="schedule-trends"),
    path(f"{SCHEDULE}compare/", views.MultiCompareView.as_view(), name="schedule-multi-compare"),
    path(
        f"{SCHEDULE}compare/<dbid:other_id>/",
        views.CompareView.as_view(),
        name="schedule-compare",
    ),
    path(
        f"{SCHEDULE}fragmentation/",
        diagnostics.FragmentationView.as_view(),
        name="schedule-fragmentation",
    ),
    path(
        f"{SCHEDULE}diagnostics/",
        diagnostics.DiagnosticsView.as_view(),
        name="schedule-diagnostics",
    ),
    path(f"{SCHEDULE}gate/", diagnostics.GateView.as_view(), name="schedule-gate"),
    path(f"{SCHEDULE}lineage/", lineage.LineageView.as_view(), name="schedule-lineage"),
    path(
        f"{SCHEDULE}blocks/<dbid:block_id>/history/",
        lineage.BlockHistoryView.as_view(),
        name="block-history",
    ),
]
