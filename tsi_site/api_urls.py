"""The REST API: version 1 under /api/v1/, its OpenAPI schema and Swagger UI (assets from our
static files; script split out for the CSP), and a JSON 404 for every other /api/ path."""

from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tsi_site.api.converters import DatabaseIdConverter
from tsi_site.api.errors import JsonErrorsMixin, unknown_endpoint
from tsi_site.api.health import HealthView
from tsi_site.api.index import ApiIndexView

register_converter(DatabaseIdConverter, "dbid")

app_name = "api"

v1 = [
    path("", ApiIndexView.as_view(), name="index"),
    path("health/", HealthView.as_view(), name="health"),
    path("", include("schedules.api.urls")),
    path("", include("analytics.api.urls")),
    path("", include("validation.api.urls")),
]


class SchemaView(JsonErrorsMixin, SpectacularAPIView):
    pass


class DocsView(JsonErrorsMixin, SpectacularSwaggerSplitView):
    pass


urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^", unknown_endpoint),
]
