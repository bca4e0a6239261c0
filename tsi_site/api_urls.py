"""The REST API (/api/v1/) and its OpenAPI schema and docs."""

urlpatterns: list = []
