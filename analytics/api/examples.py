from drf_spectacular.utils import OpenApiExample

OVERVIEW = SKY_MAP = DISTRIBUTIONS = VISIBILITY_HISTOGRAM = TIMELINE = INSIGHTS = TRENDS = COMPARE = OpenApiExample("x", value={})
