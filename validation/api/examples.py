from drf_spectacular.utils import OpenApiExample

VALIDATION_REPORT = OpenApiExample("x", value={})
