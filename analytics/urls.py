from django.urls import path

from analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("sky-map/", views.sky_map_view, name="sky-map"),
    path("distributions/", views.distributions_view, name="distributions"),
    path("visibility/", views.visibility_view, name="visibility"),
    path("timeline/", views.timeline_view, name="timeline"),
    path("insights/", views.insights_view, name="insights"),
    path(
        "insights/report.md",
        views.insights_report,
        {"extension": "md"},
        name="insights-report-md",
    ),
    path(
        "insights/report.html",
        views.insights_report,
        {"extension": "html"},
        name="insights-report-html",
    ),
    path("trends/", views.trends_view, name="trends"),
    path("compare/", views.compare_view, name="compare"),
]
