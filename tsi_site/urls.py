"""Top-level URL configuration: pages, the API under /api/, and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("schedules.urls")),
    path("schedules/<int:schedule_id>/", include("analytics.urls")),
    path("schedules/<int:schedule_id>/validation/", include("validation.urls")),
    path("api/", include("tsi_site.api_urls")),
    path("admin/", admin.site.urls),
]
